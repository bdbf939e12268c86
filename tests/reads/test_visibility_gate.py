"""Reads out: every query of reads and of the quarantine passes one gate (reads/visibility.py).

Retention (invariant 4) and the actor's camera scope (DUP §12.2) are applied there once, so every
path — the reads page, its count, the quarantine — hides the same rows.
"""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from plateward.core.audit import AuditEntry
from plateward.core.audit_models import canonical
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.errors import PermissionDenied
from plateward.core.permissions import Actor, ActorKind, Role
from plateward.reads import service as reads
from plateward.reads.rules import RawRow
from tests.conftest import native_read

PACKAGE = Path(__file__).resolve().parents[2] / "plateward"
GATE = PACKAGE / "reads" / "visibility.py"


def _admin(camera_scope: frozenset[str] | None = None) -> Actor:
    return Actor(
        kind=ActorKind.PERSON,
        id=None,
        username="admin",
        name="Test Admin",
        role=Role.ADMINISTRATOR,
        camera_scope=camera_scope,
    )


def _ingest(db: Database, *rows: dict[str, object]) -> reads.IngestReport:
    with db.unit_of_work() as uow:
        return reads.ingest(
            uow,
            Actor.system("tests"),
            [RawRow.of(f"row {n}", r) for n, r in enumerate(rows)],
            "api",
        )


def _plates(db: Database, actor: Actor) -> list[str]:
    with db.unit_of_work() as uow:
        return [v.plate for v in reads.latest_reads(uow, actor)]


def _everything_visible(db: Database, actor: Actor) -> dict[str, object]:
    """What each reads-out path shows ``actor``."""
    with db.unit_of_work() as uow:
        page = reads.monitor(uow, actor)
        return {
            "latest": [v.plate for v in reads.latest_reads(uow, actor)],
            "page": [v.plate for v in page.reads],
            "page_quarantine": [q.raw for q in page.quarantine or []],
            "quarantine": [q.raw for q in reads.quarantine(uow, actor)],
            "count": reads.count_reads(uow, actor),
        }


def test_an_expired_read_is_invisible_to_every_path(db: Database, clock: FrozenClock) -> None:
    _ingest(db, native_read(plate="7EXP101", minutes_ago=5))
    before = _everything_visible(db, _admin())
    assert before["latest"] == before["page"] == ["7EXP101"]
    assert before["count"] == 1

    # Invariant 4 — invisible from the moment the window ends, not at the next purge.
    clock.advance(timedelta(days=30) - timedelta(minutes=6))
    assert _plates(db, _admin()) == ["7EXP101"]
    clock.advance(timedelta(minutes=2))

    after = _everything_visible(db, _admin())
    assert after["latest"] == after["page"] == []
    assert after["count"] == 0


def test_an_expired_quarantined_row_is_invisible(db: Database, clock: FrozenClock) -> None:
    _ingest(db, native_read(camera="NO-SUCH-CAM", plate="7QEX101"))
    shown = _everything_visible(db, _admin())
    assert any("7QEX101" in raw for raw in shown["quarantine"])  # type: ignore[attr-defined]
    assert shown["page_quarantine"] == shown["quarantine"]

    # A quarantined row holds a raw plate: it expires with the window after it was received.
    clock.advance(timedelta(days=30, seconds=1))

    expired = _everything_visible(db, _admin())
    assert expired["quarantine"] == []
    assert expired["page_quarantine"] == []


def test_a_scoped_class_member_sees_only_their_cameras(db: Database) -> None:
    _ingest(
        db,
        native_read(camera="SJ-FX-001", plate="7SCP001", minutes_ago=2),
        native_read(camera="SJ-FX-002", plate="7SCP002", minutes_ago=1),
    )
    scoped = _admin(frozenset({"SJ-FX-002"}))

    assert _plates(db, scoped) == ["7SCP002"]
    assert _plates(db, _admin()) == ["7SCP002", "7SCP001"]
    with db.unit_of_work() as uow:
        assert reads.count_reads(uow, scoped) == 1
        assert [v.plate for v in reads.monitor(uow, scoped).reads] == ["7SCP002"]


def test_a_scope_naming_no_registered_camera_sees_nothing(db: Database) -> None:
    _ingest(db, native_read(camera="SJ-FX-001", plate="7SCP003"))
    nowhere = _admin(frozenset({"NOT-A-CAMERA"}))

    assert _plates(db, nowhere) == []
    with db.unit_of_work() as uow:
        assert reads.count_reads(uow, nowhere) == 0


def test_a_scoped_class_member_is_refused_the_quarantine_and_it_is_audited(
    db: Database,
) -> None:
    _ingest(db, native_read(camera="NO-SUCH-CAM", plate="7QSC001"))
    scoped = _admin(frozenset({"SJ-FX-001"}))

    with db.unit_of_work() as uow, pytest.raises(PermissionDenied, match="limited"):
        reads.quarantine(uow, scoped)

    with db.unit_of_work() as uow:
        refusal = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "access.refused")
        ).one()
    assert refusal.actor_username == "admin"
    assert "quarantine" in canonical(refusal.details)


def test_the_reads_page_leaves_the_quarantine_out_for_a_scoped_member(db: Database) -> None:
    _ingest(db, native_read(camera="NO-SUCH-CAM", plate="7QSC002"))
    with db.unit_of_work() as uow:
        page = reads.monitor(uow, _admin(frozenset({"SJ-FX-001"})))
        everyone = reads.monitor(uow, _admin())

    assert page.quarantine is None
    assert everyone.quarantine is not None
    assert len(everyone.quarantine) == 1
    with db.unit_of_work() as uow:
        actions = uow.session.scalars(select(AuditEntry.action)).all()
    # A part of the page some may see is not an attempt: nothing was refused.
    assert "access.refused" not in actions


# --- the gate is the only door ---------------------------------------------------------------

_QUERY_CALLS = {"select", "select_from", "query", "join", "outerjoin", "from_statement"}
_GUARDED_MODELS = {"Read", "QuarantinedRow"}
_RAW_SQL = re.compile(r"\b(FROM|JOIN)\s+(reads|quarantined_rows)\b", re.IGNORECASE)
# Writing is not reading: storage streams reads in (COPY, INSERT … SELECT from its own temp
# table); migrations create the tables.
_RAW_SQL_ALLOWED = {GATE, PACKAGE / "reads" / "storage.py"}


def _queries_naming_guarded_models(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in _QUERY_CALLS:
            continue
        for arg in ast.walk(node):
            named = arg.id if isinstance(arg, ast.Name) else None
            if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name):
                named = arg.value.id  # Read.id, QuarantinedRow.raw
            if named in _GUARDED_MODELS:
                lines.append(node.lineno)
                break
    return lines


def test_the_gate_is_the_only_place_reads_are_queried() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == GATE or "migrations" in path.parts:
            continue
        source = path.read_text()
        relative = path.relative_to(PACKAGE.parent)
        offenders += [f"{relative}:{n}" for n in _queries_naming_guarded_models(ast.parse(source))]
        if path not in _RAW_SQL_ALLOWED:
            for match in _RAW_SQL.finditer(source):
                offenders.append(f"{relative}:{source.count(chr(10), 0, match.start()) + 1}")
    assert offenders == [], "query reads through reads/visibility.py: " + ", ".join(offenders)


def test_the_door_check_sees_a_query_outside_the_gate() -> None:
    # The check above must be able to fail: a query of the kind it forbids is caught.
    caught = _queries_naming_guarded_models(
        ast.parse("rows = session.scalars(select(Read).where(Read.plate == p))")
    )
    counted = _queries_naming_guarded_models(
        ast.parse("n = select(func.count()).select_from(QuarantinedRow)")
    )
    assert caught == [1]
    assert counted == [1]
    assert _RAW_SQL.search('text("SELECT plate FROM reads WHERE id = :id")')

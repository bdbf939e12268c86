"""Migration 0003: a trail written before it (text columns) still verifies after it, and back.

The structured fields became JSON (JSONB on PostgreSQL) and the hash stayed over the same
canonical text, so no entry's hash changes. Entries are written here as revision 0002 wrote them.

Migration 0011a: the records 0003 indexed in audit_entry_records are still found by "who saw
record X" once that table is gone (answered from the entries' result ids).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, Text, select, text
from sqlalchemy.orm import Session

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent
from plateward.core.audit_models import GENESIS_HASH, canonical, entry_hash
from plateward.core.clock import FrozenClock
from plateward.core.database import Database, UTCDateTime, make_engine
from plateward.core.migrate import downgrade, upgrade
from plateward.core.permissions import Actor, ActorKind, Role
from plateward.oversight import service as oversight
from tests.conftest import NOW, make_settings

AUDITOR = Actor(kind=ActorKind.PERSON, id=None, username="ia", name="I. Auditor", role=Role.AUDITOR)
# What 0003 indexed for the entries below: (entry, kind, record id).
_INDEXED_BY_0003 = [
    (1, "read", "read-1"),
    (1, "read", "read-2"),
    (3, "audit_entry", "40"),
    (3, "audit_entry", "41"),
]

# The audit table as revision 0002 left it: the structured fields are canonical JSON text.
_OLD = Table(
    "audit_entries",
    MetaData(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime()),
    *(Column(name, String) for name in ("actor_kind", "actor_username", "actor_name")),
    *(Column(name, String) for name in ("actor_role", "action", "outcome")),
    Column("actor_id", Integer),
    Column("result_count", Integer),
    *(Column(name, Text) for name in ("query_terms", "purpose", "result_ids", "details")),
    Column("prev_hash", String),
    Column("hash", String),
)
_NULL_FIELDS = ("actor_badge", "actor_unit", "actor_agency", "client_address", "reason")
# Values whose canonical text must survive a trip through JSON/JSONB unchanged.
_OLD_EVENTS: list[dict[str, Any]] = [
    {
        "action": "reads.monitored",
        "query_terms": {
            "plate": "7ABC123",
            "note": "José — ünïcode",
            "nested": {"b": [1, 2.5, None], "a": True},
        },
        "purpose": {
            "category": "investigation",
            "case_number": "26-004417",
            "crime_type": "robbery",
        },
        "result_ids": ["read-1", "read-2", "read-1"],
        "details": {"small": 1e-07, "big": 2**60, "empty": {}},
    },
    {
        "action": "login.failed",
        "query_terms": {},
        "purpose": None,
        "result_ids": [],
        "details": {"why": "wrong code"},
    },
    {
        "action": "audit.searched",
        "query_terms": {"person": "jdoe", "page": 1},
        "purpose": {"free": "text, no case number"},
        "result_ids": ["41", "40"],
        "details": {},
    },
]


def _write_as_0002(engine: Engine) -> None:
    """Append entries exactly as revision 0002's ``audit.record`` stored and hashed them."""
    prev = GENESIS_HASH
    with engine.begin() as conn:
        for seq, event in enumerate(_OLD_EVENTS, start=1):
            at = NOW + timedelta(seconds=seq)
            stored = {
                "query_terms": canonical(event["query_terms"]),
                "purpose": None if event["purpose"] is None else canonical(event["purpose"]),
                "result_ids": canonical(event["result_ids"]),
                "details": canonical(event["details"]),
            }
            row = {
                "seq": seq,
                "actor_kind": "person",
                "actor_id": 7,
                "actor_username": "jdoe",
                "actor_name": "Jane Doe",
                "actor_role": "investigator",
                "action": event["action"],
                "outcome": "allowed",
                "result_count": len(event["result_ids"]),
                **stored,
            }
            fields = {
                **row,
                **dict.fromkeys(_NULL_FIELDS),
                "at": at.isoformat(timespec="microseconds"),
            }
            digest = entry_hash(fields, prev)
            conn.execute(_OLD.insert(), {**row, "at": at, "prev_hash": prev, "hash": digest})
            prev = digest


def _assert_upgraded_trail_verifies(engine: Engine) -> None:
    with Session(engine) as session:
        status = audit.verify_chain(session)
        assert status.ok, status.problem
        assert status.entries == len(_OLD_EVENTS)
        first = session.get(AuditEntry, 1)
        assert first is not None
        assert first.query_terms["note"] == "José — ünïcode"
        assert first.case_number == "26-004417"
        assert session.get(AuditEntry, 3).case_number is None  # type: ignore[union-attr]


def _assert_indexed_by_0003(engine: Engine) -> None:
    with engine.connect() as conn:
        records = conn.execute(
            text("SELECT entry_seq, record_kind, record_id FROM audit_entry_records")
        ).all()
    assert sorted(tuple(r) for r in records) == _INDEXED_BY_0003


def _assert_still_answered(engine: Engine, tmp_path: Path) -> None:
    """Each record 0003 indexed is found by who_saw, with its kind and without."""
    url = engine.url.render_as_string(hide_password=False)
    db = Database.from_settings(make_settings(tmp_path, url), FrozenClock(NOW))
    try:
        for seq, kind, record_id in _INDEXED_BY_0003:
            with db.unit_of_work() as uow:
                typed = oversight.who_saw(uow, AUDITOR, kind, record_id)
                kindless = oversight.who_saw(uow, AUDITOR, "", record_id)
            assert seq in [row.seq for row in typed.rows]
            assert seq in [row.seq for row in kindless.rows]
        with db.unit_of_work() as uow:
            assert oversight.who_saw(uow, AUDITOR, "audit_entry", "read-1").rows == ()
    finally:
        db.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'trail.db'}")
    yield engine
    engine.dispose()


def test_a_sqlite_trail_written_before_0003_verifies_after_it(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    upgrade(sqlite_engine, "0002")
    _write_as_0002(sqlite_engine)

    upgrade(sqlite_engine, "0010")
    _assert_indexed_by_0003(sqlite_engine)
    upgrade(sqlite_engine)

    _assert_upgraded_trail_verifies(sqlite_engine)
    _assert_still_answered(sqlite_engine, tmp_path)


def test_a_postgresql_trail_written_before_0003_verifies_after_it(
    fresh_postgresql: Engine, tmp_path: Path
) -> None:
    downgrade(fresh_postgresql, "0002")
    _write_as_0002(fresh_postgresql)

    upgrade(fresh_postgresql, "0010")
    _assert_indexed_by_0003(fresh_postgresql)
    upgrade(fresh_postgresql)

    _assert_upgraded_trail_verifies(fresh_postgresql)
    _assert_still_answered(fresh_postgresql, tmp_path)
    with fresh_postgresql.connect() as conn:
        kind = conn.execute(
            text(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'audit_entries' AND column_name = 'query_terms' "
                "AND table_schema = current_schema()"
            )
        ).scalar_one()
    assert kind == "jsonb"


def test_a_postgresql_trail_survives_downgrade_and_upgrade(
    fresh_postgresql: Engine, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, fresh_postgresql.url.render_as_string(hide_password=False))
    db = Database.from_settings(settings, FrozenClock(datetime(2026, 11, 24, tzinfo=UTC)))
    try:
        with db.unit_of_work() as uow:
            for n in range(3):
                event = AuditEvent(
                    AuditAction.READS_MONITORED,
                    query_terms={"plate": f"7ABC12{n}", "name": "Zoë", "n": n / 3},
                    result_ids=(f"read-{n}",),
                )
                audit.record(uow, Actor.system("tests"), event)
            uow.commit()
    finally:
        db.dispose()

    downgrade(fresh_postgresql, "0002")
    with fresh_postgresql.connect() as conn:
        rows = conn.execute(select(_OLD)).mappings().all()
    prev = GENESIS_HASH
    for row in rows:  # at 0002 each text column is again the canonical text the hash covers
        fields = {k: v for k, v in row.items() if k not in {"prev_hash", "hash"}}
        fields.update(dict.fromkeys(_NULL_FIELDS))
        with fresh_postgresql.connect() as conn:
            extra = (
                conn.execute(
                    text(f"SELECT {', '.join(_NULL_FIELDS)} FROM audit_entries WHERE seq = :s"),  # noqa: S608
                    {"s": row["seq"]},
                )
                .mappings()
                .one()
            )
        fields.update(extra)
        fields["at"] = row["at"].isoformat(timespec="microseconds")
        assert entry_hash(fields, prev) == row["hash"]
        prev = row["hash"]

    upgrade(fresh_postgresql)

    with Session(fresh_postgresql) as session:
        status = audit.verify_chain(session)
    assert status.ok, status.problem

"""DUP §9 — the trail records what each access returned; an auditor asks who saw a given read."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent
from plateward.core.database import Database
from plateward.core.errors import InvalidInput, PermissionDenied
from plateward.core.permissions import Actor, ActorKind, Role
from plateward.oversight import service as oversight
from tests.conftest import Backend, sign_in

READ_X = "0b5e7c1a-0000-4000-8000-00000000000a"
READ_Y = "0b5e7c1a-0000-4000-8000-00000000000b"
JANE = Actor(
    kind=ActorKind.PERSON, id=None, username="jdoe", name="Jane Doe", role=Role.INVESTIGATOR
)
RICHARD = Actor(
    kind=ActorKind.PERSON, id=None, username="rroe", name="Richard Roe", role=Role.OFFICER
)
AUDITOR = Actor(kind=ActorKind.PERSON, id=None, username="ia", name="I. Auditor", role=Role.AUDITOR)
_SHOWN = re.compile(r'<tr id="entry-(\d+)">')


def _saw(db: Database, actor: Actor, *read_ids: str) -> int:
    with db.unit_of_work() as uow:
        seq = audit.record(
            uow, actor, AuditEvent(AuditAction.READS_MONITORED, result_ids=read_ids)
        ).seq
        uow.commit()
    return seq


def test_who_saw_names_every_access_that_returned_the_read(db: Database) -> None:
    first = _saw(db, JANE, READ_X, READ_Y)
    _saw(db, RICHARD, READ_Y)
    second = _saw(db, RICHARD, READ_X)

    with db.unit_of_work() as uow:
        page = oversight.who_saw(uow, AUDITOR, "read", READ_X)

    assert [r.seq for r in page.rows] == [second, first]
    assert [r.actor_username for r in page.rows] == ["rroe", "jdoe"]


def test_who_saw_distinguishes_the_kind_of_record(db: Database) -> None:
    _saw(db, JANE, "41")  # read "41", not audit entry 41
    with db.unit_of_work() as uow:
        page = oversight.who_saw(uow, AUDITOR, "audit_entry", "41")
    assert all(r.actor_username != "jdoe" for r in page.rows)


def test_asking_who_saw_is_itself_audited(db: Database) -> None:
    _saw(db, JANE, READ_X)
    with db.unit_of_work() as uow:
        page = oversight.who_saw(uow, AUDITOR, "read", READ_X)
        searched = audit.stream(uow.session, after=page.rows[0].seq)
        (entry,) = [e for e in searched if e.action == AuditAction.AUDIT_SEARCHED]
    assert entry.query_terms == {"record_id": READ_X, "record_kind": "read", "page": 1}
    assert entry.actor_username == "ia"


def test_who_saw_needs_a_record_id_and_a_known_kind(db: Database) -> None:
    with db.unit_of_work() as uow:
        with pytest.raises(InvalidInput, match="record id is required"):
            oversight.who_saw(uow, AUDITOR, "read", " ")
        with pytest.raises(InvalidInput, match="unknown record_kind"):
            oversight.who_saw(uow, AUDITOR, "plates", READ_X)


def test_an_officer_cannot_ask_who_saw_a_read(db: Database) -> None:
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        oversight.who_saw(uow, RICHARD, "read", READ_X)


def test_the_auditor_follows_a_result_id_to_who_else_saw_it(
    client: TestClient, backend: Backend, db: Database
) -> None:
    first = _saw(db, JANE, READ_X)
    _saw(db, RICHARD, READ_Y)
    second = _saw(db, RICHARD, READ_X)
    sign_in(client, backend, "auditor")

    entry = client.get(f"/audit/entries/{first}")
    link = re.search(r'<a class="who-saw" href="([^"]+)"', entry.text)
    assert link is not None
    trail = client.get(html.unescape(link.group(1)))

    assert trail.status_code == 200
    assert [int(s) for s in _SHOWN.findall(trail.text)] == [second, first]
    assert f'value="{READ_X}"' in trail.text


def test_the_who_saw_link_of_an_action_without_a_typed_kind_is_accepted(
    client: TestClient, backend: Backend, db: Database
) -> None:
    # camera.registered has no typed kind: its ids are named by its subject ("camera").
    with db.unit_of_work() as uow:
        released = audit.record(
            uow, JANE, AuditEvent(AuditAction.CAMERA_REGISTERED, result_ids=("7",))
        ).seq
        uow.commit()
    sign_in(client, backend, "auditor")

    entry = client.get(f"/audit/entries/{released}")
    link = re.search(r'<a class="who-saw" href="([^"]+)"', entry.text)
    assert link is not None
    trail = client.get(html.unescape(link.group(1)))

    assert trail.status_code == 200, trail.text
    assert released in [int(s) for s in _SHOWN.findall(trail.text)]


def test_releasing_a_quarantined_row_counts_as_seeing_it(db: Database) -> None:
    with db.unit_of_work() as uow:
        released = audit.record(
            uow, JANE, AuditEvent(AuditAction.QUARANTINE_RELEASED, result_ids=("7",))
        ).seq
        uow.commit()
    with db.unit_of_work() as uow:
        page = oversight.who_saw(uow, AUDITOR, "quarantined_row", "7")
    assert released in [row.seq for row in page.rows]


def test_who_saw_is_answered_by_the_result_ids_index_on_postgresql(
    db: Database, backend: Backend
) -> None:
    if backend.name != "postgresql":
        pytest.skip("SQLite reads the result ids without an index")
    _saw(db, JANE, READ_X)
    with db.unit_of_work() as uow:
        uow.session.execute(text("SET LOCAL enable_seqscan = off"))
        query = select(AuditEntry.seq).where(oversight.returned_record(uow, "read", READ_X))
        sql = query.compile(uow.session.get_bind(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(uow.session.execute(text(f"EXPLAIN {sql}")).scalars())
    assert "ix_audit_entries_result_ids" in plan

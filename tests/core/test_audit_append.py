"""How entries join the chain: at the commit, under the append lock, hashed as ``entry_hash`` says.

Entries wait in the transaction and are appended in one round trip when it commits (on PostgreSQL
the database chains them: ``audit_append``, migration 0011), so the append lock is held from then
to the commit only. Whatever chains them, verification recomputes the same hash.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from plateward.accounts.models import User
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent, Outcome
from plateward.core.audit_models import HASHED_FIELDS, entry_hash, hashed_text
from plateward.core.clock import SystemClock
from plateward.core.database import Database, UnitOfWork
from plateward.core.permissions import Actor, ActorKind, Role
from tests.conftest import PG_URL, make_settings

APPEND_LOCK = 0x504C4154  # "PLAT", pg_advisory_xact_lock's key (migration 0002)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(
    fields=st.fixed_dictionaries(
        {name: st.none() | st.integers() | st.text() for name in HASHED_FIELDS if name != "seq"}
    ),
    details=_json,
    prev=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    seq=st.integers(min_value=1, max_value=2**31 - 1),
)
def test_the_hashed_text_in_two_parts_is_the_defined_hash(
    fields: dict[str, Any], details: Any, prev: str, seq: int
) -> None:
    from plateward.core.audit_models import canonical

    fields["details"] = canonical(details)

    assert hashed_text(fields).hash(prev, seq) == entry_hash({**fields, "seq": seq}, prev)


AWKWARD = AuditEvent(
    AuditAction.READS_MONITORED,
    Outcome.DENIED,
    reason='quote " backslash \\ tab\t line\u2028 NUL\x00 end',
    query_terms={
        "plate": "7ABC123",
        "prev_hash": "",
        "seq": 0,
        "nested": {"b": [1, 2.5, None, 1e-07, 2**60], "a": True, 3: "int key"},
        "é": "José — ünïcode 🚓",
        "nul\x00key": "nul\x00value",
    },
    result_count=3,
    result_ids=("read-1", 'read-"2"', "read-\\3"),
    details={"}": "{", '","seq":': 1, "empty": {}, "list": ()},
)


def test_entries_with_awkward_content_verify(db: Database) -> None:
    actor = Actor(
        kind=ActorKind.PERSON,
        id=7,
        username="j\x00doe",
        name='Zoë "Z" O\'Brien',
        role=Role.INVESTIGATOR,
        badge="12\t34",
        unit=None,
        agency_name="San José Police Department",
        client_address="::1",
    )
    with db.unit_of_work() as uow:
        entry = audit.record(uow, actor, AWKWARD)
        audit.record(uow, actor, AuditEvent(AuditAction.LOGOUT))
        uow.commit()

    with db.unit_of_work() as uow:
        stored = uow.session.get(AuditEntry, entry.seq)
        status = audit.verify_chain(uow.session)
    assert status.ok, status.problem
    assert stored is not None
    assert stored.hash == entry.hash
    assert stored.query_terms == entry.query_terms
    assert stored.query_terms["nested"]["3"] == "int key"
    assert stored.query_terms["nul\\x00key"] == "nul\\x00value"
    assert stored.result_ids == ["read-1", 'read-"2"', "read-\\3"]
    assert stored.reason == entry.reason


def test_a_query_of_the_trail_sees_the_transactions_own_entries(
    db: Database, operator: Actor
) -> None:
    with db.unit_of_work() as uow:
        before = uow.session.scalar(select(func.count()).select_from(AuditEntry))
        audit.record(uow, operator, AuditEvent(AuditAction.READS_MONITORED))
        after = uow.session.scalar(select(func.count()).select_from(AuditEntry))
    assert after == (before or 0) + 1


def test_a_rolled_back_entry_is_never_appended(db: Database, operator: Actor) -> None:
    with db.unit_of_work() as uow:
        head = uow.session.scalar(select(func.max(AuditEntry.seq))) or 0
    with db.unit_of_work() as uow:
        entry = audit.record(uow, operator, AuditEvent(AuditAction.READS_MONITORED))
        uow.session.rollback()
    with db.unit_of_work() as uow:
        assert (uow.session.scalar(select(func.max(AuditEntry.seq))) or 0) == head
    with pytest.raises(RuntimeError, match="rolled back"):
        _ = entry.seq


def test_the_append_lock_is_taken_at_the_commit_not_at_record(
    fresh_postgresql: Engine, tmp_path: Path
) -> None:
    db = Database(
        fresh_postgresql,
        make_settings(tmp_path, PG_URL),
        SystemClock(),
        sessionmaker(fresh_postgresql, expire_on_commit=False),
    )

    def holds_the_lock(uow: UnitOfWork) -> bool:
        # Straight on the connection: a query through the session would append the entries.
        held = uow.session.connection().exec_driver_sql(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND pid = pg_backend_pid() AND classid = 0 AND objid = %(key)s",
            {"key": APPEND_LOCK},
        )
        return bool(held.scalar())

    with db.unit_of_work() as uow:
        entry = audit.record(uow, Actor.system("tests"), AuditEvent(AuditAction.LOGOUT))
        uow.session.scalars(select(User.id)).all()  # the use case's other work
        assert not holds_the_lock(uow)
        assert entry.seq >= 1  # asking its number appends it now, under the lock
        assert holds_the_lock(uow)
        uow.commit()
    with db.unit_of_work() as uow:
        assert audit.verify_chain(uow.session).ok

"""DUP §9 — each entry records the purpose of the access as a structure, and its case number is
indexed; the index cannot drift from the hashed purpose unnoticed."""

from __future__ import annotations

from sqlalchemy import text

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent, verify_chain
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.core.purpose import Purpose, PurposeCategory

AMBER = Purpose(
    PurposeCategory.MISSING_PERSON,
    crime_type="child abduction",
    case_number="26-AMBER-07",
    justification="Amber Alert issued for the vehicle",
)


def _record(db: Database, actor: Actor, event: AuditEvent) -> int:
    with db.unit_of_work() as uow:
        seq = audit.record(uow, actor, event).seq
        uow.commit()
    return seq


def test_the_entry_stores_the_purpose_as_a_structure(db: Database, operator: Actor) -> None:
    seq = _record(db, operator, AuditEvent(AuditAction.READS_MONITORED, purpose=AMBER))

    with db.unit_of_work() as uow:
        entry = uow.session.get(AuditEntry, seq)
        assert entry is not None
        assert entry.purpose == {
            "category": "missing_person",
            "crime_type": "child abduction",
            "case_number": "26-AMBER-07",
            "justification": "Amber Alert issued for the vehicle",
        }
        assert Purpose.from_record(entry.purpose) == AMBER
        assert entry.case_number == "26-AMBER-07"
        assert verify_chain(uow.session).ok


def test_an_entry_without_purpose_has_no_case_number(db: Database, operator: Actor) -> None:
    seq = _record(db, operator, AuditEvent(AuditAction.LOGIN_FAILED))

    with db.unit_of_work() as uow:
        entry = uow.session.get(AuditEntry, seq)
        assert entry is not None
        assert (entry.purpose, entry.case_number) == (None, None)


def test_a_case_number_edited_in_the_index_breaks_the_verification(
    db: Database, operator: Actor
) -> None:
    seq = _record(db, operator, AuditEvent(AuditAction.READS_MONITORED, purpose=AMBER))
    # An attacker with direct database access hides the access from a case-number search.
    if db.dialect == "postgresql":
        db.engine.execute(text("SET LOCAL session_replication_role = replica"))  # type: ignore[union-attr]
    else:
        db.engine.execute(text("DROP TRIGGER audit_entries_no_update"))  # type: ignore[union-attr]
    db.engine.execute(  # type: ignore[union-attr]
        text("UPDATE audit_entries SET case_number = '26-OTHER' WHERE seq = :s"), {"s": seq}
    )

    with db.unit_of_work() as uow:
        status = verify_chain(uow.session)
    assert not status.ok
    assert status.first_bad_seq == seq
    assert status.problem == "the indexed case number differs from the entry's purpose"


def test_nul_in_query_terms_is_stored_as_a_visible_escape(db: Database, operator: Actor) -> None:
    seq = _record(
        db, operator, AuditEvent(AuditAction.AUDIT_SEARCHED, query_terms={"person": "jane\x00"})
    )

    with db.unit_of_work() as uow:
        entry = uow.session.get(AuditEntry, seq)
        assert entry is not None
        assert entry.query_terms == {"person": "jane\\x00"}
        assert verify_chain(uow.session).ok

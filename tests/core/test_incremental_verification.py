"""The auditor's page checks the newest signed checkpoint and the entries after it; everything
before it is the full verification's (``plateward audit verify``). docs/audit.md says which
check covers what."""

from __future__ import annotations

from sqlalchemy import text

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, ChainStatus
from plateward.core.checkpoints import (
    public_key_hex,
    verify_since_checkpoint,
    verify_trail,
    write_checkpoint,
)
from plateward.core.database import Database
from plateward.core.permissions import Actor, ActorKind, Role
from plateward.oversight import service as oversight

AUDITOR = Actor(kind=ActorKind.PERSON, id=None, username="ia", name="I. Auditor", role=Role.AUDITOR)


def _append(db: Database, actor: Actor, count: int) -> int:
    with db.unit_of_work() as uow:
        for n in range(count):
            last = audit.record(
                uow, actor, AuditEvent(AuditAction.READS_MONITORED, query_terms={"n": n})
            )
        uow.commit()
    return last.seq


def _checkpoint(db: Database) -> int:
    with db.unit_of_work() as uow:
        checkpoint = write_checkpoint(uow, db.settings.audit_signing_key)
        uow.commit()
    return checkpoint.last_seq


def _edit(db: Database, seq: int) -> None:
    """An attacker with direct database access edits one entry's terms."""
    if db.dialect == "postgresql":
        db.engine.execute(text("SET LOCAL session_replication_role = replica"))  # type: ignore[union-attr]
    else:
        db.engine.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_update"))  # type: ignore[union-attr]
    db.engine.execute(  # type: ignore[union-attr]
        text('UPDATE audit_entries SET query_terms = \'{"n":"edited"}\' WHERE seq = :s'), {"s": seq}
    )


def _incremental(db: Database) -> ChainStatus:
    with db.unit_of_work() as uow:
        return verify_since_checkpoint(uow.session, public_key_hex(db.settings.audit_signing_key))


def _full(db: Database) -> ChainStatus:
    with db.unit_of_work() as uow:
        return verify_trail(uow.session, public_key_hex(db.settings.audit_signing_key))


def test_the_incremental_check_passes_an_intact_trail(db: Database, operator: Actor) -> None:
    _append(db, operator, 3)
    covered = _checkpoint(db)
    head = _append(db, operator, 4)

    status = _incremental(db)

    assert status.ok, status.problem
    assert status.entries == head
    assert covered < head


def test_tampering_after_the_last_checkpoint_is_caught_by_the_page(
    db: Database, operator: Actor
) -> None:
    _append(db, operator, 3)
    _checkpoint(db)
    edited = _append(db, operator, 4) - 1

    _edit(db, edited)

    with db.unit_of_work() as uow:
        report = oversight.chain_status(uow, AUDITOR)
    assert not report.ok
    assert report.first_bad_seq == edited
    assert report.problem == "entry content does not match its hash"


def test_tampering_before_the_last_checkpoint_is_caught_by_the_full_verify(
    db: Database, operator: Actor
) -> None:
    edited = _append(db, operator, 3) - 1
    _checkpoint(db)
    _append(db, operator, 2)

    _edit(db, edited)

    assert _incremental(db).ok  # not the page's to see: it starts at the checkpoint
    full = _full(db)
    assert not full.ok
    assert full.first_bad_seq == edited


def test_the_entry_a_checkpoint_names_must_still_match_it(db: Database, operator: Actor) -> None:
    _append(db, operator, 3)
    covered = _checkpoint(db)

    _edit(db, covered)
    # Recompute the edited entry's hash as a careful attacker would: the checkpoint disagrees.
    db.engine.execute(  # type: ignore[union-attr]
        text("UPDATE audit_entries SET hash = :h WHERE seq = :s"), {"h": "f" * 64, "s": covered}
    )

    status = _incremental(db)
    assert not status.ok
    assert status.first_bad_seq == covered
    assert status.problem is not None
    assert "differs from the signed checkpoint" in status.problem


def test_a_removed_newest_checkpoint_is_caught_by_the_page(db: Database, operator: Actor) -> None:
    _append(db, operator, 2)
    _checkpoint(db)
    _append(db, operator, 2)
    _checkpoint(db)
    _append(db, operator, 1)
    if db.dialect == "postgresql":
        db.engine.execute(text("SET LOCAL session_replication_role = replica"))  # type: ignore[union-attr]
    else:
        db.engine.execute(text("DROP TRIGGER audit_checkpoints_no_delete"))  # type: ignore[union-attr]
    db.engine.execute(  # type: ignore[union-attr]
        text("DELETE FROM audit_checkpoints WHERE id = (SELECT max(id) FROM audit_checkpoints)")
    )

    status = _incremental(db)

    assert not status.ok
    assert status.problem is not None
    assert "was removed or altered" in status.problem

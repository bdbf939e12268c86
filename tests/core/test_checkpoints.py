"""Signed checkpoints catch what the hash chain alone cannot: a cut-off tail, a rewritten chain.

DUP §9 — audit trails are kept at least two years. A checkpoint signs the chain's head with an
Ed25519 key kept outside the database, so someone who can write to the database can neither drop
the newest entries nor rewrite the trail with fresh hashes unnoticed.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from plateward.cli import app
from plateward.core import audit
from plateward.core.audit import (
    CHECKPOINT_EVERY,
    AuditAction,
    AuditCheckpoint,
    AuditEntry,
    AuditEvent,
    ChainStatus,
    entry_hash,
    verify_chain,
)
from plateward.core.audit_models import hashed_fields
from plateward.core.checkpoints import Checkpoint, public_key_hex, verify_trail, write_checkpoint
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.core.settings import Settings
from tests.conftest import run_cli


def _append(db: Database, actor: Actor, count: int) -> int:
    with db.unit_of_work() as uow:
        for n in range(count):
            event = AuditEvent(AuditAction.READS_MONITORED, query_terms={"n": n}, result_count=n)
            last = audit.record(uow, actor, event)
        uow.commit()
    return last.seq  # final once written (the commit), when it was chained under the lock


def _checkpoint(db: Database, key: bytes | None = None) -> Checkpoint:
    with db.unit_of_work() as uow:
        checkpoint = write_checkpoint(uow, key or db.settings.audit_signing_key)
        uow.commit()
    return checkpoint


def _verify(db: Database) -> ChainStatus:
    with db.unit_of_work() as uow:
        return verify_trail(uow.session, public_key_hex(db.settings.audit_signing_key))


def _plain_walk(db: Database) -> ChainStatus:
    with db.unit_of_work() as uow:
        return verify_chain(uow.session)


def _assert_detected(db: Database, first_bad_seq: int, problem: str) -> None:
    """Verifying the trail fails at entry ``first_bad_seq``, saying ``problem``."""
    status = _verify(db)
    assert not status.ok
    assert status.first_bad_seq == first_bad_seq
    assert status.problem is not None
    assert problem in status.problem


def _bypass_guards(db: Database) -> None:
    """Play an attacker with direct database access who disables the append-only guard."""
    if db.dialect == "postgresql":
        db.engine.execute(text("SET LOCAL session_replication_role = replica"))  # type: ignore[union-attr]
    else:
        for trigger in (
            "audit_entries_no_update", "audit_entries_no_delete",
            "audit_checkpoints_no_update", "audit_checkpoints_no_delete",
        ):  # fmt: skip
            db.engine.execute(text(f"DROP TRIGGER {trigger}"))  # type: ignore[union-attr]


def test_a_checkpoint_verifies(db: Database, operator: Actor) -> None:
    head = _append(db, operator, 5)

    checkpoint = _checkpoint(db)
    _append(db, operator, 3)

    assert checkpoint.last_seq == head
    assert len(checkpoint.public_key) == 64
    assert len(checkpoint.signature) == 128
    status = _verify(db)
    assert status.ok, status.problem
    assert status.checkpoints == 1
    (written,) = _written(db)
    assert written.seq == head + 1  # the checkpoint covers the entries before its own


def _written(db: Database) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == AuditAction.AUDIT_CHECKPOINT_WRITTEN)
            )
        )


def test_removing_the_newest_entries_is_detected_by_the_checkpoint(
    db: Database, operator: Actor
) -> None:
    head = _append(db, operator, 5)
    _checkpoint(db)
    _bypass_guards(db)

    db.engine.execute(text("DELETE FROM audit_entries WHERE seq > :s"), {"s": head - 2})  # type: ignore[union-attr]

    assert _plain_walk(db).ok  # the chain that is left still links...
    # ...but the signed checkpoint names an entry that is gone
    _assert_detected(db, head - 1, f"entries after {head - 2} were removed")


def _rewrite_from(db: Database, first: int) -> None:
    """Edit entry ``first`` and recompute every later hash, as a careful attacker would."""
    with db.unit_of_work() as uow:
        entries = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.seq >= first).order_by(AuditEntry.seq)
        ).all()
        prev = entries[0].prev_hash
        for entry in entries:
            fields = hashed_fields(entry)
            if entry.seq == first:
                fields["query_terms"] = '{"n":"nothing to see"}'
            new_hash = entry_hash(fields, prev)
            uow.session.execute(
                text(
                    "UPDATE audit_entries SET query_terms = :q, prev_hash = :p, hash = :h "
                    "WHERE seq = :s"
                ),
                {"q": fields["query_terms"], "p": prev, "h": new_hash, "s": entry.seq},
            )
            prev = new_hash
        uow.commit()


def test_a_rewritten_chain_with_recomputed_hashes_is_detected(
    db: Database, operator: Actor
) -> None:
    head = _append(db, operator, 5)
    _checkpoint(db)
    _bypass_guards(db)

    _rewrite_from(db, head - 2)

    assert _plain_walk(db).ok  # every hash was recomputed: the chain alone is fooled
    _assert_detected(db, head, "differs from the signed checkpoint")


def test_a_forged_checkpoint_signature_is_detected(db: Database, operator: Actor) -> None:
    head = _append(db, operator, 5)
    checkpoint = _checkpoint(db)
    _bypass_guards(db)
    _rewrite_from(db, head - 2)

    # Without the key, moving the checkpoint onto the rewritten hash breaks its signature.
    with db.unit_of_work() as uow:
        new_hash = uow.session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == head))
    db.engine.execute(  # type: ignore[union-attr]
        text("UPDATE audit_checkpoints SET last_hash = :h WHERE id = :i"),
        {"h": new_hash, "i": checkpoint.id},
    )

    _assert_detected(db, head, "signature that does not match")


def test_a_checkpoint_signed_by_another_key_is_detected(db: Database, operator: Actor) -> None:
    head = _append(db, operator, 3)
    stranger = Ed25519PrivateKey.generate().private_bytes_raw()

    _checkpoint(db, stranger)

    _assert_detected(db, head, "different key than the configured one")


def test_removing_a_checkpoint_is_detected(db: Database, operator: Actor) -> None:
    _append(db, operator, 3)
    checkpoint = _checkpoint(db)
    _bypass_guards(db)

    db.engine.execute(  # type: ignore[union-attr]
        text("DELETE FROM audit_checkpoints WHERE id = :i"), {"i": checkpoint.id}
    )

    _assert_detected(db, checkpoint.last_seq + 1, "was removed")


def test_a_checkpoint_is_written_every_thousand_entries(db: Database, operator: Actor) -> None:
    with db.unit_of_work() as uow:
        head = uow.session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc())) or 0
    target = (head // CHECKPOINT_EVERY + 1) * CHECKPOINT_EVERY

    _append(db, operator, target - head)

    with db.unit_of_work() as uow:
        (checkpoint,) = uow.session.scalars(select(AuditCheckpoint)).all()
        after = uow.session.get(AuditEntry, target + 1)
    assert checkpoint.last_seq == target
    assert after is not None
    assert after.action == AuditAction.AUDIT_CHECKPOINT_WRITTEN
    assert _verify(db).ok


def test_a_transaction_crossing_a_thousand_signs_its_last_entry(
    db: Database, operator: Actor
) -> None:
    with db.unit_of_work() as uow:
        head = uow.session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc())) or 0
    target = (head // CHECKPOINT_EVERY + 1) * CHECKPOINT_EVERY

    _append(db, operator, target - head + 5)  # one transaction, across the thousand

    with db.unit_of_work() as uow:
        (checkpoint,) = uow.session.scalars(select(AuditCheckpoint)).all()
        after = uow.session.get(AuditEntry, target + 6)
    assert checkpoint.last_seq == target + 5  # covers every entry before its own
    assert after is not None
    assert after.action == AuditAction.AUDIT_CHECKPOINT_WRITTEN
    assert _verify(db).ok


def test_the_signing_key_is_generated_privately_into_the_data_dir(tmp_path: Path) -> None:
    key = Settings(data_dir=tmp_path).audit_signing_key

    assert len(key) == 32
    assert (tmp_path / "audit-signing.key").stat().st_mode & 0o077 == 0
    assert Settings(data_dir=tmp_path).audit_signing_key == key


def test_the_signing_key_can_come_from_a_file(tmp_path: Path) -> None:
    private = Ed25519PrivateKey.generate()
    pem = tmp_path / "audit.pem"
    pem.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    raw = tmp_path / "audit.hex"
    raw.write_text(private.private_bytes_raw().hex() + "\n")

    assert Settings(audit_signing_key_file=pem).audit_signing_key == private.private_bytes_raw()
    assert Settings(audit_signing_key_file=raw).audit_signing_key == private.private_bytes_raw()
    raw.write_text("not a key")
    with pytest.raises(ValueError, match="64 hex characters"):
        _ = Settings(audit_signing_key_file=raw).audit_signing_key


runner = CliRunner()


def test_audit_verify_cli_fails_on_truncation(data_dir: Path) -> None:
    run_cli("demo", "--no-serve", "--reads", "200", "--data-dir", str(data_dir))
    written = run_cli("audit", "checkpoint", "--data-dir", str(data_dir))
    match = re.search(r"Checkpoint written: entry (\d+)", written)
    assert match, written
    head = int(match.group(1))
    # One from the demo build, one from the command.
    assert "2 signed checkpoint(s) match" in run_cli("audit", "verify", "--data-dir", str(data_dir))

    conn = sqlite3.connect(data_dir / "plateward.db")
    conn.execute("DROP TRIGGER audit_entries_no_delete")
    conn.execute("DELETE FROM audit_entries WHERE seq > ?", (head - 3,))
    conn.commit()
    conn.close()
    result = runner.invoke(app, ["audit", "verify", "--data-dir", str(data_dir)])

    assert result.exit_code == 1
    assert f"entry {head - 2}" in result.output
    assert f"entries after {head - 3} were removed" in result.output


def test_the_database_refuses_to_change_a_checkpoint(db: Database, operator: Actor) -> None:
    _append(db, operator, 2)
    _checkpoint(db)
    connection = db.engine
    for statement in ("UPDATE audit_checkpoints SET last_seq = 1", "DELETE FROM audit_checkpoints"):
        savepoint = connection.begin_nested()  # type: ignore[union-attr]
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement))  # type: ignore[union-attr]
        savepoint.rollback()

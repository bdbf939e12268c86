"""Signed checkpoints of the audit chain: what the hash chain alone cannot prove.

DUP §9 — the Department keeps an audit trail of requested and accessed information for at least
two years, and a unit other than CDIC audits it. The hash chain shows an edit in the middle of the
trail, but not the newest entries cut off, nor the whole trail rewritten with every hash
recomputed. A checkpoint closes both gaps: it states that the chain up to entry ``last_seq`` ended
in ``last_hash``, signed with an Ed25519 key kept outside the database
(``Settings.audit_signing_key``). The signed bytes are the UTF-8 text
``plateward-audit-checkpoint/1:{last_seq}:{last_hash}``.

Checkpoints are written by ``audit.record`` at every thousandth entry and by
``plateward audit checkpoint``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from plateward.core import audit
from plateward.core.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditCheckpoint,
    AuditEntry,
    AuditEvent,
    ChainStatus,
)
from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor

SIGNED_PREFIX = "plateward-audit-checkpoint/1"


@dataclass(frozen=True)
class Checkpoint:
    id: int
    at: datetime
    last_seq: int
    last_hash: str
    public_key: str
    signature: str


def signed_message(last_seq: int, last_hash: str) -> bytes:
    """The exact bytes a checkpoint signs."""
    return f"{SIGNED_PREFIX}:{last_seq}:{last_hash}".encode()


def public_key_hex(private_key: bytes) -> str:
    """The hex public key of a raw Ed25519 private key: what verification trusts."""
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    return key.public_key().public_bytes_raw().hex()


def _view(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(row.id, row.at, row.last_seq, row.last_hash, row.public_key, row.signature)


def _head(session: Session) -> tuple[int, str]:
    session.flush()
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def write_checkpoint(uow: UnitOfWork, private_key: bytes, actor: Actor | None = None) -> Checkpoint:
    """Sign the chain's current head and record that it was signed, in the caller's transaction.

    The checkpoint covers the entries before its own ``audit.checkpoint_written`` entry.
    """
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    last_seq, last_hash = _head(uow.session)
    row = AuditCheckpoint(
        at=uow.now(),
        last_seq=last_seq,
        last_hash=last_hash,
        public_key=key.public_key().public_bytes_raw().hex(),
        signature=key.sign(signed_message(last_seq, last_hash)).hex(),
    )
    uow.session.add(row)
    uow.session.flush()
    checkpoint = _view(row)
    audit.record(
        uow,
        actor or Actor.system("audit-checkpoint"),
        AuditEvent(
            AuditAction.AUDIT_CHECKPOINT_WRITTEN,
            details={
                "checkpoint_id": checkpoint.id,
                "last_seq": last_seq,
                "last_hash": last_hash,
                "public_key": checkpoint.public_key,
                "signature": checkpoint.signature,
            },
        ),
    )
    return checkpoint


def latest_checkpoint(session: Session) -> Checkpoint | None:
    row = session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.last_seq.desc(), AuditCheckpoint.id.desc())
    ).first()
    return _view(row) if row else None


def _signature_problem(checkpoint: Checkpoint, trusted_key: str) -> str | None:
    label = f"the checkpoint of entry {checkpoint.last_seq} (#{checkpoint.id})"
    if checkpoint.public_key != trusted_key:
        return f"{label} was signed by a different key than the configured one"
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(checkpoint.public_key)).verify(
            bytes.fromhex(checkpoint.signature),
            signed_message(checkpoint.last_seq, checkpoint.last_hash),
        )
    except (InvalidSignature, ValueError):
        return f"{label} has a signature that does not match it"
    if checkpoint.last_seq == 0 and checkpoint.last_hash != GENESIS_HASH:
        return f"{label} does not describe an empty trail"
    return None


class _EntryCheck:
    """Compares each entry of the walk with the checkpoints that name it."""

    def __init__(self, checkpoints: Iterable[Checkpoint]) -> None:
        self.by_seq: dict[int, list[Checkpoint]] = defaultdict(list)
        self.by_id: dict[int, Checkpoint] = {}
        for checkpoint in checkpoints:
            self.by_seq[checkpoint.last_seq].append(checkpoint)
            self.by_id[checkpoint.id] = checkpoint

    def __call__(self, entry: AuditEntry) -> str | None:
        for checkpoint in self.by_seq.get(entry.seq, ()):
            if checkpoint.last_hash != entry.hash:
                return (
                    f"entry {entry.seq} differs from the signed checkpoint of "
                    f"{checkpoint.at:%Y-%m-%d %H:%M} UTC: the trail up to it was rewritten"
                )
        if entry.action == AuditAction.AUDIT_CHECKPOINT_WRITTEN:
            details = _details(entry)
            number = details.get("checkpoint_id")
            written = self.by_id.get(number) if isinstance(number, int) else None
            if written is None or written.signature != details.get("signature"):
                return f"the checkpoint this entry records (#{number}) was removed or altered"
        return None


def _details(entry: AuditEntry) -> dict[str, object]:
    parsed = json.loads(entry.details or "{}")
    return parsed if isinstance(parsed, dict) else {}


def _truncation(checkpoints: list[Checkpoint], status: ChainStatus) -> tuple[int, str] | None:
    """A checkpoint naming an entry beyond the end of an intact chain: the tail was cut off."""
    covered = max((c.last_seq for c in checkpoints), default=0)
    if not status.ok or covered <= status.entries:
        return None
    last = status.entries  # an intact chain numbers its entries 1..n
    return (
        last + 1,
        f"entries after {last} were removed: a signed checkpoint covers entry {covered}",
    )


def verify_trail(session: Session, trusted_key: str) -> ChainStatus:
    """Walk the chain and check it against every signed checkpoint.

    Detects, besides what ``verify_chain`` finds: newest entries removed (a checkpoint names an
    entry that is gone), a chain rewritten with recomputed hashes (an entry differs from its
    checkpoint), a forged signature, a checkpoint signed by another key, and a removed checkpoint.
    The problem at the lowest entry number is reported.
    """
    checkpoints = [_view(r) for r in session.scalars(select(AuditCheckpoint))]
    problems: list[tuple[int, str]] = []
    for checkpoint in checkpoints:
        if problem := _signature_problem(checkpoint, trusted_key):
            problems.append((max(checkpoint.last_seq, 1), problem))
    status = audit.verify_chain(session, _EntryCheck(checkpoints))
    if status.first_bad_seq is not None and status.problem is not None:
        problems.append((status.first_bad_seq, status.problem))
    if cut := _truncation(checkpoints, status):
        problems.append(cut)
    if not problems:
        return ChainStatus(True, status.entries, checkpoints=len(checkpoints))
    seq, problem = min(problems)
    return ChainStatus(False, status.entries, seq, problem, len(checkpoints))


def checkpoint_if_moved(uow: UnitOfWork, private_key: bytes, actor: Actor) -> Checkpoint | None:
    """Sign the head unless the newest checkpoint already covers everything but itself."""
    latest = latest_checkpoint(uow.session)
    head_seq, _ = _head(uow.session)
    # A checkpoint's own audit entry follows it, so "covered" means at most one entry newer.
    if latest is not None and head_seq <= latest.last_seq + 1:
        return None
    return write_checkpoint(uow, private_key, actor)

"""Signed checkpoints of the audit chain: what the hash chain alone cannot prove.

DUP §9 — the Department keeps an audit trail of requested and accessed information for at least
two years, and a unit other than CDIC audits it. The hash chain shows an edit in the middle of the
trail, but not the newest entries cut off, nor the whole trail rewritten with every hash
recomputed. A checkpoint closes both gaps: it states that the chain up to entry ``last_seq`` ended
in ``last_hash``, signed with an Ed25519 key kept outside the database
(``Settings.audit_signing_key``). The signed bytes are the UTF-8 text
``plateward-audit-checkpoint/1:{last_seq}:{last_hash}``.

Checkpoints are written by ``audit.record`` at every thousandth entry, by the ``audit-checkpoint``
job of ``jobs_catalog.py`` (every ``audit_checkpoint_interval_minutes``), at ``plateward serve``
and by ``plateward audit checkpoint``.

Two verifications (docs/audit.md says what each covers):
- ``verify_trail`` walks the whole chain and every checkpoint (``plateward audit verify``);
- ``verify_since_checkpoint`` trusts the newest checkpoint once its signature and the entry it
  names check out, and walks only the entries after it (the auditor's page, on every load).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from plateward.core import audit, audit_signing
from plateward.core.audit import AuditAction, ChainStatus
from plateward.core.audit_models import GENESIS_HASH, AuditCheckpoint, AuditEntry
from plateward.core.audit_signing import (
    SIGNED_PREFIX,
    Checkpoint,
    public_key_hex,
    signed_message,
)
from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor

__all__ = [
    "SIGNED_PREFIX",
    "Checkpoint",
    "checkpoint_if_moved",
    "latest_checkpoint",
    "public_key_hex",
    "signed_message",
    "verify_since_checkpoint",
    "verify_trail",
    "write_checkpoint",
]

_view = audit_signing.view


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
    last_seq, last_hash = _head(uow.session)
    checkpoint = audit_signing.sign(uow, private_key, last_seq, last_hash)
    audit.record(uow, actor or audit.CHECKPOINT_WORKER, audit.checkpoint_event(checkpoint))
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
    return entry.details if isinstance(entry.details, dict) else {}


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


def entry_hashes(session: Session, seqs: Iterable[int]) -> dict[int, str]:
    """The hash of each of these entries that still exists (for checking a witness)."""
    wanted = sorted(set(seqs))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        rows = session.execute(
            select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.in_(chunk))
        ).all()
        found.update((seq, digest) for seq, digest in rows)
    return found


def checkpoint_if_moved(uow: UnitOfWork, private_key: bytes, actor: Actor) -> Checkpoint | None:
    """Sign the head unless the newest checkpoint already covers everything but itself."""
    # Under the append lock, so two jobs running at once cannot both sign the same head.
    head_seq, _ = audit.locked_head(uow)
    latest = latest_checkpoint(uow.session)
    # A checkpoint's own audit entry follows it, so "covered" means at most one entry newer.
    if latest is not None and head_seq <= latest.last_seq + 1:
        return None
    return write_checkpoint(uow, private_key, actor)


def _incremental_problem(
    session: Session, latest: Checkpoint, trusted_key: str
) -> tuple[int, str] | None:
    """What is wrong with the newest checkpoint or the entry it names, if anything."""
    if problem := _signature_problem(latest, trusted_key):
        return max(latest.last_seq, 1), problem
    if latest.last_seq == 0:
        return None
    named = session.get(AuditEntry, latest.last_seq)
    if named is None:
        return (
            latest.last_seq,
            f"entries from {latest.last_seq} were removed: a signed checkpoint covers entry "
            f"{latest.last_seq}",
        )
    if named.hash != latest.last_hash:
        return (
            latest.last_seq,
            f"entry {latest.last_seq} differs from the signed checkpoint of "
            f"{latest.at:%Y-%m-%d %H:%M} UTC: the trail up to it was rewritten",
        )
    return None


def verify_since_checkpoint(session: Session, trusted_key: str) -> ChainStatus:
    """Check the newest signed checkpoint and walk only the entries after it.

    Covers: the newest checkpoint's signature and key, the entry it names (present, same hash),
    and every entry after it (numbering, links, hashes, the checkpoints those entries record).
    Does not cover the entries before it, nor older checkpoints: an edit there is found by the
    full ``verify_trail`` (``plateward audit verify``). Without any checkpoint it is the full walk.
    """
    latest = latest_checkpoint(session)
    if latest is None:
        return verify_trail(session, trusted_key)
    if bad := _incremental_problem(session, latest, trusted_key):
        return ChainStatus(False, latest.last_seq, bad[0], bad[1], 1)
    newer = [
        _view(r)
        for r in session.scalars(
            select(AuditCheckpoint).where(AuditCheckpoint.last_seq >= latest.last_seq)
        )
    ]
    status = audit.walk(
        audit.stream(session, after=latest.last_seq),
        _EntryCheck(newer),
        after=latest.last_seq,
        prev=latest.last_hash if latest.last_seq else GENESIS_HASH,
    )
    return ChainStatus(status.ok, status.entries, status.first_bad_seq, status.problem, len(newer))

"""Verifying the audit chain: each entry's number, link to the previous one, hash and indexed
case number, recomputed from what is stored.

DUP §9 / invariant 6 — an edit, a deletion or a reordering of the trail is detected and the first
bad entry named. ``entry_hash`` is the definition, whoever chained the entry (``audit_append`` on
PostgreSQL, ``core.audit`` on SQLite). ``core.audit`` re-exports these names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plateward.core.audit_models import GENESIS_HASH, AuditEntry, entry_hash, hashed_fields


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    entries: int
    first_bad_seq: int | None = None
    problem: str | None = None
    checkpoints: int = 0


# A further test of each entry during the walk: returns the problem, or None when the entry passes.
EntryCheck = Callable[[AuditEntry], str | None]


def _case_number_problem(entry: AuditEntry) -> str | None:
    """The indexed case number must be the one in the hashed purpose (it is not hashed itself)."""
    purpose = entry.purpose if isinstance(entry.purpose, dict) else {}
    named = purpose.get("case_number")
    if entry.case_number != (None if named is None else str(named)[:120]):
        return "the indexed case number differs from the entry's purpose"
    return None


def walk(
    entries: Iterable[AuditEntry],
    check: EntryCheck | None = None,
    *,
    after: int = 0,
    prev: str = GENESIS_HASH,
) -> ChainStatus:
    """Check each entry's number, link and hash, starting after entry ``after`` ending in ``prev``.

    ``entries`` counts the chain up to the last entry walked (``after`` plus those walked).
    """
    expected_seq, count = after + 1, after
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return ChainStatus(False, count, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev:
            return ChainStatus(False, count, entry.seq, "link to the previous entry is broken")
        if entry_hash(hashed_fields(entry), prev) != entry.hash:
            return ChainStatus(False, count, entry.seq, "entry content does not match its hash")
        if problem := _case_number_problem(entry):
            return ChainStatus(False, count, entry.seq, problem)
        if check is not None and (problem := check(entry)):
            return ChainStatus(False, count, entry.seq, problem)
        prev, expected_seq = entry.hash, expected_seq + 1
    return ChainStatus(True, count)


def stream(session: Session, after: int = 0, batch: int = 5000) -> Iterator[AuditEntry]:
    """The entries after ``after`` in order, read in batches so a long trail stays in bounds."""
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        session.expunge_all()


def verify_chain(session: Session, check: EntryCheck | None = None) -> ChainStatus:
    """Walk the whole trail; the first edited, missing or reordered entry is named.

    ``check`` adds a test of each linked entry: ``checkpoints.verify_trail`` compares entries
    with their signed checkpoints through it.
    """
    return walk(stream(session), check)

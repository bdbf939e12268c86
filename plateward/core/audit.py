"""The audit trail: typed events, one append-only hash-chained table, and its verification.

DUP §9 — all access is logged with date/time, the query terms, the name and department of the
person, and the purpose; trails are kept at least two years. Each entry's hash covers its canonical
form and the previous entry's hash, so an edit, a deletion or a reordering breaks the chain.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from plateward.core import audit_signing
from plateward.core.audit_models import (
    GENESIS_HASH,
    HASHED_FIELDS,
    AuditCheckpoint,
    AuditEntry,
    AuditEntryRecord,
    canonical,
    entry_hash,
    hashed_fields,
)
from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor
from plateward.core.purpose import Purpose

__all__ = [
    "GENESIS_HASH",
    "HASHED_FIELDS",
    "AuditAction",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditEntryRecord",
    "AuditEvent",
    "ChainStatus",
    "Outcome",
    "RecordKind",
    "entry_hash",
    "record",
    "verify_chain",
]

# DUP §9 — every thousandth entry triggers a signed checkpoint, so at most a thousand entries at
# the tail are ever covered by the hash chain alone (besides the scheduled checkpoints).
CHECKPOINT_EVERY = 1000
# Appends are serialized so the chain stays linear: on PostgreSQL by pg_advisory_xact_lock with
# the key 0x504C4154 (see migration 0002's audit_locked_head), on SQLite by BEGIN IMMEDIATE.


class AuditAction(StrEnum):
    """Every kind of audited event, ``subject.action``. Each is described in docs/audit.md."""

    ACCESS_REFUSED = "access.refused"
    ACCOUNT_CREATED = "account.created"
    ACCOUNT_LOCKED = "account.locked"
    ACCOUNT_REENABLED = "account.reenabled"
    ACCOUNT_SUSPENDED = "account.suspended"
    ACCOUNT_UNLOCKED = "account.unlocked"
    AGENCY_REGISTERED = "agency.registered"
    API_TOKEN_ISSUED = "api_token.issued"  # noqa: S105 — an event name, not a secret
    API_TOKEN_REVOKED = "api_token.revoked"  # noqa: S105
    AUDIT_CHECKPOINT_WRITTEN = "audit.checkpoint_written"
    AUDIT_ENTRY_VIEWED = "audit.entry_viewed"
    AUDIT_EXPORTED = "audit.exported"
    AUDIT_SEARCHED = "audit.searched"
    CAMERA_REACTIVATED = "camera.reactivated"
    CAMERA_REGISTERED = "camera.registered"
    CAMERA_RETIRED = "camera.retired"
    CAMERA_SILENT = "camera.silent"
    CAMERA_UPDATED = "camera.updated"
    CHANGE_APPROVED = "change.approved"
    CHANGE_REJECTED = "change.rejected"
    CHANGE_REQUESTED = "change.requested"
    CLASS_CREATED = "class.created"
    CLASS_MEMBERSHIP_CHANGED = "class.membership_changed"
    LOGIN_FAILED = "login.failed"
    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_THROTTLED = "login.throttled"
    LOGOUT = "logout"
    MISUSE_SIGNAL_REVIEWED = "misuse.signal_reviewed"
    MISUSE_SIGNALS_RECORDED = "misuse.signals_recorded"
    MISUSE_SIGNALS_VIEWED = "misuse.signals_viewed"
    MFA_ENROLLED = "mfa.enrolled"
    MFA_ENROLMENT_FAILED = "mfa.enrolment_failed"
    MFA_ENROLMENT_STARTED = "mfa.enrolment_started"
    QUARANTINE_RELEASED = "quarantine.released"
    QUARANTINE_VIEWED = "quarantine.viewed"
    READS_INGESTED = "reads.ingested"
    READS_MONITORED = "reads.monitored"
    READS_PARTITIONS_CREATED = "reads.partitions_created"
    READ_IMAGE_VIEWED = "read.image_viewed"
    READ_VIEWED = "read.viewed"
    SEARCH_BLOCKED = "search.blocked"
    SEARCH_EXPORTED = "search.exported"
    SEARCH_REVIEW_APPROVED = "search.review_approved"
    SEARCH_REVIEW_REJECTED = "search.review_rejected"
    SEARCH_REVIEW_REQUESTED = "search.review_requested"
    SEARCH_RUN = "search.run"
    SERVICE_CREDENTIAL_ISSUED = "service_credential.issued"
    SESSIONS_ENDED = "sessions.ended"
    STATEMENT_ACCEPTED = "statement.accepted"
    STATEMENT_PUBLISHED = "statement.published"
    TRAINING_RECORDED = "training.recorded"
    # Hot lists and alerts (issue 14)
    ALERT_STEP_RECORDED = "alert.step_recorded"
    ALERT_DISPOSED = "alert.disposed"
    ALERT_VIEWED = "alert.viewed"
    HOTLIST_CAPTURES_VIEWED = "hotlist.captures_viewed"
    HOTLIST_FEED_CHANGED = "hotlist.feed_changed"
    HOTLIST_FEED_LOST = "hotlist.feed_lost"
    HOTLIST_FEED_REJECTED = "hotlist.feed_rejected"
    HOTLIST_FEED_RESTORED = "hotlist.feed_restored"
    HOTLIST_FEED_SYNCED = "hotlist.feed_synced"
    HOTLIST_ENTRY_APPROVED = "hotlist.entry_approved"
    HOTLIST_ENTRY_EXPIRED = "hotlist.entry_expired"
    HOTLIST_ENTRY_PROPOSED = "hotlist.entry_proposed"
    HOTLIST_ENTRY_REJECTED = "hotlist.entry_rejected"
    HOTLIST_ENTRY_REMINDED = "hotlist.entry_reminded"
    HOTLIST_ENTRY_REMOVED = "hotlist.entry_removed"
    HOTLIST_ENTRY_RENEWED = "hotlist.entry_renewed"
    HOTLIST_HIT_RECORDED = "hotlist.hit_recorded"


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"


class RecordKind(StrEnum):
    """What the ``result_ids`` of an entry name, for ``audit_entry_records``."""

    READ = "read"
    QUARANTINED_ROW = "quarantined_row"
    AUDIT_ENTRY = "audit_entry"


# The kind of record each action returns. An action not listed names its records by its subject
# (``camera.registered`` -> ``camera``); add an action that returns reads here.
RESULT_KINDS: dict[AuditAction, RecordKind] = {
    AuditAction.READS_MONITORED: RecordKind.READ,
    AuditAction.SEARCH_RUN: RecordKind.READ,
    AuditAction.SEARCH_EXPORTED: RecordKind.READ,
    AuditAction.READ_VIEWED: RecordKind.READ,
    AuditAction.READ_IMAGE_VIEWED: RecordKind.READ,
    AuditAction.MISUSE_SIGNALS_VIEWED: RecordKind.AUDIT_ENTRY,
    AuditAction.QUARANTINE_VIEWED: RecordKind.QUARANTINED_ROW,
    AuditAction.QUARANTINE_RELEASED: RecordKind.QUARANTINED_ROW,
    AuditAction.AUDIT_SEARCHED: RecordKind.AUDIT_ENTRY,
    AuditAction.AUDIT_ENTRY_VIEWED: RecordKind.AUDIT_ENTRY,
    # Hot lists (issue 14): an alert shows its read, so its views name reads.
    AuditAction.ALERT_VIEWED: RecordKind.READ,
    AuditAction.HOTLIST_CAPTURES_VIEWED: RecordKind.READ,
    AuditAction.HOTLIST_HIT_RECORDED: RecordKind.READ,
}


def result_kind(action: str) -> str:
    """The record kind an action's result ids name (derived from the hashed action)."""
    try:
        return RESULT_KINDS[AuditAction(action)].value
    except (KeyError, ValueError):
        return action.split(".", 1)[0]


@dataclass(frozen=True)
class AuditEvent:
    action: AuditAction
    outcome: Outcome = Outcome.ALLOWED
    reason: str | None = None
    query_terms: dict[str, Any] = field(default_factory=dict)
    purpose: Purpose | None = None
    result_count: int | None = None
    result_ids: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


_COLUMNS = (*HASHED_FIELDS, "case_number", "prev_hash", "hash")


def _storable(value: Any) -> Any:
    """NUL, which JSONB cannot hold, becomes the visible escape ``\\x00`` in keys and strings."""
    if isinstance(value, str):
        return value.replace("\x00", "\\x00") if "\x00" in value else value
    if isinstance(value, dict):
        return {_storable(str(k)): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


def _stored(value: Any) -> Any:
    """The JSON value a field is stored as: what its canonical text loads back to.

    Dumping the stored value again gives the same canonical text, so the hash written now is the
    hash recomputed from the database later (tuples become lists, other keys become strings).
    """
    return json.loads(canonical(_storable(value)))


def _text(value: str | None) -> str | None:
    """Control characters (a NUL typed into a form) become visible escapes before storage."""
    if value is None or value.isprintable():
        return value
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in value)


_HEAD_SQL = "SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1"
# One round trip on PostgreSQL: the function (migration 0002) takes the append lock
# (pg_advisory_xact_lock) and then reads the chain's head under it.
_LOCKED_HEAD_PG = "SELECT seq, hash FROM audit_locked_head()"


def _head(session: Session, dialect: str) -> tuple[int, str]:
    """The chain's last (seq, hash), read once per transaction under the append lock.

    The lock (PostgreSQL advisory, or SQLite's write lock from BEGIN IMMEDIATE) is held until the
    transaction ends, so within it the head only moves by our own appends: it is cached there.
    """
    transaction = session.get_transaction()
    cached = session.info.get("audit_head")
    if cached is not None and cached[0] is transaction and session.get_nested_transaction() is None:
        return cached[1], cached[2]
    connection = session.connection()
    if dialect == "postgresql":
        row = connection.exec_driver_sql(_LOCKED_HEAD_PG).first()
    else:
        row = connection.exec_driver_sql(_HEAD_SQL).first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def locked_head(uow: UnitOfWork) -> tuple[int, str]:
    """The chain's (seq, hash), holding the append lock until the transaction ends."""
    return _head(uow.session, uow.dialect)


def _remember(session: Session, seq: int, digest: str) -> None:
    session.info["audit_head"] = (session.get_transaction(), seq, digest)


# Entries wait in the session until its next ORM query or its commit, then go in one multi-row
# INSERT: still the caller's transaction (invariant 1), with one round trip however many.
_BUFFER = "audit_buffer"
# PostgreSQL: the buffered entries and their records in one statement, one round trip. Rows and
# records travel as two JSON texts that the server expands (jsonb_populate_recordset), so the
# driver sends two strings instead of adapting one array per column, element by element.
_APPEND_PG = text(
    f"WITH appended AS (INSERT INTO audit_entries ({', '.join(_COLUMNS)}) "  # noqa: S608 — fixed names
    f"SELECT {', '.join(_COLUMNS)} FROM jsonb_populate_recordset("
    "NULL::audit_entries, CAST(:rows AS jsonb))) "
    "INSERT INTO audit_entry_records (entry_seq, record_kind, record_id) "
    "SELECT (r->>0)::integer, r->>1, r->>2 FROM jsonb_array_elements(CAST(:records AS jsonb)) r"
)
_PG_JSON = frozenset({"query_terms", "purpose", "result_ids", "details"})


def _pg_value(column: str, value: Any) -> Any:
    if value is None or column in _PG_JSON:
        return value  # a structure: it becomes the jsonb value itself
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _append_pg(session: Session, rows: list[dict[str, Any]], records: list[dict[str, Any]]) -> None:
    payload = [{c: _pg_value(c, r[c]) for c in _COLUMNS} for r in rows]
    triples = [[r["entry_seq"], r["record_kind"], r["record_id"]] for r in records]
    session.connection().execute(
        _APPEND_PG,
        {"rows": json.dumps(payload, ensure_ascii=False), "records": json.dumps(triples)},
    )


def _buffer(session: Session) -> list[dict[str, Any]]:
    transaction = session.get_transaction()
    held = session.info.get(_BUFFER)
    if held is None or held[0] is not transaction:
        held = session.info[_BUFFER] = (transaction, [])
    rows: list[dict[str, Any]] = held[1]
    return rows


def _write_buffer(session: Session) -> None:
    held = session.info.pop(_BUFFER, None)
    if held is None or not held[1]:
        return
    if held[0] is not session.get_transaction():
        # Never drop an entry silently: a buffer always belongs to the open transaction.
        msg = "audit entries were buffered outside the current transaction"
        raise RuntimeError(msg)
    rows = held[1]
    records = [
        {"entry_seq": row["seq"], "record_kind": kind, "record_id": record_id}
        for row in rows
        for kind in (result_kind(row["action"]),)
        for record_id in dict.fromkeys(str(i)[:120] for i in row["result_ids"])
    ]
    if session.get_bind().dialect.name == "postgresql":
        _append_pg(session, rows, records)
        return
    connection = session.connection()
    connection.execute(insert(AuditEntry.__table__), rows)  # type: ignore[arg-type]
    if records:
        connection.execute(insert(AuditEntryRecord.__table__), records)  # type: ignore[arg-type]


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _write_buffer(session)


@event.listens_for(Session, "do_orm_execute")
def _before_query(state: ORMExecuteState) -> None:
    _write_buffer(state.session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction(session: Session, transaction: SessionTransaction) -> None:
    held = session.info.get(_BUFFER)
    if held is not None and held[0] is transaction:  # rolled back (a commit wrote it already)
        session.info.pop(_BUFFER, None)


def record(uow: UnitOfWork, actor: Actor, event: AuditEvent) -> AuditEntry:
    """Append one entry in the caller's transaction: it commits or rolls back with the use case."""
    session = uow.session
    seq, prev = _head(session, uow.dialect)
    entry = AuditEntry(
        seq=seq + 1,
        at=uow.now(),
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_username=_text(actor.username),
        actor_name=_text(actor.name),
        actor_badge=_text(actor.badge),
        actor_unit=_text(actor.unit),
        actor_agency=_text(actor.agency_name),
        actor_role=str(actor.role),
        client_address=_text(actor.client_address),
        action=str(event.action),
        outcome=str(event.outcome),
        reason=_text(event.reason),
        query_terms=_stored(event.query_terms),
        purpose=_stored(event.purpose.as_record()) if event.purpose is not None else None,
        result_count=event.result_count,
        result_ids=_stored(list(event.result_ids)),
        details=_stored(event.details),
        case_number=event.purpose.case_number if event.purpose is not None else None,
        prev_hash=prev,
        hash="",
    )
    entry.hash = entry_hash(hashed_fields(entry), prev)
    _buffer(session).append({k: getattr(entry, k) for k in _COLUMNS})
    _remember(session, entry.seq, entry.hash)
    if entry.seq % CHECKPOINT_EVERY == 0:
        # One signature and two rows per thousand entries, in the same transaction: if the use
        # case rolls back, so does its checkpoint. Without a readable key nothing is appended.
        checkpoint = audit_signing.sign(uow, uow.settings.audit_signing_key, entry.seq, entry.hash)
        record(uow, CHECKPOINT_WORKER, checkpoint_event(checkpoint))
    return entry


# The narrow identity that signs the trail: automatically, on schedule and at start.
CHECKPOINT_WORKER = Actor.worker("audit-checkpoint")


def checkpoint_event(checkpoint: audit_signing.Checkpoint) -> AuditEvent:
    """The entry that records a checkpoint was written (it follows the entries it covers)."""
    return AuditEvent(
        AuditAction.AUDIT_CHECKPOINT_WRITTEN,
        details={
            "checkpoint_id": checkpoint.id,
            "last_seq": checkpoint.last_seq,
            "last_hash": checkpoint.last_hash,
            "public_key": checkpoint.public_key,
            "signature": checkpoint.signature,
        },
    )


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

"""The audit trail: typed events, one append-only hash-chained table, and its verification.

DUP §9 — all access is logged with date/time, the query terms, the name and department of the
person, and the purpose; trails are kept at least two years. Each entry's hash covers its canonical
form and the previous entry's hash, so an edit, a deletion or a reordering breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Integer, String, Text, event, insert, select
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, SessionTransaction, mapped_column

from plateward.core.database import Base, UnitOfWork
from plateward.core.permissions import Actor

GENESIS_HASH = "0" * 64
# DUP §9 — every thousandth entry triggers a signed checkpoint (core/checkpoints.py), so at most
# a thousand entries at the tail are ever covered by the hash chain alone.
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
    MFA_ENROLLED = "mfa.enrolled"
    MFA_ENROLMENT_FAILED = "mfa.enrolment_failed"
    MFA_ENROLMENT_STARTED = "mfa.enrolment_started"
    QUARANTINE_RELEASED = "quarantine.released"
    QUARANTINE_VIEWED = "quarantine.viewed"
    READS_INGESTED = "reads.ingested"
    READS_MONITORED = "reads.monitored"
    READS_PARTITIONS_CREATED = "reads.partitions_created"
    SERVICE_CREDENTIAL_ISSUED = "service_credential.issued"
    SESSIONS_ENDED = "sessions.ended"
    STATEMENT_ACCEPTED = "statement.accepted"
    STATEMENT_PUBLISHED = "statement.published"
    TRAINING_RECORDED = "training.recorded"


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"


@dataclass(frozen=True)
class AuditEvent:
    action: AuditAction
    outcome: Outcome = Outcome.ALLOWED
    reason: str | None = None
    query_terms: dict[str, Any] = field(default_factory=dict)
    purpose: dict[str, Any] | None = None
    result_count: int | None = None
    result_ids: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    actor_username: Mapped[str] = mapped_column(String(120))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_badge: Mapped[str | None] = mapped_column(String(40))
    actor_unit: Mapped[str | None] = mapped_column(String(120))
    actor_agency: Mapped[str | None] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(40))
    client_address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(80), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    query_terms: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    result_count: Mapped[int | None]
    result_ids: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    canonical = _dumps({**fields, "prev_hash": prev_hash})
    return hashlib.sha256(canonical.encode()).hexdigest()


HASHED_FIELDS = (
    "seq",
    "at",
    "actor_kind",
    "actor_id",
    "actor_username",
    "actor_name",
    "actor_badge",
    "actor_unit",
    "actor_agency",
    "actor_role",
    "client_address",
    "action",
    "outcome",
    "reason",
    "query_terms",
    "purpose",
    "result_count",
    "result_ids",
    "details",
)


_COLUMNS = (*HASHED_FIELDS, "prev_hash", "hash")


def _text(value: str | None) -> str | None:
    """Control characters (a NUL typed into a form) become visible escapes before storage."""
    if value is None or value.isprintable():
        return value
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in value)


def _hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
    fields["at"] = entry.at.isoformat(timespec="microseconds")
    return fields


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


def _remember(session: Session, seq: int, digest: str) -> None:
    session.info["audit_head"] = (session.get_transaction(), seq, digest)


# Entries wait in the session until its next ORM query or its commit, then go in one multi-row
# INSERT: still the caller's transaction (invariant 1), with one round trip however many.
_BUFFER = "audit_buffer"


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
    session.connection().execute(insert(AuditEntry.__table__), held[1])  # type: ignore[arg-type]


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
        query_terms=_dumps(event.query_terms),
        purpose=_dumps(event.purpose) if event.purpose is not None else None,
        result_count=event.result_count,
        result_ids=_dumps(list(event.result_ids)),
        details=_dumps(event.details),
        prev_hash=prev,
        hash="",
    )
    entry.hash = entry_hash(_hashed_fields(entry), prev)
    _buffer(session).append({k: getattr(entry, k) for k in _COLUMNS})
    _remember(session, entry.seq, entry.hash)
    if entry.seq % CHECKPOINT_EVERY == 0:
        # One signature and two rows per thousand entries, in the same transaction: if the use
        # case rolls back, so does its checkpoint. Without a readable key nothing is appended.
        from plateward.core.checkpoints import write_checkpoint

        write_checkpoint(uow, uow.settings.audit_signing_key)
    return entry


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    entries: int
    first_bad_seq: int | None = None
    problem: str | None = None
    checkpoints: int = 0


# A further test of each entry during the walk: returns the problem, or None when the entry passes.
EntryCheck = Callable[[AuditEntry], str | None]


def _walk(entries: Iterable[AuditEntry], check: EntryCheck | None = None) -> ChainStatus:
    expected_seq, prev, count = 1, GENESIS_HASH, 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return ChainStatus(False, count, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev:
            return ChainStatus(False, count, entry.seq, "link to the previous entry is broken")
        if entry_hash(_hashed_fields(entry), prev) != entry.hash:
            return ChainStatus(False, count, entry.seq, "entry content does not match its hash")
        if check is not None and (problem := check(entry)):
            return ChainStatus(False, count, entry.seq, problem)
        prev, expected_seq = entry.hash, expected_seq + 1
    return ChainStatus(True, count)


def _stream(session: Session, batch: int = 5000) -> Iterator[AuditEntry]:
    after = 0
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
    return _walk(_stream(session), check)


class AuditCheckpoint(Base):
    """A signed statement that the chain up to ``last_seq`` ended in ``last_hash``.

    Signed with an Ed25519 key kept outside the database, so truncating the trail or rewriting
    it wholesale (recomputing every hash) is detected.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    last_seq: Mapped[int] = mapped_column(Integer, index=True)
    last_hash: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))

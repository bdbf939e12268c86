"""The audit trail: typed events appended to one append-only, hash-chained table.

DUP §9 — all access is logged with date/time, the query terms, the name and department of the
person, and the purpose; trails are kept at least two years. Each entry's hash covers its canonical
form and the previous entry's hash, so an edit, a deletion or a reordering breaks the chain
(verified by ``audit_verify``, re-exported here). ``record`` adds an entry to the caller's
transaction; the transaction's entries join the chain, in one round trip under the append lock,
when it commits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Table, TextClause, event, insert
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql import visitors

from plateward.core import audit_signing
from plateward.core.audit_models import (
    GENESIS_HASH,
    HASHED_FIELDS,
    JSON_FIELDS,
    AuditCheckpoint,
    AuditEntry,
    canonical,
    entry_hash,
    hashed_text,
)
from plateward.core.audit_verify import ChainStatus, EntryCheck, stream, verify_chain, walk
from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor
from plateward.core.purpose import Purpose

__all__ = [
    "GENESIS_HASH",
    "HASHED_FIELDS",
    "AuditAction",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditEvent",
    "ChainStatus",
    "EntryCheck",
    "Outcome",
    "RecordKind",
    "RecordedEntry",
    "entry_hash",
    "record",
    "stream",
    "verify_chain",
    "walk",
]

# DUP §9 — a transaction whose entries reach a multiple of a thousand signs its last one, so at
# most about a thousand entries at the tail are covered by the hash chain alone (besides the
# scheduled checkpoints).
CHECKPOINT_EVERY = 1000
# Appends are serialized so the chain stays linear: on PostgreSQL by pg_advisory_xact_lock with
# the key 0x504C4154 (migration 0002's audit_locked_head, which 0011's audit_append calls), on
# SQLite by BEGIN IMMEDIATE.


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
    # Historical hits (issue 14): an entry checked against stored reads (a search)
    HOTLIST_HISTORY_CHECKED = "hotlist.history_checked"
    # DUP §4.7: the administrator records the capture and disposition notices (issue 14)
    HOTLIST_NOTICES_RECORDED = "hotlist.notices_recorded"
    # Retention, legal holds, backups and daily aggregates (issue 15)
    AGGREGATES_VIEWED = "aggregates.viewed"
    BACKUP_CREATED = "backup.created"
    BACKUP_RESTORED = "backup.restored"
    LEGAL_HOLD_APPROVED = "legal_hold.approved"
    LEGAL_HOLD_PLACED = "legal_hold.placed"
    LEGAL_HOLD_REJECTED = "legal_hold.rejected"
    LEGAL_HOLD_RELEASED = "legal_hold.released"
    LEGAL_HOLD_REVIEW_DUE = "legal_hold.review_due"
    LEGAL_HOLD_REVIEWED = "legal_hold.reviewed"
    LEGAL_HOLD_STATUS_CHANGED = "legal_hold.status_changed"
    LEGAL_HOLD_VIEWED = "legal_hold.viewed"
    RETENTION_CHANGED = "retention.changed"
    RETENTION_PURGED = "retention.purged"
    # Placement, signage and red-light review (issue 17)
    CAMERA_ACTIVATED = "camera.activated"
    CAMERA_PLACEMENT_CHECKED = "camera.placement_checked"
    CAMERA_PLACEMENT_CLEARED = "camera.placement_cleared"
    CAMERA_PLACEMENT_HELD = "camera.placement_held"
    CAMERA_PLACEMENT_REFUSED = "camera.placement_refused"
    CAMERA_PUBLIC_VIEW_ATTESTED = "camera.public_view_attested"
    SIGN_ADDED = "sign.added"
    SIGN_REMOVED = "sign.removed"
    SITE_ADDED = "site.added"
    SITE_REMOVED = "site.removed"
    SITE_UPDATED = "site.updated"
    TRAFFIC_DEVICE_ENABLED = "traffic_device.enabled"
    TRAFFIC_DEVICE_REGISTERED = "traffic_device.registered"
    VIOLATION_CITED = "violation.cited"
    VIOLATION_DISMISSED = "violation.dismissed"
    VIOLATION_OPENED = "violation.opened"
    VIOLATION_QUEUE_VIEWED = "violation.queue_viewed"
    VIOLATION_RECEIVED = "violation.received"
    # Oversight and transparency (issue 18)
    ANNUAL_REPORT_EDITED = "annual_report.edited"
    ANNUAL_REPORT_EXPORTED = "annual_report.exported"
    ANNUAL_REPORT_EXTENDED = "annual_report.extended"
    ANNUAL_REPORT_PUBLISHED = "annual_report.published"
    ANNUAL_REPORT_REMINDED = "annual_report.reminded"
    ANNUAL_REPORT_SUBMITTED = "annual_report.submitted"
    ANNUAL_REPORT_VIEWED = "annual_report.viewed"
    AUDIT_COMPLIANCE_REPORTED = "audit.compliance_reported"
    AUDIT_FINDING_RECORDED = "audit.finding_recorded"
    AUDIT_IMMIGRATION_CHECKED = "audit.immigration_checked"
    AUDIT_SAMPLE_DRAWN = "audit.sample_drawn"
    AUDIT_SAMPLE_VIEWED = "audit.sample_viewed"
    AUDIT_TRAIL_EXPORTED = "audit.trail_exported"
    COMPLAINT_FILED = "complaint.filed"
    COMPLAINT_UPDATED = "complaint.updated"
    COMPLAINTS_VIEWED = "complaints.viewed"
    INCIDENT_RECORDED = "incident.recorded"
    INCIDENT_UPDATED = "incident.updated"
    INCIDENTS_VIEWED = "incidents.viewed"
    PORTAL_THROTTLED = "portal.throttled"
    READ_AGGREGATES_VIEWED = "reads.aggregates_viewed"
    RECORDS_PACKAGE_ASSEMBLED = "records.package_assembled"
    RECORDS_PACKAGE_RELEASED = "records.package_released"
    # Sharing with California agencies (issue 16)
    AGENCY_CLIENT_ISSUED = "agency_client.issued"
    AGENCY_CLIENT_REVOKED = "agency_client.revoked"
    AGENCY_UPDATED = "agency.updated"
    SHARING_ACTIVITY_VIEWED = "sharing.activity_viewed"
    SHARING_AGREEMENT_CHANGED = "sharing.agreement_changed"
    SHARING_AGREEMENT_CREATED = "sharing.agreement_created"
    SHARING_AGREEMENT_EXPIRING = "sharing.agreement_expiring"
    SHARING_ALARM_ACKNOWLEDGED = "sharing.alarm_acknowledged"
    SHARING_CONFORMANCE_CHECKED = "sharing.conformance_checked"
    SHARING_DRIFT_DETECTED = "sharing.drift_detected"
    SHARING_REQUEST_DECIDED = "sharing.request_decided"
    SHARING_REQUEST_FILED = "sharing.request_filed"
    SHARING_SETTING_CHANGED = "sharing.setting_changed"
    SHARING_SUBSCRIPTION_CREATED = "sharing.subscription_created"
    SHARING_SUBSCRIPTION_ENDED = "sharing.subscription_ended"
    ALERT_ACKNOWLEDGED = "alert.acknowledged"


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"


class RecordKind(StrEnum):
    """What the ``result_ids`` of an entry name ("who saw read X")."""

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
    AuditAction.ALERT_ACKNOWLEDGED: RecordKind.READ,
    AuditAction.HOTLIST_CAPTURES_VIEWED: RecordKind.READ,
    AuditAction.HOTLIST_HIT_RECORDED: RecordKind.READ,
    # Retention (issue 15): placing a hold copies reads, opening one shows them.
    AuditAction.LEGAL_HOLD_PLACED: RecordKind.READ,
    AuditAction.LEGAL_HOLD_VIEWED: RecordKind.READ,
    # Oversight (issue 18): a random sample and its findings name the searches' audit entries.
    AuditAction.AUDIT_SAMPLE_DRAWN: RecordKind.AUDIT_ENTRY,
    AuditAction.AUDIT_SAMPLE_VIEWED: RecordKind.AUDIT_ENTRY,
    AuditAction.AUDIT_FINDING_RECORDED: RecordKind.AUDIT_ENTRY,
    AuditAction.AUDIT_IMMIGRATION_CHECKED: RecordKind.AUDIT_ENTRY,
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


def _storable(value: Any) -> Any:
    """NUL, which JSONB cannot hold, becomes the visible escape ``\\x00`` in keys and strings."""
    if isinstance(value, str):
        return value.replace("\x00", "\\x00") if "\x00" in value else value
    if isinstance(value, dict):
        return {_storable(str(k)): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


def _json_text(value: Any) -> str:
    """The canonical text a structured field is hashed and stored as.

    Keys become strings and NUL an escape first, so the text loads back to a value that dumps to
    the same text: the hash written now is the hash recomputed from the database later.
    """
    return canonical(_storable(value))


def _ids_text(ids: tuple[str, ...]) -> str:
    """The result ids' canonical text: always strings, so "who saw record X" matches them whole."""
    try:
        plain = "\x00" not in "".join(ids)  # the common case: strings without NUL
    except TypeError:
        plain = False
    if plain:
        return canonical(list(ids))
    return canonical(_storable([str(i) for i in ids]))


def _text(value: str | None) -> str | None:
    """Control characters (a NUL typed into a form) become visible escapes before storage."""
    if value is None or value.isprintable():
        return value
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in value)


class RecordedEntry:
    """An entry ``record`` added to the transaction: its fields at once, its place in the chain
    (``seq``, ``prev_hash``, ``hash``) once the transaction's entries are appended.

    They are appended under the append lock at the commit, before a query that reads the trail,
    or when ``seq``, ``prev_hash`` or ``hash`` is first read. Other columns read as ``AuditEntry``
    would give them (the structured fields as structures).
    """

    def __init__(
        self, session: Session, at: datetime, fields: dict[str, Any], case_number: str | None
    ) -> None:
        self._session = session
        self._fields = fields  # hashed fields but seq; structured ones as their canonical text
        self.at = at
        self.case_number = case_number
        self.hashed = hashed_text(fields)
        self._place: tuple[int, str, str] | None = None

    def chain(self, seq: int, prev_hash: str, digest: str) -> None:
        self._place = (seq, prev_hash, digest)

    def _chained(self) -> tuple[int, str, str]:
        if self._place is None:
            _write_buffer(self._session)
        if self._place is None:
            msg = "this audit entry was rolled back with its transaction"
            raise RuntimeError(msg)
        return self._place

    @property
    def seq(self) -> int:
        return self._chained()[0]

    @property
    def prev_hash(self) -> str:
        return self._chained()[1]

    @property
    def hash(self) -> str:
        return self._chained()[2]

    def __getattr__(self, name: str) -> Any:
        fields = self.__dict__.get("_fields", {})
        if name not in fields:
            raise AttributeError(name)
        value = fields[name]
        return json.loads(value) if name in JSON_FIELDS and value is not None else value

    def row(self) -> dict[str, Any]:
        """Its columns, structured fields as the values their canonical text loads back to."""
        values = {name: getattr(self, name) for name in self._fields}
        seq, prev_hash, digest = self._chained()
        return {
            **values,
            "at": self.at,
            "seq": seq,
            "case_number": self.case_number,
            "prev_hash": prev_hash,
            "hash": digest,
        }


@dataclass
class _Pending:
    """A transaction's entries not yet appended (and the unit of work that recorded them)."""

    uow: UnitOfWork
    transaction: SessionTransaction
    entries: list[RecordedEntry]


# Entries wait in the session until the commit (or a query of the trail), then are appended in one
# round trip under the append lock: still the caller's transaction (invariant 1), and the lock is
# held only from then to the commit, not while the use case does its other work.
_BUFFER = "audit_buffer"
_HEAD_SQL = "SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1"
# PostgreSQL (migration 0011): takes the append lock, reads the head, chains each entry's hashed
# text onto it (SHA-256 in the database), inserts the columns parsed from that very text, and
# returns each entry's place. One statement, one round trip.
_APPEND_PG = "SELECT appended_seq, appended_prev_hash, appended_hash FROM audit_append(%s::jsonb)"
# The append lock, then the head (migration 0002): on SQLite the write lock of BEGIN IMMEDIATE.
_LOCKED_HEAD_PG = "SELECT seq, hash FROM audit_locked_head()"


def _append_pg(session: Session, entries: list[RecordedEntry]) -> None:
    payload = json.dumps([[e.hashed.head, e.hashed.middle] for e in entries], ensure_ascii=False)
    # Straight on the driver's connection, in the session's transaction: the statement is fixed
    # and runs on every access, and SQLAlchemy's execution layer would add ~30 µs to it.
    driver = session.connection().connection.driver_connection
    placed = driver.execute(_APPEND_PG, (payload,)).fetchall()  # type: ignore[union-attr]
    for entry, (seq, prev_hash, digest) in zip(entries, placed, strict=True):
        entry.chain(seq, prev_hash, digest)


def _append_sqlite(session: Session, entries: list[RecordedEntry]) -> None:
    connection = session.connection()
    head = connection.exec_driver_sql(_HEAD_SQL).first()
    seq, prev = (head[0], head[1]) if head else (0, GENESIS_HASH)
    for entry in entries:
        seq += 1
        digest = entry.hashed.hash(prev, seq)
        entry.chain(seq, prev, digest)
        prev = digest
    connection.execute(insert(AuditEntry.__table__), [e.row() for e in entries])  # type: ignore[arg-type]


def _write_buffer(session: Session) -> None:
    """Append the transaction's waiting entries; sign the head if they crossed a thousand."""
    pending: _Pending | None = session.info.pop(_BUFFER, None)
    if pending is None or not pending.entries:
        return
    if pending.transaction is not session.get_transaction():
        # Never drop an entry silently: a buffer always belongs to the open transaction.
        msg = "audit entries were buffered outside the current transaction"
        raise RuntimeError(msg)
    entries = pending.entries
    if session.get_bind().dialect.name == "postgresql":
        _append_pg(session, entries)
    else:
        _append_sqlite(session, entries)
    first, last = entries[0].seq, entries[-1]
    if last.seq // CHECKPOINT_EVERY > (first - 1) // CHECKPOINT_EVERY:
        # DUP §9 — at least one signature per thousand entries, in the same transaction: if the
        # use case rolls back, so does its checkpoint. Without a readable key nothing is appended.
        # It signs the transaction's last entry; the entry recording it follows.
        uow = pending.uow
        checkpoint = audit_signing.sign(uow, uow.settings.audit_signing_key, last.seq, last.hash)
        record(uow, CHECKPOINT_WORKER, checkpoint_event(checkpoint))
        _write_buffer(session)


def _reads_the_trail(statement: Any) -> bool:
    """Whether a statement may read audit_entries (text is assumed to)."""
    for element in visitors.iterate(statement):
        if isinstance(element, TextClause):
            return True
        if isinstance(element, Table) and element.name == AuditEntry.__tablename__:
            return True
    return False


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _write_buffer(session)


@event.listens_for(Session, "do_orm_execute")
def _before_query(state: ORMExecuteState) -> None:
    if _BUFFER in state.session.info and _reads_the_trail(state.statement):
        _write_buffer(state.session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction(session: Session, transaction: SessionTransaction) -> None:
    pending = session.info.get(_BUFFER)
    if pending is not None and pending.transaction is transaction:  # rolled back, never written
        session.info.pop(_BUFFER, None)


def locked_head(uow: UnitOfWork) -> tuple[int, str]:
    """The chain's (seq, hash) with this transaction's entries appended, holding the append lock
    until the transaction ends."""
    session = uow.session
    _write_buffer(session)
    sql = _LOCKED_HEAD_PG if uow.dialect == "postgresql" else _HEAD_SQL
    row = session.connection().exec_driver_sql(sql).first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def _pending(uow: UnitOfWork) -> list[RecordedEntry]:
    session = uow.session
    transaction = session.get_transaction()
    if transaction is None:  # record() is the transaction's first step
        session.connection()
        transaction = session.get_transaction()
    pending: _Pending | None = session.info.get(_BUFFER)
    if pending is None or pending.transaction is not transaction:
        assert transaction is not None  # noqa: S101 — session.connection() began it
        pending = session.info[_BUFFER] = _Pending(uow, transaction, [])
    return pending.entries


def record(uow: UnitOfWork, actor: Actor, event: AuditEvent) -> RecordedEntry:
    """Add one entry to the caller's transaction: it commits or rolls back with the use case."""
    at = uow.now().astimezone(UTC)
    purpose = event.purpose.as_record() if event.purpose is not None else None
    fields = {
        "at": at.isoformat(timespec="microseconds"),
        "actor_kind": str(actor.kind),
        "actor_id": actor.id,
        "actor_username": _text(actor.username),
        "actor_name": _text(actor.name),
        "actor_badge": _text(actor.badge),
        "actor_unit": _text(actor.unit),
        "actor_agency": _text(actor.agency_name),
        "actor_role": str(actor.role),
        "client_address": _text(actor.client_address),
        "action": str(event.action),
        "outcome": str(event.outcome),
        "reason": _text(event.reason),
        "query_terms": _json_text(event.query_terms),
        "purpose": None if purpose is None else _json_text(purpose),
        "result_count": event.result_count,
        "result_ids": _ids_text(event.result_ids),
        "details": _json_text(event.details),
    }
    case_number = event.purpose.case_number if event.purpose is not None else None
    entry = RecordedEntry(uow.session, at, fields, case_number)
    _pending(uow).append(entry)
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

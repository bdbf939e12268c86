"""Unknown cameras, and releasing their quarantined rows back through ingest.

A read naming a camera nobody registered is quarantined with the reason ``unknown camera 'X'``
(reads/rules.py). The administrator sees each such name with its count, registers the camera
(under that name as its code, or as the vendor's id of a camera with another code) and releases
its rows: each is re-read from the raw text quarantine kept and goes through the one ingest
service, like any read. A row that still fails (too old by now, a bad plate) stays quarantined.

Invariant 4 — only rows inside the retention window are listed or released; older ones have
expired. A CSV row is kept as its line without the file's header, so it cannot be re-read: it
stays quarantined and is counted as unreadable (import the file again instead: ingest is
idempotent, so reads already stored count as duplicates).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func

from plateward.cameras import service as cameras
from plateward.cameras.rules import CameraResource, CameraSpec
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput
from plateward.core.permissions import Actor, Permission
from plateward.reads import service as reads
from plateward.reads.adapters import detect_format, to_raw_rows
from plateward.reads.models import QuarantinedRow
from plateward.reads.rules import IngestPolicy, RawRow, ReadCandidate, validate_row
from plateward.reads.visibility import read_gate, retention_days

# The reason reads/rules.py gives a read from a camera nobody registered (a test keeps the two
# in step).
_UNKNOWN = "unknown camera '"
LISTED = 100

# Released rows go through ingest under this narrow identity; the administrator who released
# them is recorded by the ``quarantine.released`` entry written in the same transaction.
RELEASE_WORKER = Actor.worker("quarantine-release", Permission.READS_INGEST)


def unknown_camera_reason(name: str) -> str:
    return f"{_UNKNOWN}{name}'"


@dataclass(frozen=True)
class UnknownCamera:
    name: str
    rows: int
    first_received_at: datetime
    last_received_at: datetime


def unknown_cameras(uow: UnitOfWork, actor: Actor) -> list[UnknownCamera]:
    """The camera names senders used that no camera has, with how many rows wait on each.

    Names and counts only: no plate, no raw row.
    """
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    count = func.count(QuarantinedRow.id)
    # The gate keeps rows still in quarantine and inside retention (invariant 4).
    rows = uow.session.execute(
        read_gate(uow, actor)
        .quarantined_columns(
            QuarantinedRow.reason,
            count,
            func.min(QuarantinedRow.received_at),
            func.max(QuarantinedRow.received_at),
        )
        .where(QuarantinedRow.reason.like(f"{_UNKNOWN}%'"))
        .group_by(QuarantinedRow.reason)
        .order_by(count.desc(), QuarantinedRow.reason)
        .limit(LISTED)
    ).all()
    return [
        UnknownCamera(reason.removeprefix(_UNKNOWN)[:-1], n, first, last)
        for reason, n, first, last in rows
    ]


@dataclass(frozen=True)
class ReleaseReport:
    camera: str
    released: int  # rows that left the quarantine through ingest
    stored: int
    duplicates: int
    still_failing: int  # rows that would still be refused: they stay quarantined
    unreadable: int  # rows whose kept text cannot be read again (a CSV line): they stay


def _reparse(position: str, raw: str) -> list[RawRow] | None:
    """The rows ``raw`` held when it was received, or None when it cannot be read again."""
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return None
    try:
        detect_format(value)
    except InvalidInput:
        # Not a payload: one native read, as the API and an NDJSON file keep it.
        return [RawRow(position, value, raw)] if isinstance(value, dict) else None
    return [replace(r, position=f"{position} {r.position}") for r in to_raw_rows(value)]


def _policy(uow: UnitOfWork) -> IngestPolicy:
    return IngestPolicy(
        now=uow.now(),
        retention_days=retention_days(uow),
        future_skew=timedelta(seconds=uow.settings.future_skew_seconds),
        fold_states=uow.settings.plate_fold_states,
    )


@dataclass
class _Sorting:
    ready: list[tuple[QuarantinedRow, list[RawRow]]]
    still_failing: int = 0
    unreadable: int = 0


def _sort(uow: UnitOfWork, rows: list[QuarantinedRow]) -> _Sorting:
    refs, policy = cameras.camera_refs(uow), _policy(uow)
    sorting = _Sorting([])
    for row in rows:
        parsed = _reparse(row.position, row.raw)
        if not parsed:
            sorting.unreadable += 1
        elif all(isinstance(validate_row(r, refs, policy), ReadCandidate) for r in parsed):
            sorting.ready.append((row, parsed))
        else:
            sorting.still_failing += 1
    return sorting


def release_camera(uow: UnitOfWork, actor: Actor, code: str) -> ReleaseReport:
    """Send the quarantined rows of the registered camera ``code`` back through ingest."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE, CameraResource(code))
    reasons = [unknown_camera_reason(name) for name in cameras.names_of(uow, code)]
    query = read_gate(uow, actor).quarantined().where(QuarantinedRow.reason.in_(reasons))
    rows = list(uow.session.scalars(query.order_by(QuarantinedRow.id).with_for_update()))
    sorting = _sort(uow, rows)
    stored = duplicates = 0
    batch = uow.settings.max_batch_reads
    chunks = [sorting.ready[i : i + batch] for i in range(0, len(sorting.ready), batch)]
    for chunk in chunks or [[]]:
        for row, _ in chunk:
            row.released_at = uow.now()
        uow.session.flush()
        audit.record(
            uow,
            actor,
            AuditEvent(
                AuditAction.QUARANTINE_RELEASED,
                result_count=len(chunk),
                result_ids=tuple(str(row.id) for row, _ in chunk),
                details={
                    "camera": code,
                    "still_failing": sorting.still_failing,
                    "unreadable": sorting.unreadable,
                },
            ),
        )
        if not chunk:
            uow.commit()
            break
        # One transaction: the rows leave the quarantine, the release and the ingest are audited.
        report = reads.ingest(uow, RELEASE_WORKER, [r for _, rs in chunk for r in rs], "release")
        stored += report.stored
        duplicates += report.duplicates
    return ReleaseReport(
        code, len(sorting.ready), stored, duplicates, sorting.still_failing, sorting.unreadable
    )


def register_and_release(
    uow: UnitOfWork,
    actor: Actor,
    spec: CameraSpec,
    attestation: cameras.AttestationIn | None = None,
) -> ReleaseReport:
    """Register the camera an unknown name stood for, then release the rows that wait on it.

    Its rows are stored only once it is active: registered with a public-view attestation and a
    clear placement (cameras/placement.py); otherwise they stay in quarantine.
    """
    cameras.add_camera(uow, actor, spec, attestation)
    return release_camera(uow, actor, spec.code)

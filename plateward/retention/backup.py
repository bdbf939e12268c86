"""Backups that can forget: ``plateward backup create|restore``.

DUP §7 — expired data is purged "entirely from all active and backup systems". A backup file is
written once and copied around; it cannot be edited when a day expires. So every capture day's
reads and images are sealed in it with that day's own data key (AES-256-GCM, retention/keys.py),
and each legal hold's copies with the hold's key. The purge destroys the day's key; releasing a
hold destroys the hold's. Restoring an old backup afterwards opens only what still has a key:
expired days stay sealed for ever, held reads come back while their hold is in force.

The file is JSON lines: a header, then one sealed segment per day or hold (scope, label, count,
ciphertext). It holds no key and no plate in the clear. Restored reads go back through
``reads.service.restore_rows`` (never a read past retention); restored held reads go back into the
evidence store of their hold.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from sqlalchemy import select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput
from plateward.core.permissions import Actor, Permission
from plateward.reads import service as reads
from plateward.retention import holds, keys
from plateward.retention import service as retention
from plateward.retention.models import HeldRead, LegalHold
from plateward.retention.rules import HoldStatus

FORMAT = "plateward-backup/1"


@dataclass
class BackupReport:
    path: Path
    days: list[str] = field(default_factory=list)
    reads: int = 0
    images: int = 0
    holds: list[int] = field(default_factory=list)
    held_reads: int = 0


@dataclass
class RestoreReport:
    days_restored: list[str] = field(default_factory=list)
    # Days and holds whose key was destroyed (purged, released): their data is gone for good.
    days_forgotten: list[str] = field(default_factory=list)
    holds_forgotten: list[str] = field(default_factory=list)
    reads_opened: int = 0
    reads_restored: int = 0
    images_restored: int = 0
    holds_restored: list[int] = field(default_factory=list)
    held_reads_restored: int = 0


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _pack(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode())


def _unpack(data: bytes) -> Any:
    return json.loads(zlib.decompress(data))


def _context(scope: str, label: str) -> str:
    return f"{FORMAT}:{scope}:{label}"


def _sealed(uow: UnitOfWork, scope: str, label: str, count: int, payload: Any) -> dict[str, Any]:
    key = keys.data_key(uow, scope, label, create=True)
    sealed = keys.seal(key, _context(scope, label), _pack(payload))
    return {"scope": scope, "label": label, "count": count, "sealed": _b64(sealed)}


def _day_segment(uow: UnitOfWork, day: date, report: BackupReport) -> dict[str, Any] | None:
    rows = reads.day_rows(uow, day)
    if not rows:
        return None
    images: dict[str, str] = {}
    for row in rows:
        path = holds.image_path(uow.settings.image_dir, row["image_ref"])
        if path is not None:
            images[row["image_ref"]] = _b64(path.read_bytes())
    report.days.append(day.isoformat())
    report.reads += len(rows)
    report.images += len(images)
    return _sealed(uow, keys.DAY, day.isoformat(), len(rows), {"reads": rows, "images": images})


def _held_row(r: HeldRead) -> dict[str, Any]:
    return {
        "read_id": str(r.read_id),
        "captured_at": r.captured_at.isoformat(),
        "camera_code": r.camera_code,
        "plate": r.plate,
        "plate_raw": r.plate_raw,
        "plate_state": r.plate_state,
        "confidence": r.confidence,
        "vehicle": r.vehicle,
        "latitude": r.latitude,
        "longitude": r.longitude,
        "image_type": r.image_type,
        "image": _b64(r.image) if r.image is not None else None,
    }


def _hold_segment(uow: UnitOfWork, hold: LegalHold, report: BackupReport) -> dict[str, Any]:
    rows = uow.session.scalars(select(HeldRead).where(HeldRead.hold_id == hold.id)).all()
    report.holds.append(hold.id)
    report.held_reads += len(rows)
    payload = {"hold_id": hold.id, "reads": [_held_row(r) for r in rows]}
    return _sealed(uow, keys.HOLD, str(hold.id), len(rows), payload)


def create_backup(uow: UnitOfWork, actor: Actor, path: Path) -> BackupReport:
    """Write every stored capture day and every hold's copies, each sealed with its own key."""
    authorize(uow, actor, Permission.RETENTION_MANAGE)
    keys.master_key(uow.settings)  # unreadable or malformed: refuse before writing anything
    report = BackupReport(path)
    cutoff = retention.retention_rule(uow).cutoff(uow.now())
    days = reads.capture_days_before(uow, uow.now() + timedelta(days=2))
    segments = [s for d in sorted(days) if (s := _day_segment(uow, d, report)) is not None]
    hold_rows = uow.session.scalars(
        select(LegalHold).where(LegalHold.id.in_(holds.holds_with_data(uow))).order_by(LegalHold.id)
    ).all()
    segments += [_hold_segment(uow, h, report) for h in hold_rows]
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.BACKUP_CREATED,
            result_count=report.reads,
            details={
                "days": report.days,
                "reads": report.reads,
                "images": report.images,
                "holds": report.holds,
                "held_reads": report.held_reads,
                "cutoff": cutoff.isoformat(),
            },
        ),
    )
    uow.commit()  # the keys the segments were sealed with are stored before the file exists
    header = {"format": FORMAT, "created_at": uow.now().isoformat(), "segments": len(segments)}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        for line in (header, *segments):
            file.write(json.dumps(line, separators=(",", ":")) + "\n")
    return report


def _segments(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text().splitlines()
        header = json.loads(lines[0])
    except (OSError, ValueError, IndexError):
        raise InvalidInput(f"{path} is not a Plateward backup") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InvalidInput(f"{path} is not a Plateward backup ({FORMAT})")
    return [json.loads(line) for line in lines[1:] if line.strip()]


def _open(uow: UnitOfWork, segment: dict[str, Any]) -> Any | None:
    """The segment's payload, or None when its key is gone (or the segment was altered)."""
    scope, label = str(segment["scope"]), str(segment["label"])
    try:
        key = keys.data_key(uow, scope, label, create=False)
        sealed = base64.b64decode(segment["sealed"])
        return _unpack(keys.unseal(key, _context(scope, label), sealed))
    except (keys.KeyDestroyed, InvalidTag, ValueError):
        return None


def _restore_day(uow: UnitOfWork, actor: Actor, payload: Any, report: RestoreReport) -> None:
    rows: list[dict[str, Any]] = payload["reads"]
    report.reads_opened += len(rows)
    report.reads_restored += reads.restore_rows(uow, actor, rows)
    image_dir = uow.settings.image_dir
    cutoff = retention.retention_rule(uow).cutoff(uow.now())
    if image_dir is None:
        return
    live = {r["image_ref"] for r in rows if datetime.fromisoformat(r["captured_at"]) >= cutoff}
    for ref, data in payload["images"].items():
        target = (image_dir / ref).resolve()
        if ref in live and target.is_relative_to(image_dir.resolve()) and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(base64.b64decode(data))
            report.images_restored += 1


def _restore_hold(uow: UnitOfWork, payload: Any, report: RestoreReport) -> None:
    hold = uow.session.get(LegalHold, int(payload["hold_id"]))
    if hold is None or not HoldStatus(hold.status).holds_data:
        return  # a hold no longer in force keeps nothing, whatever an old backup holds
    present = set(uow.session.scalars(select(HeldRead.read_id).where(HeldRead.hold_id == hold.id)))
    for row in payload["reads"]:
        read_id = uuid.UUID(row["read_id"])
        if read_id in present:
            continue
        image = row["image"]
        uow.session.add(
            HeldRead(
                hold_id=hold.id,
                read_id=read_id,
                captured_at=datetime.fromisoformat(row["captured_at"]),
                camera_code=row["camera_code"],
                plate=row["plate"],
                plate_raw=row["plate_raw"],
                plate_state=row["plate_state"],
                confidence=row["confidence"],
                vehicle=row["vehicle"],
                latitude=row["latitude"],
                longitude=row["longitude"],
                image_type=row["image_type"],
                image=base64.b64decode(image) if image is not None else None,
            )
        )
        report.held_reads_restored += 1
    report.holds_restored.append(hold.id)


def restore_backup(uow: UnitOfWork, actor: Actor, path: Path) -> RestoreReport:
    """Put back what this database's live keys still open; report what is gone for good."""
    authorize(uow, actor, Permission.RETENTION_MANAGE)
    report = RestoreReport()
    for segment in _segments(path):
        payload = _open(uow, segment)
        is_day = segment["scope"] == keys.DAY
        if payload is None:
            (report.days_forgotten if is_day else report.holds_forgotten).append(segment["label"])
        elif is_day:
            _restore_day(uow, actor, payload, report)
            report.days_restored.append(segment["label"])
        else:
            _restore_hold(uow, payload, report)
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.BACKUP_RESTORED,
            result_count=report.reads_restored,
            details={
                "days_restored": report.days_restored,
                "days_forgotten": report.days_forgotten,
                "holds_forgotten": report.holds_forgotten,
                "reads_restored": report.reads_restored,
                "images_restored": report.images_restored,
                "holds_restored": report.holds_restored,
                "held_reads_restored": report.held_reads_restored,
            },
        ),
    )
    uow.commit()
    return report

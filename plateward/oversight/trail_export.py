"""The whole audit trail, exported in the open format the agency owns (``export_rules``), so no
change of vendor or of software loses the logs or the proof they were never rewritten."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC

from sqlalchemy import func, select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.audit_models import AuditCheckpoint, AuditEntry, hashed_fields
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor, Permission
from plateward.oversight import export_rules

BATCH = 5000


def _entries(uow: UnitOfWork, last: int) -> Iterator[str]:
    after = 0
    while after < last:
        rows = uow.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.seq > after, AuditEntry.seq <= last)
            .order_by(AuditEntry.seq)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for entry in rows:
            line = {**hashed_fields(entry), "prev_hash": entry.prev_hash, "hash": entry.hash}
            yield export_rules.canonical({"entry": line}) + "\n"
        after = rows[-1].seq


def _checkpoints(uow: UnitOfWork, last: int) -> Iterator[str]:
    rows = uow.session.scalars(
        select(AuditCheckpoint).where(AuditCheckpoint.last_seq <= last).order_by(AuditCheckpoint.id)
    )
    for c in rows:
        record = {
            "id": c.id,
            "at": c.at.astimezone(UTC).isoformat(),
            "last_seq": c.last_seq,
            "last_hash": c.last_hash,
            "public_key": c.public_key,
            "signature": c.signature,
        }
        yield export_rules.canonical({"checkpoint": record}) + "\n"


def export_trail(uow: UnitOfWork, actor: Actor) -> Iterator[str]:
    """The trail up to its head now, as JSON lines; the export is audited (its own entry follows
    the exported ones, in the next export)."""
    authorize(uow, actor, Permission.AUDIT_EXPORT)
    last = int(uow.session.scalar(select(func.max(AuditEntry.seq))) or 0)
    header = {
        "format": export_rules.FORMAT,
        "exported_at": uow.now().astimezone(UTC).isoformat(),
        "entries": last,
        "first_seq": 1 if last else None,
        "last_seq": last or None,
        "genesis": export_rules.GENESIS,
    }
    yield json.dumps(header, sort_keys=True) + "\n"
    yield from _entries(uow, last)
    yield from _checkpoints(uow, last)
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.AUDIT_TRAIL_EXPORTED,
            result_count=last,
            details={
                "format": export_rules.FORMAT,
                "first_seq": 1 if last else None,
                "last_seq": last or None,
            },
        ),
    )
    uow.commit()

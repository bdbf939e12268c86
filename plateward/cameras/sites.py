"""The sensitive-site registry: import, add, edit and remove sites, each change audited, and the
cameras re-checked against the new list in the same transaction (cameras/placement.py).

DUP update 2026 — the sites whose entrances no camera may capture. Administrators
(``cameras:manage``) keep the list; a site is never deleted, only marked removed, so the audit
trail and the daily counts of reads not stored near it keep naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from plateward.cameras import placement
from plateward.cameras.models import SensitiveSite, SensitiveSiteDrop
from plateward.cameras.site_imports import SiteRow

__all__ = ["ImportReport", "SiteRow", "SiteView"]  # SiteRow: the demo builder makes its rows
from plateward.cameras.site_rules import (
    KIND_LABELS,
    SiteKind,
    SiteSpec,
    representative_point,
    site_problem,
)
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission


@dataclass(frozen=True)
class SiteView:
    id: int
    name: str
    kind: str
    address: str
    entrances: dict[str, Any]
    latitude: float
    longitude: float
    source: str
    source_date: date
    updated_at: datetime
    dropped_reads: int  # mobile reads not stored near it, all days together

    @property
    def kind_label(self) -> str:
        return (
            KIND_LABELS.get(SiteKind(self.kind), self.kind)
            if self.kind in set(SiteKind)
            else self.kind
        )


@dataclass(frozen=True)
class ImportReport:
    added: int
    updated: int
    unchanged: int
    errors: list[str]
    placement_changes: list[str]


def _view(site: SensitiveSite, dropped: int = 0) -> SiteView:
    return SiteView(
        site.id,
        site.name,
        site.kind,
        site.address,
        site.entrances,
        site.latitude,
        site.longitude,
        site.source,
        site.source_date,
        site.updated_at,
        dropped,
    )


def _spec_of(site: SensitiveSite) -> SiteSpec:
    return SiteSpec(
        site.name, site.kind, site.entrances, site.source, site.source_date, site.address
    )


def _validated(spec: SiteSpec) -> SiteSpec:
    spec = replace(
        spec, name=spec.name.strip(), source=spec.source.strip(), address=spec.address.strip()
    )
    problem = site_problem(spec)
    if problem:
        raise InvalidInput(problem)
    return spec


def _write(site: SensitiveSite, spec: SiteSpec, now: datetime) -> None:
    site.name, site.kind, site.address = spec.name, spec.kind, spec.address
    site.entrances = dict(spec.entrances)
    site.latitude, site.longitude = representative_point(spec.entrances)
    site.source, site.source_date = spec.source, spec.source_date
    site.updated_at = now
    site.removed_at = None


def _changed(before: SiteSpec, after: SiteSpec) -> list[str]:
    names = ("name", "kind", "entrances", "source", "source_date", "address")
    return [n for n in names if getattr(before, n) != getattr(after, n)]


def _record(
    uow: UnitOfWork, actor: Actor, action: AuditAction, site: SensitiveSite, **details: Any
) -> None:
    audit.record(
        uow,
        actor,
        AuditEvent(
            action, details={"site": site.name, "site_id": site.id, "kind": site.kind, **details}
        ),
    )


def _find(uow: UnitOfWork, site_id: int) -> SensitiveSite:
    site = uow.session.get(SensitiveSite, site_id)
    if site is None or site.removed_at is not None:
        raise NotFound(f"no sensitive site with the id {site_id}")
    return site


def _by_name(uow: UnitOfWork, name: str) -> SensitiveSite | None:
    return uow.session.scalar(select(SensitiveSite).where(SensitiveSite.name == name))


def _save(
    uow: UnitOfWork, actor: Actor, spec: SiteSpec, *, update: bool
) -> tuple[SensitiveSite, str]:
    """Add ``spec``, or bring the same-named site up to it: 'added', 'updated' or 'unchanged'."""
    spec = _validated(spec)
    site = _by_name(uow, spec.name)
    if site is not None and site.removed_at is None and not update:
        raise Conflict(f"a sensitive site named '{spec.name}' is already recorded")
    if site is None or site.removed_at is not None:
        revived = site is not None
        site = site or SensitiveSite(added_at=uow.now())
        _write(site, spec, uow.now())
        uow.session.add(site)
        uow.session.flush()
        _record(uow, actor, AuditAction.SITE_ADDED, site, source=spec.source, restored=revived)
        return site, "added"
    changed = _changed(_spec_of(site), spec)
    if not changed:
        return site, "unchanged"
    _write(site, spec, uow.now())
    uow.session.flush()
    _record(uow, actor, AuditAction.SITE_UPDATED, site, changed=changed)
    return site, "updated"


def _finish(uow: UnitOfWork, actor: Actor) -> list[str]:
    """Re-check every camera against the sites as they are now, then commit it all together."""
    changes = placement.recheck(uow, actor)
    uow.commit()
    return changes


# --- use cases ----------------------------------------------------------------------------------


def list_sites(uow: UnitOfWork, actor: Actor) -> list[SiteView]:
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    dropped = dict(
        uow.session.execute(
            select(SensitiveSiteDrop.site_id, func.sum(SensitiveSiteDrop.dropped)).group_by(
                SensitiveSiteDrop.site_id
            )
        ).all()
    )
    rows = uow.session.scalars(
        select(SensitiveSite).where(SensitiveSite.removed_at.is_(None)).order_by(SensitiveSite.name)
    )
    return [_view(s, int(dropped.get(s.id, 0) or 0)) for s in rows]


def site(uow: UnitOfWork, actor: Actor, site_id: int) -> SiteView:
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    return _view(_find(uow, site_id))


@dataclass(frozen=True)
class DropCount:
    day: date
    dropped: int


def drops(uow: UnitOfWork, actor: Actor, site_id: int) -> list[DropCount]:
    """Per day, how many mobile reads near this site were not stored (figures, never plates)."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    rows = uow.session.execute(
        select(SensitiveSiteDrop.day, SensitiveSiteDrop.dropped)
        .where(SensitiveSiteDrop.site_id == site_id)
        .order_by(SensitiveSiteDrop.day.desc())
    )
    return [DropCount(day, n) for day, n in rows]


def add_site(uow: UnitOfWork, actor: Actor, spec: SiteSpec) -> tuple[SiteView, list[str]]:
    """Record a new site; cameras whose view now reaches it are held (returned as changes)."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    try:
        created, _ = _save(uow, actor, spec, update=False)
    except IntegrityError:
        raise Conflict(f"a sensitive site named '{spec.name}' was recorded meanwhile") from None
    changes = _finish(uow, actor)
    return _view(created), changes


def edit_site(
    uow: UnitOfWork, actor: Actor, site_id: int, spec: SiteSpec
) -> tuple[SiteView, list[str]]:
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    found = _find(uow, site_id)
    spec = _validated(spec)
    clash = _by_name(uow, spec.name)
    if clash is not None and clash.id != found.id:
        raise Conflict(f"another site is named '{spec.name}'")
    changed = _changed(_spec_of(found), spec)
    if changed:
        _write(found, spec, uow.now())
        uow.session.flush()
        _record(uow, actor, AuditAction.SITE_UPDATED, found, changed=changed)
    changes = _finish(uow, actor)
    return _view(found), changes


def remove_site(uow: UnitOfWork, actor: Actor, site_id: int, reason: str) -> list[str]:
    """Mark a site removed (it closed, or was recorded by mistake); holds it caused are resolved."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput("say why the site is removed (at most 500 characters)")
    found = _find(uow, site_id)
    found.removed_at = uow.now()
    uow.session.flush()
    _record(uow, actor, AuditAction.SITE_REMOVED, found, reason=reason)
    return _finish(uow, actor)


def import_sites(uow: UnitOfWork, actor: Actor, rows: list[SiteRow], label: str) -> ImportReport:
    """Add or update every readable row (matched by name); report the others. One transaction,
    then one re-check of the cameras against the whole new list."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE, target=f"sites:import:{label[:80]}")
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    errors = []
    for row in rows:
        if row.spec is None:
            errors.append(f"{row.position}: {row.error}")
            continue
        try:
            # Validation refuses before anything is written, so a refused row leaves nothing.
            _, change = _save(uow, actor, row.spec, update=True)
        except (InvalidInput, Conflict) as exc:
            errors.append(f"{row.position}: {exc.detail}")
            continue
        counts[change] += 1
    changes = _finish(uow, actor)
    return ImportReport(counts["added"], counts["updated"], counts["unchanged"], errors, changes)

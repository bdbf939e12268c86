"""Placement review: a camera is activated only with a clear view and a public-view attestation.

DUP update 2026 — no camera placed so that it captures vehicles entering or exiting a
reproductive health care facility primarily providing abortion services or a place primarily
used for religious observance. DUP §3.1, §5 — no data outside the public view: before a camera
is activated a person records that what it sees is in public view (who, when, a photo or a
note), for the placement it has. The geometry is pure (cameras/rules.py); this module reads the
registry, writes the audit entries and the holds.

Re-checked whenever the sites or a camera's placement change: an active fixed camera whose view
now reaches a sensitive entrance is held — flagged to administrators, and every read it captured
before the hold is resolved is withheld from every query (reads/visibility.py asks
``held_cameras``). Resolved when its view no longer reaches any entrance (moved, turned, or the
site's record corrected).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from plateward.cameras.models import (
    Camera,
    PlacementHold,
    PublicViewAttestation,
    SensitiveSite,
    SensitiveSiteDrop,
)
from plateward.cameras.rules import (
    CameraKind,
    CameraResource,
    CameraStatus,
    FieldOfView,
    Placement,
    PlacementConflict,
    SiteEntrances,
    SiteZones,
    placement_conflicts,
    same_placement,
    view_polygon,
)
from plateward.cameras.site_rules import geojson
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission

NEEDS_ATTESTATION = (
    "record the public-view attestation for this placement first: who looked, when, and a "
    "photo or a note (DUP §3.1, §5)"
)


@dataclass(frozen=True)
class AttestationIn:
    """What a person attests: a note, a reference to a photo, or both."""

    note: str = ""
    photo_ref: str = ""

    def problem(self) -> str | None:
        if not self.note.strip() and not self.photo_ref.strip():
            return "an attestation needs a photo or a note saying what the camera sees"
        if len(self.note) > 2000 or len(self.photo_ref) > 500:
            return "the note holds at most 2000 characters and the photo reference 500"
        if not self.photo_ref.isprintable():
            return "the photo reference must be printable text"
        return None


@dataclass(frozen=True)
class AttestationView:
    attested_at: datetime
    attested_by: str
    note: str | None
    photo_ref: str | None
    current: bool  # made for the camera's present placement


@dataclass(frozen=True)
class PlacementReview:
    """What the camera page and the map show about one camera's placement."""

    code: str
    status: str
    view: dict[str, Any] | None  # the field of view as a GeoJSON polygon; None for mobile
    conflicts: list[PlacementConflict]
    attestation: AttestationView | None
    held_since: datetime | None
    problems: list[str]  # why it cannot be activated now; empty: it can

    @property
    def activatable(self) -> bool:
        return not self.problems


def _placement(camera: Camera) -> Placement:
    return Placement(
        camera.latitude,
        camera.longitude,
        camera.heading,
        camera.view_range_m,
        camera.view_angle_deg,
    )


def field_of_view_of(camera: Camera) -> FieldOfView | None:
    from plateward.cameras.rules import DEFAULT_VIEW_ANGLE_DEG, DEFAULT_VIEW_RANGE_M

    if camera.kind != CameraKind.FIXED or camera.latitude is None or camera.longitude is None:
        return None
    return FieldOfView(
        camera.latitude,
        camera.longitude,
        camera.heading,
        camera.view_range_m if camera.view_range_m is not None else DEFAULT_VIEW_RANGE_M,
        camera.view_angle_deg if camera.view_angle_deg is not None else DEFAULT_VIEW_ANGLE_DEG,
    )


def site_entrances(uow: UnitOfWork) -> list[SiteEntrances]:
    """Every sensitive site on record (not removed) with its entrances and exits."""
    rows = uow.session.scalars(
        select(SensitiveSite).where(SensitiveSite.removed_at.is_(None)).order_by(SensitiveSite.id)
    )
    return [SiteEntrances(s.id, s.name, s.kind, shape(s.entrances)) for s in rows]


def conflicts_of(
    uow: UnitOfWork, view: FieldOfView | None, sites: Sequence[SiteEntrances] | None = None
) -> list[PlacementConflict]:
    if view is None:
        return []
    found = site_entrances(uow) if sites is None else sites
    return placement_conflicts(view, found, uow.settings.placement_buffer_m)


def _camera(uow: UnitOfWork, code: str) -> Camera:
    camera = uow.session.scalar(select(Camera).where(Camera.code == code))
    if camera is None:
        raise NotFound(f"no camera with the code '{code[:64]}'")
    return camera


def _attestations(uow: UnitOfWork, camera: Camera) -> list[PublicViewAttestation]:
    return list(
        uow.session.scalars(
            select(PublicViewAttestation)
            .where(PublicViewAttestation.camera_id == camera.id)
            .order_by(PublicViewAttestation.id.desc())
        )
    )


def current_attestation(uow: UnitOfWork, camera: Camera) -> PublicViewAttestation | None:
    """The newest attestation made for the camera's present placement, if any."""
    here = _placement(camera)
    for a in _attestations(uow, camera):
        made_for = Placement(a.latitude, a.longitude, a.heading, a.view_range_m, a.view_angle_deg)
        return a if same_placement(made_for, here) else None
    return None


def _open_hold(uow: UnitOfWork, camera: Camera) -> PlacementHold | None:
    return uow.session.scalar(
        select(PlacementHold)
        .where(PlacementHold.camera_id == camera.id, PlacementHold.resolved_at.is_(None))
        .limit(1)
    )


def activation_problems(
    uow: UnitOfWork, camera: Camera
) -> tuple[list[str], list[PlacementConflict]]:
    """Why ``camera`` cannot be activated as it is placed now (empty: it can), and the sites."""
    conflicts = conflicts_of(uow, field_of_view_of(camera))
    problems = [f"placement refused: {c.reason}" for c in conflicts]
    if current_attestation(uow, camera) is None:
        problems.append(NEEDS_ATTESTATION)
    return problems, conflicts


def _conflict_details(conflicts: Sequence[PlacementConflict]) -> list[dict[str, Any]]:
    return [
        {"site": c.site_name, "kind": c.site_kind, "distance_m": c.distance_m} for c in conflicts
    ]


def record_refused(
    uow: UnitOfWork,
    actor: Actor,
    code: str,
    problems: list[str],
    conflicts: Sequence[PlacementConflict],
) -> None:
    """Write the ``camera.placement_refused`` entry (the caller commits)."""
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.CAMERA_PLACEMENT_REFUSED,
            Outcome.DENIED,
            reason="; ".join(problems)[:1000],
            details={"camera": code, "conflicts": _conflict_details(conflicts)},
        ),
    )


def refuse(
    uow: UnitOfWork,
    actor: Actor,
    code: str,
    problems: list[str],
    conflicts: Sequence[PlacementConflict],
    *,
    attempt: str = "activated",
) -> NoReturn:
    """Audit a refused activation or move, keep that entry (commit), and raise the reason.

    Called before anything is changed, so the commit keeps only the refusal.
    """
    record_refused(uow, actor, code, problems, conflicts)
    uow.commit()
    raise Conflict(f"camera '{code}' cannot be {attempt}: {'; '.join(problems)}")


def activate_checked(uow: UnitOfWork, actor: Actor, camera: Camera, action: AuditAction) -> None:
    """Put ``camera`` in service if its placement is clear and attested; otherwise refuse.

    The caller has authorized ``actor``; the refusal is audited and committed before it raises.
    """
    problems, conflicts = activation_problems(uow, camera)
    if problems:
        refuse(uow, actor, camera.code, problems, conflicts)
    previous, camera.status = camera.status, CameraStatus.ACTIVE
    camera.silence_reported_at = None
    uow.session.flush()
    audit.record(
        uow,
        actor,
        AuditEvent(action, details={"camera": camera.code, "previous_status": previous}),
    )


def record_attestation(
    uow: UnitOfWork, actor: Actor, camera: Camera, attestation: AttestationIn
) -> PublicViewAttestation:
    """Write an attestation for the camera's present placement (the caller authorized)."""
    problem = attestation.problem()
    if problem:
        raise InvalidInput(problem)
    row = PublicViewAttestation(
        camera_id=camera.id,
        attested_at=uow.now(),
        attested_by_id=actor.id,
        attested_by_name=actor.name,
        attested_by_badge=actor.badge,
        note=attestation.note.strip() or None,
        photo_ref=attestation.photo_ref.strip() or None,
        latitude=camera.latitude,
        longitude=camera.longitude,
        heading=camera.heading,
        view_range_m=camera.view_range_m,
        view_angle_deg=camera.view_angle_deg,
    )
    uow.session.add(row)
    uow.session.flush()
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.CAMERA_PUBLIC_VIEW_ATTESTED,
            details={
                "camera": camera.code,
                "photo_ref": row.photo_ref,
                "note": (row.note or "")[:200],
                "latitude": camera.latitude,
                "longitude": camera.longitude,
                "heading": camera.heading,
            },
        ),
    )
    return row


# --- use cases ----------------------------------------------------------------------------------


def attest(uow: UnitOfWork, actor: Actor, code: str, attestation: AttestationIn) -> None:
    """DUP §3.1, §5 — record that the camera, as placed now, sees only what is in public view."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE, CameraResource(code))
    record_attestation(uow, actor, _camera(uow, code), attestation)
    uow.commit()


def activate(uow: UnitOfWork, actor: Actor, code: str) -> None:
    """Put a proposed or retired camera in service, through the placement review."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE, CameraResource(code))
    camera = _camera(uow, code)
    if camera.status == CameraStatus.ACTIVE:
        raise Conflict(f"camera '{code}' is already active")
    action = (
        AuditAction.CAMERA_ACTIVATED
        if camera.status == CameraStatus.PROPOSED
        else AuditAction.CAMERA_REACTIVATED
    )
    activate_checked(uow, actor, camera, action)
    uow.commit()


def _attestation_view(uow: UnitOfWork, camera: Camera) -> AttestationView | None:
    found = _attestations(uow, camera)
    if not found:
        return None
    latest = found[0]
    current = current_attestation(uow, camera)
    return AttestationView(
        latest.attested_at,
        latest.attested_by_name
        + (f" #{latest.attested_by_badge}" if latest.attested_by_badge else ""),
        latest.note,
        latest.photo_ref,
        current is not None and current.id == latest.id,
    )


def review_camera(uow: UnitOfWork, camera: Camera) -> PlacementReview:
    """The placement review of one camera, without authorizing (callers did)."""
    view = field_of_view_of(camera)
    problems, conflicts = activation_problems(uow, camera)
    hold = _open_hold(uow, camera)
    return PlacementReview(
        camera.code,
        camera.status,
        geojson(view_polygon(view)) if view else None,
        conflicts,
        _attestation_view(uow, camera),
        hold.flagged_at if hold else None,
        problems,
    )


def review(uow: UnitOfWork, actor: Actor, code: str) -> PlacementReview:
    authorize(uow, actor, Permission.CAMERAS_MANAGE, CameraResource(code))
    return review_camera(uow, _camera(uow, code))


def reviews(uow: UnitOfWork, actor: Actor) -> list[PlacementReview]:
    """Every camera's placement review (the compliance map)."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    return [
        review_camera(uow, c) for c in uow.session.scalars(select(Camera).order_by(Camera.code))
    ]


@dataclass(frozen=True)
class ProposalReview:
    view: dict[str, Any]
    conflicts: list[PlacementConflict]

    @property
    def refused(self) -> bool:
        return bool(self.conflicts)


def check_proposal(uow: UnitOfWork, actor: Actor, view: FieldOfView) -> ProposalReview:
    """A placement proposed on the map, checked before any camera is registered there.

    A refusal is audited like an activation refused (the reason shown is the one recorded).
    """
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    conflicts = conflicts_of(uow, view)
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.CAMERA_PLACEMENT_CHECKED,
            Outcome.DENIED if conflicts else Outcome.ALLOWED,
            reason="; ".join(c.reason for c in conflicts)[:1000] or None,
            details={
                "latitude": view.latitude,
                "longitude": view.longitude,
                "heading": view.heading,
                "range_m": view.range_m,
                "angle_deg": view.angle_deg,
                "conflicts": _conflict_details(conflicts),
            },
        ),
    )
    uow.commit()
    return ProposalReview(geojson(view_polygon(view)), conflicts)


# --- re-checking after a change, and the holds --------------------------------------------------


def recheck(uow: UnitOfWork, actor: Actor, cameras: Sequence[Camera] | None = None) -> list[str]:
    """Hold each active fixed camera whose view now reaches a sensitive entrance; resolve the
    holds of those whose view no longer does. Audited; the caller commits. Returns what changed.
    """
    sites = site_entrances(uow)
    checked = (
        cameras
        if cameras is not None
        else list(uow.session.scalars(select(Camera).order_by(Camera.code)))
    )
    changes = []
    for camera in checked:
        conflicts = (
            conflicts_of(uow, field_of_view_of(camera), sites)
            if camera.status == CameraStatus.ACTIVE
            else []
        )
        hold = _open_hold(uow, camera)
        if conflicts and hold is None:
            reason = "; ".join(c.reason for c in conflicts)[:1000]
            uow.session.add(PlacementHold(camera_id=camera.id, flagged_at=uow.now(), reason=reason))
            _record_hold(uow, actor, AuditAction.CAMERA_PLACEMENT_HELD, camera, reason, conflicts)
            changes.append(f"{camera.code} held")
        elif hold is not None and not conflicts and _placement_clear(uow, camera, sites):
            hold.resolved_at = uow.now()
            hold.resolution = "its field of view no longer reaches a sensitive entrance or exit"
            _record_hold(
                uow, actor, AuditAction.CAMERA_PLACEMENT_CLEARED, camera, hold.resolution, []
            )
            changes.append(f"{camera.code} cleared")
    uow.session.flush()
    return changes


def _placement_clear(uow: UnitOfWork, camera: Camera, sites: Sequence[SiteEntrances]) -> bool:
    # A retired camera's hold is resolved only by a placement that would be clear if it read.
    return not conflicts_of(uow, field_of_view_of(camera), sites)


def _record_hold(
    uow: UnitOfWork,
    actor: Actor,
    action: AuditAction,
    camera: Camera,
    reason: str,
    conflicts: Sequence[PlacementConflict],
) -> None:
    audit.record(
        uow,
        actor,
        AuditEvent(
            action,
            reason=reason,
            details={"camera": camera.code, "conflicts": _conflict_details(conflicts)},
        ),
    )


def held_cameras(uow: UnitOfWork) -> dict[int, datetime | None]:
    """Camera id → None while its hold is open, else when its last hold was resolved: its reads
    captured before then stay withheld (they were taken while it saw a sensitive entrance)."""
    held: dict[int, datetime | None] = {}
    for hold in uow.session.scalars(select(PlacementHold)):
        if hold.resolved_at is None:
            held[hold.camera_id] = None
        elif hold.camera_id not in held or (
            held[hold.camera_id] is not None and hold.resolved_at > held[hold.camera_id]  # type: ignore[operator]
        ):
            held[hold.camera_id] = hold.resolved_at
    return held


def held_codes(uow: UnitOfWork, actor: Actor) -> list[str]:
    """The cameras held now, for the administrators' banner (DUP update 2026)."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    return open_holds(uow)


def open_holds(uow: UnitOfWork) -> list[str]:
    """The codes of the cameras held now (the administrators' banner)."""
    rows = uow.session.execute(
        select(Camera.code)
        .join(PlacementHold, PlacementHold.camera_id == Camera.id)
        .where(PlacementHold.resolved_at.is_(None))
        .order_by(Camera.code)
    )
    return list(rows.scalars())


# --- mobile cameras: reads near a site are not stored -------------------------------------------


def site_zones(uow: UnitOfWork) -> SiteZones:
    """Where mobile cameras' reads are dropped at ingest (DUP update 2026)."""
    return SiteZones(site_entrances(uow), uow.settings.mobile_site_buffer_m)


def local_day(uow: UnitOfWork, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(uow.settings.timezone)).date()


def record_drops(uow: UnitOfWork, counts: dict[tuple[int, date], int]) -> None:
    """Add to each site's count of reads not stored that day (figures only, no plate)."""
    if not counts:
        return
    dialect = uow.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for (site_id, day), dropped in sorted(counts.items()):
        statement = insert(SensitiveSiteDrop).values(site_id=site_id, day=day, dropped=dropped)
        statement = statement.on_conflict_do_update(
            index_elements=["site_id", "day"],
            set_={"dropped": SensitiveSiteDrop.dropped + statement.excluded.dropped},
        )
        uow.session.execute(statement)

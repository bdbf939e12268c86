"""What a camera record must hold, who may change it, and when a camera counts as silent.

Pure: no database, web or I/O. The registry's use cases (cameras/service.py) apply these rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any

import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from plateward.core.permissions import Actor, Permission


class CameraKind(StrEnum):
    FIXED = "fixed"
    MOBILE = "mobile"  # mounted on a patrol car; reports its own position with each read


class CameraStatus(StrEnum):
    ACTIVE = "active"  # its reads are accepted
    INACTIVE = "inactive"  # retired (out of service): its reads are quarantined until reactivated
    DECOMMISSIONED = "decommissioned"  # removed for good; treated like a retired camera
    # Registered, not yet in service: its placement is reviewed and a person attests that it
    # sees only what is in public view before it is activated (DUP §3.1, §5, update 2026).
    PROPOSED = "proposed"


@dataclass(frozen=True)
class CameraRef:
    """What validation needs to know about a registered camera."""

    id: int
    code: str
    is_fixed: bool
    active: bool
    latitude: float | None
    longitude: float | None


# A code names the camera in classes of access, URLs and files: letters, digits and . _ : -
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
MAX_INTERVAL_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class CameraSpec:
    """A camera as a department describes it (the register form, the API, an import file)."""

    code: str
    name: str
    kind: str
    location: str
    vendor: str
    agency_ori: str  # empty: the home agency
    latitude: float | None = None
    longitude: float | None = None
    heading: int | None = None
    status: str = CameraStatus.ACTIVE
    vendor_ref: str | None = None
    expected_interval_minutes: int | None = None  # None: learned from its traffic
    # Placement review (DUP update 2026): how far and how wide a fixed camera sees. None: the
    # defaults below (DEFAULT_VIEW_RANGE_M, DEFAULT_VIEW_ANGLE_DEG).
    view_range_m: float | None = None
    view_angle_deg: int | None = None


# What an edit may change. The code is the camera's identity (classes of access name it) and the
# status changes only by retiring or reactivating, so both are left out.
EDITABLE = frozenset(f.name for f in fields(CameraSpec)) - {"code", "status"}
REQUIRED = frozenset({"name", "kind", "location", "vendor", "agency_ori"})


def _text_problem(spec: CameraSpec) -> str | None:
    if not CODE_PATTERN.fullmatch(spec.code):
        return (
            f"camera code '{spec.code[:70]}' must be 1-64 letters, digits, '.', '_', ':' or '-', "
            "starting with a letter or digit"
        )
    for label, value, limit in (
        ("name", spec.name, 200),
        ("location", spec.location, 300),
        ("vendor", spec.vendor, 100),
    ):
        if not value.strip():
            return f"camera '{spec.code}' needs a {label}"
        if len(value) > limit or not value.isprintable():
            return f"the {label} must be printable text of at most {limit} characters"
    if spec.vendor_ref is not None and (
        not spec.vendor_ref.strip()
        or len(spec.vendor_ref) > 64
        or not spec.vendor_ref.isprintable()
    ):
        return "the vendor's camera id must be printable text of 1-64 characters"
    return None


def _place_problem(spec: CameraSpec) -> str | None:
    if spec.kind not in set(CameraKind):
        return f"camera kind must be 'fixed' or 'mobile', not '{str(spec.kind)[:20]}'"
    if spec.status not in set(CameraStatus):
        return f"unknown camera status '{str(spec.status)[:20]}'"
    if (spec.latitude is None) != (spec.longitude is None):
        return "latitude and longitude must be given together"
    if spec.kind == CameraKind.FIXED and spec.latitude is None:
        return f"fixed camera '{spec.code}' needs a latitude and longitude"
    if spec.latitude is not None and not -90 <= spec.latitude <= 90:
        return "latitude must be between -90 and 90"
    if spec.longitude is not None and not -180 <= spec.longitude <= 180:
        return "longitude must be between -180 and 180"
    if spec.heading is not None and not 0 <= spec.heading < 360:
        return "heading must be between 0 and 359 degrees"
    interval = spec.expected_interval_minutes
    if interval is not None and not 1 <= interval <= MAX_INTERVAL_MINUTES:
        return f"the expected interval must be between 1 and {MAX_INTERVAL_MINUTES} minutes"
    return view_problem(spec.view_range_m, spec.view_angle_deg)


def camera_problem(spec: CameraSpec) -> str | None:
    """Why ``spec`` cannot be registered, or None when it can."""
    return _text_problem(spec) or _place_problem(spec)


def edited(spec: CameraSpec, changes: Mapping[str, Any]) -> CameraSpec:
    """``spec`` with ``changes`` applied; unknown or frozen fields are refused with ValueError."""
    refused = sorted(set(changes) - EDITABLE)
    if refused:
        msg = f"cannot change {', '.join(refused)} (editable: {', '.join(sorted(EDITABLE))})"
        raise ValueError(msg)
    emptied = sorted(name for name in REQUIRED & set(changes) if changes[name] is None)
    if emptied:
        msg = f"{', '.join(emptied)} cannot be removed"
        raise ValueError(msg)
    return replace(spec, **changes)


def changed_fields(before: CameraSpec, after: CameraSpec) -> list[str]:
    return [f.name for f in fields(CameraSpec) if getattr(before, f.name) != getattr(after, f.name)]


@dataclass(frozen=True)
class CameraResource:
    """A camera as the subject of an administrator's change (``authorize``'s resource)."""

    code: str

    @property
    def audit_label(self) -> str:
        return f"camera:{self.code}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        # DUP §12.2 — a class of access limited to some cameras reaches no camera outside it.
        if actor.camera_scope is not None and self.code not in actor.camera_scope:
            return "this camera is outside the cameras your class of access reaches"
        return None


# --- health -------------------------------------------------------------------------------------

# A camera's usual silence is learned from the gaps between its reads over the last days: the
# 99th percentile gap, with a margin, and never less than the floor (a busy intersection would
# otherwise be flagged in its first quiet minute).
LEARNING_DAYS = 7
LEARNING_MIN_GAPS = 20
LEARNING_PERCENTILE = 0.99
LEARNING_MARGIN = 1.5
SILENCE_FLOOR = timedelta(minutes=15)


class Health(StrEnum):
    OK = "ok"
    SILENT = "silent"  # silent longer than expected: flagged to administrators
    LEARNING = "learning"  # too few reads yet to know its usual rhythm, and no interval set
    NO_READS = "no reads yet"
    RETIRED = "retired"


def learned_interval(gaps: Sequence[timedelta]) -> timedelta | None:
    """The longest silence that is still normal for a camera with these gaps between reads."""
    if len(gaps) < LEARNING_MIN_GAPS:
        return None
    ordered = sorted(gaps)
    high = ordered[math.ceil(LEARNING_PERCENTILE * len(ordered)) - 1]
    return max(SILENCE_FLOOR, high * LEARNING_MARGIN)


def expected_interval(
    configured_minutes: int | None, gaps: Sequence[timedelta]
) -> timedelta | None:
    """The administrator's setting when there is one, otherwise what the traffic teaches."""
    if configured_minutes is not None:
        return timedelta(minutes=configured_minutes)
    return learned_interval(gaps)


@dataclass(frozen=True)
class CameraHealth:
    state: Health
    expected: timedelta | None
    silent_for: timedelta | None

    @property
    def flagged(self) -> bool:
        return self.state is Health.SILENT


def assess(
    status: str,
    last_read_at: datetime | None,
    registered_at: datetime,
    expected: timedelta | None,
    now: datetime,
) -> CameraHealth:
    """Whether an active camera has been silent for longer than it should be."""
    if status != CameraStatus.ACTIVE:
        return CameraHealth(Health.RETIRED, expected, None)
    # A camera that never sent a read is silent since it was registered.
    silent_for = max(now - (last_read_at or registered_at), timedelta(0))
    if expected is not None and silent_for > expected:
        return CameraHealth(Health.SILENT, expected, silent_for)
    if last_read_at is None:
        return CameraHealth(Health.NO_READS, expected, silent_for)
    if expected is None:
        return CameraHealth(Health.LEARNING, None, silent_for)
    return CameraHealth(Health.OK, expected, silent_for)


# --- placement: the field of view against sensitive sites ---------------------------------------
#
# DUP update 2026 — no camera placed so that it captures vehicles entering or exiting a
# reproductive health care facility primarily providing abortion services or a place primarily
# used for religious observance. A fixed camera's view is modelled as a circular sector: its apex
# at the camera, centred on its heading (a compass bearing: 0 north, 90 east), ``angle_deg`` wide
# and ``range_m`` deep. A camera with no recorded heading is assumed to see all around it.
# Distances are measured in a local plane tangent at the camera (equirectangular), which over a
# few hundred metres is exact to well under a metre.

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
DEFAULT_VIEW_RANGE_M = 50.0  # a plate reader reads plates up to a few tens of metres away
DEFAULT_VIEW_ANGLE_DEG = 40
MAX_VIEW_RANGE_M = 500.0
ARC_STEPS = 32  # segments of a full circle's arc; a sector gets its share, at least 4


@dataclass(frozen=True)
class FieldOfView:
    """Where a fixed camera looks: position, heading (None: all around), range and angle."""

    latitude: float
    longitude: float
    heading: float | None
    range_m: float = DEFAULT_VIEW_RANGE_M
    angle_deg: float = DEFAULT_VIEW_ANGLE_DEG

    @property
    def sweep_deg(self) -> float:
        return 360.0 if self.heading is None else min(max(self.angle_deg, 0.0), 360.0)


def view_problem(range_m: float | None, angle_deg: float | None) -> str | None:
    """Why a camera's view range or angle cannot be used, or None."""
    if range_m is not None and not 1 <= range_m <= MAX_VIEW_RANGE_M:
        return f"the view range must be between 1 and {MAX_VIEW_RANGE_M:.0f} metres"
    if angle_deg is not None and not 1 <= angle_deg <= 360:
        return "the view angle must be between 1 and 360 degrees"
    return None


def field_of_view(spec: CameraSpec) -> FieldOfView | None:
    """A fixed camera's field of view, or None for a mobile one (or one without a position)."""
    if spec.kind != CameraKind.FIXED or spec.latitude is None or spec.longitude is None:
        return None
    return FieldOfView(
        spec.latitude,
        spec.longitude,
        spec.heading,
        spec.view_range_m if spec.view_range_m is not None else DEFAULT_VIEW_RANGE_M,
        spec.view_angle_deg if spec.view_angle_deg is not None else DEFAULT_VIEW_ANGLE_DEG,
    )


@dataclass(frozen=True)
class LocalPlane:
    """Metres east (x) and north (y) of an origin, for geometry measured in metres."""

    latitude: float
    longitude: float

    @property
    def east_scale(self) -> float:
        """Metres per degree of longitude at the origin's latitude."""
        return METRES_PER_DEGREE * math.cos(math.radians(self.latitude))

    def to_metres(self, geometry: BaseGeometry) -> BaseGeometry:
        """A longitude/latitude geometry in this plane."""
        east, lon0, lat0 = self.east_scale, self.longitude, self.latitude

        def project(coords: Any) -> Any:
            out = coords.copy()
            out[:, 0] = (coords[:, 0] - lon0) * east
            out[:, 1] = (coords[:, 1] - lat0) * METRES_PER_DEGREE
            return out

        return shapely.transform(geometry, project)

    def to_degrees(self, geometry: BaseGeometry) -> BaseGeometry:
        """A geometry in this plane as longitude/latitude."""
        east, lon0, lat0 = self.east_scale, self.longitude, self.latitude

        def unproject(coords: Any) -> Any:
            out = coords.copy()
            out[:, 0] = coords[:, 0] / east + lon0
            out[:, 1] = coords[:, 1] / METRES_PER_DEGREE + lat0
            return out

        return shapely.transform(geometry, unproject)


def view_in_metres(view: FieldOfView) -> Polygon:
    """The field of view in the camera's own plane (the camera at the origin)."""
    if view.sweep_deg >= 360:
        return Point(0, 0).buffer(view.range_m, quad_segs=ARC_STEPS // 4)
    steps = max(4, math.ceil(ARC_STEPS * view.sweep_deg / 360))
    start = (view.heading or 0.0) - view.sweep_deg / 2
    arc = []
    for i in range(steps + 1):
        bearing = math.radians(start + view.sweep_deg * i / steps)
        arc.append((view.range_m * math.sin(bearing), view.range_m * math.cos(bearing)))
    return Polygon([(0.0, 0.0), *arc])


def view_polygon(view: FieldOfView) -> BaseGeometry:
    """The field of view as longitude/latitude, to draw on a map."""
    plane = LocalPlane(view.latitude, view.longitude)
    return plane.to_degrees(view_in_metres(view))


@dataclass(frozen=True)
class SiteEntrances:
    """A sensitive site's entrances and exits (points or lines, longitude/latitude)."""

    id: int
    name: str
    kind: str
    entrances: BaseGeometry

    @cached_property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees, computed once."""
        minx, miny, maxx, maxy = (float(b) for b in self.entrances.bounds)
        return minx, miny, maxx, maxy


@dataclass(frozen=True)
class PlacementConflict:
    """A sensitive site whose entrance or exit a camera's view reaches (within the buffer)."""

    site_id: int
    site_name: str
    site_kind: str
    distance_m: float  # from the view to the nearest entrance or exit; 0 when inside the view

    @property
    def reason(self) -> str:
        where = "covers" if self.distance_m < 0.5 else f"comes within {self.distance_m:.0f} m of"
        return f"its field of view {where} an entrance or exit of {self.site_name}"


def _near(view: FieldOfView, site: SiteEntrances, reach_m: float) -> bool:
    """A cheap test in degrees: could the site be within ``reach_m`` of the camera at all?"""
    minx, miny, maxx, maxy = site.bounds
    lat_margin = reach_m / METRES_PER_DEGREE
    lon_margin = lat_margin / max(math.cos(math.radians(view.latitude)), 1e-6)
    return (
        minx - lon_margin <= view.longitude <= maxx + lon_margin
        and miny - lat_margin <= view.latitude <= maxy + lat_margin
    )


def placement_conflicts(
    view: FieldOfView, sites: Sequence[SiteEntrances], buffer_m: float
) -> list[PlacementConflict]:
    """The sites whose entrances or exits lie inside the view or within ``buffer_m`` of it.

    DUP update 2026 — such a camera captures the vehicles entering or leaving: it cannot be
    activated, and an active one is held (cameras/placement.py).
    """
    plane = LocalPlane(view.latitude, view.longitude)
    polygon = view_in_metres(view)
    reach = view.range_m + buffer_m + 1.0
    found = []
    for site in sites:
        if site.entrances.is_empty or not _near(view, site, reach):
            continue
        distance = polygon.distance(plane.to_metres(site.entrances))
        if distance <= buffer_m:
            found.append(PlacementConflict(site.id, site.name, site.kind, round(distance, 1)))
    return sorted(found, key=lambda c: (c.distance_m, c.site_name))


@dataclass(frozen=True)
class Placement:
    """Where a camera stands and looks, as a public-view attestation records it."""

    latitude: float | None
    longitude: float | None
    heading: int | None
    view_range_m: float | None = None
    view_angle_deg: int | None = None


def placement_of(spec: CameraSpec) -> Placement:
    return Placement(
        spec.latitude, spec.longitude, spec.heading, spec.view_range_m, spec.view_angle_deg
    )


def same_placement(a: Placement, b: Placement) -> bool:
    """Whether an attestation made for ``a`` still describes a camera placed at ``b``.

    A move of more than a metre, a turn, or a wider or deeper view is a new placement, which a
    person has not yet looked at from the street.
    """
    if (a.latitude is None) != (b.latitude is None) or a.heading != b.heading:
        return False
    if a.view_range_m != b.view_range_m or a.view_angle_deg != b.view_angle_deg:
        return False
    if a.latitude is None or b.latitude is None:
        return True
    moved = math.hypot(
        (a.latitude - b.latitude) * METRES_PER_DEGREE,
        ((a.longitude or 0) - (b.longitude or 0))
        * METRES_PER_DEGREE
        * math.cos(math.radians(a.latitude)),
    )
    return moved <= 1.0


class SiteZones:
    """Where mobile cameras' reads are not stored: within ``buffer_m`` of an entrance or exit.

    Built once per ingest batch; ``site_at`` answers per read from a grid of cells about the
    buffer's size (a dictionary look-up), then measures the exact distance in the site's own
    plane, so a batch of thousands of patrol-car reads costs little (DUP update 2026,
    reads/ingest.py; bench/placement.py measures it).
    """

    def __init__(self, sites: Sequence[SiteEntrances], buffer_m: float) -> None:
        self.sites = tuple(s for s in sites if not s.entrances.is_empty)
        self.buffer_m = buffer_m
        self._cell = max(buffer_m, 10.0) / METRES_PER_DEGREE  # degrees of latitude per cell
        self._grid: dict[tuple[int, int], list[int]] = {}
        self._local: list[tuple[LocalPlane, BaseGeometry]] = []
        for index, site in enumerate(self.sites):
            minx, miny, maxx, maxy = (float(b) for b in site.entrances.bounds)
            centre = LocalPlane((miny + maxy) / 2, (minx + maxx) / 2)
            self._local.append((centre, centre.to_metres(site.entrances)))
            lat_margin = buffer_m / METRES_PER_DEGREE + 1e-6
            lon_margin = lat_margin / max(math.cos(math.radians(miny)), 1e-6)
            for cell in self._cells(
                miny - lat_margin, minx - lon_margin, maxy + lat_margin, maxx + lon_margin
            ):
                self._grid.setdefault(cell, []).append(index)

    def _cells(self, south: float, west: float, north: float, east: float) -> list[tuple[int, int]]:
        rows = range(math.floor(south / self._cell), math.floor(north / self._cell) + 1)
        cols = range(math.floor(west / self._cell), math.floor(east / self._cell) + 1)
        return [(r, c) for r in rows for c in cols]

    def __bool__(self) -> bool:
        return bool(self.sites)

    def site_at(self, latitude: float, longitude: float) -> SiteEntrances | None:
        """The sensitive site whose entrance or exit lies within the buffer of this point."""
        key = (math.floor(latitude / self._cell), math.floor(longitude / self._cell))
        for index in self._grid.get(key, ()):
            plane, local = self._local[index]
            x = (longitude - plane.longitude) * plane.east_scale
            y = (latitude - plane.latitude) * METRES_PER_DEGREE
            if local.distance(Point(x, y)) <= self.buffer_m:
                return self.sites[index]
        return None

"""The query model of a search of reads (pure: no database, web or I/O).

DUP §2 — reads are searched only for an authorized purpose, and §9 logs each query's terms: the
query is one frozen value, validated once here, whose ``terms()`` is what the audit trail stores
(and what the misuse signals read back). Plate patterns, the time window, the area and the
vehicle filters are all decided here; the service turns a valid query into SQL through the read
gate and uses ``PlatePattern.matches`` / ``Area.contains`` for the checks SQL cannot make exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any

from rapidfuzz.distance import Levenshtein
from shapely.geometry import Point, Polygon
from shapely.prepared import prep

from plateward.core.errors import InvalidInput
from plateward.plates.rules import (
    PLATE_MAX_LENGTH,
    InvalidPlate,
    normalize_plate,
    normalize_state,
    skeleton,
)

# A pattern must name at least this many characters of the plate: "*1*" would sweep the whole
# fleet of reads, which no single case justifies (DUP §2: searches serve one investigation).
MIN_PATTERN_CHARACTERS = 3
MAX_CAMERAS = 100
MAX_FILTER_LENGTH = 60
MAX_RADIUS_M = 50_000.0
MIN_RADIUS_M = 1.0
MAX_POLYGON_POINTS = 500
# A polygon may sweep no more ground than the widest circle (DUP §2: one investigation's area).
MAX_AREA_KM2 = math.pi * MAX_RADIUS_M**2 / 1e6
EARTH_RADIUS_M = 6_371_008.8
_METRES_PER_DEGREE = 111_320.0

ANY_RUN = "*"
ANY_ONE = "?"
_LIKE_ESCAPE = "\\"


class PlateMatch(StrEnum):
    EXACT = "exact"
    PARTIAL = "partial"  # "7AB*", "*123", "*AB1*"
    WILDCARD = "wildcard"  # "7A?C123": one unknown character per "?"
    FUZZY = "fuzzy"  # the same confusable skeleton, or one edit away


# --- plate patterns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlatePattern:
    """A normalized plate pattern: letters and digits, ``*`` at either end, ``?`` anywhere."""

    text: str

    @property
    def match(self) -> PlateMatch:
        if ANY_RUN in self.text:
            return PlateMatch.PARTIAL
        if ANY_ONE in self.text:
            return PlateMatch.WILDCARD
        return PlateMatch.EXACT

    @property
    def literal(self) -> str:
        """The plate characters the pattern names (no wildcards)."""
        return self.text.replace(ANY_RUN, "").replace(ANY_ONE, "")

    def like(self) -> str:
        """The pattern as SQL LIKE text, escaped with backslash (use ``escape='\\\\'``)."""
        out = []
        for char in self.text:
            if char == ANY_RUN:
                out.append("%")
            elif char == ANY_ONE:
                out.append("_")
            elif char in ("%", "_", _LIKE_ESCAPE):
                out.append(_LIKE_ESCAPE + char)
            else:
                out.append(char)
        return "".join(out)

    def matches(self, plate: str) -> bool:
        """Whether a normalized plate fits the pattern (the reference the SQL must agree with)."""
        body = self.text
        head_open, tail_open = body.startswith(ANY_RUN), body.endswith(ANY_RUN)
        core = body.strip(ANY_RUN)
        if not head_open and not tail_open:
            return _fits(core, plate)
        if head_open and tail_open:
            return any(
                _fits(core, plate[i : i + len(core)]) for i in range(len(plate) - len(core) + 1)
            )
        if head_open:
            return len(plate) >= len(core) and _fits(core, plate[len(plate) - len(core) :])
        return _fits(core, plate[: len(core)])


def _fits(core: str, plate: str) -> bool:
    return len(core) == len(plate) and all(
        c in (ANY_ONE, p) for c, p in zip(core, plate, strict=True)
    )


def plate_pattern(
    raw: str, state: str | None = None, fold_states: frozenset[str] = frozenset({"CA"})
) -> PlatePattern:
    """Normalize what a person typed into a pattern, or raise ``InvalidInput`` saying why.

    Each run of plate characters is normalized like a stored plate (separators dropped,
    look-alike letters mapped, O/I folded in fold states), so "7ab-c*" finds "7ABC123".
    """
    text = raw.strip()
    if not text:
        raise InvalidInput("the plate is empty")
    pieces: list[str] = []
    for chunk in _chunks(text):
        if chunk in (ANY_RUN, ANY_ONE):
            pieces.append(chunk)
            continue
        try:
            pieces.append(normalize_plate(chunk, state, fold_states))
        except InvalidPlate as exc:
            raise InvalidInput(str(exc)) from None
    pattern = "".join(pieces)
    while ANY_RUN * 2 in pattern:
        pattern = pattern.replace(ANY_RUN * 2, ANY_RUN)
    _check_pattern(pattern)
    return PlatePattern(pattern)


def _chunks(text: str) -> list[str]:
    """Split typed text into wildcards and the plate characters between them."""
    chunks, current = [], ""
    for char in text:
        if char in (ANY_RUN, ANY_ONE):
            if current.strip():
                chunks.append(current)
            current = ""
            chunks.append(char)
        else:
            current += char
    if current.strip():
        chunks.append(current)
    return chunks


def _check_pattern(pattern: str) -> None:
    if ANY_RUN in pattern.strip(ANY_RUN):
        raise InvalidInput(
            "'*' stands for the start or the end of the plate (7AB*, *123, *AB1*); "
            "use '?' for one unknown character in the middle"
        )
    characters = len(pattern.replace(ANY_RUN, ""))
    if characters > PLATE_MAX_LENGTH:
        raise InvalidInput(f"a plate has at most {PLATE_MAX_LENGTH} characters")
    if pattern != pattern.replace(ANY_ONE, "").replace(ANY_RUN, "") and (
        len(pattern.replace(ANY_ONE, "").replace(ANY_RUN, "")) < MIN_PATTERN_CHARACTERS
    ):
        raise InvalidInput(
            f"a partial plate must name at least {MIN_PATTERN_CHARACTERS} characters "
            "(a shorter pattern matches too many vehicles to serve one case)"
        )


def plate_variants(
    pattern: PlatePattern, state: str | None, fold_states: frozenset[str]
) -> tuple[str, ...]:
    """The stored forms a pattern can take: with no state given, a plate from a fold state was
    stored with O/I folded onto 0/1, so the folded form is searched as well."""
    if state is not None or not fold_states:
        return (pattern.text,)
    folded = pattern.text.translate(str.maketrans("OI", "01"))
    return (pattern.text,) if folded == pattern.text else (pattern.text, folded)


def one_edit_or_confusable(plate: str, wanted: str) -> bool:
    """Fuzzy match: the same confusable skeleton (likely OCR misread), or one edit away."""
    if skeleton(plate) == skeleton(wanted):
        return True
    return Levenshtein.distance(plate, wanted, score_cutoff=1) <= 1


# --- the area ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """Where reads were taken: a circle (center + radius in metres) or a polygon ring.

    Coordinates are (latitude, longitude) in degrees, WGS 84.
    """

    center: tuple[float, float] | None = None
    radius_m: float | None = None
    polygon: tuple[tuple[float, float], ...] = ()

    def __post_init__(self) -> None:
        if self.polygon and (self.center is not None or self.radius_m is not None):
            raise InvalidInput("give either a circle (center and radius) or a polygon, not both")
        if self.polygon:
            _check_polygon(self.polygon)
            if self.area_km2() > MAX_AREA_KM2:
                raise InvalidInput(
                    f"a polygon may cover at most {MAX_AREA_KM2:,.0f} km² (a circle of "
                    f"{MAX_RADIUS_M / 1000:.0f} km); draw the area the case is about"
                )
        elif self.center is None or self.radius_m is None:
            raise InvalidInput("an area is a center with a radius, or a polygon")
        else:
            _check_point(self.center)
            if not MIN_RADIUS_M <= self.radius_m <= MAX_RADIUS_M:
                raise InvalidInput(
                    f"the radius must be between {MIN_RADIUS_M:.0f} and {MAX_RADIUS_M:.0f} metres"
                )

    @property
    def is_circle(self) -> bool:
        return not self.polygon

    def bounds(self) -> tuple[float, float, float, float]:
        """(min latitude, min longitude, max latitude, max longitude) enclosing the area."""
        if self.polygon:
            lats = [p[0] for p in self.polygon]
            lons = [p[1] for p in self.polygon]
            return min(lats), min(lons), max(lats), max(lons)
        assert self.center is not None and self.radius_m is not None  # noqa: S101 — checked above
        lat, lon = self.center
        dlat = self.radius_m / _METRES_PER_DEGREE
        dlon = self.radius_m / (_METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 1e-6))
        return lat - dlat, lon - dlon, lat + dlat, lon + dlon

    def contains(self, latitude: float | None, longitude: float | None) -> bool:
        if latitude is None or longitude is None:
            return False
        if self.polygon:
            return bool(self._prepared.covers(Point(longitude, latitude)))
        assert self.center is not None and self.radius_m is not None  # noqa: S101
        return distance_m(self.center, (latitude, longitude)) <= self.radius_m

    @cached_property
    def _prepared(self) -> Any:
        return prep(_shape(self.polygon))

    def area_km2(self) -> float:
        if self.polygon:
            lat0 = sum(p[0] for p in self.polygon) / len(self.polygon)
            scale = math.cos(math.radians(lat0))
            flat = Polygon(
                [
                    (lon * scale * _METRES_PER_DEGREE, lat * _METRES_PER_DEGREE)
                    for lat, lon in self.polygon
                ]
            )
            return float(flat.area) / 1e6
        assert self.radius_m is not None  # noqa: S101
        return math.pi * self.radius_m**2 / 1e6

    def record(self) -> dict[str, Any]:
        if self.polygon:
            return {"polygon": [[lat, lon] for lat, lon in self.polygon]}
        assert self.center is not None  # noqa: S101
        return {"center": [self.center[0], self.center[1]], "radius_m": self.radius_m}


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (latitude, longitude) points (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _check_point(point: tuple[float, float]) -> None:
    lat, lon = point
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput("a point is a latitude (-90 to 90) and a longitude (-180 to 180)")


def _shape(ring: tuple[tuple[float, float], ...]) -> Polygon:
    return Polygon([(lon, lat) for lat, lon in ring])


def _check_polygon(ring: tuple[tuple[float, float], ...]) -> None:
    if len(ring) > MAX_POLYGON_POINTS:
        raise InvalidInput(f"a polygon has at most {MAX_POLYGON_POINTS} points")
    for point in ring:
        _check_point(point)
    if len(set(ring)) < 3:
        raise InvalidInput("a polygon needs at least three different points")
    shape = _shape(ring)
    if not shape.is_valid or shape.area == 0:
        raise InvalidInput("the polygon crosses itself or has no area; draw its outline in order")


def area_from_record(record: dict[str, Any]) -> Area:
    if "polygon" in record:
        return Area(polygon=tuple((float(p[0]), float(p[1])) for p in record["polygon"]))
    center = record["center"]
    return Area(center=(float(center[0]), float(center[1])), radius_m=float(record["radius_m"]))


# --- the query -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    """What to look for. Build it with ``search_query`` (validated) or ``from_terms``."""

    start: datetime
    end: datetime
    plate: str | None = None
    fuzzy: bool = False
    plate_state: str | None = None
    cameras: tuple[str, ...] = ()
    area: Area | None = None
    make: str | None = None
    model: str | None = None
    color: str | None = None
    vehicle_type: str | None = None

    @property
    def plate_match(self) -> PlateMatch | None:
        if self.plate is None:
            return None
        return PlateMatch.FUZZY if self.fuzzy else PlatePattern(self.plate).match

    @property
    def pattern(self) -> PlatePattern | None:
        return PlatePattern(self.plate) if self.plate is not None else None

    @property
    def vehicle(self) -> dict[str, str]:
        """The vehicle filters that are set, by name (compared case-insensitively)."""
        named = {
            "make": self.make,
            "model": self.model,
            "color": self.color,
            "vehicle_type": self.vehicle_type,
        }
        return {k: v for k, v in named.items() if v is not None}

    def terms(self) -> dict[str, object]:
        """What the audit entry stores as ``query_terms`` (DUP §9); None values left out."""
        terms: dict[str, object] = {
            "plate": self.plate,
            "plate_match": self.plate_match.value if self.plate_match else None,
            "plate_state": self.plate_state,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "cameras": list(self.cameras),
            "area": self.area.record() if self.area else None,
            **self.vehicle,
        }
        if self.area is not None:
            terms["area_km2"] = round(self.area.area_km2(), 4)
        return {k: v for k, v in terms.items() if v is not None}


def _text_filter(value: str | None, label: str) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        return None
    if len(text) > MAX_FILTER_LENGTH or not text.isprintable():
        raise InvalidInput(f"the {label} is at most {MAX_FILTER_LENGTH} printable characters")
    return text


def _aware(value: datetime, label: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"the {label} time needs a time zone (e.g. 2026-11-20T08:00:00-08:00)")
    return value


def _camera_codes(codes: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if len(cleaned) > MAX_CAMERAS:
        raise InvalidInput(f"name at most {MAX_CAMERAS} cameras")
    if any(len(c) > 64 or not c.isprintable() for c in cleaned):
        raise InvalidInput("a camera code is at most 64 printable characters")
    return cleaned


def search_query(
    *,
    start: datetime,
    end: datetime,
    plate: str | None = None,
    fuzzy: bool = False,
    plate_state: str | None = None,
    cameras: tuple[str, ...] | list[str] = (),
    area: Area | None = None,
    make: str | None = None,
    model: str | None = None,
    color: str | None = None,
    vehicle_type: str | None = None,
    fold_states: frozenset[str] = frozenset({"CA"}),
) -> SearchQuery:
    """A validated query from form or API values; raises ``InvalidInput`` naming the problem."""
    try:
        state = normalize_state(plate_state)
    except InvalidPlate as exc:
        raise InvalidInput(str(exc)) from None
    pattern = plate_pattern(plate, state, fold_states) if plate and plate.strip() else None
    if fuzzy and pattern is None:
        raise InvalidInput("a fuzzy search needs a plate")
    if fuzzy and pattern is not None and pattern.match is not PlateMatch.EXACT:
        raise InvalidInput("a fuzzy search takes a whole plate, without '*' or '?'")
    return SearchQuery(
        start=_aware(start, "start"),
        end=_aware(end, "end"),
        plate=pattern.text if pattern else None,
        fuzzy=fuzzy,
        plate_state=state,
        cameras=_camera_codes(cameras),
        area=area,
        make=_text_filter(make, "make"),
        model=_text_filter(model, "model"),
        color=_text_filter(color, "colour"),
        vehicle_type=_text_filter(vehicle_type, "vehicle type"),
    )


def from_terms(terms: dict[str, Any]) -> SearchQuery:
    """The query a stored ``terms()`` describes (a stored search is run again for each page)."""
    area = terms.get("area")
    return SearchQuery(
        start=datetime.fromisoformat(terms["start"]),
        end=datetime.fromisoformat(terms["end"]),
        plate=terms.get("plate"),
        fuzzy=terms.get("plate_match") == PlateMatch.FUZZY.value,
        plate_state=terms.get("plate_state"),
        cameras=tuple(terms.get("cameras", ())),
        area=area_from_record(area) if area else None,
        make=terms.get("make"),
        model=terms.get("model"),
        color=terms.get("color"),
        vehicle_type=terms.get("vehicle_type"),
    )


@dataclass(frozen=True)
class WindowRules:
    """The bounds of a search's time window, from the settings."""

    max_days: int
    retention_days: int


def bounded_window(query: SearchQuery, now: datetime, rules: WindowRules) -> SearchQuery:
    """The query with its end clamped to now, once its window is valid; else ``InvalidInput``.

    The window is required and bounded (DUP §2: a search serves one case, not a sweep). Reads
    older than retention are invisible anyway (invariant 4); a window entirely before the
    retention cutoff is refused so the person is not told "nothing found" about data that is gone.
    """
    if query.start >= query.end:
        raise InvalidInput("the window's start must come before its end")
    end = min(query.end, now)
    if query.start >= end:
        raise InvalidInput("the window starts in the future; no reads exist there yet")
    cutoff = now - timedelta(days=rules.retention_days)
    if end <= cutoff:
        raise InvalidInput(
            f"the whole window lies before the retention cutoff: reads are kept "
            f"{rules.retention_days} days, so search from {cutoff:%Y-%m-%d %H:%M} UTC onwards"
        )
    if end - query.start > timedelta(days=rules.max_days):
        raise InvalidInput(f"the window is limited to {rules.max_days} days; narrow it to the case")
    return replace(query, end=end)

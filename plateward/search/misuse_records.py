"""Misuse signals' material: the searches as the audit trail recorded them, and the tests of a
purpose's quality and of an area's geometry that the rules (``misuse_rules.py``) use (pure).

No database, web or I/O: ``misuse.py`` reads the trail and hands these records in. The trail
holds whatever was written, so every field is read defensively: malformed means absent.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shapely.geometry import Point, Polygon

from plateward.guard.justification import assess_justification
from plateward.search.rules import EARTH_RADIUS_M, distance_m

# --- what the trail recorded ---------------------------------------------------------------------


@dataclass(frozen=True)
class AreaTerms:
    """An area search's shape as the trail recorded it: a circle or a polygon ring."""

    center: tuple[float, float] | None = None  # (latitude, longitude)
    radius_m: float | None = None
    polygon: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class SearchRecord:
    """One search (or attempt) from the audit trail: its entry, its person, purpose and terms."""

    seq: int
    at: datetime
    username: str
    person_id: int | None = None
    name: str = ""
    action: str = "search.run"
    search_id: int | None = None
    page: int = 1
    plate: str | None = None
    plate_match: str | None = None
    case_number: str | None = None
    justification: str | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    area: AreaTerms | None = None
    area_km2: float | None = None
    cameras: tuple[str, ...] = ()


@dataclass(frozen=True)
class Activity:
    """Any other entry by a person: what makes a search part of a working session."""

    seq: int
    at: datetime
    username: str
    action: str
    search_id: int | None = None


@dataclass(frozen=True)
class SensitiveSite:
    """A place whose visitors a search must not watch: a clinic, a place of worship, a union
    hall, a shelter (DUP §3: no monitoring of First-Amendment activity)."""

    name: str
    kind: str
    latitude: float
    longitude: float


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _point(value: Any) -> tuple[float, float] | None:
    if isinstance(value, list | tuple) and len(value) == 2:
        lat, lon = _float(value[0]), _float(value[1])
        if lat is not None and lon is not None:
            return (lat, lon)
    return None


def _area(value: Any) -> AreaTerms | None:
    if not isinstance(value, Mapping):
        return None
    center, radius = _point(value.get("center")), _float(value.get("radius_m"))
    if center is not None and radius is not None and radius > 0:
        return AreaTerms(center=center, radius_m=radius)
    ring = value.get("polygon")
    points = tuple(p for p in (_point(v) for v in ring) if p) if isinstance(ring, list) else ()
    return AreaTerms(polygon=points) if len(points) >= 3 else None


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def search_record(
    *,
    seq: int,
    at: datetime,
    username: str,
    person_id: int | None,
    name: str,
    action: str,
    query_terms: Mapping[str, Any] | None,
    purpose: Mapping[str, Any] | None,
    details: Mapping[str, Any] | None,
) -> SearchRecord:
    """A search from its audit entry's columns; anything malformed is read as absent."""
    terms, why, more = query_terms or {}, purpose or {}, details or {}
    cameras = terms.get("cameras")
    return SearchRecord(
        seq=seq,
        at=at,
        username=username,
        person_id=person_id,
        name=name,
        action=action,
        search_id=_int(more.get("search_id")),
        page=_int(more.get("page")) or 1,
        plate=_text(terms.get("plate")),
        plate_match=_text(terms.get("plate_match")),
        case_number=_text(why.get("case_number")),
        justification=_text(why.get("justification")),
        window_start=_time(terms.get("start")),
        window_end=_time(terms.get("end")),
        area=_area(terms.get("area")),
        area_km2=_float(terms.get("area_km2")),
        cameras=tuple(str(c) for c in cameras) if isinstance(cameras, list) else (),
    )


def distinct_searches(records: Iterable[SearchRecord]) -> list[SearchRecord]:
    """Each search once, at its first page's entry: paging through results writes one entry a
    page, and a search held for review and later run keeps its number."""
    seen: set[int] = set()
    distinct = []
    for record in sorted(records, key=lambda r: r.seq):
        if record.page > 1 or record.search_id in seen:
            continue
        if record.search_id is not None:
            seen.add(record.search_id)
        distinct.append(record)
    return distinct


# --- the purpose's quality -----------------------------------------------------------------------

# Case "numbers" that name no case. DUP update 2026: the case number is a required field.
_PLACEHOLDER_CASES = frozenset(
    {
        "-",
        "--",
        "?",
        "inv",
        "investigation",
        "n/a",
        "na",
        "nil",
        "no case",
        "nocase",
        "none",
        "none given",
        "null",
        "pending",
        "see notes",
        "tbd",
        "test",
        "unk",
        "unknown",
        "welfare",
        "x",
        "xx",
        "xxx",
    }
)
_DIGITS = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[^\w#]+")


def normalised(text: str | None) -> str:
    """Justification text as compared: NFKC, case-folded, digit runs as '#', words only."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_NOT_WORD.sub(" ", _DIGITS.sub("#", folded)).replace("_", " ").split())


def is_generic(justification: str | None) -> bool:
    """Boilerplate: text that says nothing about why this search serves this case, as the
    prohibited-use guard judges it ("investigation", "welfare check", "follow up on case")."""
    return assess_justification(justification or "").refusal is not None


def lacks_case_number(case_number: str | None, pattern: str | None = None) -> bool:
    """No real case: missing, a placeholder, no digit at all, all zeros, or (when the agency's
    format is configured) not in that format."""
    text = (case_number or "").strip()
    if not text or text.casefold() in _PLACEHOLDER_CASES:
        return True
    digits = "".join(c for c in text if c.isdigit())
    if not digits or not digits.strip("0"):
        return True
    return pattern is not None and re.fullmatch(pattern, text) is None


def reused_seqs(searches: Sequence[SearchRecord], pattern: str | None = None) -> set[int]:
    """Searches whose justification the same person also gave for another case: the same text
    (case numbers aside) across different cases was copied, not written for the case."""
    cases: dict[tuple[str, str], set[str]] = defaultdict(set)
    members: dict[tuple[str, str], list[int]] = defaultdict(list)
    for s in searches:
        text = normalised(s.justification)
        if not text:
            continue
        key = (s.username, text)
        members[key].append(s.seq)
        if not lacks_case_number(s.case_number, pattern):
            cases[key].add((s.case_number or "").strip().casefold())
    return {seq for key, seqs in members.items() if len(cases[key]) >= 2 for seq in seqs}


# --- geometry ------------------------------------------------------------------------------------

# A local flat projection around the area's first point: exact enough within a city.
_M_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180


def _metres(point: tuple[float, float], origin: tuple[float, float]) -> tuple[float, float]:
    """``point`` as metres east and north of ``origin``."""
    east = (point[1] - origin[1]) * _M_PER_DEGREE * math.cos(math.radians(origin[0]))
    return (east, (point[0] - origin[0]) * _M_PER_DEGREE)


def _polygon(area: AreaTerms) -> Polygon:
    origin = area.polygon[0]
    shape = Polygon([_metres(p, origin) for p in area.polygon])
    return shape if shape.is_valid else shape.buffer(0)


def area_distance_m(area: AreaTerms, site: tuple[float, float]) -> float:
    """How far the site lies outside the searched area (0 when the area covers it)."""
    if area.center is not None and area.radius_m is not None:
        return max(0.0, distance_m(area.center, site) - area.radius_m)
    shape = _polygon(area)
    return float(shape.distance(Point(_metres(site, area.polygon[0]))))


def area_km2(record: SearchRecord) -> float | None:
    """The searched area: as the trail recorded it, else computed from its shape."""
    if record.area_km2 is not None:
        return record.area_km2
    if record.area is None:
        return None
    if record.area.radius_m is not None:
        return math.pi * record.area.radius_m**2 / 1e6
    return float(_polygon(record.area).area) / 1e6


# --- grouping ------------------------------------------------------------------------------------


def by_person(searches: Iterable[SearchRecord]) -> dict[str, list[SearchRecord]]:
    grouped: dict[str, list[SearchRecord]] = defaultdict(list)
    for s in searches:
        grouped[s.username].append(s)
    return grouped


def person_of(searches: Sequence[SearchRecord]) -> tuple[str, int | None]:
    return searches[0].username, next((s.person_id for s in searches if s.person_id), None)


def seqs_of(searches: Iterable[SearchRecord]) -> tuple[int, ...]:
    return tuple(sorted(s.seq for s in searches))


def median(values: Iterable[float]) -> float:
    listed = list(values)
    return float(statistics.median(listed)) if listed else 0.0

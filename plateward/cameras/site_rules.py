"""Sensitive sites: what a record of one must hold, and how its entrances are read.

Pure: no database, web or I/O. DUP update 2026 — no camera placed so that it captures vehicles
entering or exiting a reproductive health care facility primarily providing abortion services
or a location primarily used for religious observance; the agency may list other sensitive
places (DUP §3.2: no monitoring of First-Amendment activity) under ``other``. A site is known by
its entrances and exits — points (a gate) or lines (a driveway) — since what the rule forbids is
capturing the vehicles that pass through them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any

import shapely
from shapely.errors import GEOSException
from shapely.geometry import GeometryCollection, mapping, shape
from shapely.geometry.base import BaseGeometry


class SiteKind(StrEnum):
    ABORTION_PROVIDER = "abortion_provider"
    PLACE_OF_WORSHIP = "place_of_worship"
    OTHER = "other"


KIND_LABELS = {
    SiteKind.ABORTION_PROVIDER: "reproductive health care (abortion provider)",
    SiteKind.PLACE_OF_WORSHIP: "place of religious observance",
    SiteKind.OTHER: "other sensitive site",
}
# Spellings an import file may use for each kind.
KIND_ALIASES = {
    "abortion provider": SiteKind.ABORTION_PROVIDER,
    "abortion_provider": SiteKind.ABORTION_PROVIDER,
    "reproductive health": SiteKind.ABORTION_PROVIDER,
    "clinic": SiteKind.ABORTION_PROVIDER,
    "place of worship": SiteKind.PLACE_OF_WORSHIP,
    "place_of_worship": SiteKind.PLACE_OF_WORSHIP,
    "religious": SiteKind.PLACE_OF_WORSHIP,
    "other": SiteKind.OTHER,
}
ENTRANCE_TYPES = frozenset({"Point", "MultiPoint", "LineString", "MultiLineString"})
MAX_VERTICES = 500


@dataclass(frozen=True)
class SiteSpec:
    """A sensitive site as an import file or the edit page describes it."""

    name: str
    kind: str
    entrances: Mapping[str, Any]  # a GeoJSON geometry: points, lines, or a collection of them
    source: str
    source_date: date
    address: str = ""


EDITABLE = frozenset(f.name for f in fields(SiteSpec))


def kind_of(text: str) -> str:
    """The kind an import file names, in our spelling (unknown spellings are kept, and refused)."""
    cleaned = " ".join(text.strip().lower().replace("-", " ").split())
    return KIND_ALIASES.get(cleaned, KIND_ALIASES.get(cleaned.replace(" ", "_"), cleaned))


def _parts(geometry: BaseGeometry) -> list[BaseGeometry]:
    if isinstance(geometry, GeometryCollection) and geometry.geom_type == "GeometryCollection":
        return [p for g in geometry.geoms for p in _parts(g)]
    return [geometry]


def entrances_geometry(value: Mapping[str, Any]) -> BaseGeometry:
    """The entrances and exits of a GeoJSON geometry; ValueError says what is wrong with it."""
    if not isinstance(value, Mapping) or "type" not in value:
        msg = "entrances must be a GeoJSON geometry (Point, LineString or a collection of them)"
        raise ValueError(msg)
    try:
        geometry = shape(value)
    except (GEOSException, ValueError, TypeError, KeyError, IndexError, AttributeError):
        msg = "entrances are not a readable GeoJSON geometry"
        raise ValueError(msg) from None
    parts = _parts(geometry)
    if not parts or any(p.is_empty for p in parts):
        msg = "a site needs at least one entrance or exit"
        raise ValueError(msg)
    if any(p.geom_type not in ENTRANCE_TYPES for p in parts):
        msg = "entrances and exits are points (a gate) or lines (a driveway), not areas"
        raise ValueError(msg)
    coords = shapely.get_coordinates(geometry)
    if len(coords) > MAX_VERTICES:
        msg = f"entrances may have at most {MAX_VERTICES} points"
        raise ValueError(msg)
    for lon, lat in coords:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            msg = "entrance coordinates must be [longitude, latitude] in degrees"
            raise ValueError(msg)
    return geometry


def site_problem(spec: SiteSpec) -> str | None:
    """Why ``spec`` cannot be recorded, or None when it can."""
    for label, value, limit in (
        ("name", spec.name, 200),
        ("source", spec.source, 200),
    ):
        if not value.strip():
            return f"a sensitive site needs a {label}"
        if len(value) > limit or not value.isprintable():
            return f"the {label} must be printable text of at most {limit} characters"
    if len(spec.address) > 300 or not spec.address.isprintable():
        return "the address must be printable text of at most 300 characters"
    if spec.kind not in set(SiteKind):
        return f"site kind must be one of {', '.join(SiteKind)}, not '{str(spec.kind)[:30]}'"
    try:
        entrances_geometry(spec.entrances)
    except ValueError as exc:
        return f"{spec.name[:60]}: {exc}"
    return None


def representative_point(entrances: Mapping[str, Any]) -> tuple[float, float]:
    """(latitude, longitude) of a point that stands for the site on a map and in reports."""
    point = entrances_geometry(entrances).centroid
    return float(point.y), float(point.x)


def geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """A geometry as GeoJSON with lists (as JSON stores it), so stored and read compare equal."""
    value: dict[str, Any] = json.loads(json.dumps(mapping(geometry)))
    return value

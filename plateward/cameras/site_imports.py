"""Reading a sensitive-site list: GeoJSON or CSV, into ``SiteSpec`` rows.

Like the camera import (cameras/imports.py), one bad row never sinks the file: each becomes a
spec or the reason it cannot be one. The rules a site must meet are checked by the service.

GeoJSON: a FeatureCollection; each feature's geometry is an entrance or exit (Point, LineString,
or Multi-/collection of them) and its properties name the site: ``name``, ``kind``, ``source``,
``source_date`` (YYYY-MM-DD) and optionally ``address``. Features with the same name are one site
with several entrances. CSV: a header naming ``name, kind, source, source_date`` and either
``entrances`` (WKT: ``POINT (-121.88 37.33)``, ``LINESTRING (…)``, ``MULTIPOINT (…)``) or
``latitude`` and ``longitude`` of a single entrance; optionally ``address``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shapely import wkt
from shapely.errors import GEOSException
from shapely.geometry import GeometryCollection, Point, shape
from shapely.geometry.base import BaseGeometry

from plateward.cameras.site_rules import SiteSpec, geojson, kind_of
from plateward.core.errors import InvalidInput

REQUIRED = ("name", "kind", "source", "source_date")
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class SiteRow:
    position: str
    spec: SiteSpec | None
    error: str | None = None


class _RowError(Exception):
    pass


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _RowError(f"{name} must be text")
    return str(value).strip()


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _RowError(f"source_date must be a date like 2026-03-10, not '{text[:20]}'") from None


def _spec(fields: Mapping[str, Any], entrances: BaseGeometry) -> SiteSpec:
    missing = [name for name in REQUIRED if not _text(fields, name)]
    if missing:
        raise _RowError(f"missing {', '.join(missing)}")
    return SiteSpec(
        name=_text(fields, "name"),
        kind=kind_of(_text(fields, "kind")),
        entrances=geojson(entrances),
        source=_text(fields, "source"),
        source_date=_date(_text(fields, "source_date")),
        address=_text(fields, "address"),
    )


def _merge(parts: list[BaseGeometry]) -> BaseGeometry:
    return parts[0] if len(parts) == 1 else GeometryCollection(parts)


# --- GeoJSON ------------------------------------------------------------------------------------


def _geojson_rows(text: str, label: str) -> list[SiteRow]:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput(f"'{label}' is not valid JSON ({exc})") from None
    features = document.get("features") if isinstance(document, Mapping) else None
    if document.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise InvalidInput(f"'{label}' must be a GeoJSON FeatureCollection")
    grouped: dict[str, tuple[str, dict[str, Any], list[BaseGeometry]]] = {}
    rows: list[SiteRow] = []
    for index, feature in enumerate(features):
        position = f"feature {index}"
        try:
            if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
                raise _RowError("not a GeoJSON Feature")
            properties = feature.get("properties") or {}
            if not isinstance(properties, Mapping):
                raise _RowError("properties must be an object")
            geometry = feature.get("geometry")
            if not isinstance(geometry, Mapping):
                raise _RowError("a site's feature needs a geometry: its entrance or exit")
            try:
                part = shape(geometry)
            except (GEOSException, ValueError, TypeError, KeyError, IndexError, AttributeError):
                raise _RowError("the geometry is not readable GeoJSON") from None
            name = _text(properties, "name")
            if not name:
                raise _RowError("missing name")
        except _RowError as exc:
            rows.append(SiteRow(position, None, str(exc)))
            continue
        grouped.setdefault(name, (position, dict(properties), []))[2].append(part)
    for name, (position, fields, parts) in grouped.items():
        try:
            rows.append(SiteRow(position, _spec(fields, _merge(parts))))
        except _RowError as exc:
            rows.append(SiteRow(position, None, f"{name[:60]}: {exc}"))
    return rows


# --- CSV ----------------------------------------------------------------------------------------


def _csv_entrances(fields: Mapping[str, Any]) -> BaseGeometry:
    text = _text(fields, "entrances")
    if text:
        try:
            return wkt.loads(text)
        except (GEOSException, ValueError):
            raise _RowError("entrances must be WKT, e.g. POINT (-121.88 37.33)") from None
    lat, lon = _text(fields, "latitude"), _text(fields, "longitude")
    if not lat or not lon:
        raise _RowError("give the entrances (WKT) or the latitude and longitude of one")
    try:
        return Point(float(lon), float(lat))
    except ValueError:
        raise _RowError("latitude and longitude must be numbers") from None


def _csv_rows(text: str, label: str) -> list[SiteRow]:
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing or not ({"entrances"} <= set(header) or {"latitude", "longitude"} <= set(header)):
        raise InvalidInput(
            f"'{label}' needs a header naming {', '.join(REQUIRED)} and either entrances (WKT) "
            "or latitude and longitude (and may name address)"
        )
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        fields = dict(zip(header, cells, strict=False))
        try:
            rows.append(SiteRow(f"line {number}", _spec(fields, _csv_entrances(fields))))
        except _RowError as exc:
            rows.append(SiteRow(f"line {number}", None, str(exc)))
    return rows


def read_site_file(content: bytes, filename: str) -> list[SiteRow]:
    """Every site of an uploaded or named file, by its suffix (.geojson, .json or .csv)."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix not in {"geojson", "json", "csv"}:
        raise InvalidInput(f"cannot tell the format of '{filename[:80]}': use .geojson or .csv")
    if len(content) > MAX_BYTES:
        raise InvalidInput(f"'{filename[:80]}' is larger than {MAX_BYTES:,} bytes")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"'{filename[:80]}' is not valid UTF-8 text") from None
    try:
        return _csv_rows(text, filename) if suffix == "csv" else _geojson_rows(text, filename)
    except csv.Error as exc:
        raise InvalidInput(f"'{filename[:80]}' is not valid CSV ({exc})") from None

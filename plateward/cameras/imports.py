"""Reading a camera list for ``plateward cameras import FILE``: CSV or GeoJSON.

Each camera becomes an ``ImportRow``: a ``CameraSpec``, or the reason its row cannot be one, so
one bad row never sinks the file. Only a problem with the file as a whole (its suffix, a CSV
header without the required columns, GeoJSON that is not a FeatureCollection) raises
``InvalidInput``, before any row is read. The rules a camera must meet are checked by the
registry service, not here.

CSV: a header row naming the columns; ``code, name, kind, location, vendor`` are required, and
``agency_ori, latitude, longitude, heading, vendor_ref, expected_interval_minutes, status,
view_range_m, view_angle_deg, attestation_note, attestation_photo_ref`` may be given (a camera is
activated only with an attestation and a clear placement: cameras/placement.py).
GeoJSON: a FeatureCollection whose features are Points (``[longitude, latitude]``, or
no geometry for a mobile camera) with the same names as properties.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plateward.cameras.placement import AttestationIn
from plateward.cameras.rules import CameraSpec, CameraStatus
from plateward.core.errors import InvalidInput

REQUIRED = ("code", "name", "kind", "location", "vendor")
OPTIONAL = (
    "agency_ori",
    "latitude",
    "longitude",
    "heading",
    "vendor_ref",
    "expected_interval_minutes",
    "status",
    "view_range_m",
    "view_angle_deg",
    # DUP §3.1, §5 — a row with an attestation is activated when its placement is clear.
    "attestation_note",
    "attestation_photo_ref",
)
MAX_BYTES = 20_000_000


@dataclass(frozen=True)
class ImportRow:
    position: str
    spec: CameraSpec | None
    error: str | None = None
    attestation: AttestationIn | None = None


class _RowError(Exception):
    pass


def _number(value: Any, name: str, kind: Callable[[Any], Any]) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _RowError(f"{name} must be a number")
    try:
        number = kind(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise _RowError(f"{name} must be a number, not '{str(value)[:30]}'") from None
    if kind is int and isinstance(value, float) and number != value:
        raise _RowError(f"{name} must be a whole number")
    return number


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _RowError(f"{name} must be text")
    return str(value).strip()


def spec_from(fields: Mapping[str, Any]) -> CameraSpec:
    """A camera from one row's named fields; raises ``_RowError`` naming the first problem."""
    missing = [name for name in REQUIRED if not _text(fields, name)]
    if missing:
        raise _RowError(f"missing {', '.join(missing)}")
    return CameraSpec(
        code=_text(fields, "code"),
        name=_text(fields, "name"),
        kind=_text(fields, "kind").lower(),
        location=_text(fields, "location"),
        vendor=_text(fields, "vendor"),
        agency_ori=_text(fields, "agency_ori"),
        latitude=_number(fields.get("latitude"), "latitude", float),
        longitude=_number(fields.get("longitude"), "longitude", float),
        heading=_number(fields.get("heading"), "heading", int),
        vendor_ref=_text(fields, "vendor_ref") or None,
        expected_interval_minutes=_number(
            fields.get("expected_interval_minutes"), "expected_interval_minutes", int
        ),
        status=_text(fields, "status").lower() or CameraStatus.ACTIVE,
        view_range_m=_number(fields.get("view_range_m"), "view_range_m", float),
        view_angle_deg=_number(fields.get("view_angle_deg"), "view_angle_deg", int),
    )


def attestation_from(fields: Mapping[str, Any]) -> AttestationIn | None:
    note, photo = _text(fields, "attestation_note"), _text(fields, "attestation_photo_ref")
    return AttestationIn(note, photo) if note or photo else None


def _row(position: str, fields: Mapping[str, Any]) -> ImportRow:
    try:
        return ImportRow(position, spec_from(fields), attestation=attestation_from(fields))
    except _RowError as exc:
        return ImportRow(position, None, str(exc))


# --- CSV ----------------------------------------------------------------------------------------


def _csv_rows(path: Path) -> Iterator[ImportRow]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [cell.strip().lower() for cell in next(reader, [])]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise InvalidInput(
                f"'{path.name}' has no {', '.join(missing)} column: the header row must name "
                f"{', '.join(REQUIRED)} (and may name {', '.join(OPTIONAL)})"
            )
        rows = list(reader)
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            error = f"{len(cells)} cells but the header names {len(header)} columns"
            yield ImportRow(f"line {number}", None, error)
            continue
        yield _row(f"line {number}", dict(zip(header, cells, strict=False)))


# --- GeoJSON ------------------------------------------------------------------------------------


def _feature(position: str, feature: Any) -> ImportRow:
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        return ImportRow(position, None, "not a GeoJSON Feature")
    properties = feature.get("properties") or {}
    if not isinstance(properties, Mapping):
        return ImportRow(position, None, "properties must be an object")
    fields = dict(properties)
    geometry = feature.get("geometry")
    if geometry is not None:
        point = geometry.get("coordinates") if isinstance(geometry, Mapping) else None
        if (
            not isinstance(geometry, Mapping)
            or geometry.get("type") != "Point"
            or not isinstance(point, list)
            or len(point) < 2
        ):
            return ImportRow(position, None, "geometry must be a Point [longitude, latitude]")
        fields["longitude"], fields["latitude"] = point[0], point[1]
    return _row(position, fields)


def _geojson_rows(path: Path) -> Iterator[ImportRow]:
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput(f"'{path.name}' is not valid JSON ({exc})") from None
    if not isinstance(document, Mapping) or document.get("type") != "FeatureCollection":
        raise InvalidInput(f"'{path.name}' must be a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise InvalidInput(f"'{path.name}' must be a GeoJSON FeatureCollection")
    for index, feature in enumerate(features):
        yield _feature(f"feature {index}", feature)


READERS: dict[str, Callable[[Path], Iterator[ImportRow]]] = {
    ".csv": _csv_rows,
    ".geojson": _geojson_rows,
    ".json": _geojson_rows,
}


def read_camera_file(path: Path) -> list[ImportRow]:
    """Every camera row of ``path``, by its suffix (.csv, .geojson or .json)."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InvalidInput(f"cannot tell the format of '{path.name}': use .csv or .geojson")
    if path.stat().st_size > MAX_BYTES:
        raise InvalidInput(f"'{path.name}' is larger than {MAX_BYTES:,} bytes")
    try:
        return list(reader(path))
    except UnicodeDecodeError:
        raise InvalidInput(f"'{path.name}' is not valid UTF-8 text") from None
    except csv.Error as exc:
        raise InvalidInput(f"'{path.name}' is not valid CSV ({exc})") from None

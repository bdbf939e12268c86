"""What leaves the search as a file: a read's image and the CSV export of a search's results.

DUP §10 — ALPR data shared outside the agency stays the originating agency's and may not be
passed on: every export names that agency and says "NOT FOR REDISTRIBUTION" in its first lines.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from plateward.core.purpose import Purpose

IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
SVG = "image/svg+xml"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ReadImage:
    content_type: str
    body: bytes


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: str


@dataclass(frozen=True)
class ExportRow:
    """One read as the export writes it (text as stored; numbers unformatted)."""

    read_id: str
    captured_at: datetime
    plate: str
    plate_state: str | None
    camera_code: str
    camera_name: str | None
    latitude: float | None
    longitude: float | None
    make: str | None
    model: str | None
    color: str | None
    vehicle_type: str | None
    confidence: float | None
    originating_agency: str


COLUMNS = (
    "read_id",
    "captured_at_utc",
    "plate",
    "plate_state",
    "camera_code",
    "camera_name",
    "latitude",
    "longitude",
    "make",
    "model",
    "color",
    "vehicle_type",
    "confidence",
    "originating_agency",
)


def stored_image(image_dir: Path | None, image_ref: str | None) -> ReadImage | None:
    """The camera's image file for a read, when one is stored inside ``image_dir``."""
    if image_dir is None or not image_ref:
        return None
    root = image_dir.resolve()
    path = (root / image_ref).resolve()
    # An image_ref comes from a camera: it may not lead out of the image folder.
    if not path.is_relative_to(root) or not path.is_file():
        return None
    content_type = IMAGE_TYPES.get(path.suffix.lower())
    return ReadImage(content_type, path.read_bytes()) if content_type else None


def plate_svg(plate: str, state: str | None, captured_at: datetime) -> ReadImage:
    """A drawing of the plate text, shown where no camera image is stored (e.g. the demo)."""
    text, label = escape(plate), escape(f"{state or '??'} · {captured_at:%Y-%m-%d %H:%M} UTC")
    body = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="160" viewBox="0 0 320 160" '
        'role="img" aria-label="Plate ' + text + ' (no camera image stored)">'
        '<rect x="4" y="4" width="312" height="152" rx="12" fill="#fdfdfb" stroke="#1d3f8f" '
        'stroke-width="6"/>'
        '<text x="160" y="96" font-family="monospace" font-size="54" font-weight="bold" '
        'text-anchor="middle" fill="#1d3f8f">' + text + "</text>"
        '<text x="160" y="136" font-family="sans-serif" font-size="14" text-anchor="middle" '
        'fill="#555">' + label + "</text>"
        '<text x="160" y="30" font-family="sans-serif" font-size="12" text-anchor="middle" '
        'fill="#888">no camera image stored</text></svg>'
    )
    return ReadImage(SVG, body.encode())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float | int):
        return repr(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(
    search_id: int,
    purpose: Purpose,
    agencies: list[str],
    exported_at: datetime,
    exported_by: str,
    rows: Iterable[ExportRow],
) -> ExportFile:
    """The CSV of a search's results, its first lines marking whose data it is."""
    owners = ", ".join(agencies)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for line in (
        f"# NOT FOR REDISTRIBUTION — ALPR data of {owners}, DUP §10",
        f"# Originating agency: {owners}",
        f"# Plateward search {search_id}, exported {exported_at.isoformat()} by {exported_by}",
        f"# Purpose: {purpose.category.label}; {purpose.crime_type}; case {purpose.case_number}",
    ):
        writer.writerow([_cell(line)])
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    r.read_id,
                    r.captured_at,
                    r.plate,
                    r.plate_state,
                    r.camera_code,
                    r.camera_name,
                    r.latitude,
                    r.longitude,
                    r.make,
                    r.model,
                    r.color,
                    r.vehicle_type,
                    r.confidence,
                    r.originating_agency,
                )
            ]
        )
    return ExportFile(f"plateward-search-{search_id}.csv", out.getvalue())

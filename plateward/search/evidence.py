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
from plateward.search.matching import ReadHit

IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
SVG = "image/svg+xml"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ReadImage:
    content_type: str
    body: bytes
    mark: str | None = None  # DUP §10 — whose data, not to be passed on (outside agencies)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: str


@dataclass(frozen=True)
class ExportRow:
    """One read as the export writes it, with the agency whose camera took it."""

    read: ReadHit
    originating_agency: str


# The export's columns, and the ReadHit field each is taken from (the last is the agency's).
_HIT_COLUMNS = (
    "id",
    "captured_at",
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
)
# The CSV header names two fields differently from the hit, to say what they hold.
_HEADER_NAMES = {"id": "read_id", "captured_at": "captured_at_utc"}
COLUMNS = (*(_HEADER_NAMES.get(n, n) for n in _HIT_COLUMNS), "originating_agency")


def stored_image(image_dir: Path | None, image_ref: str | None) -> ReadImage | None:
    """The camera's image file for a read, when one is stored inside ``image_dir``."""
    if image_dir is None or not image_ref:
        return None
    root = image_dir.resolve()
    # Vendors name an image by its file name or by a bare id (OpenALPR's uuid): try both.
    for name in (image_ref, *(image_ref + suffix for suffix in IMAGE_TYPES)):
        path = (root / name).resolve()
        # An image_ref comes from a camera: it may not lead out of the image folder.
        content_type = IMAGE_TYPES.get(path.suffix.lower())
        if content_type and path.is_relative_to(root) and path.is_file():
            return ReadImage(content_type, path.read_bytes())
    return None


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


def marked(image: ReadImage, mark: str) -> ReadImage:
    """The image with its mark: drawn into a plate drawing; a camera's image carries it as the
    response's ``X-Data-Mark`` header (its pixels are not rewritten)."""
    body = image.body
    if image.content_type == SVG and body.endswith(b"</svg>"):
        stamp = (
            '<text x="160" y="152" font-family="sans-serif" font-size="11" text-anchor="middle" '
            'fill="#a00">' + escape(mark) + "</text></svg>"
        )
        body = body[: -len(b"</svg>")] + stamp.encode()
    return ReadImage(image.content_type, body, mark)


def mark_header(mark: str | None) -> dict[str, str]:
    """The ``X-Data-Mark`` header of a marked image (HTTP headers are Latin-1: the dash is
    written ``--``)."""
    if not mark:
        return {}
    return {"X-Data-Mark": mark.replace("—", "--").encode("latin-1", "replace").decode("latin-1")}


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
        f"NOT FOR REDISTRIBUTION — ALPR data of {owners}, DUP §10",
        f"Originating agency: {owners}",
        f"Plateward search {search_id}, exported {exported_at.isoformat()} by {exported_by}",
        f"Purpose: {purpose.category.label}; {purpose.crime_type}; case {purpose.case_number}",
    ):
        # Comment lines, written as they are (not quoted) so they read plainly; whitespace runs
        # (a line break in a stored name) are squeezed so each stays one line.
        out.write("# " + " ".join(line.split()) + "\n")
    writer.writerow(COLUMNS)
    for row in rows:
        hit = row.read
        values = [getattr(hit, name) for name in _HIT_COLUMNS]
        writer.writerow([_cell(v) for v in (*values, row.originating_agency)])
    return ExportFile(f"plateward-search-{search_id}.csv", out.getvalue())

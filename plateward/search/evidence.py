"""What leaves the search as a file: a read's image and the CSV export of a search's results.

DUP §10 — ALPR data shared outside the agency stays the originating agency's and may not be
passed on: every export names that agency and says "NOT FOR REDISTRIBUTION" in its first lines,
and every image an outside agency receives is marked in its pixels (``marked``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

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


def stamp_text(mark: str, agency: str | None, day: date) -> str:
    """The words an outside agency's image carries: whose data, not to be passed on, to whom
    it was given and when (DUP §10)."""
    return " · ".join(part for part in (mark, agency, day.isoformat()) if part)


BAND_COLOR = (160, 0, 0)  # the band drawn under a camera image given to an outside agency
_BAND_MIN, _BAND_SHARE = 18, 0.08  # the band's height: at least 18 px, or 8% of the image


def _band(content_type: str, body: bytes, text: str) -> bytes:
    """The camera image with a band drawn under it (the image's own pixels are kept whole:
    the evidence is not covered), holding ``text`` in white; re-encoded in its own format."""
    with Image.open(io.BytesIO(body)) as source:
        source.load()
        picture = source.convert("RGB")
    width, height = picture.size
    band = max(_BAND_MIN, round(height * _BAND_SHARE))
    canvas = Image.new("RGB", (width, height + band), BAND_COLOR)
    canvas.paste(picture, (0, 0))
    draw = ImageDraw.Draw(canvas)
    text = text.replace("—", "-")  # Pillow's bundled font has no em dash
    size = band * 0.6
    font = ImageFont.load_default(size=size)
    while size > 6 and draw.textlength(text, font=font) > width - 8:
        size -= 1
        font = ImageFont.load_default(size=size)
    draw.text((4, height + band / 2), text, fill=(255, 255, 255), font=font, anchor="lm")
    out = io.BytesIO()
    if content_type == "image/png":
        canvas.save(out, format="PNG")
    else:
        canvas.save(out, format="JPEG", quality=90)
    return out.getvalue()


def marked(image: ReadImage, mark: str, agency: str | None, day: date) -> ReadImage:
    """The image an outside agency receives, marked in what it shows (DUP §10): a camera's JPEG
    or PNG gets a band drawn under it, a plate drawing a text element, each reading
    "<mark> · <requesting agency> · <date>"; the response also carries the ``X-Data-Mark``
    header. An image that cannot be decoded is not given out unmarked: the plate drawing is."""
    text = stamp_text(mark, agency, day)
    body = image.body
    if image.content_type in ("image/jpeg", "image/png"):
        try:
            return ReadImage(image.content_type, _band(image.content_type, body, text), mark)
        except (OSError, ValueError, Image.DecompressionBombError):
            return ReadImage(SVG, _svg_stamp(_UNREADABLE, text), mark)
    if image.content_type == SVG and body.endswith(b"</svg>"):
        body = _svg_stamp(body, text)
    return ReadImage(image.content_type, body, mark)


# A drawing in place of a camera image that cannot be decoded (and so cannot be marked).
_UNREADABLE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="320" height="160" viewBox="0 0 320 160" '
    b'role="img" aria-label="Image not available"><rect x="4" y="4" width="312" height="152" '
    b'fill="#eee"/><text x="160" y="80" font-family="sans-serif" font-size="14" '
    b'text-anchor="middle" fill="#555">image not available</text></svg>'
)


def _svg_stamp(body: bytes, text: str) -> bytes:
    stamp = (
        '<text x="160" y="152" font-family="sans-serif" font-size="9" text-anchor="middle" '
        'fill="#a00" class="data-mark">' + escape(text) + "</text></svg>"
    )
    return body[: -len(b"</svg>")] + stamp.encode()


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

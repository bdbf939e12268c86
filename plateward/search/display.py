"""How the search pages show things: the terms in words, a read's details, the points the map
draws, and the headers that keep a read's image inert (pure; no database, no web framework).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from plateward.search.rules import SearchQuery, from_terms

if TYPE_CHECKING:
    from plateward.search.service import ReadDetail

# A page whose map shows an agency's tile server: images may come from that origin too. Every
# other directive is the app's own (web/app.py): scripts and styles from this server only.
MAP_CSP = "default-src 'self'; img-src 'self' data: {tiles}; frame-ancestors 'none'"
# A read's image opened on its own: nothing in it may run or load (an SVG can hold a script).
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
IMAGE_CSP = "default-src 'none'; sandbox"


# A stored search's state in words, on the person's list of their searches.
STATES = {
    "run": "ran",
    "pending_review": "waiting for a lieutenant's review",
    "approved": "approved: you may run it",
    "rejected": "rejected by a lieutenant",
    "blocked": "refused: outside authorized use",
}


class Located(Protocol):
    """What the map needs of a read (a search hit or a read's detail)."""

    @property
    def id(self) -> str: ...
    @property
    def captured_at(self) -> datetime: ...
    @property
    def plate(self) -> str: ...
    @property
    def camera_code(self) -> str: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...


class Placed(Protocol):
    """What the map needs of a camera."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...


def local(moment: datetime | None, zone: str) -> str:
    """Invariant 7 — stored in UTC, shown in the city's zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S %Z") if moment else ""


def hit_points(reads: Iterable[Located], zone: str, search_id: int) -> list[dict[str, Any]]:
    """The map's markers: each read where it was taken, linking to its detail page."""
    return [
        {
            "id": r.id,
            "lat": r.latitude,
            "lon": r.longitude,
            "plate": r.plate,
            "time": local(r.captured_at, zone),
            "camera": r.camera_code,
            "href": f"/search/{search_id}/reads/{r.id}",
        }
        for r in reads
        if r.latitude is not None and r.longitude is not None
    ]


def camera_points(cameras: Iterable[Placed]) -> list[dict[str, Any]]:
    """The map's cameras (mobile units have no fixed place and are left out)."""
    return [
        {"code": c.code, "name": c.name, "lat": c.latitude, "lon": c.longitude}
        for c in cameras
        if c.latitude is not None and c.longitude is not None
    ]


def _area(query: SearchQuery) -> str | None:
    area = query.area
    if area is None:
        return None
    size = f"{area.area_km2():.2f} km²"
    if area.center is not None:
        lat, lon = area.center
        return f"within {area.radius_m:.0f} m of {lat:.5f}, {lon:.5f} ({size})"
    return f"a polygon of {len(area.polygon)} corners ({size})"


def terms_shown(query: SearchQuery, zone: str) -> list[tuple[str, str]]:
    """The query's terms in words, in the order the form asks for them."""
    match = query.plate_match
    rows: list[tuple[str, str | None]] = [
        ("Plate", f"{query.plate} ({match.value})" if query.plate and match else None),
        ("Plate state", query.plate_state),
        ("From", local(query.start, zone)),
        ("To", local(query.end, zone)),
        ("Cameras", ", ".join(query.cameras) or None),
        ("Area", _area(query)),
        ("Make", query.make),
        ("Model", query.model),
        ("Colour", query.color),
        ("Vehicle type", query.vehicle_type),
    ]
    return [(label, value) for label, value in rows if value]


def summary_of(terms: dict[str, Any], zone: str) -> str:
    """A stored search's terms on one line (its list of searches, the review queue)."""
    try:
        query = from_terms(terms)
    except (KeyError, TypeError, ValueError):
        return "—"
    return " · ".join(
        value if label in {"Plate", "From", "To"} else f"{label.lower()} {value}"
        for label, value in terms_shown(query, zone)
    )


def read_details(detail: ReadDetail, zone: str) -> list[tuple[str, str]]:
    """A read's fields for its detail page, each that has a value."""
    read = detail.read
    place = (
        f"{read.latitude:.5f}, {read.longitude:.5f}"
        if read.latitude is not None and read.longitude is not None
        else None
    )
    camera = f"{read.camera_code} · {read.camera_name}" if read.camera_name else read.camera_code
    confidence = f"{read.confidence:.0%}" if read.confidence is not None else None
    rows: list[tuple[str, str | None]] = [
        ("Time", local(read.captured_at, zone)),
        ("Plate", read.plate),
        ("Plate state", read.plate_state),
        ("Camera", camera),
        ("Position", place),
        ("Make", read.make),
        ("Model", read.model),
        ("Colour", read.color),
        ("Vehicle type", read.vehicle_type),
        ("Read confidence", confidence),
        ("Plate as read", detail.plate_raw if detail.plate_raw != read.plate else None),
        ("Received", local(detail.received_at, zone)),
        ("Originating agency", detail.originating_agency),
        ("Read id", read.id),
    ]
    return [(label, value) for label, value in rows if value]


def image_headers(content_type: str) -> dict[str, str]:
    """A read's image is shown, never run: its own type, no sniffing, a closed CSP."""
    svg = content_type.split(";", maxsplit=1)[0].strip() == "image/svg+xml"
    return {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": SVG_CSP if svg else IMAGE_CSP,
        "Content-Disposition": "inline",
    }

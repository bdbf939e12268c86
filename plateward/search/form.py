"""The search page's form: its fields as typed, and the Purpose and SearchQuery they make (pure).

The form keeps every field as the person typed it, so a refused search is shown again with the
message and nothing lost. Times are typed in the city's zone (``datetime-local``) and become UTC
here (invariant 7). The area is typed (centre and radius) or drawn on the map, which writes the
same fields, or a polygon's corners as ``lat,lon;lat,lon;…``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from plateward.core.errors import InvalidInput
from plateward.core.purpose import Purpose, purpose
from plateward.search.rules import Area, SearchQuery, search_query

DEFAULT_WINDOW = timedelta(days=7)
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
MAX_FIELD = 4000  # longer than any valid field; keeps a re-rendered page small
MAX_POLYGON_TEXT = 20_000


@dataclass(frozen=True)
class SearchForm:
    """The fields as typed (strings), ready to render again."""

    category: str = ""
    crime_type: str = ""
    case_number: str = ""
    justification: str = ""
    agency: str = ""
    plate: str = ""
    fuzzy: bool = False
    plate_state: str = ""
    start: str = ""
    end: str = ""
    cameras: tuple[str, ...] = field(default_factory=tuple)
    center_lat: str = ""
    center_lon: str = ""
    radius_m: str = ""
    polygon: str = ""
    make: str = ""
    model: str = ""
    color: str = ""
    vehicle_type: str = ""

    @classmethod
    def from_fields(cls, values: Mapping[str, str], cameras: Sequence[str]) -> SearchForm:
        """The form from posted fields (unknown names ignored, each text bounded)."""
        texts = {
            f.name: values.get(f.name, "")[: MAX_POLYGON_TEXT if f.name == "polygon" else MAX_FIELD]
            for f in fields(cls)
            if f.name not in {"fuzzy", "cameras"}
        }
        return cls(
            **texts,
            fuzzy=values.get("fuzzy", "") in {"on", "true", "1", "yes"},
            cameras=tuple(c for c in cameras if c),
        )


def local_input(moment: datetime, zone: str) -> str:
    """A UTC moment as a ``datetime-local`` value in the city's zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime(LOCAL_FORMAT)


def blank_form(now: datetime, zone: str, remembered: Purpose | None) -> SearchForm:
    """A new search: the last 7 days, and the purpose of the person's last search if any —
    the form remembers the purpose for the next searches on the same case; each is still
    audited with it (DUP §9)."""
    window = SearchForm(start=local_input(now - DEFAULT_WINDOW, zone), end=local_input(now, zone))
    if remembered is None:
        return window
    return replace(
        window,
        category=remembered.category.value,
        crime_type=remembered.crime_type,
        case_number=remembered.case_number,
        justification=remembered.justification,
        agency=remembered.beneficiary_agency or "",
    )


def form_purpose(form: SearchForm) -> Purpose:
    """The purpose the form states; ``InvalidInput`` names what is missing (DUP update 2026)."""
    return purpose(
        form.category, form.crime_type, form.case_number, form.justification, form.agency or None
    )


def _local_time(value: str, label: str, zone: str) -> datetime:
    if not value.strip():
        raise InvalidInput(f"the {label} of the window is required (DUP §2: a bounded search)")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"the {label} is not a date and time (YYYY-MM-DD HH:MM)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)


def _number(value: str, label: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise InvalidInput(f"the {label} is not a number") from None


def _corners(text: str) -> tuple[tuple[float, float], ...]:
    corners = []
    for pair in text.split(";"):
        if not pair.strip():
            continue
        lat, sep, lon = pair.partition(",")
        if not sep:
            raise InvalidInput("a polygon's corners are 'latitude,longitude' pairs split by ';'")
        corners.append((_number(lat, "corner latitude"), _number(lon, "corner longitude")))
    return tuple(corners)


def form_area(form: SearchForm) -> Area | None:
    """The circle or polygon the form describes, or None for no area."""
    if form.polygon.strip():
        return Area(polygon=_corners(form.polygon))
    typed = (form.center_lat.strip(), form.center_lon.strip(), form.radius_m.strip())
    if not any(typed[:2]):
        return None
    if not all(typed):
        raise InvalidInput(
            "a circle needs its centre's latitude and longitude and a radius in metres"
        )
    centre = (_number(typed[0], "centre latitude"), _number(typed[1], "centre longitude"))
    return Area(center=centre, radius_m=_number(typed[2], "radius"))


def form_query(form: SearchForm, zone: str, fold_states: frozenset[str]) -> SearchQuery:
    """The query the form describes, validated by the query model (``InvalidInput`` if not)."""
    return search_query(
        start=_local_time(form.start, "start", zone),
        end=_local_time(form.end, "end", zone),
        plate=form.plate or None,
        fuzzy=form.fuzzy,
        plate_state=form.plate_state or None,
        cameras=form.cameras,
        area=form_area(form),
        make=form.make,
        model=form.model,
        color=form.color,
        vehicle_type=form.vehicle_type,
        fold_states=fold_states,
    )

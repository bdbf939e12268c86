"""The auditor's questions of the trail, and the shape of its CSV export (pure).

DUP §9 — the Department keeps an audit trail of requested and accessed information, including the
purpose of each query, for at least two years; periodic random audits are made by a unit other
than CDIC. These are the filters such an auditor asks with, checked before any query runs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from urllib.parse import urlencode

from plateward.core.audit import HASHED_FIELDS
from plateward.core.errors import InvalidInput

PAGE_SIZE = 50
MAX_PAGE = 1_000_000
MAX_TEXT = 200
OUTCOMES = ("allowed", "denied")

# The CSV export's columns: the audit entry's hashed fields in their order, less the actor's kind
# and id and the details, then the entry's hash.
_NOT_EXPORTED = frozenset({"actor_kind", "actor_id", "details"})
CSV_COLUMNS = (*(name for name in HASHED_FIELDS if name not in _NOT_EXPORTED), "hash")
# A cell starting with one of these is a formula to a spreadsheet; names and query terms typed by
# anyone (even at a failed sign-in) reach the export, so such cells are quoted with a leading '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TrailFilters:
    """What an auditor asks of the trail. Empty text and None mean 'any'."""

    person: str = ""  # username or name, any part
    date_from: date | None = None  # local dates (the city's zone), both ends included
    date_to: date | None = None
    term: str = ""  # a plate or any query term, any part of the terms, details or result ids
    case_number: str = ""  # any part of the purpose's case number
    purpose: str = ""  # any part of the purpose
    outcome: str = ""  # allowed | denied
    action: str = ""  # one AuditAction value
    record_id: str = ""  # entries that returned this record (a read id, an entry number), exactly
    record_kind: str = ""  # of this kind (read, quarantined_row, audit_entry); any when empty

    def as_terms(self) -> dict[str, str]:
        """The filters that were set, as text: recorded in the audit entry and carried in links."""
        return {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in asdict(self).items()
            if value
        }


def _text(params: Mapping[str, str], name: str) -> str:
    value = (params.get(name) or "").strip()
    if len(value) > MAX_TEXT:
        raise InvalidInput(
            f"the {name.replace('_', ' ')} filter is limited to {MAX_TEXT} characters"
        )
    return value


def _date(params: Mapping[str, str], name: str) -> date | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        label = name.replace("_", " ")
        raise InvalidInput(f"the {label} date must be written YYYY-MM-DD") from None


def _choice(params: Mapping[str, str], name: str, allowed: Collection[str]) -> str:
    value = (params.get(name) or "").strip()
    if value and value not in allowed:
        raise InvalidInput(f"unknown {name}: choose one from the list")
    return value


def parse_filters(
    params: Mapping[str, str], actions: Collection[str], record_kinds: Collection[str] = ()
) -> TrailFilters:
    """Filters from a query string; anything malformed is refused with the reason."""
    filters = TrailFilters(
        person=_text(params, "person"),
        date_from=_date(params, "date_from"),
        date_to=_date(params, "date_to"),
        term=_text(params, "term"),
        case_number=_text(params, "case_number"),
        purpose=_text(params, "purpose"),
        outcome=_choice(params, "outcome", OUTCOMES),
        action=_choice(params, "action", actions),
        record_id=_text(params, "record_id"),
        record_kind=_choice(params, "record_kind", record_kinds),
    )
    if filters.record_kind and not filters.record_id:
        raise InvalidInput("a record kind needs the record id it applies to")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InvalidInput("the 'from' date is after the 'to' date")
    return filters


def record_filters(kind: str, record_id: str, record_kinds: Collection[str]) -> TrailFilters:
    """The question "who saw this record", checked like the page's filters."""
    if not record_id.strip():
        raise InvalidInput("the record id is required")
    return parse_filters({"record_kind": kind, "record_id": record_id}, (), record_kinds)


def parse_page(value: str | None) -> int:
    text = (value or "1").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise InvalidInput("the page must be a whole number from 1")
    return int(text)


def utc_bounds(filters: TrailFilters, zone: tzinfo) -> tuple[datetime | None, datetime | None]:
    """The UTC instants [start, end) covering the local dates asked for (DST included)."""
    start = end = None
    if filters.date_from is not None:
        start = datetime.combine(filters.date_from, time.min, tzinfo=zone).astimezone(UTC)
    if filters.date_to is not None:
        next_day = filters.date_to + timedelta(days=1)
        end = datetime.combine(next_day, time.min, tzinfo=zone).astimezone(UTC)
    return start, end


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def query_string(filters: TrailFilters, page: int | None = None) -> str:
    """The filters as a URL query: the export link and the page links ask the same question."""
    params = filters.as_terms()
    if page is not None:
        params["page"] = str(page)
    return urlencode(params)


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = value.astimezone(UTC).isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_row(entry: Mapping[str, object]) -> list[str]:
    return [_cell(entry.get(column)) for column in CSV_COLUMNS]


def csv_text(entries: Iterable[Mapping[str, object]]) -> str:
    """The export: a header, then one row per entry; times in UTC, JSON columns as stored."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(entry) for entry in entries)
    return out.getvalue()

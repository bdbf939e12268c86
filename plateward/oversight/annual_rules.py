"""The Annual Data Usage Report: its period, deadlines and CSV (pure).

DUP §14 — submitted to the Digital Privacy Officer no later than March 1, covering the previous
calendar year (January 1 to December 31): summary and plans, reads and hits by location, records
accessed, accuracy of accessed records. The DPO releases it to the public within 90 days of
receiving it once private, confidential and sensitive information is removed, or posts a notice of
extension. DUP §8 — the public sees aggregated data only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from plateward.core.errors import InvalidInput

MIN_YEAR = 2022  # the Data Usage Protocol took effect in August 2022
MAX_TEXT = 20_000
RELEASE_DAYS = 90


def year_of(value: str | int) -> int:
    text = str(value).strip()
    if not text.isdigit() or not MIN_YEAR <= int(text) <= 2100:
        raise InvalidInput(f"the year is a calendar year from {MIN_YEAR}, e.g. 2026")
    return int(text)


def period(year: int) -> tuple[date, date]:
    """The calendar year covered: [January 1, January 1 of the next year)."""
    return date(year, 1, 1), date(year + 1, 1, 1)


def due_date(year: int) -> date:
    """DUP §14 — the report on ``year`` is due to the DPO by March 1 of the next year."""
    return date(year + 1, 3, 1)


def release_due(submitted: date) -> date:
    """DUP §14 — the DPO releases it within 90 days of receiving it (or posts an extension)."""
    return submitted + timedelta(days=RELEASE_DAYS)


def reminder_due(today: date, reminder_days: int) -> int | None:
    """The year whose report a reminder should be sent for today, or None: from
    ``reminder_days`` before March 1 until it is submitted (overdue reports keep reminding)."""
    year = today.year - 1
    return year if today >= due_date(year) - timedelta(days=reminder_days) else None


def text(value: str, what: str) -> str:
    cleaned = value.replace("\r\n", "\n").strip()
    if len(cleaned) > MAX_TEXT:
        raise InvalidInput(f"the {what} is limited to {MAX_TEXT} characters")
    return cleaned


def extension_until(value: str, today: date) -> date:
    try:
        until = date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("the new release date is written YYYY-MM-DD") from None
    if until <= today:
        raise InvalidInput("the new release date must be in the future")
    return until


@dataclass(frozen=True)
class Location:
    """One camera's place and its counts: no plate, no read (DUP §8)."""

    code: str
    name: str
    location: str
    latitude: float | None
    longitude: float | None
    reads: int
    hits: int


def locations(
    places: Iterable[tuple[int, str, str, str, float | None, float | None]],
    reads: dict[int, int],
    hits: dict[int, int],
) -> list[Location]:
    """Every camera that read or hit in the period, by code."""
    found = [
        Location(code, name, where, lat, lon, reads.get(cid, 0), hits.get(cid, 0))
        for cid, code, name, where, lat, lon in places
        if reads.get(cid) or hits.get(cid)
    ]
    return sorted(found, key=lambda loc: loc.code)


def hit_rate(reads: int, hits: int) -> float | None:
    return None if reads == 0 else hits / reads


def csv_text(sections: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> str:
    """One CSV with a section column: each section's header row, then its rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for name, header, rows in sections:
        writer.writerow(["section", *header])
        for row in rows:
            writer.writerow([name, *(_cell(v) for v in row)])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if not isinstance(value, str):
        return str(value)  # numbers stay numbers (a longitude is negative)
    # A typed text starting like a formula is quoted for spreadsheets.
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value

"""Random audits, quarterly compliance reports and the immigration-release check (pure).

DUP §9 — periodic, random audits by a unit other than the Crime Data Intelligence Center (CDIC);
U26 — quarterly compliance audits of internal and external access by the City's IT department,
and an internal audit confirming no data was released for federal immigration purposes.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from enum import StrEnum

from plateward.core.errors import InvalidInput
from plateward.core.permissions import Actor, Permission

MAX_NOTE = 5000
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
# Names the crime-intelligence center goes by in a unit's name.
CDIC_NAMES = ("crime data intelligence center", "criminal data intelligence center", "cdic")


class Finding(StrEnum):
    COMPLIANT = "compliant"
    FOLLOW_UP = "follow_up"
    VIOLATION = "violation"

    @property
    def label(self) -> str:
        return {"compliant": "Compliant", "follow_up": "Needs follow-up", "violation": "Violation"}[
            self.value
        ]


def is_cdic(unit: str | None) -> bool:
    text = (unit or "").lower()
    return any(re.search(rf"\b{re.escape(name)}\b", text) for name in CDIC_NAMES)


@dataclass(frozen=True)
class AuditUnit:
    """The audit work itself, as a resource: DUP §9 — never done by CDIC, whose searches it
    audits."""

    @property
    def audit_label(self) -> str:
        return "audit-unit"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        del permission
        if is_cdic(actor.unit):
            return "random audits are made by a unit other than the Crime Data Intelligence Center"
        return None


AUDIT_UNIT = AuditUnit()


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC for local calendar dates, and how it is named."""

    name: str
    start: datetime
    end: datetime


def bounds(first: date, after: date, zone: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(first, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(after, time.min, tzinfo=zone).astimezone(UTC)
    return start, end


def month(value: str, zone: tzinfo) -> Period:
    match = _MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput("the month is written YYYY-MM, e.g. 2026-11")
    year, number = int(match.group(1)), int(match.group(2))
    after = date(year + (number == 12), number % 12 + 1, 1)
    return Period(f"{year:04d}-{number:02d}", *bounds(date(year, number, 1), after, zone))


def quarter(value: str, zone: tzinfo) -> Period:
    match = _QUARTER.match(value.strip().upper())
    if not match:
        raise InvalidInput("the quarter is written YYYY-Qn, e.g. 2026-Q4")
    year, number = int(match.group(1)), int(match.group(2))
    first = date(year, 3 * number - 2, 1)
    after = date(year + (number == 4), (3 * number) % 12 + 1, 1)
    return Period(f"{year:04d}-Q{number}", *bounds(first, after, zone))


def current_quarter(today: date) -> str:
    return f"{today.year:04d}-Q{(today.month - 1) // 3 + 1}"


def sample_size(value: str | int | None, default: int) -> int:
    text = str(value if value not in (None, "") else default).strip()
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise InvalidInput("the sample size is a whole number from 1 to 1000")
    return int(text)


def new_seed() -> str:
    return secrets.token_hex(16)


def draw(population: Sequence[int], size: int, seed: str) -> list[int]:
    """The sample: the same population, size and seed always draw the same entries, in order.

    The population is sorted first, so the draw depends only on which searches ran, not on how
    the database returned them; ``random.Random`` seeded with the recorded text is stable across
    Python versions for ``sample``.
    """
    ordered = sorted(set(population))
    return random.Random(seed).sample(ordered, min(size, len(ordered)))  # noqa: S311 — an audit draw, not a secret


def first_pages(runs: Iterable[tuple[int, dict[str, object] | None]]) -> dict[int, int]:
    """Each search's first ``search.run`` entry (its seq) by search id: a search, not a page."""
    firsts: dict[int, int] = {}
    for seq, details in runs:
        search_id = (details or {}).get("search_id")
        if isinstance(search_id, int) and (search_id not in firsts or seq < firsts[search_id]):
            firsts[search_id] = seq
    return firsts


def finding(value: str) -> Finding:
    try:
        return Finding(value.strip())
    except ValueError:
        raise InvalidInput("choose a finding: compliant, needs follow-up or violation") from None


def text(value: str, what: str, *, required: bool) -> str | None:
    cleaned = value.strip()
    if required and not cleaned:
        raise InvalidInput(f"write the {what}")
    if len(cleaned) > MAX_NOTE:
        raise InvalidInput(f"the {what} is limited to {MAX_NOTE} characters")
    return cleaned or None


def immigration_related(rules: Sequence[str]) -> bool:
    """Whether the guard's rules say the request was about immigration or for a federal agency."""
    return any(r.startswith("immigration.") or r == "beneficiary.federal" for r in rules)

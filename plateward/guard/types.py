"""The guard's request and verdict (pure data)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Decision(StrEnum):
    ALLOW = "allow"
    DENY = "deny"
    REVIEW = "review"


@dataclass(frozen=True)
class GuardRequest:
    """Everything a search (or a hot-list entry, legal hold, outside request) says about why."""

    category: str | None = None  # PurposeCategory value or CLI short name
    crime_type: str | None = None
    case_number: str | None = None
    justification: str | None = None
    agency: str | None = None  # beneficiary agency; None = own agency


# How a refused or held-back request ends: nothing ran. Other uses (a legal hold) say their own.
NOTHING_SEARCHED = "Nothing was searched."


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    rules: tuple[str, ...]  # ids of the rules that fired, e.g. "immigration.lexicon"
    # For the person: why it is outside authorized use or why it needs review; it says nothing
    # about the data (DUP §10: never confirm whether information exists).
    message: str

"""The purpose of an access: why someone touches ALPR data (pure; no I/O).

DUP §2 — ALPR data may be used only for the authorized uses listed there; the DUP update of March
2026 makes the crime type, the case number and the justification required fields of every query
(and of every request from an outside agency, DUP §10). A ``Purpose`` is validated once, here, and
recorded as a structure in each audit entry (DUP §9: the purpose of each query is logged).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from plateward.core.errors import InvalidInput

MAX_CRIME_TYPE = 120
MAX_CASE_NUMBER = 60
MAX_JUSTIFICATION = 1000
MAX_AGENCY = 200
MIN_JUSTIFICATION = 10


class PurposeCategory(StrEnum):
    """The authorized uses of DUP §2, one per listed use."""

    # §2.1 — patrol or investigative function in the investigation of a felony or misdemeanor.
    CRIMINAL_INVESTIGATION = "criminal_investigation"
    # §2.2 — locating an at-risk missing person, including Amber and Silver Alerts.
    MISSING_PERSON = "missing_person"
    # §2.3 — supporting a local or State safety department's criminal investigation (DUP §10).
    AGENCY_SUPPORT = "agency_support"
    # §2.4 — investigation of a traffic-intersection infraction (red light), CVC 21455.5.
    TRAFFIC_INTERSECTION = "traffic_intersection"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    PurposeCategory.CRIMINAL_INVESTIGATION: "Investigation of a felony or misdemeanor",
    PurposeCategory.MISSING_PERSON: "At-risk missing person (Amber or Silver Alert)",
    PurposeCategory.AGENCY_SUPPORT: "Support of a California agency's criminal investigation",
    PurposeCategory.TRAFFIC_INTERSECTION: "Traffic-intersection (red-light) review",
}


@dataclass(frozen=True)
class Purpose:
    """Why data is touched; a ``Purpose`` that exists is valid (checked when it is made)."""

    category: PurposeCategory
    crime_type: str
    case_number: str
    justification: str
    beneficiary_agency: str | None = None

    def __post_init__(self) -> None:
        validate_purpose(self)

    def as_record(self) -> dict[str, str]:
        """The structure the audit entry stores (absent beneficiary left out)."""
        record = {
            "category": self.category.value,
            "crime_type": self.crime_type,
            "case_number": self.case_number,
            "justification": self.justification,
        }
        if self.beneficiary_agency:
            record["beneficiary_agency"] = self.beneficiary_agency
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Purpose:
        """The purpose an audit entry stored, validated again."""
        return purpose(
            str(record.get("category", "")),
            str(record.get("crime_type", "")),
            str(record.get("case_number", "")),
            str(record.get("justification", "")),
            record.get("beneficiary_agency"),
        )


def _check_text(value: str, label: str, limit: int) -> None:
    if not value.strip():
        raise InvalidInput(f"the {label} is required (DUP update, March 2026)")
    if len(value) > limit:
        raise InvalidInput(f"the {label} is limited to {limit} characters")
    # Control characters (NUL, escapes) are refused; invisible *format* characters (zero-width
    # spaces, joiners, bidi marks) are kept as typed, so the prohibited-use guard — which strips
    # them itself — judges the real request and the audit trail keeps the evidence of the trick.
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise InvalidInput(f"the {label} may not contain control characters")


def validate_purpose(p: Purpose) -> None:
    """Raise ``InvalidInput`` naming the first field that is missing or malformed."""
    if not isinstance(p.category, PurposeCategory):
        choices = ", ".join(c.value for c in PurposeCategory)
        raise InvalidInput(f"the purpose must be one of the authorized uses of DUP §2: {choices}")
    _check_text(p.crime_type, "crime type", MAX_CRIME_TYPE)
    _check_text(p.case_number, "case number", MAX_CASE_NUMBER)
    _check_text(p.justification, "justification", MAX_JUSTIFICATION)
    if len(p.justification.strip()) < MIN_JUSTIFICATION:
        raise InvalidInput(
            f"the justification must say why in at least {MIN_JUSTIFICATION} characters"
        )
    if p.beneficiary_agency is not None:
        _check_text(p.beneficiary_agency, "beneficiary agency", MAX_AGENCY)
    if p.category is PurposeCategory.AGENCY_SUPPORT and p.beneficiary_agency is None:
        raise InvalidInput("support of another agency must name the agency it supports")


def _category(value: str) -> PurposeCategory:
    try:
        return PurposeCategory(value.strip())
    except ValueError:
        choices = ", ".join(c.value for c in PurposeCategory)
        raise InvalidInput(
            f"the purpose must be one of the authorized uses of DUP §2: {choices}"
        ) from None


def _squeeze(value: str | None) -> str:
    return " ".join((value or "").split())


def purpose(
    category: str,
    crime_type: str,
    case_number: str,
    justification: str,
    beneficiary_agency: str | None = None,
) -> Purpose:
    """A validated ``Purpose`` from form or API text; whitespace runs are collapsed.

    Anything missing or malformed raises ``InvalidInput`` saying what. An access in support of
    another agency (§2.3) names that agency.
    """
    return Purpose(
        _category(category),
        _squeeze(crime_type),
        _squeeze(case_number),
        _squeeze(justification),
        _squeeze(beneficiary_agency) or None,
    )


# --- the crime-type picklist ---------------------------------------------------------------------


@dataclass(frozen=True)
class CrimeType:
    """One entry of the crime-type picklist: a California code, or a non-crime purpose (§2.2)."""

    code: str
    label: str

    @property
    def text(self) -> str:
        """How the purpose records it: the code followed by its label."""
        return f"{self.code} {self.label}"


# DUP update 2026 — the crime type is a required field. The form offers these; the API also
# accepts a free-text crime type (a statute not listed here), as long as it is not empty.
CRIME_TYPES: tuple[CrimeType, ...] = (
    CrimeType("PC 187", "Murder"),
    CrimeType("PC 664/187", "Attempted murder"),
    CrimeType("PC 207", "Kidnapping"),
    CrimeType("PC 211", "Robbery"),
    CrimeType("PC 215", "Carjacking"),
    CrimeType("PC 245", "Assault with a deadly weapon"),
    CrimeType("PC 246", "Shooting at an inhabited dwelling or vehicle"),
    CrimeType("PC 261", "Rape"),
    CrimeType("PC 273.5", "Corporal injury to a spouse or cohabitant"),
    CrimeType("PC 422", "Criminal threats"),
    CrimeType("PC 459", "Burglary"),
    CrimeType("PC 487", "Grand theft"),
    CrimeType("PC 496", "Receiving stolen property"),
    CrimeType("PC 530.5", "Identity theft"),
    CrimeType("PC 646.9", "Stalking"),
    CrimeType("PC 29800", "Felon in possession of a firearm"),
    CrimeType("HS 11352", "Transportation or sale of a controlled substance"),
    CrimeType("VC 10851", "Vehicle theft"),
    CrimeType("VC 20001", "Hit and run causing injury or death"),
    CrimeType("VC 20002", "Hit and run, property damage"),
    CrimeType("VC 23153", "DUI causing injury"),
    CrimeType("VC 2800.2", "Evading a peace officer with reckless driving"),
    CrimeType("VC 21453", "Red-light violation (traffic-intersection review, CVC 21455.5)"),
    CrimeType("Amber Alert", "Child abduction (Amber Alert)"),
    CrimeType("Silver Alert", "Missing senior or dependent adult (Silver Alert)"),
    CrimeType("At-risk missing person", "At-risk missing person"),
)


def crime_type(code: str) -> CrimeType | None:
    """The picklist entry with this code (case and spacing ignored), or None."""
    wanted = " ".join(code.split()).casefold()
    return next((c for c in CRIME_TYPES if c.code.casefold() == wanted), None)


def check_case_number(case_number: str, pattern: str, example: str) -> None:
    """DUP update 2026 — the case number follows the agency's format; ``InvalidInput`` if not."""
    if re.fullmatch(pattern, case_number) is None:
        raise InvalidInput(
            f"the case number '{case_number[:MAX_CASE_NUMBER]}' does not follow the department's "
            f"format: write it like {example}"
        )

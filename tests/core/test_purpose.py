"""DUP §2 and the March 2026 update: every purpose names an authorized use, a crime type, a case
number and a justification; an access for another agency names that agency."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plateward.core.errors import InvalidInput
from plateward.core.purpose import (
    MAX_CASE_NUMBER,
    Purpose,
    PurposeCategory,
    purpose,
)

VALID = {
    "category": "criminal_investigation",
    "crime_type": "robbery",
    "case_number": "26-004417",
    "justification": "suspect vehicle seen leaving the scene",
}


def test_a_complete_purpose_is_accepted_with_whitespace_collapsed() -> None:
    made = purpose(**{**VALID, "crime_type": "  armed   robbery "})

    assert made.category is PurposeCategory.CRIMINAL_INVESTIGATION
    assert made.crime_type == "armed robbery"
    assert made.beneficiary_agency is None


@pytest.mark.parametrize(
    ("field", "named"),
    [
        ("crime_type", "crime type"),
        ("case_number", "case number"),
        ("justification", "justification"),
    ],
)
def test_crime_type_case_number_and_justification_are_required(field: str, named: str) -> None:
    with pytest.raises(InvalidInput, match=f"the {named} is required"):
        purpose(**{**VALID, field: "   "})


def test_a_use_outside_the_authorized_uses_is_refused() -> None:
    with pytest.raises(InvalidInput, match="authorized uses of DUP §2"):
        purpose(**{**VALID, "category": "immigration_enforcement"})


def test_support_of_another_agency_names_the_agency() -> None:
    with pytest.raises(InvalidInput, match="name the agency"):
        purpose(**{**VALID, "category": "agency_support"})

    made = purpose(**{**VALID, "category": "agency_support"}, beneficiary_agency="Santa Clara PD")
    assert made.beneficiary_agency == "Santa Clara PD"


def test_a_justification_must_say_why() -> None:
    with pytest.raises(InvalidInput, match="at least"):
        purpose(**{**VALID, "justification": "because"})


def test_control_characters_and_overlong_fields_are_refused() -> None:
    # Invisible format characters (zero-width) are kept for the guard to judge; NUL is not.
    assert purpose(**{**VALID, "justification": VALID["justification"] + "\u200b"})
    with pytest.raises(InvalidInput, match="control characters"):
        Purpose(
            PurposeCategory.MISSING_PERSON, "amber alert", "26-1\x00", "child taken from school"
        )
    with pytest.raises(InvalidInput, match="limited to"):
        purpose(**{**VALID, "case_number": "9" * (MAX_CASE_NUMBER + 1)})


def test_a_purpose_built_directly_is_validated_too() -> None:
    with pytest.raises(InvalidInput, match="case number is required"):
        Purpose(PurposeCategory.TRAFFIC_INTERSECTION, "red light", "", "intersection review")


_TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), max_size=80)


@given(
    category=st.sampled_from([c.value for c in PurposeCategory]),
    crime_type=_TEXT,
    case_number=_TEXT,
    justification=_TEXT,
    agency=st.none() | _TEXT,
)
def test_any_input_is_either_a_valid_purpose_or_a_clear_refusal(
    category: str, crime_type: str, case_number: str, justification: str, agency: str | None
) -> None:
    try:
        made = purpose(category, crime_type, case_number, justification, agency)
    except InvalidInput as refusal:
        assert refusal.detail.startswith(("the ", "support of"))
        return
    # A purpose that exists is complete, and survives the audit entry's round trip.
    assert made.crime_type and made.case_number and len(made.justification) >= 10
    assert Purpose.from_record(made.as_record()) == made

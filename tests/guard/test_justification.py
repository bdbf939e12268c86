"""Justification quality (DUP update, March 2026: a required field; DUP §9: logged with every
query): boilerplate and copied text are refused, personal data draws a warning."""

from __future__ import annotations

import pytest

from plateward.guard.justification import assess_justification

GOOD = "Armed robbery at the 7-Eleven on Tully Rd; the clerk saw a grey Civic, partial plate 8K"


@pytest.mark.parametrize(
    "text",
    [
        "investigation",
        "inv",
        "n/a",
        "NA",
        "test",
        "welfare",
        "Welfare check",
        "follow up",
        "see case",
        "per sgt",
        "Investigation - see report",
        "xxxxxxxxxxxxxxxx",
        "asdfgh qwrtz",
        "",
        "   ",
    ],
)
def test_boilerplate_is_refused_with_what_a_good_one_says(text: str) -> None:
    refusal = assess_justification(text).refusal
    assert refusal is not None
    assert "why this search serves this case" in refusal


def test_a_real_reason_passes() -> None:
    assert assess_justification(GOOD) == assess_justification(GOOD, ())
    assert assess_justification(GOOD).refusal is None
    assert assess_justification(GOOD).warnings == ()


def test_text_copied_from_another_case_is_refused() -> None:
    copied = (
        "  armed ROBBERY at the 7-Eleven on Tully Rd; the clerk saw a grey Civic, partial plate 8K"
    )
    refusal = assess_justification(copied, recent=[GOOD]).refusal
    assert refusal is not None
    assert "another case" in refusal


def test_different_text_is_not_a_copy() -> None:
    other = "Carjacking on King Rd, the victim's Model 3 was taken at gunpoint, two suspects"
    assert assess_justification(other, recent=[GOOD]).refusal is None


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("Robbery suspect, SSN 123-45-6789, fled in a grey Civic", "Social Security"),
        ("Robbery suspect DOB 01/02/1980 fled in a grey Civic", "date of birth"),
        ("Robbery suspect born 1/2/80 fled in a grey Civic", "date of birth"),
        ("Victim lives at 1234 Main St, her car was stolen overnight", "street address"),
        ("Call the victim at (408) 555-1234 about the stolen car", "phone number"),
        ("Hit and run suspect, DL B1234567, fled in a white Tesla", "licence number"),
    ],
)
def test_personal_data_draws_a_warning_not_a_refusal(text: str, what: str) -> None:
    assessment = assess_justification(text)
    assert assessment.refusal is None
    assert any(what in warning for warning in assessment.warnings)


def test_an_ordinary_description_draws_no_warning() -> None:
    text = "3 men ran down the street after the robbery, one got into a grey Civic at 2215"
    assert assess_justification(text).warnings == ()

"""A named crime does not launder a prohibited aim (DUP §3.3; the 2026 platform blocking)."""

from __future__ import annotations

import pytest

from plateward.guard import Decision, GuardRequest, check


def _robbery(justification: str) -> GuardRequest:
    return GuardRequest(
        category="criminal_investigation",
        crime_type="PC 211 Robbery",
        case_number="26-123456",
        justification=justification,
    )


@pytest.mark.parametrize(
    "justification",
    [
        "Locate the driver for ICE; he overstayed his visa and has a removal order.",
        "L0cate the dr1ver for 1.C.E; d3portation order pending",
        "Buscar al conductor indocumentado para la migra.",
    ],
)
def test_an_immigration_aim_behind_a_real_crime_code_is_refused(justification: str) -> None:
    verdict = check(_robbery(justification))
    assert verdict.decision is Decision.DENY
    assert "immigration.corroborated" in verdict.rules


def test_a_sensitive_aim_without_an_agency_or_stated_aim_goes_to_review_not_through() -> None:
    verdict = check(
        _robbery("Track the vehicle that drove a woman to the Planned Parenthood clinic.")
    )
    assert verdict.decision is not Decision.ALLOW


@pytest.mark.parametrize(
    "justification",
    [
        "Off-duty ICE officer was robbed at gunpoint outside the Story Rd taco truck; suspect "
        "fled in a grey Civic.",
        "Armed robbery of an undocumented day laborer at the Home Depot lot; suspect left "
        "northbound in a white pickup.",
    ],
)
def test_the_victim_named_by_the_same_words_is_not_refused(justification: str) -> None:
    assert check(_robbery(justification)).decision is not Decision.DENY

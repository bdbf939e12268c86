"""Classes of evasion found on the unsealed fifth red-team part (docs/guard.md, "Generalising"):
each test names a class in words of its own, never the red-team part's sentences."""

from __future__ import annotations

import pytest

from plateward.guard import Decision, GuardRequest, Verdict, check


def _check(justification: str, crime_type: str = "PC 211", category: str = "felony") -> Verdict:
    return check(GuardRequest(category, crime_type, "26-1", justification))


@pytest.mark.parametrize(
    "justification",
    [
        "Robbery. The crime code is only on paper; what we need is where he lives.",
        "Burglary. Honestly we won't file charges, the real purpose is something else.",
        "Robbery. We are just the middleman on this, the paperwork runs through us.",
        "Robo. La verdadera razón de la búsqueda es otra, solo necesitamos su domicilio.",
    ],
)
def test_a_crime_the_request_itself_calls_a_pretext_goes_to_review(justification: str) -> None:
    verdict = _check(justification)
    assert verdict.decision is not Decision.ALLOW
    assert "purpose.pretext" in verdict.rules or verdict.decision is Decision.DENY


@pytest.mark.parametrize(
    "justification",
    [
        "Theft. The plaintiff's law firm would like the other driver's vehicle history.",
        "Theft. Forwarding the hits to the property management company for the unit owner.",
        "Burglary. The victim's insurance adjuster wants the suspect car's reads.",
        "Theft. Corporate security for the retailer asked us to pull the ex-clerk's plate.",
        "Theft. His gym says his dues are months unpaid; find where the car sleeps.",
    ],
)
def test_a_private_party_asking_for_or_receiving_the_data_is_caught(justification: str) -> None:
    verdict = _check(justification, "PC 487")
    assert verdict.decision is not Decision.ALLOW, verdict.rules


@pytest.mark.parametrize(
    "justification",
    [
        "Homicide. The request came from Clark County detectives working their own case.",
        "Robbery. It is actually for the Arizona police, they asked us to run it.",
        "Robbery. Request is from the Oregon State Police investigators.",
    ],
)
def test_an_outside_requester_named_in_the_justification_is_caught(justification: str) -> None:
    verdict = _check(justification)
    assert verdict.decision is not Decision.ALLOW
    assert "beneficiary.out_of_state" in verdict.rules


@pytest.mark.parametrize(
    "justification",
    [
        "Forgery at the DMV. We need his address for his removal paperwork.",
        "Unlicensed driver. He was flagged for removal; confirm where he sleeps.",
    ],
)
def test_removal_euphemisms_behind_a_crime_are_caught(justification: str) -> None:
    assert _check(justification, "PC 470").decision is not Decision.ALLOW


def test_a_self_managed_procedure_behind_a_homicide_code_is_caught() -> None:
    justification = "Looking at whether she self-managed; her car's reads near pharmacies."
    assert _check(justification, "PC 187").decision is not Decision.ALLOW


def test_a_private_party_that_is_the_victim_is_no_requester() -> None:
    justification = "Tow yard burglary; the victim is a bail bondsman; need the thief's reads."
    verdict = _check(justification, "PC 459")
    assert "commercial.requester" not in verdict.rules


@pytest.mark.parametrize(
    ("category", "crime_type", "justification"),
    [
        # Where a suspect fled is no travel for a procedure and no presence in the country.
        ("felony", "PC 215", "Carjacking; the suspect fled out of state to Reno, need his route"),
        ("felony", "PC 211", "Robbery; the suspect fled back to Mexico after, need his reads"),
        # An agency's fleet vehicle as the violator in a red-light review.
        ("traffic", "VC 21453(a)", "Red light review: a DHS fleet van ran the red at 1st/Tully"),
        # An outside agency that recovered the car did not ask for the search.
        ("felony", "VC 10851", "Stolen car recovered in Reno by Reno PD; our suspect's reads"),
    ],
)
def test_flight_violators_and_recovering_agencies_are_no_prohibited_use(
    category: str, crime_type: str, justification: str
) -> None:
    verdict = check(GuardRequest(category, crime_type, "26-1", justification))
    assert verdict.decision is Decision.ALLOW, verdict.rules


def test_a_red_light_review_for_an_immigration_agency_is_still_caught() -> None:
    justification = "Red light review for the ICE field office, they want the plates."
    verdict = _check(justification, "VC 21453(a)", "traffic")
    assert verdict.decision is not Decision.ALLOW


def test_support_of_a_californian_agency_named_only_in_the_justification_runs() -> None:
    justification = "Milpitas PD detective requested reads on their burglary suspect's Tacoma."
    verdict = check(GuardRequest("assist_agency", "PC 459", "26-1", justification, None))
    assert "beneficiary.missing" not in verdict.rules
    assert verdict.decision is Decision.ALLOW, verdict.rules


def test_support_naming_no_agency_still_goes_to_review() -> None:
    justification = "Another department asked for reads on their burglary suspect's Tacoma."
    verdict = check(GuardRequest("assist_agency", "PC 459", "26-1", justification, None))
    assert "beneficiary.missing" in verdict.rules

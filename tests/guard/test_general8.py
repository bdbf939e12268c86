"""Classes found on the unsealed twelfth red-team part (docs/guard.md, "Generalising
(heldout12 unsealed)"): each test names a class in words of its own, never the red-team part's
sentences, and pins both sides: the prohibited wording is caught (review at least), the
legitimate one still runs."""

from __future__ import annotations

import pytest

from tests.guard.wording import checked, rules_decision

# --- a person's review made optional, or the system routing camera hits into court ---------


@pytest.mark.parametrize(
    "justification",
    [
        "Red-light hits on Capitol Expwy: have the reader pipe every event into the ticket "
        "queue; officer sign-off is optional this month.",
        "Send the intersection camera captures directly onto the citation docket, approval "
        "waived until the backlog is gone.",
        "Hệ thống tự động cấp biên bản cho xe vượt đèn đỏ, không cần ai duyệt.",
    ],
)
def test_review_made_optional_is_unattended_enforcement(justification: str) -> None:
    assert rules_decision(justification, "VC 21453", "traffic") != "allow"
    assert checked(justification, "VC 21453", "traffic").decision.value != "allow"


@pytest.mark.parametrize(
    "justification",
    [
        "Red-light camera flagged the white Altima at First/Tully; I reviewed the video and "
        "the light was red. Mail the citation to the registered owner.",
        "Officer Lam watched the clip, the van ran the red; please issue the notice.",
    ],
)
def test_a_reviewed_red_light_still_runs(justification: str) -> None:
    assert rules_decision(justification, "VC 21453", "traffic") == "allow"


# --- one agency has access, the other has none, and the results are handed across ----------


@pytest.mark.parametrize(
    "justification",
    [
        "Gilroy PD can't get on the system but we have access, so we'll run their auto theft "
        "plate and send the hits to their detective.",
        "We have access and Morgan Hill does not; searching this for their robbery case and "
        "forwarding what comes back.",
        "Morgan Hill isn't on the platform; we're searching it for them and sharing the reads.",
    ],
)
def test_an_access_contrast_with_a_hand_over_is_a_stand_in(justification: str) -> None:
    assert rules_decision(justification, "PC 10851", "assist_agency") != "allow"


def test_an_agency_with_its_own_access_still_runs() -> None:
    justification = (
        "Campbell PD has access of its own; we assist on their carjacking, suspect gray Accord, "
        "reads near the Pruneyard last night."
    )
    assert rules_decision(justification, "PC 215", "assist_agency") == "allow"


# --- every vehicle at a lawful event compiled with no suspect ------------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "No particular suspect. Log all cars at the county shooting range on Saturday for an "
        "awareness list.",
        "Nobody in particular: catalog every plate at the firearms expo, lawful buyers "
        "included, into a file for the unit.",
        "No suspect at all. Record every car at the hunting expo for a later look.",
    ],
)
def test_compiling_a_lawful_event_with_no_suspect_is_caught(justification: str) -> None:
    assert rules_decision(justification, "PC 29800") != "allow"
    assert checked(justification, "PC 29800").decision.value != "allow"


def test_a_named_suspect_at_a_gun_show_still_runs() -> None:
    justification = (
        "Felon in possession: informant saw the suspect, a prohibited person, buy a pistol from "
        "a private seller in the parking lot; his red F-150 left at 3 pm."
    )
    assert checked(justification, "PC 29800").decision.value == "allow"


# --- the city's civil claim defended with a search -----------------------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "The county's risk manager wants the plaintiff's trips last month so we can defeat "
        "her claim over the pothole.",
        "Theft code is a placeholder: we need to fight his lawsuit over the bus crash; show "
        "where his truck was that week.",
        "The county is defending a negligence suit; where was the plaintiff's car that week?",
    ],
)
def test_defending_a_civil_claim_is_caught(justification: str) -> None:
    assert rules_decision(justification, "PC 484") != "allow"
    assert checked(justification, "PC 484").decision.value != "allow"


def test_a_fraud_claimant_still_runs() -> None:
    justification = (
        "Insurance fraud: the claimant reported his Tacoma stolen, but a reader caught it in "
        "Milpitas two days after the report."
    )
    assert rules_decision(justification, "PC 550") == "allow"


# --- the pregnant woman made the suspect of a crime against her own fetus ------------------


@pytest.mark.parametrize(
    "justification",
    [
        "Fetus as the victim; her car is the one to trace to the pregnancy center and back.",
        "Homicide file where the victim is the unborn child; show when the woman's Corolla "
        "reached the women's center.",
    ],
)
def test_a_mother_searched_for_her_own_pregnancy_is_caught(justification: str) -> None:
    assert rules_decision(justification, "PC 187") != "allow"
    assert checked(justification, "PC 187").decision.value != "allow"


def test_a_pregnant_victim_of_a_shooting_still_runs() -> None:
    justification = (
        "Drive-by on King Rd: a pregnant woman was shot and lost the baby; the shooter fled in a "
        "gray Tahoe, partial 8KT."
    )
    assert checked(justification, "PC 187").decision.value != "deny"


@pytest.mark.parametrize(
    "justification",
    [
        "Shooting in the gun show parking lot at 2 pm; list every vehicle that left between "
        "2:00 and 2:20.",
        "Robbery of a vendor at the gun show; suspects fled in a black Charger, partial 7AB.",
    ],
)
def test_a_crime_at_a_gun_show_is_never_refused(justification: str) -> None:
    assert checked(justification, "PC 245").decision.value != "deny"

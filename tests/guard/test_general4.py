"""Classes found on the unsealed eighth red-team part (docs/guard.md, "Generalising (heldout8
unsealed)"): each test names a class in words of its own, never the red-team part's sentences,
and each has its hard negatives."""

from __future__ import annotations

import pytest

from plateward.guard import Decision
from plateward.guard.recipients import Party
from tests.guard.wording import checked, destinations, rules_decision


@pytest.mark.parametrize(
    ("justification", "party"),
    [
        # the data's own "go to" after words that qualify it
        (
            "The store owner hired a private security consultant; every read on the getaway "
            "van goes to him directly.",
            Party.PRIVATE,
        ),
        # "their agent", "its analyst": someone of the party named before
        (
            "The DEA opened a file on the same crew. Its agent is the one who will be receiving "
            "the full set of reads.",
            Party.FEDERAL,
        ),
        # a case out of a place outside California, then a pronoun
        (
            "Armed robbery case from Las Vegas. Their detective phoned; text him the reads.",
            Party.OUT_OF_STATE,
        ),
        ("Shooting out of Tucson. Email her the photos once the hits are in.", Party.OUT_OF_STATE),
        # an outside analysts' office; a code's subsection is no clause break
        (
            "Ask came via the Nevada fusion center. Export the full history to their analysts.",
            Party.OUT_OF_STATE,
        ),
        ("Pull his routes and export them to our 287(g) partner.", Party.FEDERAL),
    ],
)
def test_who_receives_the_hits_is_read_through_references(justification: str, party: Party) -> None:
    assert party in destinations(justification)
    assert checked(justification).decision is not Decision.ALLOW


@pytest.mark.parametrize(
    "justification",
    [
        "Carjacking; the victim is visiting from Phoenix. Email him the case number later.",
        "The suspect moved here from Reno last year; the hits go to our burglary detail.",
        "Robbery in our own district. Their detective is Sgt Ruiz; send him the hits.",
        "All reads on the suspect car go to the assigned detective in our robbery unit.",
    ],
)
def test_references_to_our_own_people_name_no_recipient(justification: str) -> None:
    assert not destinations(justification) - {Party.CALIFORNIA}
    assert rules_decision(justification) == "allow"


@pytest.mark.parametrize(
    ("crime_type", "justification"),
    [
        (
            "PC 236.1",
            "The workers are victims and came here seeking asylum; their status has nothing to "
            "do with it. The boss drives them in a white van.",
        ),
        (
            "PC 236.1",
            "Los trabajadores son victimas y llegaron pidiendo asilo; su estatus no tiene nada "
            "que ver. El patron los lleva en una camioneta blanca.",
        ),
        (
            "PC 646.9",
            "Victim says a van follows her; she arrived as an asylum seeker, and we never ask "
            "about status. Find where the van is parked.",
        ),
    ],
)
def test_a_status_the_request_sets_aside_is_no_target(crime_type: str, justification: str) -> None:
    assert rules_decision(justification, crime_type) == "allow"


@pytest.mark.parametrize(
    "justification",
    [
        "He has no legal status here, so find where he sleeps.",
        "Her immigration status is not confirmed yet; check where she works.",
        "Regardless of the robbery we need his immigration status; where does he park?",
    ],
)
def test_a_status_sought_is_still_a_target(justification: str) -> None:
    assert rules_decision(justification) != "allow"


@pytest.mark.parametrize(
    ("crime_type", "justification"),
    [
        (
            "PC 487",
            "The owner came to us through the legal aid clinic downtown and is cooperating. The "
            "contractor drives a white Ford.",
        ),
        ("PC 594", "Windows smashed at the legal aid clinic overnight; the tagger drove a Civic."),
        (
            "PC 459",
            "Break-in at the storeroom of a women's health clinic, syringes taken; suspect car "
            "on the lot camera.",
        ),
    ],
)
def test_a_clinic_of_another_trade_or_broken_into_runs(crime_type: str, justification: str) -> None:
    assert rules_decision(justification, crime_type) == "allow"


@pytest.mark.parametrize(
    "justification",
    [
        "List the cars that visit the dental clinic's neighbor, the abortion clinic.",
        "Which patients drove to the women's clinic on Friday?",
    ],
)
def test_a_health_clinic_targeted_is_still_caught(justification: str) -> None:
    assert rules_decision(justification, "PC 602") != "allow"


@pytest.mark.parametrize(
    ("crime_type", "justification"),
    [
        ("PC 488", "Shoplifting at the hardware store; the suspect left in a grey Civic."),
        ("VC 21453(a)", "Red-light clip needs a person's look, the plate is half hidden."),
    ],
)
def test_other_with_a_crime_in_the_crime_type_runs(crime_type: str, justification: str) -> None:
    assert rules_decision(justification, crime_type, "other") == "allow"


@pytest.mark.parametrize(
    ("crime_type", "justification"),
    [
        ("PC 602", "List the cars at the mosque on Friday."),
        (None, "Shoplifting at the hardware store; the suspect left in a grey Civic."),
        ("", "Curious who owns the truck parked by my house."),
    ],
)
def test_other_without_a_crime_or_with_a_target_is_still_looked_at(
    crime_type: str | None, justification: str
) -> None:
    assert rules_decision(justification, crime_type, "other") != "allow"

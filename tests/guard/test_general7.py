"""Classes found on the unsealed eleventh red-team part (docs/guard.md, "Generalising
(heldout11 unsealed)"): each test names a class in words of its own, never the red-team part's
sentences, and pins both sides: the legitimate wording is no longer refused, the prohibited one
is still caught."""

from __future__ import annotations

import pytest

from plateward.guard import framing
from plateward.guard.normalize import normalize
from plateward.guard.recipients import Party
from tests.guard.wording import checked, destinations, rules_decision

# --- a payment card's brand is not a travel document ---------------------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "Someone used a cloned Visa credit card at three pharmacies on Story Rd; the cashier "
        "saw a silver Prius leave each time. Need reads by those stores at the purchase times.",
        "Stolen purse: her Visa gift cards were spent at a Target within the hour. A black "
        "Camry was parked at the entrance. Reads near the store please.",
    ],
)
def test_a_card_brand_is_no_immigration_word(justification: str) -> None:
    assert rules_decision(justification, "PC 484e") == "allow"
    assert checked(justification, "PC 484e").decision.value != "deny"


@pytest.mark.parametrize(
    "justification",
    [
        "Find out whether the owner of the blue Civic overstayed his visa and where he sleeps.",
        "Her student visa lapsed; get every place the car went so we can hand her over.",
    ],
)
def test_the_travel_visa_still_counts(justification: str) -> None:
    assert rules_decision(justification, None, "investigation") != "allow"
    assert checked(justification, None, "investigation").decision.value != "allow"


def test_the_brand_reading_needs_a_payment_word() -> None:
    assert framing.a_payment_brand(normalize("paid with a visa debit card"), 3, 4)
    assert not framing.a_payment_brand(normalize("his visa expired in march"), 1, 2)
    assert not framing.a_payment_brand(normalize("a green card holder"), 1, 3)


# --- an agency that marks a vehicle neither acts nor asks ----------------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "Speeding camera hit on Tully Rd. The SUV looks like a government car with a CBP "
        "decal; process it like any other and mail the citation to the registered owner.",
        "Hit-and-run on a parked car. Witness says the striking truck had ICE fleet plates. "
        "Confirm the plate so the owner can be notified of the damage.",
    ],
)
def test_an_agency_marking_a_car_is_not_its_aim(justification: str) -> None:
    assert checked(justification, "VC 20002").decision.value != "deny"


@pytest.mark.parametrize(
    "justification",
    [
        "PC 211 on paper. Locate the driver for ICE, he has a removal order.",
        "Run the plate and pass the locations to CBP; they want him picked up.",
    ],
)
def test_an_agency_that_receives_or_aims_is_still_refused(justification: str) -> None:
    assert checked(justification, "PC 211").decision.value != "allow"


# --- a sensitive group as the subject of its sentence ---------------------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "Congregants walking out of Sunday mass at the cathedral were shoved by a man who "
        "then sped off in a red pickup. Looking for that driver.",
        "Protesters leaving the rally at the plaza were pelted with bottles from a passing "
        "black sedan. Identify the sedan's driver.",
    ],
)
def test_a_group_as_the_subject_of_a_crime_done_to_it_is_not_refused(justification: str) -> None:
    assert checked(justification, "PC 242").decision.value != "deny"


@pytest.mark.parametrize(
    "justification",
    [
        "PC 602. Compile the plates of the protesters at the plaza so we know who they are.",
        # the group heads its sentence, yet the search gathers it
        "Worshippers at the mosque on Fridays: list every one of their plates.",
        "Congregants of the Elm St church: identify all their cars from the lot reads.",
    ],
)
def test_a_group_gathered_by_the_search_is_still_refused(justification: str) -> None:
    assert rules_decision(justification, "PC 415") == "deny"


# --- a third person's own message is not a hand-off of the data ------------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "Runaway, 15. The family moved here from Arizona last year. He messaged his cousin "
        "that a friend was driving him to Fresno in a gold Altima.",
        "Missing adult with dementia; relatives came from Nevada to help. She emailed her son "
        "from a library computer this morning, then left in her green Outback.",
    ],
)
def test_a_message_between_the_case_s_people_sends_no_data(justification: str) -> None:
    assert not destinations(justification) & {Party.OUT_OF_STATE, Party.FEDERAL}
    assert checked(justification, None, "missing_person").decision.value != "deny"


@pytest.mark.parametrize(
    "justification",
    [
        "Our partners at Reno PD asked for this one. I'll text them the hits tonight.",
        "Phoenix PD detective called. We emailed him the reads from the last week.",
    ],
)
def test_the_searcher_sending_the_data_is_still_read(justification: str) -> None:
    assert destinations(justification) & {Party.OUT_OF_STATE}


# --- a sensitive person as the owner of what a search runs ----------------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "Leak of internal memos. Track the journalist's Jeep for two weeks and see which of "
        "our staff she meets.",
        "Somebody tipped the press. Pull the columnist's plate history and check whose houses "
        "he parked at.",
    ],
)
def test_searching_a_journalist_s_car_is_caught(justification: str) -> None:
    assert rules_decision(justification, "PC 502(c)") != "allow"
    assert checked(justification, "PC 502(c)").decision.value != "allow"


def test_a_journalist_as_the_victim_runs_the_same_way() -> None:
    text = "A reporter's Jeep was broken into outside the newsroom; laptop stolen. Find the thief."
    assert checked(text, "PC 459").decision.value != "deny"
    assert framing.searched_possessor(normalize(text), 1, 2) is None


def test_a_journalist_s_car_run_beside_the_crime_s_words_is_still_read() -> None:
    text = (
        "Unauthorized access to our records system. Run the editor's Volvo for the past month "
        "and see which deputies' homes it stopped by."
    )
    assert checked(text, "PC 502(c)").decision.value != "allow"


def test_a_journalist_s_stolen_car_is_the_victim_s() -> None:
    assert framing.searched_possessor(normalize("run the reporter s stolen jeep"), 2, 3) is None
    assert framing.searched_possessor(normalize("run the reporter s jeep"), 2, 3) == (0, 4)


# --- a sensitive group whose vehicles a search gathers by a pronoun ("run their plates") -----


@pytest.mark.parametrize(
    "justification",
    [
        "Demonstrators by the women's health center were shouting at staff. Check all their cars.",
        "Picketers outside the abortion clinic were rowdy. Run their plates.",
    ],
)
def test_their_vehicles_after_a_sensitive_group_are_read(justification: str) -> None:
    assert rules_decision(justification, "PC 415") != "allow"
    assert checked(justification, "PC 415").decision.value != "allow"


def test_their_vehicles_is_never_a_refusal_on_its_own() -> None:
    text = "Break-in at the church office; two men were seen leaving. Run their plates."
    assert checked(text, "PC 459").decision.value != "deny"
    assert framing.their_vehicles_searched(normalize("run all their cars"), 0)
    assert not framing.their_vehicles_searched(normalize("run the plate they gave us"), 0)

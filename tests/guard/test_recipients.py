"""Who receives the results, read from the justification (DUP §2.3, §3.5 and §10; SB 34): a
proxy search names its federal, out-of-state or private recipient in the text while the agency
field is empty or Californian and the crime code is real. The role decides, not the mention:
the data's destination is refused, a requester goes to review, and a victim, a suspect's
destination or a notified agency is no recipient at all."""

from __future__ import annotations

import pytest

from plateward.guard import Decision, GuardRequest, check
from plateward.guard.recipients import Party, Role, recipients


def _check(crime_type: str, justification: str, agency: str | None = None) -> Decision:
    verdict = check(
        GuardRequest("criminal_investigation", crime_type, "26-1", justification, agency)
    )
    return verdict.decision


@pytest.mark.parametrize(
    ("justification", "party", "role"),
    [
        ("Sending the hits over to the ATF agent on the case.", Party.FEDERAL, Role.DESTINATION),
        ("Results go to our partners in Boise.", Party.OUT_OF_STATE, Role.DESTINATION),
        ("Utah Highway Patrol requested the reads.", Party.OUT_OF_STATE, Role.REQUESTER),
        ("Doing it on behalf of Tucson PD.", Party.OUT_OF_STATE, Role.REQUESTER),
        ("We pull it so the feds can grab him.", Party.FEDERAL, Role.BENEFICIARY),
        ("Lo pide un agente de la DEA, mandarle todo.", Party.FEDERAL, Role.REQUESTER),
        (
            "Vamos a enviar los resultados a la policia de Denver.",
            Party.OUT_OF_STATE,
            Role.DESTINATION,
        ),
        ("The Allstate adjuster asked for the plate hits.", Party.PRIVATE, Role.REQUESTER),
        ("Give the list to the bounty hunter.", Party.PRIVATE, Role.DESTINATION),
        ("Results to AZ DPS.", Party.OUT_OF_STATE, Role.DESTINATION),
        ("pls fwd hits 2 the DEA guy", Party.FEDERAL, Role.DESTINATION),
        ("cc the Kansas detective on the results", Party.OUT_OF_STATE, Role.DESTINATION),
        ("plate hits -> Idaho State Police", Party.OUT_OF_STATE, Role.DESTINATION),
        ("Hay que compartir con la DEA.", Party.FEDERAL, Role.DESTINATION),
    ],
)
def test_a_recipient_is_read_from_its_role(justification: str, party: Party, role: Role) -> None:
    assert (party, role) in {(r.party, r.role) for r in recipients(justification)}


def test_data_passed_along_goes_to_the_party_named_before() -> None:
    found = recipients("I told the Tulsa detective I'd run it and pass along anything we get.")
    assert (Party.OUT_OF_STATE, Role.BENEFICIARY) in {(r.party, r.role) for r in found}
    assert not recipients("The FBI was notified; I will share the results at the briefing.")
    assert not recipients("A bondsman's windows were smashed; he gave us the suspect's plate.")


def test_abbreviations_do_not_end_a_clause() -> None:
    found = recipients("Stolen van. U.S. Marshals want the hits, per Det. Lee.")
    assert (Party.FEDERAL, Role.REQUESTER) in {(r.party, r.role) for r in found}


def test_a_pronoun_stands_for_the_party_named_before_it() -> None:
    found = recipients("Homeland Security has its own case on him. I'm texting them the hits.")
    assert (Party.FEDERAL, Role.DESTINATION) in {(r.party, r.role) for r in found}


@pytest.mark.parametrize(
    "justification",
    [
        "The victim is an off-duty FBI agent; his truck was taken from the gym lot.",
        "Suspect fled toward Reno after the robbery; need his route for our case.",
        "Looking for the Oregon-plated sedan seen at the scene.",
        "The cited driver works for CBP; ordinary red light contest.",
        "Tucson PD was notified; this is our case and the results stay with our unit.",
        "Nothing is shared with the Marshals; this is our own arrest.",
        "Forward the hits to the Nevada County Sheriff detective on the burglary.",
        "Wanted by the feds too, but we are arresting him on our warrant.",
        "Trafficking; the victims were being sent to Las Vegas in a white van.",
        "The suspect wired money to his cousin in Phoenix right after the robbery.",
    ],
)
def test_victims_destinations_and_notified_agencies_are_no_recipients(justification: str) -> None:
    found = {r.party for r in recipients(justification)}
    assert not found & {Party.FEDERAL, Party.OUT_OF_STATE, Party.PRIVATE}, found


@pytest.mark.parametrize(
    ("crime_type", "justification", "agency"),
    [
        ("PC 211", "Armed robbery; pass the results along to CBP, they asked.", None),
        ("VC 10851", "Stolen van. Send the reads to the Oklahoma trooper who called.", None),
        ("PC 459", "Burglary series; the CSV goes to the US Attorney's office.", "Campbell PD"),
        ("HS 11351", "Sales case, enviar las lecturas a los federales.", None),
    ],
)
def test_data_sent_to_a_federal_or_out_of_state_recipient_is_refused_whatever_the_code(
    crime_type: str, justification: str, agency: str | None
) -> None:
    assert _check(crime_type, justification, agency) is Decision.DENY


@pytest.mark.parametrize(
    ("crime_type", "justification"),
    [
        ("PC 245", "Assault. The Colorado detective wants his pattern of life."),
        ("PC 487", "Grand theft; the dealership's finance manager wants the location, send it."),
        ("PC 646.9", "Stalking; a private eye for the family asked, I'll email him what we get."),
    ],
)
def test_a_named_requester_sends_a_coded_request_to_review_at_least(
    crime_type: str, justification: str
) -> None:
    assert _check(crime_type, justification) is not Decision.ALLOW


@pytest.mark.parametrize(
    ("crime_type", "justification", "agency"),
    [
        (
            "PC 245",
            "Battery on a federal officer outside the courthouse; the suspect drove off.",
            None,
        ),
        ("PC 211", "Crew drove in from Phoenix and robbed the jewelry store; our case.", None),
        (
            "VC 10851",
            "Truck stolen from a Texas family on vacation here; owner is the victim.",
            None,
        ),
        (
            "PC 459",
            "Results go to the Sunnyvale DPS detective for their burglary.",
            "Sunnyvale DPS",
        ),
        (
            "PC 487",
            "Owner's insurer asked for the report number; we are looking for the car.",
            None,
        ),
    ],
)
def test_legitimate_cases_naming_outside_parties_run(
    crime_type: str, justification: str, agency: str | None
) -> None:
    assert _check(crime_type, justification, agency) is Decision.ALLOW

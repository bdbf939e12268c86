"""Classes found on the unsealed tenth red-team part (docs/guard.md, "Generalising (heldout10
unsealed)"): each test names a class in words of its own, never the red-team part's sentences,
and each has its hard negatives."""

from __future__ import annotations

import pytest

from plateward.guard import learned
from plateward.guard.recipients import Party, recipients
from plateward.guard.rules import _clear_semantic_review, assess
from plateward.guard.types import Decision
from tests.guard.wording import checked, destinations, request, rules_decision


def _parties(justification: str) -> set[Party]:
    return {r.party for r in recipients(justification)}


# --- who wants the data, named as the complement of "the one who asks is ..." ---------------


@pytest.mark.parametrize(
    "justification",
    [
        "Storage unit break-ins. Whoever is logged as the requester, the one who really wants "
        "these reads is a sergeant I trained with at Reno PD.",
        "Catalytic converter thefts. The guy that asked for the plate history is an agent "
        "with the Bureau's Sacramento field office.",
    ],
)
def test_the_requester_named_after_who_asks_is_read(justification: str) -> None:
    assert _parties(justification) & {Party.FEDERAL, Party.OUT_OF_STATE}
    assert rules_decision(justification, "PC 459") != "allow"


def test_the_one_who_asks_being_our_own_detective_runs() -> None:
    text = "Storage unit break-ins. The person who asked for these reads is our burglary detective."
    assert not _parties(text) & {Party.FEDERAL, Party.OUT_OF_STATE, Party.PRIVATE}
    assert rules_decision(text, "PC 459") == "allow"


# --- a receiver named through their own channel ("his work email", "her cell") -------------


@pytest.mark.parametrize(
    "justification",
    [
        "A deputy marshal I know from a federal task force has an interest in this crew. Run "
        "the van's reads and I'll text the results to his personal cell.",
        "Our contact at Washoe County Sheriff thinks it's the same ring; the hits go to "
        "their shared inbox by tomorrow.",
    ],
)
def test_a_receiver_named_by_their_channel_is_read(justification: str) -> None:
    assert destinations(justification) & {Party.FEDERAL, Party.OUT_OF_STATE}


def test_our_own_channel_is_no_outside_receiver() -> None:
    text = "Burglary of a tool shed. Send the hits to my work email so I can brief the DA."
    assert not destinations(text) & {Party.FEDERAL, Party.OUT_OF_STATE, Party.PRIVATE}
    assert rules_decision(text, "PC 459") == "allow"


# --- a private security staff member as who asks or receives ---------------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "Retail theft at the outlet center. Their head of security would like the car's "
        "travel pattern so his team can build a case for the company.",
        "Jewelry theft. The casino's security manager asked that the reads go to him.",
    ],
)
def test_private_security_staff_asking_is_a_private_party(justification: str) -> None:
    assert Party.PRIVATE in _parties(justification)
    assert "commercial.requester" in assess(request(justification, "PC 487")).findings.review


def test_a_security_officer_who_was_assaulted_is_the_victim() -> None:
    text = "Security officer at the outlet center was punched by a shoplifter who fled in a Kia."
    assert rules_decision(text, "PC 243") == "allow"


# --- the subject named in an earlier clause ("X, an insurer, ... and asked for the reads") ---


def test_an_elided_subject_reads_the_party_named_before() -> None:
    text = (
        "Vandalism at a warehouse. The tenant's insurer, a national carrier, has opened "
        "its own file and requested the plate reads for it."
    )
    assert Party.PRIVATE in _parties(text)
    assert "commercial.requester" in assess(request(text, "PC 594")).findings.review


def test_our_own_need_after_a_witness_is_no_private_request() -> None:
    text = "Hit and run on Story. A bus driver saw the car. Need the reads to find it."
    assert _parties(text) == set()
    assert rules_decision(text, "VC 20001") == "allow"


# --- a crime entered for the audit's sake, or none yet ----------------------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "I put 10851 on it so the log reads clean; what I need is where the woman parks.",
        "Code it as a burglary so it clears the system, then pull his last two weeks.",
        "Nothing criminal yet at the smoke shop, but watch who drives in after hours.",
    ],
)
def test_a_crime_entered_for_the_record_is_a_pretext(justification: str) -> None:
    assert "purpose.pretext" in assess(request(justification, "PC 459")).findings.review


def test_a_cover_unit_is_police_work() -> None:
    text = "Suspect rammed the cover unit's car during the stop; the plate was logged."
    assert "purpose.pretext" not in assess(request(text, "PC 245")).findings.review


# --- the searcher's own private organisation --------------------------------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "Someone keeps parking in the guest spots at my HOA; I'm on the board and want to "
        "know whose car it is.",
        "As HOA president I need to know which unit's visitor dumped trash at the gate.",
    ],
)
def test_the_searchers_own_association_is_personal(justification: str) -> None:
    assert rules_decision(justification, "PC 374.3") != "allow"


@pytest.mark.parametrize(
    "justification",
    [
        "The homeowners association on Lincoln reported its gate smashed by a pickup.",
        "Our HOA liaison reports the complainant, the HOA president, had her car keyed.",
    ],
)
def test_a_homeowners_association_as_the_victim_is_not_refused(justification: str) -> None:
    assert checked(justification, "PC 594").decision is not Decision.DENY
    assert "personal.lexicon" not in assess(request(justification, "PC 594")).findings.review


# --- reads handed on, said with the data between the verb and "along" -------------------------


def test_passing_the_results_along_for_someone_without_access_is_a_stand_in() -> None:
    text = "For a Morgan Hill analyst whose login was revoked; pass the hits along to her."
    assert "purpose.pretext" in assess(request(text, "PC 211")).findings.review


# --- enforcement no person looks at, said in other words --------------------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "Let the hot list send an impound request to the tow yard with no deputy in the loop.",
        "Que las multas salgan del sistema sin que ningún oficial las revise antes.",
    ],
)
def test_enforcement_with_no_one_in_the_loop_is_caught(justification: str) -> None:
    assert "automated.no_review" in assess(request(justification, "VC 4000")).findings.review


def test_a_reviewed_red_light_clip_runs() -> None:
    text = "Red-light clip at Capitol and Story; I reviewed the video and confirmed the plate."
    assert "automated.no_review" not in assess(request(text, "VC 21453")).findings.review


# --- plates studied for planning ---------------------------------------------------------------


def test_a_commute_study_is_a_dragnet() -> None:
    text = "The county wants commute patterns between the east side and downtown from our reads."
    assert "purpose.dragnet" in assess(request(text, None, "traffic")).findings.review


# --- watching people who film or watch the police ---------------------------------------------


def test_watching_who_films_officers_is_first_amendment() -> None:
    text = "List every car at the park meetup of people recording police, so we know who they are."
    assert rules_decision(text, None, "other") == "deny"


# --- a group that witnessed, and a sensitive word the request sets aside -----------------------


@pytest.mark.parametrize(
    "justification",
    [
        "A man threw a brick through the mosque's window; worshippers wrote down his plate.",
        "Members of the temple board saw the pickup that rammed the gate and noted its plate.",
        "Fight broke out at the union meeting, a member got the license of the attacker's truck.",
    ],
)
def test_a_group_that_witnessed_is_no_target(justification: str) -> None:
    assert rules_decision(justification, "PC 594") == "allow"


def test_a_group_whose_plates_are_collected_is_still_a_target() -> None:
    text = "Fight at the union meeting. Get every member's plate so we know who was there."
    assert rules_decision(text, "PC 415") != "allow"


@pytest.mark.parametrize(
    ("justification", "crime_type", "guard_class"),
    [
        (
            "The robbery victim is a refugee; his asylum case is not relevant to us, only the "
            "robber's Camry is.",
            "PC 211",
            "immigration",
        ),
        (
            "The car had a 'Pro-Choice' decal and an abortion-rights flag, which doesn't matter "
            "here; it struck a cyclist and left.",
            "VC 20001",
            "reproductive",
        ),
        (
            "Asaltaron a la señora; no tiene papeles, pero eso no nos importa. Buscamos al ladrón.",
            "PC 211",
            "immigration",
        ),
    ],
)
def test_a_sensitive_word_the_request_sets_aside_is_no_finding(
    justification: str, crime_type: str, guard_class: str
) -> None:
    findings = assess(request(justification, crime_type)).findings
    assert not findings.deny
    assert f"{guard_class}.lexicon" not in findings.review
    assert f"{guard_class}.semantic" not in findings.review


@pytest.mark.parametrize(
    "justification",
    [
        # the matter set aside, but a person made the object of the search
        "His asylum case doesn't matter to the robbery; find out where he sleeps now.",
        # an agency is never set aside
        "Robbery; his status is irrelevant, but ICE wants the car's history.",
    ],
)
def test_setting_aside_does_not_clear_a_target_or_an_agency(justification: str) -> None:
    assert rules_decision(justification, "PC 211") != "allow"


# --- a review the semantic layer alone called for, in a crime the learned layer finds plain ----


def _with_semantic_review(justification: str, crime_type: str | None, *extra: str) -> list[str]:
    signals = assess(request(justification, crime_type))
    findings = signals.findings
    for rule in ("immigration.semantic", *extra):
        findings.add(Decision.REVIEW, rule, "test")
    _clear_semantic_review(signals, findings)
    return findings.review


def test_a_semantic_only_review_of_a_named_crime_can_be_cleared() -> None:
    text = "Burglary at a hardware store on Alum Rock; the van was seen backing up to the door."
    assert _with_semantic_review(text, "PC 459") == []


@pytest.mark.parametrize(
    ("justification", "crime_type", "extra"),
    [
        # another rule called for review too
        ("Burglary at a hardware store; code it as a burglary so it clears.", "PC 459", "x"),
        # no specific crime named
        ("Check where the van of the man from the hardware store goes.", None, ""),
        # a stated aim
        ("Burglary; also see if he is still in the country.", "PC 459", ""),
    ],
)
def test_a_semantic_review_is_kept_with_another_rule_no_crime_or_an_aim(
    justification: str, crime_type: str | None, extra: str
) -> None:
    rules = ("purpose.pretext",) if extra else ()
    assert _with_semantic_review(justification, crime_type, *rules) != []


def test_the_clearing_level_is_below_the_review_threshold() -> None:
    model = learned.classifier()
    assert model is not None
    assert model.threshold > learned.SEMANTIC_CLEAR_BELOW


# --- a referral from an outside officer written with a state code ------------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "Homicide referral from an AZ investigator; confirm the woman's car was in San Jose "
        "that week.",
        "This came in as a tip referred by a NV deputy; run the pickup's reads for March.",
    ],
)
def test_a_referral_from_an_outside_officer_is_read(justification: str) -> None:
    assert Party.OUT_OF_STATE in _parties(justification)
    assert rules_decision(justification, "PC 187") != "allow"


def test_a_referral_from_our_own_unit_runs() -> None:
    text = "Referral from our gang unit: the shooter's Charger, plate 8XYZ123, seen on Story."
    assert not _parties(text) & {Party.OUT_OF_STATE, Party.FEDERAL, Party.PRIVATE}
    assert rules_decision(text, "PC 246") == "allow"


# --- a code entered to keep the record tidy, or under a label the request disowns ------------


@pytest.mark.parametrize(
    "justification",
    [
        "I opened it as a 459 to keep the log clean; really it's about where the guy sleeps.",
        "Coded as embezzlement but it is two brothers arguing over who owns the boat trailer.",
    ],
)
def test_a_crime_filed_for_the_record_is_caught(justification: str) -> None:
    assert rules_decision(justification, "PC 503") != "allow"


@pytest.mark.parametrize(
    "justification",
    [
        "First taken as a civil dispute, but the DA charged embezzlement; find the trailer.",
        "Filed as a 10851 at first; the victim now says it was taken at gunpoint, find the car.",
    ],
)
def test_an_earlier_reading_of_the_case_is_no_pretext(justification: str) -> None:
    assert checked(justification, "PC 503").decision is not Decision.DENY
    assert "purpose.pretext" not in assess(request(justification, "PC 503")).findings.review

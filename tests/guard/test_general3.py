"""Classes of evasion found on the unsealed seventh red-team part (docs/guard.md, "Generalising
(heldout7 unsealed)"): each test names a class in words of its own, never the red-team part's
sentences, and each has its hard negatives."""

from __future__ import annotations

import pytest

from plateward.guard import Decision
from plateward.guard.beneficiary import Beneficiary, classify_agency
from plateward.guard.normalize import normalize
from plateward.guard.rules import assess
from tests.guard.wording import checked, request


def _fired(rule: str, justification: str, crime_type: str, category: str) -> bool:
    """Whether the rule layers fired ``rule`` (a deny elsewhere hides a review from the
    verdict's rules)."""
    findings = assess(request(justification, crime_type, category)).findings
    return rule in findings.review or rule in findings.deny


@pytest.mark.parametrize(
    "justification",
    [
        "Milpitas asked us to run it because their department lost access last month.",
        "Running this for the county parks rangers, who don't have access to the reader system.",
        "The requesting investigator is non-sworn, so I'm entering it under my login.",
        "Their access was suspended during the audit; we run it and hand over the hits.",
    ],
)
def test_standing_in_for_someone_with_no_access_is_caught(justification: str) -> None:
    verdict = checked(justification, "PC 459", "assist_agency")
    assert verdict.decision is not Decision.ALLOW
    assert _fired("purpose.pretext", justification, "PC 459", "assist_agency")


@pytest.mark.parametrize(
    "justification",
    [
        "No crime yet, but the group plans a march downtown; list the cars at their office.",
        "Preemptive look at who keeps visiting the union hall before anything happens.",
        "Nothing has happened so far; get ahead of the tenants' organizers by IDing their cars.",
        "Not really stolen — owner just wants to know where his ex drives the car.",
    ],
)
def test_a_crime_that_has_not_happened_or_is_not_real_is_caught(justification: str) -> None:
    verdict = checked(justification, "PC 594", "felony")
    assert verdict.decision is not Decision.ALLOW
    assert _fired("purpose.pretext", justification, "PC 594", "felony")


@pytest.mark.parametrize(
    "justification",
    [
        "Start the new intersection cameras today; the contractor will mail the notices later.",
        "Cameras at Bascom and Hamilton go live now, warning period or not, and backdate fines.",
        "Signage isn't posted at Tully yet but begin capturing runs and issue citations.",
    ],
)
def test_red_light_enforcement_outside_its_procedure_is_caught(justification: str) -> None:
    verdict = checked(justification, "VC 21453(a)", "traffic")
    assert verdict.decision is not Decision.ALLOW
    assert _fired("automated.no_review", justification, "VC 21453(a)", "traffic")


@pytest.mark.parametrize(
    ("category", "justification"),
    [
        ("traffic", "Count the plates turning into the mosque lot on Fridays for a traffic study."),
        ("felony", "A property developer wants vehicle counts by plate near the new stadium."),
        ("other", "Weekly export of reads around Oakridge for a parking analytics firm."),
    ],
)
def test_plates_counted_or_studied_are_no_case(category: str, justification: str) -> None:
    crime_type = "VC 21453(a)" if category == "traffic" else "PC 211"
    verdict = checked(justification, crime_type, category)
    assert verdict.decision is not Decision.ALLOW
    assert _fired("purpose.dragnet", justification, crime_type, category)


@pytest.mark.parametrize(
    "agency",
    [
        "Oakridge Mall Security",
        "San Jose Private Patrol Company",
        "Stanford Campus Safety (non-sworn)",
        "Valley Towing LLC",
    ],
)
def test_a_private_body_in_the_agency_field_is_no_public_safety_department(agency: str) -> None:
    assert classify_agency(agency) is Beneficiary.UNKNOWN
    verdict = checked("Armed robbery of a clerk; suspect left in a white Camry.", agency=agency)
    assert verdict.decision is not Decision.ALLOW
    assert "beneficiary.unknown" in verdict.rules


@pytest.mark.parametrize(
    "agency",
    [
        "San José State University Police Department",
        "University of California Santa Cruz Police Department",
        "Sunnyvale Department of Public Safety",
        "Santa Clara County Sheriff's Office",
    ],
)
def test_sworn_californian_departments_stay_californian(agency: str) -> None:
    assert classify_agency(agency) is Beneficiary.CALIFORNIA


@pytest.mark.parametrize(
    ("category", "crime_type", "justification"),
    [
        (
            "traffic",
            "VC 21453(a)",
            "Red-light run at Story and King, clip reviewed by me, signage posted; cite.",
        ),
        (
            "felony",
            "PC 211",
            "Robbery of a taco vendor on Alum Rock; suspects fled in a grey Sentra.",
        ),
        (
            "felony",
            "PC 459",
            "Burglary; the victim has no access to her garage camera, neighbour saw a blue van.",
        ),
        (
            "assist_agency",
            "PC 187",
            "Gilroy PD homicide, their suspect came north; no prior access, lieutenant approved.",
        ),
        (
            "felony",
            "PC 487",
            "The off-duty ICE officer's pickup was taken from his driveway in Willow Glen.",
        ),
    ],
)
def test_hard_negatives_run(category: str, crime_type: str, justification: str) -> None:
    verdict = checked(justification, crime_type, category)
    assert verdict.decision is Decision.ALLOW, verdict.rules


def test_an_agency_employee_in_a_crime_is_reviewed_not_refused() -> None:
    verdict = checked(
        "A CBP officer visiting relatives had his truck broken into and his badge stolen.",
        "PC 459",
    )
    assert verdict.decision is not Decision.DENY


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("I'm", ("i", "m")),
        ("I\u2019m", ("i", "m")),
        ("don\u2019t I\u2019m a", ("don", "t", "i", "m", "a")),
        ("ICE's", ("ice", "s")),
        ("I.C.E.", ("ice",)),
        ("d e p o r t", ("deport",)),
    ],
)
def test_contractions_are_two_words_and_spelled_out_words_still_join(
    written: str, words: tuple[str, ...]
) -> None:
    assert normalize(written).words == words


def test_a_contraction_keeps_an_acronym() -> None:
    assert normalize("ICE's").tokens[0].acronym


def test_first_person_cues_read_through_a_typographic_apostrophe() -> None:
    verdict = checked(
        "I\u2019m the restrained party; check whether her car passes my house.", "PC 273.6"
    )
    assert verdict.decision is not Decision.ALLOW


@pytest.mark.parametrize(
    ("crime_type", "justification"),
    [
        (
            "PC 594",
            "Graffiti sprayed on the women's clinic on Race St. Compile every plate parked on "
            "the block during appointment hours.",
        ),
        (
            "PC 459",
            "Break-in at the union hall. Compile the plates of the members who park there.",
        ),
    ],
)
def test_a_crime_at_a_sensitive_place_does_not_launder_collecting_a_group(
    crime_type: str, justification: str
) -> None:
    findings = assess(request(justification, crime_type)).findings
    assert findings.deny or findings.review  # the rule layers alone


@pytest.mark.parametrize(
    "justification",
    [
        "Arson at the synagogue overnight; surveillance shows the suspect leaving in a grey Jeep.",
        "Burglary at the clinic's records office; find the van so we can protect the patients.",
    ],
)
def test_a_crime_at_a_sensitive_place_that_collects_no_one_runs(justification: str) -> None:
    findings = assess(request(justification, "PC 459")).findings
    assert not findings.deny
    assert not findings.review  # the rule layers; the learned layer weighs apart


def test_who_the_search_really_cares_about_is_a_pretext() -> None:
    justification = (
        "The vandalism is minor; his roommate is who we really care about, find his car."
    )
    verdict = checked(justification, "PC 594")
    assert verdict.decision is not Decision.ALLOW
    assert _fired("purpose.pretext", justification, "PC 594", "felony")


def test_a_federal_resettlement_office_asking_is_a_federal_requester() -> None:
    justification = (
        "The Office of Refugee Resettlement case manager asked where the host family drives."
    )
    verdict = checked(justification, None, "missing_person")
    assert verdict.decision is not Decision.ALLOW
    assert _fired("beneficiary.federal", justification, "", "missing_person")


@pytest.mark.parametrize(
    "justification",
    [
        "Robbery. The driver is a visa over-stayer, find where he sleeps.",
        "Robbery. Depor tation order pending; where does he park at night?",
        "Robbery. She's illeg@l, so see where she goes after work.",
    ],
)
def test_words_broken_in_two_and_short_forms_are_read(justification: str) -> None:
    findings = assess(request(justification)).findings
    assert "immigration.lexicon" in findings.deny + findings.review


@pytest.mark.parametrize(
    "justification",
    [
        "Robbery; re port filed by the clerk, suspect left in a blue van.",
        "Robbery. The suspect's van was illegally parked by the store; find it.",
        "Robbery. It's illegal to sell the stolen phones, he tried anyway; locate his car.",
    ],
)
def test_ordinary_words_stay_apart(justification: str) -> None:
    findings = assess(request(justification)).findings
    assert "immigration.lexicon" not in findings.deny + findings.review


@pytest.mark.parametrize(
    ("category", "crime_type", "justification", "rule"),
    [
        (
            "assist_agency",
            "PC 459",
            "Morgan Hill's credentials expired last week, so I'm running it; they get what we "
            "find.",
            "purpose.pretext",
        ),
        (
            "felony",
            "PC 602",
            "Nothing has occurred at the shelter; identify the cars of the regulars before the "
            "sweep.",
            "purpose.pretext",
        ),
        (
            "felony",
            "PC 10851",
            "The theft report is only a technicality; the family wants his weekend routes.",
            "purpose.pretext",
        ),
        (
            "traffic",
            "VC 21453(a)",
            "Turn on the new cameras and predate the first batch of notices.",
            "automated.no_review",
        ),
        (
            "traffic",
            "VC 22350",
            "Tally the vehicles entering the temple lot on holidays for the planning office.",
            "purpose.dragnet",
        ),
    ],
)
def test_a_second_round_in_other_words_is_caught(
    category: str, crime_type: str, justification: str, rule: str
) -> None:
    assert _fired(rule, justification, crime_type, category)


def test_a_missing_person_not_where_she_said_is_no_pretext() -> None:
    justification = "Teen missing since last night; parents say she isn't actually at her aunt's."
    assert not _fired("purpose.pretext", justification, "", "missing_person")

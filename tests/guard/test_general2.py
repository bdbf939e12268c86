"""Classes of evasion found on the unsealed sixth red-team part (docs/guard.md, "Generalising
again (heldout6 unsealed)"): each test names a class in words of its own, never the red-team
part's sentences, and each has its hard negatives."""

from __future__ import annotations

import pytest

from plateward.guard import Decision, GuardRequest, Verdict, check
from plateward.guard.normalize import normalize


def _check(
    justification: str, crime_type: str | None = "PC 211", category: str = "felony"
) -> Verdict:
    return check(GuardRequest(category, crime_type, "26-1" if crime_type else None, justification))


@pytest.mark.parametrize(
    ("category", "crime_type", "justification"),
    [
        (
            "traffic",
            "VC 21453(a)",
            "Approve the whole week of red-light hits in one go and send them out.",
        ),
        (
            "traffic",
            "VC 21453(a)",
            "Let the system auto-approve the flagged runs at Bird and Minnesota.",
        ),
        (
            "misdemeanor",
            "VC 22350",
            "Ticket every plate whose speed between two readers on Monterey Rd tops 60.",
        ),
        (
            "misdemeanor",
            "VC 4000(a)",
            "Have the readers issue citations automatically for lapsed tags.",
        ),
        (
            "misdemeanor",
            "VC 14601.1",
            "Mail a citation to each suspended driver the cameras see, no officer review.",
        ),
        (
            "misdemeanor",
            "VC 22500",
            "Multar automáticamente a los carros en doble fila, sin revisión.",
        ),
    ],
)
def test_enforcement_without_a_persons_review_is_caught(
    category: str, crime_type: str, justification: str
) -> None:
    verdict = _check(justification, crime_type, category)
    assert verdict.decision is not Decision.ALLOW
    assert "automated.no_review" in verdict.rules


@pytest.mark.parametrize(
    ("category", "crime_type", "justification"),
    [
        (
            "traffic",
            "VC 21453(a)",
            "Send the stacked-up light violations directly to court, nobody checks.",
        ),
        (
            "misdemeanor",
            "VC 22350",
            "Have the software work out speeds from the readers and ticket them.",
        ),
        ("traffic", "VC 21453(a)", "Empty the violations backlog so the notices go out Friday."),
    ],
)
def test_enforcement_no_person_decides_is_caught_in_other_words(
    category: str, crime_type: str, justification: str
) -> None:
    assert "automated.no_review" in _check(justification, crime_type, category).rules


@pytest.mark.parametrize(
    "justification",
    [
        "Camera flagged a red-light run at Bird and Minnesota; I watched the clip, confirmed it.",
        "The system auto-flagged the violation; reviewing the footage by hand before any notice.",
    ],
)
def test_a_red_light_violation_a_person_reviews_runs(justification: str) -> None:
    assert _check(justification, "VC 21453(a)", "traffic").decision is Decision.ALLOW


@pytest.mark.parametrize(
    ("crime_type", "justification"),
    [
        (None, "Capture every plate at the fairgrounds gate this month for intel; no case."),
        ("PC 459", "Keep all the reads from the Westgate lot on file, no specific incident."),
        (None, "Hacer una lista de placas del tianguis del domingo, sin número de caso."),
    ],
)
def test_a_stockpile_of_plates_for_no_case_is_caught(
    crime_type: str | None, justification: str
) -> None:
    verdict = _check(justification, crime_type, "felony" if crime_type else "other")
    assert verdict.decision is not Decision.ALLOW
    assert "purpose.dragnet" in verdict.rules or verdict.decision is Decision.DENY


@pytest.mark.parametrize(
    "justification",
    [
        "Put the plates from the stadium lot into a spreadsheet and hold onto it.",
        "Which cars frequently visit the motel on 1st; nothing specific, just to have it.",
    ],
)
def test_a_stockpile_in_other_words_is_caught(justification: str) -> None:
    assert "purpose.dragnet" in _check(justification, None, "other").rules


def test_every_read_at_a_scene_in_the_window_of_a_crime_runs() -> None:
    verdict = _check("Robbery at the fairgrounds gate at 1310, case 26-5512; all reads 1300-1330.")
    assert verdict.decision is Decision.ALLOW


@pytest.mark.parametrize(
    ("crime_type", "justification"),
    [
        (
            "PC 594",
            "Someone dented my own car at the mall and I didn't file a report. Whose is it?",
        ),
        (None, "Driver honked at me off duty; I want to have a word with him at his house."),
        (None, "Want to know who she's with these days, her car is never home."),
        ("PC 273.6", "I'm the restrained party; my attorney needs her new address."),
        (None, "Guy I met at a bar gave me a fake number. His plate is all I have."),
    ],
)
def test_the_searchers_own_matter_is_caught(crime_type: str | None, justification: str) -> None:
    assert _check(justification, crime_type, "felony" if crime_type else "other").decision is not (
        Decision.ALLOW
    )


@pytest.mark.parametrize(
    ("crime_type", "justification"),
    [
        (
            "PC 273.6",
            "Restraining order violation: the restrained party was seen at the victim's work.",
        ),
        ("PC 211", "Victim was robbed by a man she met on a dating app; his plate from her phone."),
        (
            "PC 236",
            "Trafficking victims never filed a report out of fear; suspect drives a black Tahoe.",
        ),
    ],
)
def test_personal_words_in_a_victims_case_do_not_block(crime_type: str, justification: str) -> None:
    assert _check(justification, crime_type).decision is Decision.ALLOW


@pytest.mark.parametrize(
    "justification",
    [
        "Anh ta không có giấy tờ, tìm xe để báo cho sở di trú.",
        "Xem cô ấy có đến phòng khám phá thai không.",
        "Danh sách biển số của những người biểu tình ở tòa thị chính.",
        "Tôi muốn biết vợ cũ của tôi đang ở đâu.",
    ],
)
def test_vietnamese_prohibited_requests_are_caught(justification: str) -> None:
    assert _check(justification, None, "other").decision is not Decision.ALLOW
    assert _check(justification, "PC 211").decision is not Decision.ALLOW


def test_a_vietnamese_robbery_runs() -> None:
    verdict = _check("Cướp tiệm vàng trên đường Story; nghi phạm lái xe Lexus màu đen.")
    assert verdict.decision is Decision.ALLOW


def test_the_stroked_d_of_vietnamese_is_read_as_d() -> None:
    assert normalize("đường Đông").words == ("duong", "dong")


@pytest.mark.parametrize(
    "justification",
    [
        "查这个人的车 他是非法移民。",
        "이 사람의 차를 찾아주세요, 불법체류자입니다.",
        "ابحث عن سيارة هذا الشخص",
    ],
)
def test_a_justification_the_guard_cannot_read_goes_to_review(justification: str) -> None:
    verdict = _check(justification)
    assert verdict.decision is Decision.REVIEW
    assert "justification.unread_script" in verdict.rules


def test_a_name_in_another_script_inside_an_english_justification_runs() -> None:
    verdict = _check("Robbery at the noodle shop; suspect 王小明 drove a grey Civic, check reads.")
    assert verdict.decision is Decision.ALLOW


@pytest.mark.parametrize(
    "justification",
    [
        "The hospital HR office wants to know where the nurse on leave spends her days.",
        "University athletics would like the recruit's overnight parking locations.",
        "A parking operator wants the plates of everyone who skipped paying; they pay per record.",
        "A PI hired by the family wants the boyfriend's car history.",
    ],
)
def test_an_institution_or_private_party_asking_is_caught(justification: str) -> None:
    assert _check(justification, None, "other").decision is not Decision.ALLOW
    assert _check(justification, "PC 487").decision is not Decision.ALLOW


@pytest.mark.parametrize(
    "justification",
    [
        "Burglary at the university athletics office; the suspect car was on the dock camera.",
        "Theft from a parking operator's pay machine; suspect car seen leaving, check reads.",
    ],
)
def test_an_institution_as_the_victim_runs(justification: str) -> None:
    assert _check(justification, "PC 459").decision is Decision.ALLOW


@pytest.mark.parametrize(
    "justification",
    [
        "Grow case: fly the drone over the walled yard and read the plates in the courtyard.",
        "Take the reader car onto the property at night for the plates in the enclosed carport.",
    ],
)
def test_reads_from_inside_private_property_are_caught(justification: str) -> None:
    assert _check(justification, "HS 11358").decision is not Decision.ALLOW


def test_a_drone_shop_as_the_scene_runs() -> None:
    verdict = _check(
        "Catalytic converters stolen at the drone store; van on the shop camera.", "PC 487"
    )
    assert verdict.decision is Decision.ALLOW

"""Classes found on the unsealed ninth red-team part (docs/guard.md, "Generalising (heldout9
unsealed)"): each test names a class in words of its own, never the red-team part's sentences,
and each has its hard negatives."""

from __future__ import annotations

import pytest

from plateward.guard import check, learned
from plateward.guard.recipients import Party
from plateward.guard.rules import assess
from tests.guard.wording import destinations, request, rules_decision

# --- reads handed to neighbours, a chat group, social media, a personal mailbox -------------


@pytest.mark.parametrize(
    "justification",
    [
        "Post the cul-de-sac's reads on the block's group chat so people know who drives in.",
        "Theft from autos; also forward every read for the street, all cars, to the HOA's "
        "neighborhood watch captain.",
        "Burglary series. Upload the camera hits to the neighbors' Facebook page, they asked.",
        "Forward the hit list, unredacted, to my yahoo address so I can go through it at home.",
    ],
)
def test_reads_handed_outside_the_agency_are_caught(justification: str) -> None:
    assert Party.PRIVATE in destinations(justification)
    assert rules_decision(justification, "PC 459") != "allow"


@pytest.mark.parametrize(
    "justification",
    [
        # neighbours as witnesses or victims, not receivers
        "Neighbors on Elm saw the suspect's pickup; their doorbell video gave a partial plate.",
        "A neighborhood watch volunteer reported the van circling twice before the break-in.",
        # a receiver after an aside that is our own
        "Send the reads, once the sergeant has signed off, to our burglary detail.",
    ],
)
def test_neighbours_as_witnesses_or_our_own_receiver_are_no_private_recipient(
    justification: str,
) -> None:
    assert Party.PRIVATE not in destinations(justification)
    assert rules_decision(justification, "PC 459") == "allow"


# --- a hit acted on with no one verifying it (protocol: visually confirm, verify via CLETS) ---


@pytest.mark.parametrize(
    "justification",
    [
        "Set the reader so a stolen-vehicle hit triggers an automatic dispatch of two units.",
        "From now on patrol can make the stop on any alert; no need to confirm the plate by eye.",
        "Hits on the warrant list go out as a stop order, skipping the CLETS check to save time.",
    ],
)
def test_acting_on_a_hit_without_verifying_it_is_caught(justification: str) -> None:
    assert "automated.no_review" in assess(request(justification, "VC 10851")).findings.review


@pytest.mark.parametrize(
    "justification",
    [
        "Hit on the stolen Civic at 0300; the officer confirmed the plate visually and ran it "
        "through CLETS before the stop.",
        "The victim could not read the whole plate; we need the reads to narrow it down.",
    ],
)
def test_a_verified_hit_or_a_partial_plate_runs(justification: str) -> None:
    assert rules_decision(justification, "VC 10851") == "allow"


# --- a favour for someone's friend or relative, or a sale never paid for -------------------


@pytest.mark.parametrize(
    "justification",
    [
        "Run this as a 487 for the lieutenant's cousin; the guy who bought her car stopped "
        "answering.",
        "Grand theft on paper. It's for a buddy of the captain, he wants the motorcycle located.",
        "The buyer never made the last two payments on the boat; owner wants to know where it is.",
    ],
)
def test_a_favour_or_an_unpaid_sale_is_caught(justification: str) -> None:
    assert rules_decision(justification, "PC 487") != "allow"


@pytest.mark.parametrize(
    "justification",
    [
        "The victim's friend saw the thief load the mower into a white Ranger.",
        "Stolen trailer; the owner's brother-in-law spotted it on Story Rd this morning.",
    ],
)
def test_friends_and_relatives_as_witnesses_run(justification: str) -> None:
    assert rules_decision(justification, "PC 487") == "allow"


# --- a group the request disclaims; a victim followed or threatened -------------------------


@pytest.mark.parametrize(
    "justification",
    [
        "At the rally a man keyed a deputy's cruiser and drove off; the suspect only, not "
        "interested in anyone else who attended.",
        "During the vigil a car clipped a pedestrian and fled; we are not looking at the "
        "attendees, only the driver.",
    ],
)
def test_a_disclaimed_group_is_no_target(justification: str) -> None:
    assert rules_decision(justification, "PC 594") == "allow"


@pytest.mark.parametrize(
    "justification",
    [
        "Identify everyone who attended the rally after the window was smashed.",
        "A deputy's car was keyed at the march; list the marchers' cars so we know who was there.",
    ],
)
def test_a_group_asked_for_is_still_a_target(justification: str) -> None:
    assert rules_decision(justification, "PC 594") != "allow"


@pytest.mark.parametrize(
    "justification",
    [
        "A columnist at the weekly paper got a threatening voicemail and the caller's car "
        "was on her street the next day.",
        "An imam at the mosque was followed from evening prayers by the same sedan twice.",
    ],
)
def test_a_threatened_or_followed_person_is_the_victim(justification: str) -> None:
    assert rules_decision(justification, "PC 646.9") == "allow"


# --- a camera that looks into a private space ----------------------------------------------


def test_a_camera_looking_into_a_private_space_is_caught() -> None:
    justification = (
        "Mount the portable reader on the pole so it is looking into the side yard behind "
        "the suspect's gate."
    )
    assert rules_decision(justification, "HS 11351") != "allow"


# --- the learned layer and the rules' reading of a victim -----------------------------------


@pytest.mark.parametrize(
    ("crime_type", "justification"),
    [
        (
            "PC 236.1",
            "The victims, farm workers held without pay, are foreign nationals whose visas "
            "lapsed; find the crew boss's truck.",
        ),
        (
            "PC 245",
            "The nurse from the women's clinic was hit by a car in the parking lot; "
            "the driver fled.",
        ),
    ],
)
def test_a_victim_read_by_the_rules_needs_a_likelier_learned_review(
    crime_type: str, justification: str
) -> None:
    signals = assess(request(justification, crime_type))
    assert learned.read_by_rules(signals)
    assert not signals.findings.review
    probability, _ = learned.prohibited_probability(signals)
    decision = check(request(justification, crime_type)).decision.value
    assert decision == ("review" if probability >= learned.READ_BY_RULES_FLOOR else "allow")


@pytest.mark.parametrize(
    "justification",
    [
        # a stated aim is never "read by the rules"
        "Assault case, but the point is to see if he's still in the country.",
        # no sensitive word at all
        "Armed robbery at the taqueria; the getaway car was a blue Altima.",
    ],
)
def test_an_aim_or_no_sensitive_word_keeps_the_ordinary_threshold(justification: str) -> None:
    assert not learned.read_by_rules(assess(request(justification)))


# --- a missing person whose pregnancy or clinic is part of who she is -----------------------


@pytest.mark.parametrize(
    "justification",
    [
        "Missing 17-year-old, seven months pregnant, left her foster home with no money; her "
        "friend's hatchback is the only lead.",
        "Endangered adult, pregnant, last seen outside a women's health center on Monroe.",
    ],
)
def test_a_missing_person_whose_pregnancy_is_context_runs(justification: str) -> None:
    assert rules_decision(justification, None, "missing_person") == "allow"


@pytest.mark.parametrize(
    "justification",
    [
        "Listed as missing but she isn't really missing; her father wants to know if she went "
        "to the abortion clinic.",
        "Missing person report: find out whether she terminated the pregnancy at the clinic.",
        "Her mother calls her missing since noon; she thinks the girl drove to end the "
        "pregnancy at a women's clinic.",
    ],
)
def test_a_missing_person_report_aimed_at_the_pregnancy_is_caught(justification: str) -> None:
    assert rules_decision(justification, None, "missing_person") != "allow"

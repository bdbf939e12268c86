"""Ordinary crime is let through when a sensitive word is only the scene or the victim (DUP
§2.1): a car stolen from a church parking lot is an auto theft."""

from __future__ import annotations

import pytest

from plateward.guard import Decision, GuardRequest, check


@pytest.mark.parametrize(
    ("crime_type", "justification"),
    [
        ("VC 10851", "Car stolen from a church parking lot during the service, owner's Civic"),
        ("PC 245", "Assault on an immigrant victim, the suspect fled in a red pickup"),
        ("PC 459", "Burglary at a Planned Parenthood clinic, a van was seen leaving at 0300"),
        ("PC 211", "The protest turned into an armed robbery; suspects fled in a silver Prius"),
        ("PC 594", "Someone spray-painted slurs on the mosque wall, a grey Honda idled nearby"),
        ("PC 211", "Men posing as immigration agents robbed a family; they drove a black SUV"),
        ("PC 273.5", "Her husband threatened to have her deported if she called; he fled"),
        ("PC 422", "Threats against a journalist, the caller's car was seen outside her home"),
        ("PC 245", "A driver sped into the marchers on 1st Street and fled in a red pickup"),
        ("PC 211", "Carjacking of an activist outside city hall, her Prius was taken"),
        ("PC 459", "Garage burglary, bikes taken, a truck on the neighbor's doorbell camera"),
        ("PC 550", "Insurance fraud: the owner reported the car stolen but it kept driving"),
        ("PC 211", "Robbery of a visa student from India, the suspects drove a Camry"),
        ("PC 459", "Burglary of the ICE-skating rink's pro shop, skates and cash stolen"),
        ("PC 187", "Murder suspect with Nevada plates may have driven toward Reno afterwards"),
        ("PC 211", "Bank robbery; the FBI was notified but this is our case and our search"),
    ],
)
def test_a_crime_with_a_sensitive_scene_or_victim_is_allowed(
    crime_type: str, justification: str
) -> None:
    verdict = check(GuardRequest("criminal_investigation", crime_type, "26-1", justification))
    assert verdict.decision is Decision.ALLOW, verdict.rules


@pytest.mark.parametrize(
    ("category", "crime_type", "justification"),
    [
        ("missing_person", "Silver Alert", "Elderly woman last seen at the church on Almaden Rd"),
        ("missing_person", "Amber Alert", "Girl taken from outside the mosque by her father"),
        ("missing_person", "At-risk missing person", "Missing father who attended a union meeting"),
        ("traffic", "CVC 21453(a)", "Red light at the intersection next to the abortion clinic"),
    ],
)
def test_non_crime_uses_near_sensitive_places_are_allowed(
    category: str, crime_type: str, justification: str
) -> None:
    verdict = check(GuardRequest(category, crime_type, "26-1", justification))
    assert verdict.decision is Decision.ALLOW, verdict.rules


def test_negation_of_a_sensitive_matter_with_a_crime_is_allowed() -> None:
    verdict = check(
        GuardRequest(
            "criminal_investigation",
            "PC 211",
            "26-1",
            "Robbery of a street vendor; not an immigration matter, suspects in a green Civic",
        )
    )
    assert verdict.decision is Decision.ALLOW


@pytest.mark.parametrize(
    ("crime_type", "justification", "expected"),
    [
        (
            "PC 288",
            "The suspect is a retired Border Patrol agent living in Almaden",
            Decision.ALLOW,
        ),
        (
            "PC 518",
            "He extorted a family by claiming to be with ICE; find his Altima",
            Decision.ALLOW,
        ),
        ("PC 211", "Robbery; the suspect is an ICE target and they want him", Decision.REVIEW),
        ("PC 211", "The suspect is undocumented, locate where he sleeps", Decision.REVIEW),
    ],
)
def test_the_suspects_job_is_not_the_searchs_aim(
    crime_type: str, justification: str, expected: Decision
) -> None:
    verdict = check(GuardRequest("criminal_investigation", crime_type, "26-1", justification))
    assert verdict.decision is expected, verdict.rules

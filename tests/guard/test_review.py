"""Ambiguous requests go to a supervisor instead of silently passing (issue 13)."""

from __future__ import annotations

import pytest

from plateward.guard import Decision, GuardRequest, check


@pytest.mark.parametrize(
    ("request_", "rule"),
    [
        (GuardRequest(None, "PC 211", "26-1", "Robbery of a store, grey Civic"), "purpose.missing"),
        (GuardRequest("surveillance", "PC 211", "26-1", "Robbery, grey Civic"), "purpose.unknown"),
        (
            GuardRequest("criminal_investigation", None, "26-1", "Robbery, suspects in a Civic"),
            "purpose.crime_type_missing",
        ),
        (
            GuardRequest("criminal_investigation", "Other", "26-1", "Need the car's history"),
            "purpose.no_crime",
        ),
        (
            GuardRequest("agency_support", "PC 211", "26-1", "Robbery suspect vehicle seen here"),
            "beneficiary.missing",
        ),
        (
            GuardRequest(
                "agency_support", "PC 211", "26-1", "Robbery, suspect car", "Acme Safety Agency"
            ),
            "beneficiary.unknown",
        ),
    ],
)
def test_incomplete_or_unclear_purposes_go_to_review(request_: GuardRequest, rule: str) -> None:
    verdict = check(request_)
    assert verdict.decision is Decision.REVIEW
    assert rule in verdict.rules
    assert "supervisor" in verdict.message


def test_a_sensitive_place_behind_a_crime_code_without_framing_goes_to_review() -> None:
    # A crime code alone does not make the mosque incidental.
    verdict = check(
        GuardRequest("criminal_investigation", "PC 459", "26-1", "Vehicles at the mosque")
    )
    assert verdict.decision is not Decision.ALLOW


def test_a_crime_code_with_a_group_as_target_is_not_allowed() -> None:
    verdict = check(
        GuardRequest(
            "criminal_investigation",
            "PC 409",
            "26-1",
            "Unlawful assembly: list every car at the demonstration so we know who came",
        )
    )
    assert verdict.decision is Decision.DENY


def test_a_beneficiary_named_beside_a_crime_goes_to_review() -> None:
    verdict = check(
        GuardRequest(
            "criminal_investigation",
            "PC 211",
            "26-1",
            "Robbery; an FBI agent asked us about this plate",
        )
    )
    assert verdict.decision is Decision.REVIEW
    assert "beneficiary.federal" in verdict.rules


def test_results_sent_to_a_federal_agent_are_refused_beside_a_crime() -> None:
    # Where the data goes is no mere mention (recipients.py): the crime code does not help.
    verdict = check(
        GuardRequest(
            "criminal_investigation",
            "PC 211",
            "26-1",
            "Robbery; the results will be passed to the FBI agent who asked us",
        )
    )
    assert verdict.decision is Decision.DENY
    assert "beneficiary.federal" in verdict.rules

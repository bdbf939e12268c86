"""Requests written in a test's own words, and what each layer of the guard makes of them: the
shared helpers of the classes-of-evasion tests (``test_general3.py`` to ``test_general5.py``)."""

from __future__ import annotations

from plateward.guard import GuardRequest, Verdict, check
from plateward.guard.recipients import Party, Role, recipients
from plateward.guard.rules import assess


def request(
    justification: str,
    crime_type: str | None = "PC 211",
    category: str = "felony",
    agency: str | None = None,
) -> GuardRequest:
    """A request for ``justification`` (with a case number whenever a crime is named)."""
    return GuardRequest(category, crime_type, "26-1" if crime_type else None, justification, agency)


def checked(
    justification: str,
    crime_type: str | None = "PC 211",
    category: str = "felony",
    agency: str | None = None,
) -> Verdict:
    """The guard's verdict, every layer asked."""
    return check(request(justification, crime_type, category, agency))


def rules_decision(
    justification: str, crime_type: str | None = "PC 211", category: str = "felony"
) -> str:
    """The rule layers' decision alone (the learned layer is not asked)."""
    findings = assess(request(justification, crime_type, category)).findings
    return "deny" if findings.deny else "review" if findings.review else "allow"


def destinations(justification: str) -> set[Party]:
    """The parties the justification sends the data to."""
    return {r.party for r in recipients(justification) if r.role is Role.DESTINATION}

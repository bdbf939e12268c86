"""The auditor's side of misuse signals: the page's filters, and the review (pure).

DUP §9 — the audit unit reviews each signal and records a finding; the review is audited. Nobody
reviews a signal about their own searches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from plateward.core.errors import InvalidInput
from plateward.core.permissions import Actor, Permission
from plateward.search.misuse_rules import SignalKind


class SignalState(StrEnum):
    OPEN = "open"
    REVIEWED = "reviewed"


class Outcome(StrEnum):
    """What the auditor concluded (the finding itself is their text)."""

    NO_ISSUE = "no_issue"
    TRAINING = "training"
    REFERRED = "referred"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.NO_ISSUE: "No issue: the searches served their cases",
    Outcome.TRAINING: "Practice to correct: training or counselling",
    Outcome.REFERRED: "Referred for investigation",
}
MAX_FINDING = 2000


def finding_problem(finding: str, outcome: str) -> str | None:
    """Why a review cannot be recorded as given, or None."""
    if outcome not in set(Outcome):
        return "choose an outcome from the list"
    if not finding.strip():
        return "write the finding: what the searches were for, and what was done"
    if len(finding) > MAX_FINDING:
        return f"the finding is limited to {MAX_FINDING} characters"
    return None


@dataclass(frozen=True)
class SignalSubject:
    """A signal as the one decision point sees it: nobody reviews a signal about themselves."""

    signal_id: int
    username: str | None

    @property
    def audit_label(self) -> str:
        return f"misuse_signal:{self.signal_id}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        del permission
        if self.username is not None and actor.username == self.username:
            return "Nobody reviews a misuse signal about their own searches."
        return None


@dataclass(frozen=True)
class SignalFilters:
    """What the auditor's page lists: a kind and a state, or every one."""

    kind: str = ""
    state: str = ""

    def as_terms(self) -> dict[str, str]:
        return {
            name: value for name, value in (("kind", self.kind), ("state", self.state)) if value
        }


def parse_signal_filters(params: Mapping[str, str]) -> SignalFilters:
    kind, state = (params.get("kind") or "").strip(), (params.get("state") or "").strip()
    if kind and kind not in set(SignalKind):
        raise InvalidInput("unknown kind of signal: choose one from the list")
    if state and state not in set(SignalState):
        raise InvalidInput("unknown state: choose open or reviewed")
    return SignalFilters(kind, state)

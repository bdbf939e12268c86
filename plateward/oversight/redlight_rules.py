"""Red-light review: when a device may be enabled and who may decide on a violation. Pure.

DUP §2.4 — automated initiation of an investigation for intersection infractions only under
California Vehicle Code 21455.5, with notice of automated enforcement within 200 feet (61 m) of
the intersection. DUP §3.4 — never automated citations or other automated enforcement without
manual review by SJPD staff: a violation event is only ever *pending* until a named person, who
has opened its evidence, cites or dismisses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from plateward.core.permissions import Actor, Permission

NOTICE_DISTANCE_M = 61.0  # 200 feet
CITATION_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9-]{3,39}")


class ViolationStatus(StrEnum):
    PENDING = "pending"  # waiting in the review queue
    CITED = "cited"  # a named reviewer issued a citation after reviewing the evidence
    DISMISSED = "dismissed"  # a named reviewer found no violation (or not enough evidence)


@dataclass(frozen=True)
class ViolationFacts:
    """What a decision needs to know about an event."""

    id: int
    status: str
    opened_by_id: int | None


def enable_problem(notice_within_m: bool) -> str | None:
    """Why a red-light device cannot be enabled, or None."""
    if not notice_within_m:
        return (
            "no red-light enforcement notice sign is recorded within 200 feet (61 m) of this "
            "intersection (DUP §2.4, Vehicle Code 21455.5): record the posted sign first"
        )
    return None


def decision_problem(event: ViolationFacts, reviewer: Actor) -> str | None:
    """Why ``reviewer`` may not decide on ``event`` now, or None.

    DUP §3.4 — only a named person (never a job, a device, a token-less service or the local
    operator) decides, and only once they have opened the evidence themselves.
    """
    if not reviewer.is_person or reviewer.id is None or not reviewer.name.strip():
        return "only a named reviewer signed in as themselves decides on a violation (DUP §3.4)"
    if event.status != ViolationStatus.PENDING:
        return f"this violation was already decided ({event.status})"
    if event.opened_by_id != reviewer.id:
        return "open the violation and review its evidence before deciding (DUP §3.4)"
    return None


def citation_problem(number: str) -> str | None:
    if not CITATION_NUMBER.fullmatch(number.strip().upper()):
        return "a citation number is 4-40 letters, digits and dashes"
    return None


@dataclass(frozen=True)
class ViolationResource:
    """A violation event as the subject of a reviewer's decision (``authorize``'s resource)."""

    id: int

    @property
    def audit_label(self) -> str:
        return f"violation:{self.id}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        del permission
        if not actor.is_person:
            return "only a named reviewer decides on a violation (DUP §3.4)"
        return None

"""The incident register's steps (pure). DUP §12 — in the event of a confirmed data breach where
personal information (plates, photographs) was accessed by an unauthorized party, the Department
follows the City of San José's Incident Response Plan, overseen by the City's Cybersecurity Office:
record who found it and what data, contain it, notify, close."""

from __future__ import annotations

from enum import StrEnum

from plateward.core.errors import Conflict, InvalidInput

MAX_TEXT = 5000
MAX_NAME = 200


class Stage(StrEnum):
    REPORTED = "reported"
    CONTAINED = "contained"
    NOTIFIED = "notified"
    CLOSED = "closed"


class Step(StrEnum):
    CONTAIN = "contain"
    NOTIFY = "notify"
    CLOSE = "close"


_NEXT: dict[Step, tuple[frozenset[Stage], Stage]] = {
    Step.CONTAIN: (frozenset({Stage.REPORTED}), Stage.CONTAINED),
    Step.NOTIFY: (frozenset({Stage.CONTAINED}), Stage.NOTIFIED),
    Step.CLOSE: (frozenset({Stage.CONTAINED, Stage.NOTIFIED}), Stage.CLOSED),
}


def text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise InvalidInput(f"write {what}")
    if len(cleaned) > limit:
        raise InvalidInput(f"{what} is limited to {limit} characters")
    return cleaned


def step_of(value: str) -> Step:
    try:
        return Step(value.strip())
    except ValueError:
        raise InvalidInput("choose a step: contain, notify or close") from None


def next_stage(stage: str, step: Step, *, confirmed_breach: bool) -> Stage:
    allowed, reached = _NEXT[step]
    if Stage(stage) not in allowed:
        raise Conflict(f"an incident that is {stage} cannot take the '{step.value}' step")
    if step is Step.CLOSE and confirmed_breach and Stage(stage) is not Stage.NOTIFIED:
        # DUP §12 — a confirmed breach follows the Incident Response Plan: notify before closing.
        raise Conflict("a confirmed breach is closed only after the notification is recorded")
    return reached


def reference(year: int, number: int) -> str:
    return f"IR-{year}-{number:04d}"

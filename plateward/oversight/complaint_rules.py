"""Public comments and complaints and the DPO's workflow (pure).

DUP §11 — members of the public may submit concerns; after a complaint the City investigates and
determines a corrective action plan if necessary; inequity in the technology and its use is
identified and mitigated, so equity concerns are tagged and counted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from plateward.core.errors import Conflict, InvalidInput

MAX_BODY = 5000
MAX_CONTACT = 200
MAX_NOTE = 5000
# Tracking numbers: unguessable, easy to read aloud (no 0/O, 1/I/L).
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_PREFIX = "PW-"
TRACKING_LENGTH = 10
_E = TypeVar("_E", bound=StrEnum)


class Kind(StrEnum):
    COMMENT = "comment"
    COMPLAINT = "complaint"


class Topic(StrEnum):
    PRIVACY = "privacy"
    EQUITY = "equity"
    CAMERA_PLACEMENT = "camera_placement"
    MISUSE = "misuse"
    DATA_SHARING = "data_sharing"
    ACCURACY = "accuracy"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _TOPIC_LABELS[self]


_TOPIC_LABELS = {
    Topic.PRIVACY: "Privacy",
    Topic.EQUITY: "Equity: some communities affected more than others",
    Topic.CAMERA_PLACEMENT: "Where cameras are placed",
    Topic.MISUSE: "Possible misuse of the data",
    Topic.DATA_SHARING: "Sharing with other agencies",
    Topic.ACCURACY: "Accuracy of the readers",
    Topic.OTHER: "Something else",
}


class Stage(StrEnum):
    RECEIVED = "received"
    TRIAGED = "triaged"
    INVESTIGATING = "investigating"
    ACTION_PLAN = "action_plan"
    CLOSED = "closed"

    @property
    def public_label(self) -> str:
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    Stage.RECEIVED: "Received, waiting for the Digital Privacy Officer",
    Stage.TRIAGED: "Reviewed by the Digital Privacy Officer",
    Stage.INVESTIGATING: "Under investigation",
    Stage.ACTION_PLAN: "Corrective action plan decided",
    Stage.CLOSED: "Closed",
}


class Step(StrEnum):
    TRIAGE = "triage"
    INVESTIGATE = "investigate"
    PLAN = "plan"
    CLOSE = "close"


class Outcome(StrEnum):
    RESOLVED = "resolved"  # a corrective action was taken
    NO_ACTION = "no_action"  # investigated; nothing to correct
    NOTED = "noted"  # a comment, read and taken into account
    REFERRED = "referred"  # outside this program (another department, another agency)


# Which step may follow which stage, and the stage it leads to.
_NEXT: dict[Step, tuple[frozenset[Stage], Stage]] = {
    Step.TRIAGE: (frozenset({Stage.RECEIVED}), Stage.TRIAGED),
    Step.INVESTIGATE: (frozenset({Stage.TRIAGED}), Stage.INVESTIGATING),
    Step.PLAN: (frozenset({Stage.INVESTIGATING}), Stage.ACTION_PLAN),
    Step.CLOSE: (
        frozenset({Stage.TRIAGED, Stage.INVESTIGATING, Stage.ACTION_PLAN}),
        Stage.CLOSED,
    ),
}


@dataclass(frozen=True)
class Submission:
    kind: Kind
    topic: Topic
    body: str
    contact: str | None
    equity_concern: bool


def _choice(kind: type[_E], value: str, what: str) -> _E:
    try:
        return kind(value.strip())
    except ValueError:
        raise InvalidInput(f"choose the {what} from the list") from None


def submission(kind: str, topic: str, body: str, contact: str, equity: bool) -> Submission:
    """A filed comment or complaint, checked; anything malformed is refused with the reason."""
    text = body.strip()
    if not text:
        raise InvalidInput("write your comment or complaint")
    if len(text) > MAX_BODY:
        raise InvalidInput(f"please keep it under {MAX_BODY} characters")
    reach = contact.strip() or None
    if reach is not None and len(reach) > MAX_CONTACT:
        raise InvalidInput(f"the contact is limited to {MAX_CONTACT} characters")
    chosen = _choice(Topic, topic, "topic")
    return Submission(
        _choice(Kind, kind, "kind"), chosen, text, reach, equity or chosen is Topic.EQUITY
    )


def tracking_number() -> str:
    return TRACKING_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalized_tracking_number(value: str) -> str:
    """What a resident typed (any case, spaces), as stored; refused when it cannot be one."""
    text = "".join(value.split()).upper()
    if not text.startswith(TRACKING_PREFIX):
        text = TRACKING_PREFIX + text
    body = text[len(TRACKING_PREFIX) :]
    if len(body) != TRACKING_LENGTH or any(c not in _ALPHABET for c in body):
        raise InvalidInput("a tracking number looks like PW-ABCD234567")
    return text


def sender_key(secret: bytes, address: str) -> str:
    """A keyed hash of the sender's address: counts their filings without keeping the address."""
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()


def next_stage(stage: str, step: Step) -> Stage:
    allowed, reached = _NEXT[step]
    if Stage(stage) not in allowed:
        raise Conflict(
            f"a complaint that is '{Stage(stage).public_label.lower()}' cannot take the "
            f"'{step.value}' step"
        )
    return reached


def step_of(value: str) -> Step:
    return _choice(Step, value, "step")


def note(text: str, step: Step) -> str:
    value = text.strip()
    if not value:
        raise InvalidInput(f"the {step.value} step needs a note")
    if len(value) > MAX_NOTE:
        raise InvalidInput(f"a note is limited to {MAX_NOTE} characters")
    return value


def outcome_of(value: str) -> Outcome:
    return _choice(Outcome, value, "outcome")

"""Hot lists, matching and the alert workflow, as pure policy: no database, web or I/O.

DUP §4.5 — vehicles are entered by the investigating officer (or designee) with a lieutenant's
approval; §4.8 — each entry carries the entering member's name, badge and assignment, the case
number(s) and a synopsis with the presumed crime or other purpose; §4.2-4.4 — before acting on an
alert the officer confirms the plate visually and attempts CLETS verification, and a wanted-person
alert needs an occupant check or a separate legal justification before a stop.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import IntEnum, StrEnum
from typing import TypeVar, cast

from plateward.core.errors import InvalidInput, PermissionDenied
from plateward.core.purpose import (
    MAX_CASE_NUMBER,
    MAX_CRIME_TYPE,
    MAX_JUSTIFICATION,
    MIN_JUSTIFICATION,
    Purpose,
    PurposeCategory,
)
from plateward.plates.rules import InvalidPlate, normalize_plate, normalize_state

# An entry lives at most this long before its owner renews it (DUP §4.5: timely removal).
MAX_ENTRY_DAYS = 90
# Owners are reminded this many days before an entry expires.
REMIND_BEFORE = timedelta(days=7)
MAX_CASE_NUMBERS = 5
MAX_VEHICLE = 200
DEPARTMENT_LIST = "department"
E = TypeVar("E", bound=StrEnum | IntEnum)


class ReasonCategory(StrEnum):
    """Why a vehicle is on a department hot list; each maps to an authorized use of DUP §2."""

    STOLEN_VEHICLE = "stolen_vehicle"
    FELONY_VEHICLE = "felony_vehicle"  # a vehicle used in or wanted for a crime
    WANTED_PERSON = "wanted_person"  # a wanted person associated with the vehicle (§4.4)
    MISSING_PERSON = "missing_person"  # Amber / Silver alert (§2.2)

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]

    @property
    def purpose_category(self) -> PurposeCategory:
        if self is ReasonCategory.MISSING_PERSON:
            return PurposeCategory.MISSING_PERSON
        return PurposeCategory.CRIMINAL_INVESTIGATION


_REASON_LABELS = {
    ReasonCategory.STOLEN_VEHICLE: "Stolen vehicle",
    ReasonCategory.FELONY_VEHICLE: "Vehicle wanted in a crime",
    ReasonCategory.WANTED_PERSON: "Wanted person associated with the vehicle",
    ReasonCategory.MISSING_PERSON: "At-risk missing person (Amber or Silver Alert)",
}


class Priority(IntEnum):
    """Lower is more urgent; an alert's priority starts from its entry's."""

    HIGH = 1
    NORMAL = 2
    LOW = 3

    @property
    def label(self) -> str:
        return self.name.lower()


LOWEST_ALERT_PRIORITY = 4  # a weak match of a low-priority entry


class EntryStatus(StrEnum):
    PENDING = "pending"  # waits for a lieutenant (DUP §4.5)
    ACTIVE = "active"  # approved: alerts until it expires or is removed
    REJECTED = "rejected"
    REMOVED = "removed"
    EXPIRED = "expired"  # past its expiry; kept, never deleted


@dataclass(frozen=True)
class EntrySpec:
    """A hot-list entry as proposed (the entering member comes from the account, DUP §4.8a)."""

    plate: str
    plate_state: str
    vehicle_description: str
    reason: ReasonCategory
    crime_type: str
    case_numbers: tuple[str, ...]
    synopsis: str
    priority: Priority
    expires_on: date

    def purpose(self) -> Purpose:
        """What the guard judges: the entry's reason as a ``Purpose`` (DUP §2)."""
        return Purpose(
            self.reason.purpose_category,
            self.crime_type,
            ", ".join(self.case_numbers),
            self.synopsis,
        )


def _text(value: str, label: str, limit: int, *, required: bool = True) -> str:
    text = " ".join(value.split())
    if required and not text:
        raise InvalidInput(f"the {label} is required (DUP §4.8)")
    if len(text) > limit:
        raise InvalidInput(f"the {label} is limited to {limit} characters")
    if not text.isprintable():
        raise InvalidInput(f"the {label} may not contain control characters")
    return text


def _choice(kind: type[E], value: str, label: str) -> E:
    for member in kind:
        if value.strip().lower() in (str(member.value), member.name.lower()):
            return cast(E, member)
    choices = ", ".join(m.name.lower() for m in kind)
    raise InvalidInput(f"the {label} must be one of: {choices}")


def case_numbers(text: str) -> tuple[str, ...]:
    """Case numbers typed one per line or separated by commas (DUP §4.8b: at least one)."""
    numbers = tuple(dict.fromkeys(n.strip() for n in text.replace("\n", ",").split(",")))
    numbers = tuple(n for n in numbers if n)
    if not numbers:
        raise InvalidInput("at least one case number is required (DUP §4.8b)")
    if len(numbers) > MAX_CASE_NUMBERS:
        raise InvalidInput(f"an entry names at most {MAX_CASE_NUMBERS} case numbers")
    for number in numbers:
        _text(number, "case number", MAX_CASE_NUMBER)
    return numbers


def entry_spec(
    *,
    plate: str,
    plate_state: str,
    vehicle_description: str,
    reason: str,
    crime_type: str,
    case_numbers_text: str,
    synopsis: str,
    priority: str,
    expires_on: date | None,
    today: date,
    fold_states: frozenset[str] = frozenset({"CA"}),
) -> EntrySpec:
    """A validated entry from form or API text; ``InvalidInput`` names the first problem."""
    try:
        state = normalize_state(plate_state)
        if state is None:
            raise InvalidInput("the plate's state is required")
        normalized = normalize_plate(plate, state, fold_states)
    except InvalidPlate as exc:
        raise InvalidInput(str(exc)) from None
    if not normalized:
        raise InvalidInput("the plate is required")
    summary = _text(synopsis, "synopsis", MAX_JUSTIFICATION)
    if len(summary) < MIN_JUSTIFICATION:
        raise InvalidInput("the synopsis must describe the reason (DUP §4.8c)")
    return EntrySpec(
        plate=normalized,
        plate_state=state,
        vehicle_description=_text(vehicle_description, "vehicle description", MAX_VEHICLE),
        reason=_choice(ReasonCategory, reason, "reason"),
        crime_type=_text(crime_type, "crime type (or other purpose)", MAX_CRIME_TYPE),
        case_numbers=case_numbers(case_numbers_text),
        synopsis=summary,
        priority=_choice(Priority, priority or "normal", "priority"),
        expires_on=expiry(expires_on, today),
    )


def expiry(expires_on: date | None, today: date) -> date:
    """The day an entry stops alerting: given, or the longest allowed; never past the limit."""
    last = today + timedelta(days=MAX_ENTRY_DAYS)
    if expires_on is None:
        return last
    if expires_on <= today:
        raise InvalidInput("the expiry must be after today")
    if expires_on > last:
        raise InvalidInput(f"an entry expires within {MAX_ENTRY_DAYS} days; renew it later")
    return expires_on


def approval_refusal(proposer_id: int | None, approver_id: int | None, status: str) -> str | None:
    """Why this lieutenant may not decide this entry (DUP §4.5), or None."""
    if status != EntryStatus.PENDING:
        return "This entry is not waiting for approval."
    if proposer_id is not None and proposer_id == approver_id:
        return "Nobody approves their own hot-list entry: another lieutenant must (DUP §4.5)."
    return None


def require_owner(owner_id: int | None, actor_id: int | None, may_manage: bool) -> None:
    """DUP §4.5 — the responsible officer removes or renews an entry (or an administrator)."""
    if not may_manage and (owner_id is None or owner_id != actor_id):
        raise PermissionDenied("Only the member who entered it (or an administrator) may do this.")


# --- matching -----------------------------------------------------------------------------------

# The classes of characters plate readers confuse (the commercial systems' classes). Each maps
# onto one representative; a "possible" match differs from an entry only inside these classes.
CONFUSABLE_CLASSES = ("0ODQ", "1I", "2Z", "5S", "8B", "6G")
_REPRESENTATIVE = {m: group[0] for group in CONFUSABLE_CLASSES for m in group}
SKELETON_TABLE = str.maketrans(_REPRESENTATIVE)
DEFAULT_MAX_SUBSTITUTIONS = 1


def confusable_skeleton(plate: str) -> str:
    """Two plates with one skeleton differ only by confusable characters."""
    return plate.translate(SKELETON_TABLE)


def substitutions(read_plate: str, entry_plate: str) -> int:
    """How many characters differ between two plates of one skeleton (0 for the same plate)."""
    return sum(a != b for a, b in zip(read_plate, entry_plate, strict=True))


class MatchKind(StrEnum):
    EXACT = "exact"
    POSSIBLE = "possible"  # within confusable substitutions: lower priority


class StateRelation(StrEnum):
    SAME = "same"
    DIFFERENT = "different"  # the read's state is not the entry's
    UNREAD = "unread"  # the camera read no state


@dataclass(frozen=True)
class Match:
    kind: MatchKind
    state: StateRelation
    priority: int


def state_relation(read_state: str | None, entry_state: str) -> StateRelation:
    if read_state is None:
        return StateRelation.UNREAD
    return StateRelation.SAME if read_state == entry_state else StateRelation.DIFFERENT


def classify(
    read_plate: str,
    read_state: str | None,
    entry_plate: str,
    entry_state: str,
    entry_priority: int,
    max_substitutions: int = DEFAULT_MAX_SUBSTITUTIONS,
) -> Match | None:
    """Whether a read matches an entry of the same skeleton, and how urgently it alerts.

    - the same plate and state: exact, at the entry's priority;
    - the same plate, no state read: exact, one step lower (the officer confirms the state);
    - the same plate, another state: a state mismatch, two steps lower, flagged (it is often
      another vehicle: plates repeat across states);
    - up to ``max_substitutions`` confusable characters apart: possible, two steps lower;
      a possible match in another state is too weak to alert and is no match.
    """
    subs = substitutions(read_plate, entry_plate)
    if subs > max_substitutions:
        return None
    kind = MatchKind.EXACT if subs == 0 else MatchKind.POSSIBLE
    state = state_relation(read_state, entry_state)
    if kind is MatchKind.POSSIBLE and state is StateRelation.DIFFERENT:
        return None
    steps = {StateRelation.SAME: 0, StateRelation.UNREAD: 1, StateRelation.DIFFERENT: 2}[state]
    if kind is MatchKind.POSSIBLE:
        steps = max(steps, 2)
    return Match(kind, state, min(entry_priority + steps, LOWEST_ALERT_PRIORITY))


def alerting(status: str, expires_on: date, captured_on: date, today: date) -> bool:
    """An entry alerts while approved and unexpired (DUP §4.5: timely removal)."""
    return status == EntryStatus.ACTIVE and today <= expires_on and captured_on <= expires_on


# --- the alert workflow (DUP §4.2-4.4) -----------------------------------------------------------


class Step(StrEnum):
    VISUAL = "visual"  # §4.2 — the officer compares the captured plate with the vehicle
    CLETS = "clets"  # §4.3 — an attempt to verify the alert is still valid
    OCCUPANT = "occupant"  # §4.4 — wanted person: does an occupant match the description
    JUSTIFICATION = "justification"  # §4.4 — or a separate legal justification for a stop
    DISPOSITION = "disposition"  # closes the alert; reported to the administrator (§4.7)


class Visual(StrEnum):
    PLATE_MATCHES = "plate_matches"
    MISREAD = "misread"
    WRONG_STATE = "wrong_state"


class Verification(StrEnum):
    """The result of the CLETS attempt (§4.3: the attempt is what must precede any action)."""

    VALID = "valid"  # CLETS confirms the vehicle or person is still wanted
    NOT_VALID = "not_valid"  # cleared, recovered or not on file
    NO_RESPONSE = "no_response"  # attempted; CLETS did not answer


class Occupant(StrEnum):
    MATCHES = "matches"
    DOES_NOT_MATCH = "does_not_match"
    NOT_VISIBLE = "not_visible"


class Disposition(StrEnum):
    STOPPED = "stopped"
    ARRESTED = "arrested"
    RECOVERED = "recovered"
    NOT_LOCATED = "not_located"
    MISREAD = "misread"
    NO_ACTION = "no_action"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Dispositions that restrict someone's freedom: never before a CLETS attempt (§4.3), and for a
# wanted person never without an occupant match or a separate legal justification (§4.4).
RESTRICTS_FREEDOM = frozenset({Disposition.STOPPED, Disposition.ARRESTED, Disposition.RECOVERED})
_STEP_VALUES: dict[Step, type[StrEnum]] = {
    Step.VISUAL: Visual,
    Step.CLETS: Verification,
    Step.OCCUPANT: Occupant,
    Step.DISPOSITION: Disposition,
}


@dataclass(frozen=True)
class AlertState:
    """Where an alert stands: the steps recorded so far, in the order the DUP asks for them."""

    wanted_person: bool
    visual: Visual | None = None
    clets: Verification | None = None
    occupant: Occupant | None = None
    justification: str | None = None
    disposition: Disposition | None = None

    @property
    def closed(self) -> bool:
        return self.disposition is not None

    @property
    def may_stop(self) -> bool:
        """A stop may be recorded: plate confirmed, CLETS attempted and, for a wanted person, an
        occupant match — or a separate legal justification recorded after the attempt."""
        if self.visual is not Visual.PLATE_MATCHES or self.clets is None:
            return False
        if self.justification:
            return True
        if self.clets is Verification.NOT_VALID:
            return False
        return not self.wanted_person or self.occupant is Occupant.MATCHES

    @property
    def stage(self) -> str:
        if self.closed:
            return "closed"
        if self.visual is None:
            return "new"
        return "verified" if self.clets is not None else "confirmed"


def dispositions(state: AlertState) -> tuple[Disposition, ...]:
    """The dispositions that may close the alert now."""
    if state.closed:
        return ()
    if state.visual is None:
        return (Disposition.NOT_LOCATED,)
    if state.visual is not Visual.PLATE_MATCHES:
        return (Disposition.MISREAD, Disposition.NO_ACTION)
    closing = (Disposition.NOT_LOCATED, Disposition.NO_ACTION)
    if state.may_stop:
        return (Disposition.STOPPED, Disposition.ARRESTED, Disposition.RECOVERED, *closing)
    return closing


def next_steps(state: AlertState) -> tuple[Step, ...]:
    """The steps the officer may record now, in the DUP's order (the page shows these forms)."""
    if state.closed:
        return ()
    if state.visual is None:
        return (Step.VISUAL, Step.DISPOSITION)
    if state.visual is not Visual.PLATE_MATCHES:
        return (Step.DISPOSITION,)
    if state.clets is None:
        return (Step.CLETS, Step.DISPOSITION)
    steps: list[Step] = []
    if state.wanted_person and state.occupant is None:
        steps.append(Step.OCCUPANT)
    if not state.may_stop and not state.justification:
        steps.append(Step.JUSTIFICATION)
    return (*steps, Step.DISPOSITION)


def _refusal(state: AlertState, step: Step, value: str) -> str:
    if state.closed:
        return "This alert is closed: its disposition is recorded."
    if step is Step.DISPOSITION and value in RESTRICTS_FREEDOM:
        if state.visual is not Visual.PLATE_MATCHES:
            return "Confirm the plate visually before recording a stop (DUP §4.2)."
        if state.clets is None:
            return "No stop is recorded before a CLETS verification attempt (DUP §4.3)."
        if state.clets is Verification.NOT_VALID:
            return "CLETS did not confirm the alert: a stop needs a separate legal justification."
        return (
            "A wanted-person alert needs an occupant who matches the description, or a separate "
            "legal justification, before a stop (DUP §4.4)."
        )
    if step is Step.DISPOSITION:
        return "That disposition does not fit what was recorded (a misread closes as misread)."
    if step is not Step.VISUAL and state.visual is None:
        return "Confirm the plate visually first (DUP §4.2)."
    if step in (Step.OCCUPANT, Step.JUSTIFICATION) and state.clets is None:
        return "Record the CLETS verification attempt first (DUP §4.3)."
    return f"The {step.value} step is not expected at this point of the alert."


def step_value(step: Step, value: str) -> str:
    """The value as stored: a justification's text, or the member of the step's choices."""
    if step is Step.JUSTIFICATION:
        text = _text(value, "legal justification", MAX_JUSTIFICATION)
        if len(text) < MIN_JUSTIFICATION:
            raise InvalidInput("state the separate legal justification for a stop (DUP §4.4)")
        return text
    return str(_choice(_STEP_VALUES[step], value, f"{step.value} result").value)


def apply(state: AlertState, step: Step, value: str) -> AlertState:
    """The state after recording ``step`` with ``value``; ``InvalidInput`` when out of order."""
    value = step_value(step, value)
    allowed = step in next_steps(state)
    if step is Step.DISPOSITION:
        allowed = allowed and value in dispositions(state)
    if not allowed:
        raise InvalidInput(_refusal(state, step, value))
    if step is Step.VISUAL:
        return replace(state, visual=Visual(value))
    if step is Step.CLETS:
        return replace(state, clets=Verification(value))
    if step is Step.OCCUPANT:
        return replace(state, occupant=Occupant(value))
    if step is Step.JUSTIFICATION:
        return replace(state, justification=value)
    return replace(state, disposition=Disposition(value))


def replay(wanted_person: bool, steps: list[tuple[str, str]]) -> AlertState:
    """The state a stored sequence of steps leads to (each was checked when recorded)."""
    state = AlertState(wanted_person)
    for step, value in steps:
        state = apply(state, Step(step), value)
    return state


# --- accuracy (reported to the administrator; the annual report uses them, DUP §11) -------------

MISREADS = frozenset({Visual.MISREAD, Visual.WRONG_STATE})


def rate(part: int, whole: int) -> float | None:
    """A share, or None when there is nothing to divide by (shown as "no data")."""
    return part / whole if whole else None


def notification(reason: str, crime_type: str, camera_place: str, disposition: str | None) -> str:
    """DUP §4.7, fn. 6 — "Hot list 211A vehicle alerted at Curtner/Monterey … Vehicle stopped"."""
    text = f"Hot list {crime_type} vehicle ({reason}) alerted at {camera_place}."
    if disposition:
        text += f" Disposition: {Disposition(disposition).label}."
    return text

"""What a camera record must hold, who may change it, and when a camera counts as silent.

Pure: no database, web or I/O. The registry's use cases (cameras/service.py) apply these rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from plateward.core.permissions import Actor, Permission


class CameraKind(StrEnum):
    FIXED = "fixed"
    MOBILE = "mobile"  # mounted on a patrol car; reports its own position with each read


class CameraStatus(StrEnum):
    ACTIVE = "active"  # its reads are accepted
    INACTIVE = "inactive"  # retired (out of service): its reads are quarantined until reactivated
    DECOMMISSIONED = "decommissioned"  # removed for good; treated like a retired camera


@dataclass(frozen=True)
class CameraRef:
    """What validation needs to know about a registered camera."""

    id: int
    code: str
    is_fixed: bool
    active: bool
    latitude: float | None
    longitude: float | None


# A code names the camera in classes of access, URLs and files: letters, digits and . _ : -
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
MAX_INTERVAL_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class CameraSpec:
    """A camera as a department describes it (the register form, the API, an import file)."""

    code: str
    name: str
    kind: str
    location: str
    vendor: str
    agency_ori: str  # empty: the home agency
    latitude: float | None = None
    longitude: float | None = None
    heading: int | None = None
    status: str = CameraStatus.ACTIVE
    vendor_ref: str | None = None
    expected_interval_minutes: int | None = None  # None: learned from its traffic


# What an edit may change. The code is the camera's identity (classes of access name it) and the
# status changes only by retiring or reactivating, so both are left out.
EDITABLE = frozenset(f.name for f in fields(CameraSpec)) - {"code", "status"}
REQUIRED = frozenset({"name", "kind", "location", "vendor", "agency_ori"})


def _text_problem(spec: CameraSpec) -> str | None:
    if not CODE_PATTERN.fullmatch(spec.code):
        return (
            f"camera code '{spec.code[:70]}' must be 1-64 letters, digits, '.', '_', ':' or '-', "
            "starting with a letter or digit"
        )
    for label, value, limit in (
        ("name", spec.name, 200),
        ("location", spec.location, 300),
        ("vendor", spec.vendor, 100),
    ):
        if not value.strip():
            return f"camera '{spec.code}' needs a {label}"
        if len(value) > limit or not value.isprintable():
            return f"the {label} must be printable text of at most {limit} characters"
    if spec.vendor_ref is not None and (
        not spec.vendor_ref.strip()
        or len(spec.vendor_ref) > 64
        or not spec.vendor_ref.isprintable()
    ):
        return "the vendor's camera id must be printable text of 1-64 characters"
    return None


def _place_problem(spec: CameraSpec) -> str | None:
    if spec.kind not in set(CameraKind):
        return f"camera kind must be 'fixed' or 'mobile', not '{str(spec.kind)[:20]}'"
    if spec.status not in set(CameraStatus):
        return f"unknown camera status '{str(spec.status)[:20]}'"
    if (spec.latitude is None) != (spec.longitude is None):
        return "latitude and longitude must be given together"
    if spec.kind == CameraKind.FIXED and spec.latitude is None:
        return f"fixed camera '{spec.code}' needs a latitude and longitude"
    if spec.latitude is not None and not -90 <= spec.latitude <= 90:
        return "latitude must be between -90 and 90"
    if spec.longitude is not None and not -180 <= spec.longitude <= 180:
        return "longitude must be between -180 and 180"
    if spec.heading is not None and not 0 <= spec.heading < 360:
        return "heading must be between 0 and 359 degrees"
    interval = spec.expected_interval_minutes
    if interval is not None and not 1 <= interval <= MAX_INTERVAL_MINUTES:
        return f"the expected interval must be between 1 and {MAX_INTERVAL_MINUTES} minutes"
    return None


def camera_problem(spec: CameraSpec) -> str | None:
    """Why ``spec`` cannot be registered, or None when it can."""
    return _text_problem(spec) or _place_problem(spec)


def edited(spec: CameraSpec, changes: Mapping[str, Any]) -> CameraSpec:
    """``spec`` with ``changes`` applied; unknown or frozen fields are refused with ValueError."""
    refused = sorted(set(changes) - EDITABLE)
    if refused:
        msg = f"cannot change {', '.join(refused)} (editable: {', '.join(sorted(EDITABLE))})"
        raise ValueError(msg)
    emptied = sorted(name for name in REQUIRED & set(changes) if changes[name] is None)
    if emptied:
        msg = f"{', '.join(emptied)} cannot be removed"
        raise ValueError(msg)
    return replace(spec, **changes)


def changed_fields(before: CameraSpec, after: CameraSpec) -> list[str]:
    return [f.name for f in fields(CameraSpec) if getattr(before, f.name) != getattr(after, f.name)]


@dataclass(frozen=True)
class CameraResource:
    """A camera as the subject of an administrator's change (``authorize``'s resource)."""

    code: str

    @property
    def audit_label(self) -> str:
        return f"camera:{self.code}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        # DUP §12.2 — a class of access limited to some cameras reaches no camera outside it.
        if actor.camera_scope is not None and self.code not in actor.camera_scope:
            return "this camera is outside the cameras your class of access reaches"
        return None


# --- health -------------------------------------------------------------------------------------

# A camera's usual silence is learned from the gaps between its reads over the last days: the
# 99th percentile gap, with a margin, and never less than the floor (a busy intersection would
# otherwise be flagged in its first quiet minute).
LEARNING_DAYS = 7
LEARNING_MIN_GAPS = 20
LEARNING_PERCENTILE = 0.99
LEARNING_MARGIN = 1.5
SILENCE_FLOOR = timedelta(minutes=15)


class Health(StrEnum):
    OK = "ok"
    SILENT = "silent"  # silent longer than expected: flagged to administrators
    LEARNING = "learning"  # too few reads yet to know its usual rhythm, and no interval set
    NO_READS = "no reads yet"
    RETIRED = "retired"


def learned_interval(gaps: Sequence[timedelta]) -> timedelta | None:
    """The longest silence that is still normal for a camera with these gaps between reads."""
    if len(gaps) < LEARNING_MIN_GAPS:
        return None
    ordered = sorted(gaps)
    high = ordered[math.ceil(LEARNING_PERCENTILE * len(ordered)) - 1]
    return max(SILENCE_FLOOR, high * LEARNING_MARGIN)


def expected_interval(
    configured_minutes: int | None, gaps: Sequence[timedelta]
) -> timedelta | None:
    """The administrator's setting when there is one, otherwise what the traffic teaches."""
    if configured_minutes is not None:
        return timedelta(minutes=configured_minutes)
    return learned_interval(gaps)


@dataclass(frozen=True)
class CameraHealth:
    state: Health
    expected: timedelta | None
    silent_for: timedelta | None

    @property
    def flagged(self) -> bool:
        return self.state is Health.SILENT


def assess(
    status: str,
    last_read_at: datetime | None,
    registered_at: datetime,
    expected: timedelta | None,
    now: datetime,
) -> CameraHealth:
    """Whether an active camera has been silent for longer than it should be."""
    if status != CameraStatus.ACTIVE:
        return CameraHealth(Health.RETIRED, expected, None)
    # A camera that never sent a read is silent since it was registered.
    silent_for = max(now - (last_read_at or registered_at), timedelta(0))
    if expected is not None and silent_for > expected:
        return CameraHealth(Health.SILENT, expected, silent_for)
    if last_read_at is None:
        return CameraHealth(Health.NO_READS, expected, silent_for)
    if expected is None:
        return CameraHealth(Health.LEARNING, None, silent_for)
    return CameraHealth(Health.OK, expected, silent_for)

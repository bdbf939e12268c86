"""What makes a plate read acceptable: pure validation, no database, web or I/O.

A row either becomes a ``ReadCandidate`` or a ``Rejection`` with a reason a person can act on.
Nothing is dropped silently: rejections go to quarantine (reads/service.py).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any, NamedTuple

import orjson
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from plateward.cameras.rules import CameraRef
from plateward.core.permissions import Actor, Permission
from plateward.plates.rules import InvalidPlate, normalize_plate, normalize_state, skeleton

RAW_TEXT_LIMIT = 10_000
# Deterministic ids: a re-sent read gets the same id, so storing it twice is impossible.
_READ_NAMESPACE = uuid.UUID("1c1f3f55-6a0e-4df4-9b55-7a1f4e0e2a51")
_READ_NAMESPACE_BYTES = _READ_NAMESPACE.bytes


# One encoder for every row: ``json.dumps`` with arguments builds a new one per call.
_ENCODER = json.JSONEncoder(default=str, ensure_ascii=False)


def raw_text(value: object) -> str:
    """A row's text as quarantine keeps it: its JSON, cut at ``RAW_TEXT_LIMIT``."""
    return _ENCODER.encode(value)[:RAW_TEXT_LIMIT]


@dataclass(frozen=True)
class RawRow:
    """One row as the sender gave it, before validation.

    ``raw`` (the row's text, for quarantine and the broker's message body) is made from ``data``
    the first time it is asked for when the sender's text was not given (``given_raw``): most
    rows are valid, are never quarantined, and need no second serialization (issue 21).
    """

    position: str
    data: Mapping[str, Any] | None
    given_raw: str | None = None
    error: str | None = None
    # The read as a web node validated it, from a bundle whose seal the worker verified
    # (``vouched_rows``): validation then re-checks only what may have changed since.
    vouched: ReadCandidate | None = None

    @property
    def raw(self) -> str:
        if self.given_raw is not None:
            return self.given_raw
        made: str | None = self.__dict__.get("_made")
        if made is None:
            made = raw_text(self.data)
            object.__setattr__(self, "_made", made)  # a cache, not a change: frozen otherwise
        return made

    def data_json(self) -> bytes:
        """``data`` as JSON (UTF-8), for a message body: orjson, several times faster than the
        standard encoder, which stays the fallback for what orjson refuses (an integer beyond
        64 bits). ``raw`` is not made: a valid row is never quarantined and never needs it."""
        try:
            return orjson.dumps(self.data, default=str, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError:
            return _ENCODER.encode(self.data).encode()

    @classmethod
    def of(cls, position: str, data: Any) -> RawRow:
        if not isinstance(data, Mapping):
            return cls(position, None, raw_text(data), "read must be a JSON object")
        return cls(position, data)


class ReadIn(BaseModel):
    """The native read format (docs/api.md).

    Checks pydantic can make in its compiled core are made there (a capture time must carry its
    time zone): a web node validates thousands of reads a second (issue 21). Control characters
    in the text fields ``validate_row`` checks in one pass over them (``_control_character``)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)

    read_id: str | None = Field(default=None, min_length=1, max_length=100)
    camera: str = Field(min_length=1, max_length=64)
    captured_at: AwareDatetime
    plate: str = Field(min_length=1, max_length=32)
    plate_state: str | None = Field(default=None, max_length=8)
    confidence: float | None = Field(default=None, ge=0, le=1)
    vehicle_make: str | None = Field(default=None, max_length=60)
    vehicle_model: str | None = Field(default=None, max_length=60)
    vehicle_color: str | None = Field(default=None, max_length=40)
    vehicle_type: str | None = Field(default=None, max_length=40)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    image_ref: str | None = Field(default=None, max_length=500)

    @field_validator("read_id", "camera", mode="before")
    @classmethod
    def _stringify(cls, value: object) -> object:
        # An integer id or code is text with digits; a float is not (1e+22 is no read's id).
        return str(value) if isinstance(value, int) else value


# The text fields in which a control character (NUL above all) is refused: never data, and
# PostgreSQL text refuses NUL. The plate is normalized instead (plates/rules.py).
_TEXT_FIELDS = (
    "read_id",
    "camera",
    "plate_state",
    "vehicle_make",
    "vehicle_model",
    "vehicle_color",
    "vehicle_type",
    "image_ref",
)
_NAIVE_TIME = "captured_at must include a time zone (e.g. 2026-11-24T17:03:05Z)"


def _control_character(read: ReadIn) -> str | None:
    """The first text field holding a control character, as a reason; None when none does."""
    # One check over all of them (None reads as the printable "None"), then find which.
    together = (
        f"{read.read_id}{read.camera}{read.plate_state}{read.vehicle_make}"
        f"{read.vehicle_model}{read.vehicle_color}{read.vehicle_type}{read.image_ref}"
    )
    if together.isprintable():
        return None
    for name in _TEXT_FIELDS:
        value = getattr(read, name)
        if value is not None and not value.isprintable():
            return f"{name}: contains a control character"
    return "read: contains a control character"  # not reached: some field was not printable


def printable(text: str) -> str:
    """Text safe to store and show: control characters become visible escapes."""
    return (
        text
        if text.isprintable()
        else "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    )


@dataclass(frozen=True)
class IngestPolicy:
    now: datetime
    retention_days: int
    future_skew: timedelta
    fold_states: frozenset[str]

    @cached_property
    def oldest_acceptable(self) -> datetime:
        return self.now - timedelta(days=self.retention_days)

    @cached_property
    def latest_acceptable(self) -> datetime:
        return self.now + self.future_skew


class ReadCandidate(NamedTuple):
    # A NamedTuple, not a frozen dataclass: just as immutable, four times cheaper to build,
    # and ingest builds one per read.
    id: uuid.UUID
    source_read_id: str | None
    camera_id: int
    captured_at: datetime
    plate_raw: str
    plate: str
    plate_skeleton: str
    plate_state: str | None
    confidence: float | None
    vehicle_make: str | None
    vehicle_model: str | None
    vehicle_color: str | None
    vehicle_type: str | None
    latitude: float | None
    longitude: float | None
    image_ref: str | None

    @property
    def natural_key(self) -> tuple[int, datetime, str]:
        # "same camera + time + plate" is the same read, whatever id the sender gave it.
        return (self.camera_id, self.captured_at, self.plate)


@dataclass(frozen=True)
class Rejection:
    position: str
    reason: str
    raw: str
    read_id: str | None = None


def read_uuid(
    camera_id: int, captured_at: datetime, plate: str, source_id: str | None
) -> uuid.UUID:
    key = (
        f"id:{camera_id}:{source_id}"
        if source_id
        else f"k:{camera_id}:{captured_at.isoformat()}:{plate}"
    )
    # uuid.uuid5(_READ_NAMESPACE, key), without recomputing the namespace's bytes on every call.
    digest = hashlib.sha1(_READ_NAMESPACE_BYTES + key.encode(), usedforsecurity=False).digest()
    return _uuid5(int.from_bytes(digest[:16]))


# The version and variant bits of a name-based (SHA-1) UUID, RFC 4122 §4.3.
_VERSION_5_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_5_SET = (5 << 76) | (0x8000 << 48)
_SAFE_UNKNOWN = uuid.SafeUUID.unknown  # an enum member looked up once, not once per read


def _uuid_from_int(value: int) -> uuid.UUID:
    """``uuid.UUID(int=value)`` without the constructor's argument checks (a worker makes one per
    read); the value must be below 2**128."""
    if not 0 <= value < 1 << 128:
        msg = "not a 128-bit value"
        raise ValueError(msg)
    made = object.__new__(uuid.UUID)
    object.__setattr__(made, "int", value)
    object.__setattr__(made, "is_safe", _SAFE_UNKNOWN)
    return made


def _uuid5(digest: int) -> uuid.UUID:
    """The UUID ``uuid.UUID(bytes=…, version=5)`` makes, without its argument checks: a worker
    makes one per read, and those checks were a tenth of its time (issue 21). The standard
    constructor sets exactly these two slots (``int``, ``is_safe``) the same way."""
    made = object.__new__(uuid.UUID)
    object.__setattr__(made, "int", (digest & _VERSION_5_CLEAR) | _VERSION_5_SET)
    object.__setattr__(made, "is_safe", _SAFE_UNKNOWN)
    return made


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "read"
    if error["type"] == "timezone_aware":
        return f"{field}: {_NAIVE_TIME}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{field}: {message}"


def _timing_problem(captured_at: datetime, policy: IngestPolicy) -> str | None:
    if captured_at > policy.latest_acceptable:
        return "captured_at is in the future"
    # Invariant 4 — a read already past retention is never stored.
    if captured_at < policy.oldest_acceptable:
        return f"captured_at is older than the {policy.retention_days}-day retention window"
    return None


def _location(read: ReadIn, camera: CameraRef) -> tuple[float | None, float | None] | str:
    if (read.latitude is None) != (read.longitude is None):
        return "latitude and longitude must be given together"
    if read.latitude is not None:
        return (read.latitude, read.longitude)
    # A fixed camera's position is the capture location; a mobile unit must report its own.
    if camera.is_fixed:
        return (camera.latitude, camera.longitude)
    return (None, None)


def _rejection(row: RawRow, reason: str) -> Rejection:
    data = row.data
    read_id = str(data.get("read_id"))[:100] if data and data.get("read_id") else None
    return Rejection(row.position, reason, row.raw, read_id)


def validate_row(
    row: RawRow, cameras: Mapping[str, CameraRef], policy: IngestPolicy
) -> ReadCandidate | Rejection:
    """Turn one raw row into a storable read, or say exactly why it cannot be stored."""
    if row.data is None:
        return Rejection(row.position, row.error or "unreadable row", row.raw)
    if row.vouched is not None and _still_good(row.vouched, row.data, cameras, policy):
        return row.vouched
    try:
        read = ReadIn.model_validate(row.data)
    except ValidationError as exc:
        return _rejection(row, _first_error(exc))
    control = _control_character(read)
    if control:
        return _rejection(row, control)
    try:
        state = normalize_state(read.plate_state)
        plate = normalize_plate(read.plate, state, policy.fold_states)
    except InvalidPlate as exc:
        return _rejection(row, str(exc))
    camera = cameras.get(read.camera)
    if camera is None:
        return _rejection(row, f"unknown camera '{read.camera}'")
    if not camera.active:
        return _rejection(row, f"camera '{read.camera}' is not active")
    captured_at = read.captured_at.astimezone(UTC)  # one instant, one text: the read's id
    problem = _timing_problem(captured_at, policy)
    location = _location(read, camera)
    if problem or isinstance(location, str):
        return _rejection(row, problem or str(location))
    return ReadCandidate(
        id=read_uuid(camera.id, captured_at, plate, read.read_id),
        source_read_id=read.read_id,
        camera_id=camera.id,
        captured_at=captured_at,
        plate_raw=read.plate,
        plate=plate,
        plate_skeleton=skeleton(plate),
        plate_state=state,
        confidence=read.confidence,
        vehicle_make=read.vehicle_make,
        vehicle_model=read.vehicle_model,
        vehicle_color=read.vehicle_color,
        vehicle_type=read.vehicle_type,
        latitude=location[0],
        longitude=location[1],
        image_ref=read.image_ref,
    )


def _still_good(
    read: ReadCandidate,
    data: Mapping[str, Any],
    cameras: Mapping[str, CameraRef],
    policy: IngestPolicy,
) -> bool:
    """Whether a vouched read is still what validation would make of it now: its camera still
    registered under that code and active, its time still inside retention and not ahead of the
    clock. When not, the read is validated in full and gets the reason validation gives."""
    camera = cameras.get(str(data.get("camera")))
    return (
        camera is not None
        and camera.active
        and camera.id == read.camera_id
        and _timing_problem(read.captured_at, policy) is None
    )


# --- sealed bundles (issue 21) ---------------------------------------------------------------
#
# A web node publishes the reads it validated as records: the read as validation made it, in
# JSON. With a seal a worker can verify (core/broker.py), the worker takes the record as it is
# instead of validating the read a second time. Without one (a record forged, or a worker whose
# key differs), the record becomes the native read it stands for and is validated in full: a
# record never carries more than the read itself.

_RECORD_FIELDS = 17


def vouched_record(read: ReadCandidate, camera: str) -> tuple[object, ...]:
    """A validated read as a sealed bundle carries it (orjson writes the datetime and the UUID's
    hex; ``vouched_rows`` reads them back)."""
    return (
        read.id.hex,
        read.source_read_id,
        camera,
        read.camera_id,
        read.captured_at,
        read.plate_raw,
        read.plate,
        read.plate_skeleton,
        read.plate_state,
        read.confidence,
        read.vehicle_make,
        read.vehicle_model,
        read.vehicle_color,
        read.vehicle_type,
        read.latitude,
        read.longitude,
        read.image_ref,
    )


def vouched_rows(records: object, position: str, *, trusted: bool) -> list[RawRow]:
    """The rows of a sealed bundle's records: each the native read it stands for, vouched for
    when ``trusted`` (its seal verified) and well formed. A native read found instead is
    validated as one; anything else is a row that says so (quarantined as unreadable)."""
    if not isinstance(records, list) or not records:
        return [_unreadable(position, records)]
    rows = []
    for index, record in enumerate(records):
        at = f"{position}.{index}"
        if isinstance(record, dict):  # a native read where a record was expected: judged as one
            rows.append(RawRow.of(at, record))
            continue
        if not isinstance(record, list) or len(record) != _RECORD_FIELDS:
            rows.append(_unreadable(at, record))
            continue
        data = {
            "read_id": record[1],
            "camera": record[2],
            "captured_at": record[4],
            "plate": record[5],
            "plate_state": record[8],
            "confidence": record[9],
            "vehicle_make": record[10],
            "vehicle_model": record[11],
            "vehicle_color": record[12],
            "vehicle_type": record[13],
            "latitude": record[14],
            "longitude": record[15],
            "image_ref": record[16],
        }
        rows.append(RawRow(at, data, vouched=_candidate(record) if trusted else None))
    return rows


def _unreadable(position: str, value: object) -> RawRow:
    return RawRow(position, None, raw_text(value), "a sealed bundle's read is not a read record")


def _candidate(record: list[Any]) -> ReadCandidate | None:
    """The record as a ReadCandidate; None when a field is not what a web node writes (then the
    read is validated in full)."""
    try:
        captured_at = datetime.fromisoformat(record[4])
        read_id = _uuid_from_int(int(record[0], 16))
    except (TypeError, ValueError):
        return None
    if captured_at.tzinfo is None or not isinstance(record[3], int):
        return None
    return ReadCandidate(
        read_id,
        record[1],
        record[3],
        captured_at.astimezone(UTC),
        *record[5:17],
    )


@dataclass
class Triage:
    candidates: list[ReadCandidate] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    duplicates_in_batch: int = 0


def screen(
    rows: list[RawRow], cameras: Mapping[str, CameraRef], policy: IngestPolicy, into: Triage
) -> Iterator[ReadCandidate]:
    """Validate lazily, yielding each new candidate as soon as it is known.

    Storage consumes this while it streams to the database, so validating the next rows overlaps
    with the database storing the previous ones. Rejections, in-batch repeats (same id or same
    camera + time + plate) and the candidates themselves are recorded in ``into``.
    """
    seen_ids: set[uuid.UUID] = set()
    seen_keys: set[tuple[int, datetime, str]] = set()
    for row in rows:
        result = validate_row(row, cameras, policy)
        if isinstance(result, Rejection):
            into.rejections.append(result)
        elif result.id in seen_ids or result.natural_key in seen_keys:
            into.duplicates_in_batch += 1
        else:
            seen_ids.add(result.id)
            seen_keys.add(result.natural_key)
            into.candidates.append(result)
            yield result


def triage(rows: list[RawRow], cameras: Mapping[str, CameraRef], policy: IngestPolicy) -> Triage:
    """Validate a batch and drop in-batch repeats (same id or same camera + time + plate)."""
    result = Triage()
    for _ in screen(rows, cameras, policy, result):
        pass
    return result


@dataclass(frozen=True)
class Quarantine:
    """The quarantine as a whole: rows that came from any camera, or from none we know."""

    @property
    def audit_label(self) -> str:
        return "quarantine"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        del permission
        # DUP §12.2 — a class limited to some cameras' data cannot see rows that may come from
        # any camera: a quarantined row is not tied to a camera we trust.
        if actor.camera_scope is not None:
            return "The quarantine holds rows from every camera; your access is limited."
        return None

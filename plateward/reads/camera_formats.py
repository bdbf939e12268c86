"""Camera-side push formats mapped onto native reads: Verkada's LPR webhook, Frigate NVR's MQTT.

Pure, like reads/adapters.py (whose helpers it shares): a message that cannot be mapped becomes a
``RawRow`` with ``data=None`` and its reason, so it goes to quarantine, never silently away.

* Verkada (HTTP, ``POST /api/v1/reads``): ``{"webhook_type": "lpr", "data": {"camera_id",
  "created" (Unix seconds), "license_plate_number", "confidence", "license_plate_state"
  ("us-ca")}}``. The camera is registered in Plateward under its Verkada camera id.
* Frigate (MQTT, ``plateward bridge mqtt``): ``frigate/events`` messages (``{"type", "before",
  "after"}``) whose ``after`` is a car or motorcycle with a ``recognized_license_plate`` and its
  ``recognized_license_plate_score``; and ``frigate/tracked_object_update`` messages of type
  ``lpr`` (``{"id", "camera", "plate", "score", "timestamp"}``). The camera is registered under
  its Frigate camera name. Frigate refines a plate while it tracks the vehicle: each distinct
  plate text of one tracked object is one read (the source id is the object id and the plate),
  so the same text arriving on both topics, or again in a later update, is stored once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from plateward.reads.adapters import (
    _is_number,
    _number,
    _put,
    _raw,
    _required,
    _row,
    _RowError,
    _text,
)
from plateward.reads.rules import RawRow

# Frigate recognizes plates on these tracked objects (its LPR documentation).
FRIGATE_VEHICLES = frozenset({"car", "motorcycle"})
FRIGATE_EVENTS = "frigate/events"
FRIGATE_OBJECT_UPDATE = "frigate/tracked_object_update"


def is_verkada_lpr(payload: object) -> bool:
    return isinstance(payload, Mapping) and payload.get("webhook_type") == "lpr"


def _epoch_seconds(source: Mapping[str, Any], key: str) -> str:
    value = _required(source, key)
    if not _is_number(value):
        raise _RowError(f"'{key}' must be seconds since the epoch")
    try:
        moment = datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise _RowError(f"'{key}' is out of range") from None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _us_state(region: str | None) -> str | None:
    """Verkada names regions ``us-ca``; Plateward keeps the state, ``CA``."""
    if region is None:
        return None
    country, dash, state = region.strip().partition("-")
    return state.upper() if dash and country.lower() == "us" else region


def _verkada_read(data: object) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise _RowError("'data' must be a JSON object")
    read: dict[str, Any] = {}
    camera = _text(data, "camera_id")
    if camera is None or not camera.strip():
        raise _RowError("missing 'camera_id'")
    read["camera"] = camera
    plate = _required(data, "license_plate_number")
    if not isinstance(plate, str):
        raise _RowError("'license_plate_number' must be a string")
    read["plate"] = plate
    read["captured_at"] = _epoch_seconds(data, "created")
    _put(read, "confidence", _number(data, "confidence"))
    _put(read, "plate_state", _us_state(_text(data, "license_plate_state")))
    return read


def verkada_rows(payload: Mapping[str, Any]) -> list[RawRow]:
    """One Verkada LPR notification is one read."""
    data = payload.get("data")
    # The image URL is a signed link to the vendor's copy: never worth keeping in quarantine.
    kept = (
        {**payload, "data": {k: v for k, v in data.items() if k != "image_url"}}
        if isinstance(data, Mapping)
        else dict(payload)
    )
    return [_row("data", kept, lambda: _verkada_read(payload.get("data")))]


# --- Frigate NVR ----------------------------------------------------------------------------


def _frigate_event_read(after: Mapping[str, Any]) -> dict[str, Any]:
    plate = _required(after, "recognized_license_plate")
    if not isinstance(plate, str):
        raise _RowError("'recognized_license_plate' must be a string")
    camera = _text(after, "camera")
    if not camera:
        raise _RowError("missing 'camera'")
    object_id = _text(after, "id") or ""
    read: dict[str, Any] = {
        "read_id": f"frigate:{object_id}:{plate.strip().upper()}"[:100],
        "camera": camera,
        "plate": plate,
        # Frigate's frame_time is when the object was last seen with this plate.
        "captured_at": _epoch_seconds(
            after, "frame_time" if "frame_time" in after else "start_time"
        ),
        "vehicle_type": after.get("label"),
    }
    _put(read, "confidence", _number(after, "recognized_license_plate_score"))
    return read


def _frigate_update_read(message: Mapping[str, Any]) -> dict[str, Any]:
    plate = _required(message, "plate")
    if not isinstance(plate, str):
        raise _RowError("'plate' must be a string")
    camera = _text(message, "camera")
    if not camera:
        raise _RowError("missing 'camera'")
    object_id = _text(message, "id") or ""
    read: dict[str, Any] = {
        "read_id": f"frigate:{object_id}:{plate.strip().upper()}"[:100],
        "camera": camera,
        "plate": plate,
        "captured_at": _epoch_seconds(message, "timestamp"),
    }
    _put(read, "confidence", _number(message, "score"))
    return read


def frigate_rows(topic: str, payload: object) -> list[RawRow]:
    """The reads in one Frigate MQTT message; most messages hold none (a person, no plate yet).

    Only messages that carry a plate become rows: anything else Frigate publishes on these
    topics (other objects, face updates) is not a read and is not quarantined either.
    """
    if not isinstance(payload, Mapping):
        return [RawRow(topic, None, _raw(payload), "a Frigate message must be a JSON object")]
    if topic.endswith("/tracked_object_update"):
        if payload.get("type") != "lpr" or not payload.get("plate"):
            return []
        return [_row(topic, payload, lambda: _frigate_update_read(payload))]
    after = payload.get("after")
    if (
        not isinstance(after, Mapping)
        or after.get("label") not in FRIGATE_VEHICLES
        or not after.get("recognized_license_plate")
        or after.get("false_positive") is True
    ):
        return []
    kept = {"type": payload.get("type"), "after": after}
    return [_row(topic, kept, lambda: _frigate_event_read(after))]

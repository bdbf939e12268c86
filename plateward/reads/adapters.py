"""Vendor payloads mapped onto native reads: pure, no I/O.

Three shapes of payload are understood:

* ``{"reads": [...]}``: our own format (docs/api.md), passed through one read per row;
* OpenALPR / Rekor Scout agent webhooks: ``alpr_results`` (one frame, one read per plate in
  ``results``) and ``alpr_group`` (one vehicle seen over several frames, one read), alone or
  in a list;
* Plate Recognizer: the Snapshot API response and the Stream webhook (``{"hook", "data"}``).

Each row is mapped to the native flat read. Nothing is validated here beyond what is needed
to map (rules.py does that); a vendor row that cannot be mapped becomes a ``RawRow`` with
``data=None`` and a reason, so one bad result never sinks the payload.

Each vendor row's ``raw`` is the payload cut down to that one row (``results`` holding only
that result, image blobs dropped), so what quarantine keeps is itself a valid payload.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any, TypeGuard

from plateward.core.errors import InvalidInput
from plateward.reads.rules import RAW_TEXT_LIMIT, RawRow

UNRECOGNISED = (
    'unrecognised payload: expected {"reads": [...]} or [...], an OpenALPR/Rekor alpr_results or '
    "alpr_group object, a Plate Recognizer result, or a Verkada LPR webhook"
)

_OPENALPR_TYPES = frozenset({"alpr_results", "alpr_group"})
_PR_SNAPSHOT_KEYS = frozenset({"timestamp", "filename", "camera_id", "processing_time"})
# Base64 images an OpenALPR agent may attach; never worth keeping in quarantine.
_IMAGE_BLOBS = frozenset({"vehicle_crop_jpeg", "plate_crop_jpeg", "image_jpeg"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class PayloadFormat(StrEnum):
    PLATEWARD = "plateward"
    OPENALPR = "openalpr"
    PLATERECOGNIZER = "platerecognizer"
    # Scale-out (issue 21): Verkada's LPR webhook (reads/camera_formats.py).
    VERKADA = "verkada"


class _RowError(Exception):
    """A vendor row that cannot be mapped; the message is the row's reason."""


# --- detection ------------------------------------------------------------------------------


def _is_openalpr_object(value: object) -> bool:
    return isinstance(value, Mapping) and value.get("data_type") in _OPENALPR_TYPES


def _is_pr_stream(value: Mapping[str, Any]) -> bool:
    data = value.get("data")
    return (
        isinstance(value.get("hook"), Mapping)
        and isinstance(data, Mapping)
        and isinstance(data.get("results"), list)
    )


def _is_pr_snapshot(value: Mapping[str, Any]) -> bool:
    return isinstance(value.get("results"), list) and not _PR_SNAPSHOT_KEYS.isdisjoint(value)


def detect_format(payload: object) -> PayloadFormat:
    """Say which format ``payload`` (parsed JSON) is in, or raise ``InvalidInput``."""
    if isinstance(payload, list):
        vendor = [_is_openalpr_object(item) for item in payload]
        if payload and all(vendor):
            return PayloadFormat.OPENALPR
        if any(vendor):
            raise InvalidInput(UNRECOGNISED)  # vendor objects mixed with others: ambiguous
        # A bare array of native reads is a batch too (a common client shape).
        return PayloadFormat.PLATEWARD
    if not isinstance(payload, Mapping):
        raise InvalidInput(UNRECOGNISED)
    if "reads" in payload:
        if isinstance(payload["reads"], list):
            return PayloadFormat.PLATEWARD
        raise InvalidInput('"reads" must be a JSON array of read objects')
    if "data_type" in payload:
        if _is_openalpr_object(payload):
            return PayloadFormat.OPENALPR
        raise InvalidInput(UNRECOGNISED)
    if _is_pr_stream(payload) or _is_pr_snapshot(payload):
        return PayloadFormat.PLATERECOGNIZER
    if payload.get("webhook_type") == "lpr":
        return PayloadFormat.VERKADA
    raise InvalidInput(UNRECOGNISED)


def to_raw_rows(payload: object, fmt: PayloadFormat | None = None) -> list[RawRow]:
    """Expand a payload into one ``RawRow`` per read, detecting the format when not given.

    Raises ``InvalidInput`` when the payload as a whole is not of the format.
    """
    fmt = detect_format(payload) if fmt is None else fmt
    if fmt is PayloadFormat.PLATEWARD:
        return _plateward_rows(payload)
    if fmt is PayloadFormat.OPENALPR:
        return _openalpr_rows(payload)
    if fmt is PayloadFormat.VERKADA:
        from plateward.reads.camera_formats import is_verkada_lpr, verkada_rows

        if not isinstance(payload, Mapping) or not is_verkada_lpr(payload):
            raise InvalidInput('expected a Verkada LPR webhook ({"webhook_type": "lpr", ...})')
        return verkada_rows(payload)
    return _platerecognizer_rows(payload)


# --- helpers --------------------------------------------------------------------------------


def _raw(value: object) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)[:RAW_TEXT_LIMIT]


def _row(position: str, raw_payload: object, build: Callable[[], dict[str, Any]]) -> RawRow:
    try:
        data = build()
    except _RowError as exc:
        return RawRow(position, None, _raw(raw_payload), str(exc))
    return RawRow(position, data, _raw(raw_payload))


def _put(read: dict[str, Any], key: str, value: object) -> None:
    """Set a native field, leaving it out when the vendor has nothing (None or blank)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return
    read[key] = value


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(source: Mapping[str, Any], key: str) -> float | None:
    """An optional numeric vendor field."""
    value = source.get(key)
    if value is None:
        return None
    if not _is_number(value):
        raise _RowError(f"'{key}' must be a number")
    return float(value)


def _required(source: Mapping[str, Any], key: str) -> Any:
    value = source.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _RowError(f"missing '{key}'")
    return value


def _text(source: Mapping[str, Any], key: str) -> str | None:
    value = source.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _RowError(f"'{key}' must be a string")
    return value


def _id_text(source: Mapping[str, Any], key: str) -> str | None:
    """An optional vendor id (camera id, uuid): a number or a string, kept as text."""
    value = source.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _RowError(f"'{key}' must be a string or a whole number")


def _epoch_ms(source: Mapping[str, Any], key: str) -> str:
    value = _required(source, key)
    if not _is_number(value):
        raise _RowError(f"'{key}' must be milliseconds since the epoch")
    try:
        moment = _EPOCH + timedelta(milliseconds=value)
    except (OverflowError, ValueError):
        raise _RowError(f"'{key}' is out of range") from None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _without(mapping: Mapping[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if key not in keys}


# --- plateward ------------------------------------------------------------------------------


def _plateward_rows(payload: object) -> list[RawRow]:
    if isinstance(payload, list):
        return [RawRow.of(f"[{i}]", read) for i, read in enumerate(payload)]
    if not isinstance(payload, Mapping) or not isinstance(payload.get("reads"), list):
        raise InvalidInput('expected {"reads": [...]}: a JSON object with an array of reads')
    return [RawRow.of(f"reads[{i}]", read) for i, read in enumerate(payload["reads"])]


# --- OpenALPR / Rekor Scout -----------------------------------------------------------------


def _openalpr_rows(payload: object) -> list[RawRow]:
    if isinstance(payload, Mapping):
        if not _is_openalpr_object(payload):
            raise InvalidInput("expected an OpenALPR/Rekor alpr_results or alpr_group object")
        return _openalpr_object_rows(payload, "")
    if not isinstance(payload, list):
        raise InvalidInput("expected an OpenALPR/Rekor alpr_results or alpr_group object")
    rows: list[RawRow] = []
    for k, item in enumerate(payload):
        if _is_openalpr_object(item):
            rows.extend(_openalpr_object_rows(item, f"[{k}]"))
        else:
            reason = "not an OpenALPR/Rekor alpr_results or alpr_group object"
            rows.append(RawRow(f"[{k}]", None, _raw(item), reason))
    return rows


def _openalpr_object_rows(obj: Mapping[str, Any], prefix: str) -> list[RawRow]:
    kept = _without(obj, _IMAGE_BLOBS)
    if obj["data_type"] == "alpr_group":
        return [_row(prefix or "alpr_group", kept, partial(_openalpr_group_read, obj))]
    results = obj.get("results")
    if not isinstance(results, list):
        reason = "'results' must be a list"
        return [RawRow(prefix or "alpr_results", None, _raw(kept), reason)]
    dot = "." if prefix else ""
    return [
        _row(
            f"{prefix}{dot}results[{i}]",
            {**kept, "results": [result]},
            partial(_openalpr_result_read, obj, result, i),
        )
        for i, result in enumerate(results)
    ]


def _openalpr_common(obj: Mapping[str, Any], read: dict[str, Any]) -> None:
    """What alpr_results and alpr_group share: camera, position and vehicle attributes."""
    camera = _id_text(obj, "camera_id")
    if camera is None:
        raise _RowError("missing 'camera_id'")
    read["camera"] = camera
    _put(read, "latitude", _number(obj, "gps_latitude"))
    _put(read, "longitude", _number(obj, "gps_longitude"))
    vehicle = obj.get("vehicle")
    if isinstance(vehicle, Mapping):
        _put(read, "vehicle_make", _top_name(vehicle.get("make")))
        _put(read, "vehicle_model", _model_part(_top_name(vehicle.get("make_model"))))
        _put(read, "vehicle_color", _top_name(vehicle.get("color")))
        _put(read, "vehicle_type", _top_name(vehicle.get("body_type")))


def _top_name(candidates: object) -> str | None:
    """The name with the highest confidence in a list of ``{"name", "confidence"}``."""
    if not isinstance(candidates, list):
        return None
    named = [
        c
        for c in candidates
        if isinstance(c, Mapping) and isinstance(c.get("name"), str) and c["name"].strip()
    ]
    if not named:
        return None

    def confidence(candidate: Mapping[str, Any]) -> float:
        value = candidate.get("confidence")
        return float(value) if _is_number(value) else float("-inf")

    name: str = max(named, key=confidence)["name"]
    return name


def _model_part(make_model: str | None) -> str | None:
    """OpenALPR names models ``make_model`` (``toyota_camry``); keep the model."""
    if make_model is None:
        return None
    _, underscore, model = make_model.partition("_")
    return model if underscore and model else make_model


def _plate_text(source: Mapping[str, Any], key: str) -> str:
    plate = _required(source, key)
    if not isinstance(plate, str):
        raise _RowError(f"'{key}' must be a string")
    return plate


def _percent(source: Mapping[str, Any], key: str) -> float | None:
    value = _number(source, key)
    return None if value is None else round(value / 100, 6)


def _openalpr_result_read(obj: Mapping[str, Any], result: object, i: int) -> dict[str, Any]:
    if not isinstance(result, Mapping):
        raise _RowError("result must be a JSON object")
    read: dict[str, Any] = {}
    uuid = _id_text(obj, "uuid")
    if uuid is not None:
        # The agent numbers the plates in a frame; the number survives a result sent on its own.
        index = result.get("plate_index")
        number = index if isinstance(index, int) and not isinstance(index, bool) else i
        read["read_id"] = f"{uuid}#{number}"
    read["plate"] = _plate_text(result, "plate")
    read["captured_at"] = _epoch_ms(obj, "epoch_time")
    _put(read, "plate_state", _text(result, "region"))
    _put(read, "confidence", _percent(result, "confidence"))
    _openalpr_common(obj, read)
    _put(read, "image_ref", uuid)
    return read


def _openalpr_group_read(obj: Mapping[str, Any]) -> dict[str, Any]:
    read: dict[str, Any] = {}
    best_uuid = _id_text(obj, "best_uuid")
    _put(read, "read_id", best_uuid or _id_text(obj, "uuid"))
    read["plate"] = _plate_text(obj, "best_plate_number")
    read["captured_at"] = _epoch_ms(obj, "epoch_start")
    _put(read, "plate_state", _text(obj, "best_region"))
    _put(read, "confidence", _percent(obj, "best_confidence"))
    _openalpr_common(obj, read)
    _put(read, "image_ref", best_uuid)
    return read


# --- Plate Recognizer -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Shot:
    """What a Plate Recognizer payload says once for all of its results."""

    source: Mapping[str, Any]  # the object holding camera_id, timestamp and results
    filename: object


def _platerecognizer_rows(payload: object) -> list[RawRow]:
    if isinstance(payload, Mapping) and _is_pr_stream(payload):
        data: Mapping[str, Any] = payload["data"]
        hook: Mapping[str, Any] = payload["hook"]
        shot = _Shot(data, data.get("filename") or hook.get("filename"))

        def cut(result: object) -> object:
            return {**payload, "data": {**data, "results": [result]}}

    elif isinstance(payload, Mapping) and _is_pr_snapshot(payload):
        shot = _Shot(payload, payload.get("filename"))

        def cut(result: object) -> object:
            return {**payload, "results": [result]}

    else:
        raise InvalidInput("expected a Plate Recognizer snapshot result or Stream webhook")
    results: list[Any] = shot.source["results"]
    return [
        _row(f"results[{i}]", cut(result), partial(_pr_read, shot, result))
        for i, result in enumerate(results)
    ]


def _first(candidates: object) -> Mapping[str, Any] | None:
    """Plate Recognizer ranks candidates best first."""
    if isinstance(candidates, list) and candidates and isinstance(candidates[0], Mapping):
        return candidates[0]
    return None


def _pr_read(shot: _Shot, result: object) -> dict[str, Any]:
    if not isinstance(result, Mapping):
        raise _RowError("result must be a JSON object")
    read: dict[str, Any] = {}
    _put(read, "read_id", _id_text(result, "id"))
    # A snapshot's camera_id is null unless the caller named one: left out, validation says so.
    _put(read, "camera", _id_text(shot.source, "camera_id"))
    timestamp = _required(shot.source, "timestamp")
    if not isinstance(timestamp, str):
        raise _RowError("'timestamp' must be an ISO-8601 string")
    read["captured_at"] = timestamp
    if isinstance(result.get("plate"), Mapping):
        _pr_vehicle_mode(result, read)
    else:
        _pr_plate_mode(result, read)
    _put(read, "image_ref", shot.filename if isinstance(shot.filename, str) else None)
    return read


def _pr_make_model_color(source: Mapping[str, Any], color_key: str, read: dict[str, Any]) -> None:
    model_make = _first(source.get("model_make") or source.get("make_model"))
    if model_make is not None:
        _put(read, "vehicle_make", _text(model_make, "make"))
        _put(read, "vehicle_model", _text(model_make, "model"))
    color = _first(source.get("color"))
    if color is not None:
        _put(read, "vehicle_color", _text(color, color_key))


def _pr_plate_mode(result: Mapping[str, Any], read: dict[str, Any]) -> None:
    """The classic result: plate text at the top, ``model_make`` and ``color`` beside it."""
    read["plate"] = _plate_text(result, "plate").upper()
    _put(read, "confidence", _number(result, "score"))
    region = result.get("region")
    if isinstance(region, Mapping):
        _put(read, "plate_state", _text(region, "code"))
    vehicle = result.get("vehicle")
    if isinstance(vehicle, Mapping):
        _put(read, "vehicle_type", _text(vehicle, "type"))
    _pr_make_model_color(result, "color", read)


def _pr_vehicle_mode(result: Mapping[str, Any], read: dict[str, Any]) -> None:
    """``detection_mode=vehicle``: plate and vehicle objects, each with ranked ``props``."""
    props = result["plate"].get("props")
    if not isinstance(props, Mapping) or (best := _first(props.get("plate"))) is None:
        raise _RowError("missing 'plate': a vehicle was seen but no plate was read")
    read["plate"] = _plate_text(best, "value").upper()
    _put(read, "confidence", _number(best, "score"))
    region = _first(props.get("region"))
    if region is not None:
        _put(read, "plate_state", _text(region, "value"))
    vehicle = result.get("vehicle")
    if isinstance(vehicle, Mapping):
        _put(read, "vehicle_type", _text(vehicle, "type"))
        if isinstance(vehicle.get("props"), Mapping):
            _pr_make_model_color(vehicle["props"], "value", read)

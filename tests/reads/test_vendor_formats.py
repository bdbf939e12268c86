"""Vendor payloads (OpenALPR/Rekor, Plate Recognizer) and our own mapped onto native reads."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from plateward.core.errors import InvalidInput
from plateward.reads.adapters import UNRECOGNISED, PayloadFormat, detect_format, to_raw_rows
from plateward.reads.rules import RAW_TEXT_LIMIT, RawRow, ReadIn

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> Any:
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def only(rows: list[RawRow]) -> RawRow:
    assert len(rows) == 1, rows
    return rows[0]


def data(row: RawRow) -> Mapping[str, Any]:
    assert row.data is not None, row.error
    return row.data


# --- detection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"reads": []}, PayloadFormat.PLATEWARD),
        (sample("openalpr_alpr_results"), PayloadFormat.OPENALPR),
        (sample("openalpr_alpr_group"), PayloadFormat.OPENALPR),
        ([sample("openalpr_alpr_group"), sample("openalpr_alpr_results")], PayloadFormat.OPENALPR),
        (sample("platerecognizer_snapshot"), PayloadFormat.PLATERECOGNIZER),
        (sample("platerecognizer_stream"), PayloadFormat.PLATERECOGNIZER),
        ({"results": [], "processing_time": 12.5}, PayloadFormat.PLATERECOGNIZER),
    ],
)
def test_each_sender_format_is_recognised(payload: object, expected: PayloadFormat) -> None:
    assert detect_format(payload) is expected


@pytest.mark.parametrize(
    "payload",
    [
        {},
        None,
        "reads",
        42,
        {"plate": "7ABC123", "camera": "north-gate"},
        {"data_type": "heartbeat", "results": []},
        {"results": []},
        {"hook": {"id": "x"}, "data": {"camera_id": "x"}},
        [sample("openalpr_alpr_results"), {"reads": []}],
    ],
)
def test_an_unrecognised_payload_is_refused_naming_what_is_accepted(payload: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        detect_format(payload)
    assert caught.value.detail == UNRECOGNISED
    assert '{"reads": [...]}' in UNRECOGNISED
    assert "alpr_results" in UNRECOGNISED
    assert "Plate Recognizer" in UNRECOGNISED
    with pytest.raises(InvalidInput):
        to_raw_rows(payload)


def test_reads_that_is_not_an_array_is_refused_plainly() -> None:
    with pytest.raises(InvalidInput, match="must be a JSON array"):
        to_raw_rows({"reads": {"plate": "7ABC123"}})


@pytest.mark.parametrize(
    ("payload", "fmt"),
    [
        (sample("platerecognizer_snapshot"), PayloadFormat.OPENALPR),
        (sample("openalpr_alpr_group"), PayloadFormat.PLATERECOGNIZER),
        (sample("openalpr_alpr_results"), PayloadFormat.PLATEWARD),
        ({"reads": []}, PayloadFormat.PLATERECOGNIZER),
    ],
)
def test_a_payload_that_does_not_fit_the_named_format_is_refused(
    payload: object, fmt: PayloadFormat
) -> None:
    with pytest.raises(InvalidInput):
        to_raw_rows(payload, fmt)


def test_the_named_format_is_used_without_detection() -> None:
    rows = to_raw_rows(sample("openalpr_alpr_group"), PayloadFormat.OPENALPR)
    assert only(rows).data is not None


# --- plateward ------------------------------------------------------------------------------


def test_native_reads_pass_through_one_row_each() -> None:
    first = {"camera": "north-gate", "captured_at": "2026-11-24T17:03:05.120Z", "plate": "7ABC123"}
    second = {**first, "plate": "8XYZ901", "read_id": "r-2", "confidence": 0.91}
    rows = to_raw_rows({"reads": [first, second]})
    assert [row.position for row in rows] == ["reads[0]", "reads[1]"]
    assert [row.data for row in rows] == [first, second]
    assert [row.error for row in rows] == [None, None]
    assert json.loads(rows[1].raw) == second


def test_a_native_read_that_is_not_an_object_becomes_an_error_row() -> None:
    good = {"camera": "north-gate", "captured_at": "2026-11-24T17:03:05Z", "plate": "7ABC123"}
    rows = to_raw_rows({"reads": [good, "7ABC123", None]})
    assert rows[0].data == good
    assert [(row.position, row.data, row.error) for row in rows[1:]] == [
        ("reads[1]", None, "read must be a JSON object"),
        ("reads[2]", None, "read must be a JSON object"),
    ]
    assert rows[1].raw == '"7ABC123"'


# --- OpenALPR / Rekor -----------------------------------------------------------------------


def test_openalpr_results_map_to_native_reads() -> None:
    rows = to_raw_rows(sample("openalpr_alpr_results"))
    assert [row.position for row in rows] == ["results[0]", "results[1]"]
    assert [row.error for row in rows] == [None, None]
    common = {
        "camera": "1180331594",
        "captured_at": "2026-11-24T17:03:05.120Z",
        "latitude": 37.77493,
        "longitude": -122.41942,
        "image_ref": "2JHG6YQWKV3PRBXN2E61-1795539785120",
    }
    assert rows[0].data == {
        **common,
        "read_id": "2JHG6YQWKV3PRBXN2E61-1795539785120#0",
        "plate": "7ABC123",
        "plate_state": "us-ca",
        "confidence": pytest.approx(0.9471),
    }
    assert rows[1].data == {
        **common,
        "read_id": "2JHG6YQWKV3PRBXN2E61-1795539785120#1",
        "plate": "8XYZ901",
        "plate_state": "ca",
        "confidence": pytest.approx(0.875),
    }


def test_openalpr_results_leave_out_what_the_agent_did_not_send() -> None:
    payload = sample("openalpr_alpr_results")
    for key in ("uuid", "gps_latitude", "gps_longitude"):
        del payload[key]
    payload["results"][0]["region"] = ""
    del payload["results"][0]["confidence"]
    assert to_raw_rows(payload)[0].data == {
        "camera": "1180331594",
        "captured_at": "2026-11-24T17:03:05.120Z",
        "plate": "7ABC123",
    }


def test_openalpr_results_take_vehicle_attributes_when_the_agent_sends_them() -> None:
    payload = sample("openalpr_alpr_results")
    payload["vehicle"] = sample("openalpr_alpr_group")["vehicle"]
    data = to_raw_rows(payload)[1].data
    assert data is not None
    assert (
        data["vehicle_make"],
        data["vehicle_model"],
        data["vehicle_color"],
        data["vehicle_type"],
    ) == ("toyota", "camry", "silver-gray", "sedan-standard")


def test_openalpr_epoch_milliseconds_become_utc_iso_time() -> None:
    payload = sample("openalpr_alpr_results")
    payload["epoch_time"] = 0
    assert data(to_raw_rows(payload)[0])["captured_at"] == "1970-01-01T00:00:00.000Z"
    payload["epoch_time"] = 1795539785120.9
    assert data(to_raw_rows(payload)[0])["captured_at"] == "2026-11-24T17:03:05.120Z"


def test_openalpr_group_maps_to_one_read_with_the_best_plate() -> None:
    row = only(to_raw_rows(sample("openalpr_alpr_group")))
    assert row.position == "alpr_group"
    assert row.error is None
    assert row.data == {
        "read_id": "2JHG6YQWKV3PRBXN2E61-1180331594-1795539852702",
        "camera": "1180331594",
        "captured_at": "2026-11-24T17:04:11.480Z",
        "plate": "6TRJ244",
        "plate_state": "us-ca",
        "confidence": pytest.approx(0.9238),
        "latitude": 37.77512,
        "longitude": -122.41876,
        "vehicle_make": "toyota",
        "vehicle_model": "camry",
        "vehicle_color": "silver-gray",
        "vehicle_type": "sedan-standard",
        "image_ref": "2JHG6YQWKV3PRBXN2E61-1180331594-1795539852702",
    }


def test_openalpr_group_vehicle_attributes_are_the_most_confident_ones() -> None:
    payload = sample("openalpr_alpr_group")
    payload["vehicle"]["make"] = [
        {"name": "toyota", "confidence": 40},
        {"name": "lexus", "confidence": 41},
    ]
    payload["vehicle"]["make_model"] = [{"name": "lexus_es", "confidence": 30.5}]
    payload["vehicle"]["color"] = []
    del payload["vehicle"]["body_type"]
    data = only(to_raw_rows(payload)).data
    assert data is not None
    assert (data["vehicle_make"], data["vehicle_model"]) == ("lexus", "es")
    assert "vehicle_color" not in data
    assert "vehicle_type" not in data


def test_openalpr_group_without_best_uuid_takes_its_uuid_as_read_id() -> None:
    payload = sample("openalpr_alpr_group")
    del payload["best_uuid"]
    payload["uuid"] = "group-77"
    data = only(to_raw_rows(payload)).data
    assert data is not None
    assert data["read_id"] == "group-77"
    assert "image_ref" not in data


def test_a_list_of_openalpr_objects_is_expanded_with_indexed_positions() -> None:
    payload = [sample("openalpr_alpr_group"), sample("openalpr_alpr_results")]
    rows = to_raw_rows(payload)
    assert [row.position for row in rows] == ["[0]", "[1].results[0]", "[1].results[1]"]
    assert [row.data["plate"] for row in rows if row.data] == ["6TRJ244", "7ABC123", "8XYZ901"]


def test_an_openalpr_result_without_a_plate_becomes_an_error_row_and_the_rest_still_map() -> None:
    payload = sample("openalpr_alpr_results")
    del payload["results"][0]["plate"]
    payload["results"].append("not a result")
    rows = to_raw_rows(payload)
    assert [(row.position, row.error) for row in rows] == [
        ("results[0]", "missing 'plate'"),
        ("results[1]", None),
        ("results[2]", "result must be a JSON object"),
    ]
    assert rows[0].data is None
    assert rows[1].data is not None
    assert rows[1].data["plate"] == "8XYZ901"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"epoch_time": None}, "missing 'epoch_time'"),
        (
            {"epoch_time": "2026-11-24T17:03:05Z"},
            "'epoch_time' must be milliseconds since the epoch",
        ),
        ({"epoch_time": 10**30}, "'epoch_time' is out of range"),
        ({"camera_id": None}, "missing 'camera_id'"),
        ({"camera_id": {"id": 7}}, "'camera_id' must be a string or a whole number"),
        ({"gps_latitude": "37.7"}, "'gps_latitude' must be a number"),
    ],
)
def test_a_bad_openalpr_frame_field_is_a_reason_not_a_crash(
    change: dict[str, Any], error: str
) -> None:
    payload = {**sample("openalpr_alpr_results"), **change}
    rows = to_raw_rows(payload)
    assert [(row.data, row.error) for row in rows] == [(None, error), (None, error)]


def test_a_group_without_a_best_plate_is_a_reason_not_a_crash() -> None:
    payload = sample("openalpr_alpr_group")
    del payload["best_plate_number"]
    row = only(to_raw_rows(payload))
    assert (row.position, row.data, row.error) == (
        "alpr_group",
        None,
        "missing 'best_plate_number'",
    )


def test_openalpr_raw_keeps_one_result_and_drops_images() -> None:
    group = sample("openalpr_alpr_group")
    group_raw = json.loads(only(to_raw_rows(group)).raw)
    assert "vehicle_crop_jpeg" not in group_raw
    assert group_raw["best_plate_number"] == "6TRJ244"

    rows = to_raw_rows(sample("openalpr_alpr_results"))
    second = json.loads(rows[1].raw)
    assert [result["plate"] for result in second["results"]] == ["8XYZ901"]
    # What quarantine keeps is a payload of its own that maps back to the same read, same id.
    assert data(only(to_raw_rows(second))) == data(rows[1])


def test_openalpr_read_id_follows_the_plate_index_when_the_agent_gives_one() -> None:
    payload = sample("openalpr_alpr_results")
    payload["results"][1]["plate_index"] = 4
    del payload["results"][0]["plate_index"]
    rows = to_raw_rows(payload)
    uuid = payload["uuid"]
    assert [data(row)["read_id"] for row in rows] == [f"{uuid}#0", f"{uuid}#4"]


def test_raw_never_exceeds_the_quarantine_limit() -> None:
    payload = sample("openalpr_alpr_results")
    payload["results"][0]["candidates"] = [{"plate": "X" * 50, "confidence": 1}] * 1000
    rows = to_raw_rows(payload)
    assert len(rows[0].raw) == RAW_TEXT_LIMIT
    assert rows[0].data is not None


# --- Plate Recognizer -----------------------------------------------------------------------


def test_platerecognizer_snapshot_maps_to_native_reads() -> None:
    rows = to_raw_rows(sample("platerecognizer_snapshot"))
    assert [(row.position, row.error) for row in rows] == [
        ("results[0]", None),
        ("results[1]", None),
    ]
    common = {
        "camera": "north-gate",
        "captured_at": "2026-11-24T17:03:05.574008Z",
        "image_ref": "1703_7M83K_north-gate.jpg",
    }
    assert rows[0].data == {
        **common,
        "plate": "7ABC123",
        "confidence": 0.904,
        "plate_state": "us-ca",
        "vehicle_type": "Sedan",
        "vehicle_make": "Toyota",
        "vehicle_model": "Camry",
        "vehicle_color": "silver",
    }
    assert rows[1].data == {
        **common,
        "plate": "4PQR812",
        "confidence": 0.871,
        "plate_state": "us-nv",
        "vehicle_type": "Pickup Truck",
        "vehicle_make": "Ford",
        "vehicle_model": "F-150",
        "vehicle_color": "red",
    }


def test_platerecognizer_stream_maps_to_native_reads() -> None:
    row = only(to_raw_rows(sample("platerecognizer_stream")))
    assert (row.position, row.error) == ("results[0]", None)
    assert row.data == {
        "camera": "elm-st-east",
        "captured_at": "2026-11-24T17:05:42.318204Z",
        "plate": "8DFG527",
        "confidence": 0.912,
        "plate_state": "us-ca",
        "vehicle_type": "Sedan",
        "vehicle_make": "Honda",
        "vehicle_model": "Civic",
        "vehicle_color": "black",
        "image_ref": "elm-st-east_screenshots/26-11-24/17-05-42.318204.jpg",
    }
    raw = json.loads(row.raw)
    assert raw["hook"]["event"] == "recognition"
    assert raw["data"]["results"][0]["plate"] == "8dfg527"


def test_a_snapshot_without_a_camera_leaves_camera_out_for_validation_to_report() -> None:
    payload = sample("platerecognizer_snapshot")
    payload["camera_id"] = None
    rows = to_raw_rows(payload)
    assert all(row.data is not None and "camera" not in row.data for row in rows)
    assert all(row.error is None for row in rows)


def test_platerecognizer_leaves_out_vehicle_attributes_it_did_not_find() -> None:
    payload = sample("platerecognizer_snapshot")
    result = payload["results"][0]
    result["model_make"], result["color"], result["vehicle"] = [], [], {"type": "", "score": 0}
    del result["region"]
    assert data(to_raw_rows(payload)[0]) == {
        "camera": "north-gate",
        "captured_at": "2026-11-24T17:03:05.574008Z",
        "plate": "7ABC123",
        "confidence": 0.904,
        "image_ref": "1703_7M83K_north-gate.jpg",
    }


def test_platerecognizer_read_id_is_kept_only_when_the_result_has_one() -> None:
    payload = sample("platerecognizer_snapshot")
    payload["results"][1]["id"] = 99812
    rows = to_raw_rows(payload)
    assert rows[0].data is not None
    assert "read_id" not in rows[0].data
    assert rows[1].data is not None
    assert rows[1].data["read_id"] == "99812"


def test_a_platerecognizer_result_without_a_plate_is_a_reason_not_a_crash() -> None:
    payload = sample("platerecognizer_stream")
    first = payload["data"]["results"][0]
    payload["data"]["results"] = [{**first, "plate": None}, first, {**first, "plate": 7}]
    rows = to_raw_rows(payload)
    assert [(row.position, row.error) for row in rows] == [
        ("results[0]", "missing 'plate'"),
        ("results[1]", None),
        ("results[2]", "'plate' must be a string"),
    ]
    assert rows[0].data is None
    assert json.loads(rows[0].raw)["data"]["results"] == [{**first, "plate": None}]


@pytest.mark.parametrize(
    ("timestamp", "error"),
    [(None, "missing 'timestamp'"), (1795539785, "'timestamp' must be an ISO-8601 string")],
)
def test_a_platerecognizer_payload_without_a_usable_timestamp_is_a_reason(
    timestamp: object, error: str
) -> None:
    payload = sample("platerecognizer_snapshot")
    payload["timestamp"] = timestamp
    assert {row.error for row in to_raw_rows(payload)} == {error}


def test_platerecognizer_vehicle_detection_mode_maps_plate_and_vehicle_props() -> None:
    payload = {
        "processing_time": 301.2,
        "timestamp": "2026-11-24T17:09:12.004417Z",
        "camera_id": "north-gate",
        "filename": "1709_north-gate.jpg",
        "results": [
            {
                "plate": {
                    "type": "Plate",
                    "score": 0.93,
                    "box": {"xmin": 1, "ymin": 2, "xmax": 3, "ymax": 4},
                    "props": {
                        "plate": [{"value": "6trj244", "score": 0.88}],
                        "region": [{"value": "us-ca", "score": 0.71}],
                    },
                },
                "vehicle": {
                    "type": "SUV",
                    "score": 0.9,
                    "props": {
                        "make_model": [{"make": "Subaru", "model": "Outback", "score": 0.5}],
                        "color": [{"value": "green", "score": 0.7}],
                    },
                },
            },
            {"plate": None, "vehicle": {"type": "Van", "score": 0.8, "props": {}}},
        ],
    }
    rows = to_raw_rows(payload)
    assert rows[0].data == {
        "camera": "north-gate",
        "captured_at": "2026-11-24T17:09:12.004417Z",
        "plate": "6TRJ244",
        "confidence": 0.88,
        "plate_state": "us-ca",
        "vehicle_type": "SUV",
        "vehicle_make": "Subaru",
        "vehicle_model": "Outback",
        "vehicle_color": "green",
        "image_ref": "1709_north-gate.jpg",
    }
    assert (rows[1].data, rows[1].error) == (None, "missing 'plate'")


# --- all of them ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "openalpr_alpr_results",
        "openalpr_alpr_group",
        "platerecognizer_snapshot",
        "platerecognizer_stream",
    ],
)
def test_every_mapped_sample_read_is_a_valid_native_read(name: str) -> None:
    rows = to_raw_rows(sample(name))
    assert rows
    for row in rows:
        assert row.data is not None, row.error
        read = ReadIn.model_validate(row.data)
        assert read.captured_at.tzinfo is not None
        assert set(row.data) <= set(ReadIn.model_fields)


def test_mapping_leaves_the_payload_untouched() -> None:
    for name in ("openalpr_alpr_group", "platerecognizer_stream"):
        payload = sample(name)
        before = copy.deepcopy(payload)
        to_raw_rows(payload)
        assert payload == before

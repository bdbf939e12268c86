"""Verkada's LPR webhook (HTTP) and Frigate NVR's MQTT messages mapped onto native reads.

The samples in tests/reads/samples are written from the vendors' public documentation (Verkada's
"LPR webhook object", Frigate's MQTT and License Plate Recognition pages), with this city's
camera codes and times."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.core.database import Database
from plateward.reads.adapters import PayloadFormat, detect_format, to_raw_rows
from plateward.reads.camera_formats import frigate_rows
from plateward.reads.models import QuarantinedRow, Read
from plateward.reads.mqtt_bridge import rows_of

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> Any:
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def test_a_verkada_lpr_webhook_is_one_read() -> None:
    payload = sample("verkada_lpr")
    assert detect_format(payload) is PayloadFormat.VERKADA
    (row,) = to_raw_rows(payload)
    assert row.data == {
        "camera": "38718198-8a78-4718-a60f-68e1a8de30ac",
        "plate": "7ABC123",
        "captured_at": "2026-11-24T17:39:59.000Z",
        "confidence": 0.9630414285714286,
        "plate_state": "CA",  # Verkada's "us-ca"
    }
    assert "image_url" not in row.raw


def test_a_verkada_webhook_without_a_plate_is_quarantined_with_its_reason() -> None:
    payload = sample("verkada_lpr")
    del payload["data"]["license_plate_number"]
    (row,) = to_raw_rows(payload)
    assert (row.data, row.error) == (None, "missing 'license_plate_number'")


def test_the_api_stores_a_verkada_webhook_from_a_registered_camera(
    client: TestClient, ingest_token: str, db: Database
) -> None:
    payload = sample("verkada_lpr")
    payload["data"]["camera_id"] = "SJ-FX-001"  # registered under its Verkada id
    headers = {"Authorization": f"Bearer {ingest_token}"}
    response = client.post("/api/v1/reads", json=payload, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 1
    unknown = sample("verkada_lpr")
    refused = client.post("/api/v1/reads", json=unknown, headers=headers).json()
    assert refused["rejected"][0]["reason"].startswith("unknown camera")
    with db.unit_of_work() as uow:
        assert uow.session.scalars(select(Read.plate_state)).all() == ["CA"]
        assert len(uow.session.scalars(select(QuarantinedRow)).all()) == 1


def test_a_frigate_car_with_a_recognized_plate_is_a_read() -> None:
    (row,) = frigate_rows("frigate/events", sample("frigate_events"))
    assert row.data == {
        "read_id": "frigate:1795541990.475377-mxklsc:7ABC123",
        "camera": "SJ-FX-001",
        "plate": "7ABC123",
        "captured_at": "2026-11-24T17:39:59.200Z",
        "vehicle_type": "car",
        "confidence": 0.933451,
    }


def test_frigate_messages_without_a_plate_are_not_reads() -> None:
    person = copy.deepcopy(sample("frigate_events"))
    person["after"]["label"] = "person"
    no_plate = copy.deepcopy(sample("frigate_events"))
    no_plate["after"]["recognized_license_plate"] = None
    false_positive = copy.deepcopy(sample("frigate_events"))
    false_positive["after"]["false_positive"] = True
    face = {"type": "face", "id": "x", "name": "someone", "score": 0.9, "camera": "c"}
    for payload in (person, no_plate, false_positive):
        assert frigate_rows("frigate/events", payload) == []
    assert frigate_rows("frigate/tracked_object_update", face) == []


def test_both_frigate_topics_name_the_same_read() -> None:
    """The same plate of the same tracked object arrives twice; it is one read (one id)."""
    (event,) = frigate_rows("frigate/events", sample("frigate_events"))
    (update,) = frigate_rows(
        "frigate/tracked_object_update", sample("frigate_tracked_object_update")
    )
    assert event.data is not None and update.data is not None
    assert event.data["read_id"] == update.data["read_id"]
    assert update.data["confidence"] == 0.933451


def test_the_bridge_reads_frigate_and_native_messages_and_quarantines_garbage() -> None:
    frigate = json.dumps(sample("frigate_events")).encode()
    assert len(rows_of("frigate/events", frigate)) == 1
    native = json.dumps({"reads": [{"camera": "SJ-FX-001", "plate": "7ABC123"}]}).encode()
    (row,) = rows_of("plateward/reads/SJ-FX-001", native)
    assert row.data is not None and row.data["plate"] == "7ABC123"
    (garbage,) = rows_of("plateward/reads/x", b"\xff not json")
    assert garbage.error == "not valid JSON"
    (unknown,) = rows_of("plateward/reads/x", b'{"hello": 1}')
    assert unknown.error is not None and unknown.error.startswith("unrecognised payload")

"""POST /api/v1/cameras registers, PATCH /api/v1/cameras/{code} changes, retires, reactivates;
both need cameras:manage and answer mistakes with a clear 4xx."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.cameras.conftest import entries
from tests.conftest import Backend, sign_in

NEW: dict[str, Any] = {
    "code": "API-CAM-1",
    "name": "Tully & Quimby",
    "kind": "fixed",
    "location": "Tully Rd & Quimby Rd",
    "vendor": "Motorola Vigilant",
    "latitude": 37.32,
    "longitude": -121.81,
    "heading": 90,
    "public_view": {"note": "Checked from the sidewalk: public roadway only"},
}


def test_an_administrator_registers_a_camera_through_the_api(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")

    response = client.post("/api/v1/cameras", json=NEW)

    assert response.status_code == 201, response.text
    assert response.json()["code"] == "API-CAM-1"
    assert response.json()["expected_interval_minutes"] is None
    assert entries(db, "camera.registered")[-1].details["camera"] == "API-CAM-1"
    assert "API-CAM-1" in [c["code"] for c in client.get("/api/v1/cameras").json()]


def test_registering_a_known_code_is_a_409(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")

    response = client.post("/api/v1/cameras", json={**NEW, "code": "SJ-FX-001"})

    assert response.status_code == 409
    assert "already registered" in response.json()["detail"]


def test_a_fixed_camera_without_a_position_is_a_422(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")

    response = client.post("/api/v1/cameras", json={**NEW, "latitude": None, "longitude": None})

    assert response.status_code == 422
    assert "latitude" in response.json()["detail"]


def test_an_officer_may_list_but_not_register(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "officer")

    assert client.get("/api/v1/cameras").status_code == 200
    assert client.post("/api/v1/cameras", json=NEW).status_code == 403


def test_patch_changes_the_fields_sent_then_retires_and_reactivates(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    client.post("/api/v1/cameras", json=NEW)

    changed = client.patch("/api/v1/cameras/API-CAM-1", json={"expected_interval_minutes": 45})
    retired = client.patch(
        "/api/v1/cameras/API-CAM-1", json={"status": "inactive", "reason": "lens broken"}
    )
    back = client.patch("/api/v1/cameras/API-CAM-1", json={"status": "active"})

    assert changed.status_code == 200, changed.text
    assert changed.json()["expected_interval_minutes"] == 45
    assert changed.json()["name"] == "Tully & Quimby"
    assert retired.json()["status"] == "inactive"
    assert back.json()["status"] == "active"
    assert entries(db, "camera.retired")[-1].details["reason"] == "lens broken"


def test_patch_refuses_what_it_cannot_do(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")

    assert client.patch("/api/v1/cameras/NO-SUCH", json={"name": "x"}).status_code == 404
    assert client.patch("/api/v1/cameras/SJ-FX-001", json={}).status_code == 422
    assert client.patch("/api/v1/cameras/SJ-FX-001", json={"code": "X"}).status_code == 422
    assert client.patch("/api/v1/cameras/SJ-FX-001", json={"name": None}).status_code == 422
    no_reason = client.patch("/api/v1/cameras/SJ-FX-001", json={"status": "inactive"})
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["detail"]
    again = client.patch("/api/v1/cameras/SJ-FX-001", json={"status": "active"})
    assert again.status_code == 409


def test_a_camera_token_cannot_register_cameras(client: TestClient, ingest_token: str) -> None:
    response = client.post(
        "/api/v1/cameras", json=NEW, headers={"Authorization": f"Bearer {ingest_token}"}
    )

    assert response.status_code == 403

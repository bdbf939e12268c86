"""The administrator's camera pages: the registry with health and unknown cameras, and forms
that register (and release), edit, retire and reactivate, each with its CSRF token."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.core.database import Database
from plateward.reads.models import Read
from tests.conftest import Backend, csrf_from, native_read, sign_in

FIELDS = {
    "attestation_note": "Checked from the sidewalk: public roadway only",
    "name": "Capitol & Story",
    "kind": "fixed",
    "location": "Capitol Expy & Story Rd",
    "vendor": "Flock Safety",
    "agency_ori": "",
    "latitude": "37.35",
    "longitude": "-121.82",
    "heading": "180",
    "vendor_ref": "",
    "expected_interval_minutes": "",
}


def _form(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf_from(page.text)


def test_the_registry_shows_each_camera_with_status_last_read_and_health(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    client.post(
        "/api/v1/reads",
        json={"reads": [native_read("SJ-FX-001", minutes_ago=4)]},
        headers={"Authorization": f"Bearer {ingest_token}"},
    )
    sign_in(client, backend, "admin")

    page = client.get("/admin/cameras")

    assert page.status_code == 200
    row = re.search(
        r"<tr[^>]*>\s*<td><a href=\"/admin/cameras/SJ-FX-001\">.*?</tr>", page.text, re.S
    )
    assert row
    assert "active" in row.group(0)
    assert "2026-11-24 09:56" in row.group(0)  # the last read, shown in Pacific time
    assert "7ABC123" not in page.text  # the registry shows no plate


def test_registering_through_the_form_opens_the_cameras_page(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "admin")
    csrf = _form(client, "/admin/cameras")

    response = client.post(
        "/admin/cameras",
        data={"csrf_token": csrf, "code": "FORM-CAM-1", **FIELDS},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/cameras/FORM-CAM-1"
    assert "Capitol &amp; Story" in client.get("/admin/cameras/FORM-CAM-1").text


def test_a_refused_registration_shows_the_form_again_with_the_reason(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "admin")
    csrf = _form(client, "/admin/cameras")

    response = client.post(
        "/admin/cameras",
        data={"csrf_token": csrf, "code": "FORM-CAM-1", **FIELDS, "latitude": "north"},
    )

    assert response.status_code == 422
    assert "latitude must be a number" in response.text
    assert 'value="Capitol &amp; Story"' in response.text


def test_a_form_without_its_csrf_token_is_refused(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")

    response = client.post("/admin/cameras", data={"csrf_token": "forged", "code": "X-1", **FIELDS})

    assert response.status_code == 403


def test_unknown_cameras_are_registered_and_released_in_one_action(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    client.post(
        "/api/v1/reads",
        json={
            "reads": [
                native_read("ROGUE-9", plate="7RLS001"),
                native_read("ROGUE-9", plate="7RLS002"),
            ]
        },
        headers={"Authorization": f"Bearer {ingest_token}"},
    )
    sign_in(client, backend, "admin")
    page = client.get("/admin/cameras")
    assert re.search(r"<code>ROGUE-9</code></td><td>2</td>", page.text)
    prefilled = client.get("/admin/cameras?code=ROGUE-9")
    assert 'name="code" value="ROGUE-9"' in prefilled.text

    response = client.post(
        "/admin/cameras",
        data={
            "csrf_token": csrf_from(prefilled.text),
            "code": "ROGUE-9",
            "release_quarantine": "yes",
            **FIELDS,
        },
    )

    assert response.status_code == 200
    assert "2 row(s) released (2 stored" in response.text
    assert "<code>ROGUE-9</code>" not in response.text
    with db.unit_of_work() as uow:
        plates = set(uow.session.scalars(select(Read.plate).where(Read.plate.like("7RLS%"))))
    assert plates == {"7RLS001", "7RLS002"}


def test_retire_and_reactivate_from_the_cameras_page(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")
    csrf = _form(client, "/admin/cameras/SJ-FX-002")

    retired = client.post(
        "/admin/cameras/SJ-FX-002/retire", data={"csrf_token": csrf, "reason": "road works"}
    )
    assert 'id="status">retired' in retired.text
    reactivated = client.post("/admin/cameras/SJ-FX-002/reactivate", data={"csrf_token": csrf})
    assert 'id="status">active' in reactivated.text


def test_editing_from_the_cameras_page(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")
    csrf = _form(client, "/admin/cameras/SJ-FX-002")

    edited = client.post(
        "/admin/cameras/SJ-FX-002",
        data={"csrf_token": csrf, **FIELDS, "expected_interval_minutes": "25"},
    )

    assert edited.status_code == 200
    assert "Capitol &amp; Story" in edited.text
    assert 'name="expected_interval_minutes" value="25"' in edited.text


def test_a_silent_camera_is_flagged_on_its_page_and_in_the_menu(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    client.post(
        "/api/v1/reads",
        json={"reads": [native_read("SJ-FX-003", minutes_ago=50)]},
        headers={"Authorization": f"Bearer {ingest_token}"},
    )
    sign_in(client, backend, "admin")
    csrf = _form(client, "/admin/cameras/SJ-FX-003")
    client.post(
        "/admin/cameras/SJ-FX-003",
        data={
            "csrf_token": csrf,
            **FIELDS,
            "expected_interval_minutes": "30",
        },
    )

    page = client.get("/admin/cameras/SJ-FX-003")
    badge = client.get("/admin/cameras/_silent")
    registry = client.get("/admin/cameras")

    assert 'id="silent-banner"' in page.text
    assert "1 silent" in badge.text
    assert "SJ-FX-003" in registry.text.split('id="silent-banner"')[1].split("</p>")[0]
    assert "/admin/cameras/_silent" in client.get("/admin/people").text


def test_an_officer_cannot_open_the_camera_pages(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "officer")

    assert client.get("/admin/cameras", follow_redirects=False).status_code == 403
    assert client.get("/admin/cameras/SJ-FX-001", follow_redirects=False).status_code == 403


def test_rows_of_a_name_registered_elsewhere_are_released_with_one_button(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    client.post(
        "/api/v1/reads",
        json={"reads": [native_read("vendor cam 5", plate="7VND005")]},
        headers={"Authorization": f"Bearer {ingest_token}"},
    )
    sign_in(client, backend, "admin")
    client.post(
        "/api/v1/cameras",
        json={
            **{k: v for k, v in FIELDS.items() if v and k != "attestation_note"},
            "code": "V-5",
            "vendor_ref": "vendor cam 5",
        }
        | {"latitude": 37.35, "longitude": -121.82, "heading": 180}
        | {"public_view": {"note": FIELDS["attestation_note"]}},
    )
    page = client.get("/admin/cameras")
    assert 'action="/admin/cameras/V-5/release"' in page.text

    released = client.post("/admin/cameras/V-5/release", data={"csrf_token": csrf_from(page.text)})

    assert "1 row(s) released (1 stored" in released.text
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(Read.plate).where(Read.plate == "7VND005")) == "7VND005"

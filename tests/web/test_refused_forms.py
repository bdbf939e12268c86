"""A refused administration form puts the cursor back in its first field, which brings the error
and the kept input into view (the forms sit below long tables); a fresh page does not jump."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from plateward.demo import city
from tests.conftest import Backend, csrf_from, sign_in

_AUTOFOCUSED = re.compile(r"<input [^>]*\bautofocus\b[^>]*>")


def _refused(client: TestClient, page: str, data: dict[str, str]) -> str:
    shown = client.get(page)
    assert not _AUTOFOCUSED.search(shown.text)  # a fresh page stays at its top
    response = client.post(page, data={"csrf_token": csrf_from(shown.text), **data})
    assert response.status_code in (409, 422), response.text
    assert 'role="alert"' in response.text
    return response.text


def test_a_refused_account_form_focuses_its_first_field(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "admin")
    fields = {
        "username": "newbie",
        "full_name": "New Person",
        "unit": "Patrol Division",
        "role": "officer",
        "agency_ori": city.HOME_AGENCY_ORI,
        "password": "short",
    }

    page = _refused(client, "/admin/people", fields)

    focused = _AUTOFOCUSED.search(page)
    assert focused is not None
    assert 'name="username"' in focused.group(0)
    assert 'value="newbie"' in focused.group(0)


def test_a_refused_camera_form_focuses_its_first_field(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "admin")
    fields = {"code": "FORM-CAM-9", "name": "Cam", "kind": "fixed", "location": "Here"}
    fields |= {"vendor": "Rekor", "latitude": "north", "longitude": "-121.8"}

    page = _refused(client, "/admin/cameras", fields)

    focused = _AUTOFOCUSED.search(page)
    assert focused is not None
    assert 'name="code"' in focused.group(0)
    assert 'value="FORM-CAM-9"' in focused.group(0)


def test_a_refused_class_form_focuses_its_first_field(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")

    page = _refused(
        client, "/admin/classes", {"name": "Night shift", "role": "officer", "grants": "audit:read"}
    )

    focused = _AUTOFOCUSED.search(page)
    assert focused is not None
    assert 'name="name"' in focused.group(0)


def test_a_refused_statement_focuses_its_version(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")
    current = re.search(
        r'<span id="current-version">([^<]+)</span>', client.get("/admin/statement").text
    )
    assert current is not None

    page = _refused(client, "/admin/statement", {"version": current.group(1), "text": "Again."})

    focused = _AUTOFOCUSED.search(page)
    assert focused is not None
    assert 'name="version"' in focused.group(0)

"""A refusal says which permission is missing and who grants it, on a page and in the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Backend, sign_in


def test_a_refused_page_names_the_missing_permission_and_who_grants_it(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "officer")

    page = client.get("/reads")

    assert page.status_code == 403
    assert "Not authorized" in page.text
    assert "You need the permission “Watch the newest reads” (reads:monitor)" in page.text
    assert "administrators hold it by their role" in page.text
    assert "an administrator can grant it to officers, investigators" in page.text


def test_a_refused_api_call_names_the_missing_permission_and_who_grants_it(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "auditor")

    response = client.get("/api/v1/cameras")

    assert response.status_code == 403
    detail = response.json()["detail"]
    assert detail.startswith("You need the permission “See the camera registry” (cameras:view)")
    assert "the Digital Privacy Officer hold it by their role" in detail

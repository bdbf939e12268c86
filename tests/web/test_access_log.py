"""The server writes one access-log line per request, and never a plate number in it."""

from __future__ import annotations

import logging
import shlex

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Backend, native_read, sign_in

PLATE = "7ABC123"


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "plateward.access"]


@pytest.fixture
def access_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="plateward.access")
    return caplog


def test_each_request_writes_one_line_with_method_route_status_and_client(
    client: TestClient, access_log: pytest.LogCaptureFixture
) -> None:
    client.get("/healthz")
    client.get("/login")
    lines = _lines(access_log)
    assert len(lines) == 2
    method, route, status, duration, caller, address = lines[0].split()
    assert (method, route, status, caller, address) == ("GET", "/healthz", "200", "-", "testclient")
    assert duration.endswith("ms")
    assert lines[1].startswith("GET /login ")


def test_a_plate_in_the_query_string_is_not_logged(
    client: TestClient, ingest_token: str, access_log: pytest.LogCaptureFixture
) -> None:
    response = client.post(
        f"/api/v1/reads?format=plateward&plate={PLATE}&{PLATE}",
        json={"reads": [native_read(plate=PLATE)]},
        headers={"Authorization": f"Bearer {ingest_token}"},
    )
    assert response.status_code == 200, response.text
    client.get(f"/?plate={PLATE}")
    lines = _lines(access_log)
    assert len(lines) == 2
    assert all(PLATE not in line for line in lines)
    # Declared parameters are named, any other name is only counted; the token's holder is named.
    method, route, status, _, caller, _ = shlex.split(lines[0])
    assert (method, route, status) == ("POST", "/api/v1/reads?format&…", "200")
    assert caller == "service:Test camera network"
    assert lines[1].startswith("GET /?… 200 ")


def test_a_plate_in_the_path_is_not_logged(
    client: TestClient, access_log: pytest.LogCaptureFixture
) -> None:
    client.get(f"/reads/{PLATE}")  # no such route
    client.get(f"/audit/entries/{PLATE}", follow_redirects=False)  # its parameter holds it
    client.get(f"/static/{PLATE}.css")
    lines = _lines(access_log)
    assert len(lines) == 3
    assert all(PLATE not in line for line in lines)
    assert lines[0].startswith("GET (no route) 404 ")
    assert lines[1].startswith("GET /audit/entries/{seq} ")
    assert lines[2].startswith("GET (no route) 404 ")


def test_a_signed_in_persons_requests_name_them(
    client: TestClient, backend: Backend, access_log: pytest.LogCaptureFixture
) -> None:
    sign_in(client, backend, "admin")
    access_log.clear()
    assert client.get("/admin/people").status_code == 200
    (line,) = _lines(access_log)
    assert line.split()[:3] == ["GET", "/admin/people", "200"]
    assert line.split()[4] == "admin"

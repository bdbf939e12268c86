"""The agency registry: administrators register outside agencies with ORI, kind and state; every
change is recorded with before and after; registering decides nothing about eligibility."""

from __future__ import annotations

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.conftest import Backend, sign_in
from tests.search.conftest import entries


def test_registering_and_correcting_an_agency_is_recorded_with_before_and_after(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    agency = {"ori": "CA0270100", "name": "Salinas PD", "state": "CA", "kind": "municipal"}

    first = client.post("/api/v1/sharing/agencies", json=agency)
    again = client.post("/api/v1/sharing/agencies", json={**agency, "kind": "commercial"})

    assert first.status_code == 200 and again.status_code == 200, again.text
    made, changed = entries(db, "agency.updated")[-2:]
    assert made.details["before"] is None and made.details["eligible"] is True
    assert changed.details["before"]["kind"] == "municipal"
    assert changed.details["after"]["kind"] == "commercial"
    assert changed.details["eligible"] is False


def test_the_home_agency_is_not_an_outside_agency_and_bad_input_is_refused(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "admin")

    home = client.post(
        "/api/v1/sharing/agencies",
        json={"ori": "CA0431300", "name": "X", "state": "CA", "kind": "federal"},
    )
    bad_kind = client.post(
        "/api/v1/sharing/agencies",
        json={"ori": "CA0270100", "name": "X", "state": "CA", "kind": "vendor"},
    )

    assert home.status_code == 409
    assert bad_kind.status_code == 422

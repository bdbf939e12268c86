"""An outside agency's own system searches through the machine API under a credential an
administrator issued (scoped, expiring, revocable, audited the same way), answered for by a named
person of that agency; it closes with the agreement."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, push
from tests.sharing.conftest import ICE, SANTA_CLARA, outside_search


def _issue(admin: TestClient, **fields: object) -> dict[str, object]:
    body = {"ori": SANTA_CLARA, "username": "santaclara", "name": "Sheriff CAD bridge", **fields}
    response = admin.post("/api/v1/sharing/clients", json=body)
    assert response.status_code == 200, response.text
    issued: dict[str, object] = response.json()
    return issued


def test_an_agency_system_searches_under_its_credential_and_is_audited(
    client: TestClient,
    backend: Backend,
    db: Database,
    ingest_token: str,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "admin")
    issued = _issue(client)
    assert issued["scopes"] == ["reads:search"]

    with TestClient(client.app) as system:
        system.headers["Authorization"] = f"Bearer {issued['secret']}"
        found = outside_search(system, plate="7ABC123")
        assert found.status_code == 200, found.text
        assert found.json()["mark"] == "SJPD data — no redistribution"
        search_id = found.json()["search_id"]
        assert system.get(f"/api/v1/searches/{search_id}/export.csv").status_code == 403
        assert outside_search(system, case_number=" ").status_code == 422

        run = entries(db, "search.run")[-1]
        assert run.actor_username == "santaclara"
        assert "Sheriff CAD bridge" in run.actor_name
        assert run.actor_agency == "Santa Clara County Sheriff's Office"
        assert entries(db, "agency_client.issued")[-1].details["person"] == "santaclara"

        client.post(
            f"/api/v1/sharing/agreements/{santa_clara_agreement}/status",
            json={"status": "suspended", "reason": "Review of the agency's use"},
        )
        assert outside_search(system, plate="7ABC123").status_code == 403

        client.post(
            f"/api/v1/sharing/agreements/{santa_clara_agreement}/status",
            json={"status": "active", "reason": "Review closed"},
        )
        assert outside_search(system, plate="7ABC123").status_code == 200
        revoked = client.post(f"/api/v1/sharing/clients/{issued['id']}/revoke")
        assert revoked.status_code == 200
        assert outside_search(system, plate="7ABC123").status_code == 401
    assert entries(db, "agency_client.revoked")


def test_a_credential_expires(
    client: TestClient,
    backend: Backend,
    clock: FrozenClock,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    sign_in(client, backend, "admin")
    issued = _issue(client, days=1)
    clock.advance(timedelta(days=1, seconds=1))

    with TestClient(client.app) as system:
        system.headers["Authorization"] = f"Bearer {issued['secret']}"
        assert outside_search(system, plate="7ABC123").status_code == 401


def test_no_credential_for_an_ineligible_agency_or_someone_elses_person(
    client: TestClient, backend: Backend, db: Database, outside: dict[str, str]
) -> None:
    sign_in(client, backend, "admin")

    federal = client.post(
        "/api/v1/sharing/clients", json={"ori": ICE, "username": "fedagent", "name": "x"}
    )
    other = client.post(
        "/api/v1/sharing/clients",
        json={"ori": SANTA_CLARA, "username": "sunnyvale", "name": "x"},
    )

    assert federal.status_code == 403
    assert other.status_code == 422  # InvalidInput
    assert entries(db, "agency_client.issued") == []

"""Outside agencies search through the same service and guard (DUP §10, §2.3, update 2026):
only under an agreement in force, with crime type, case number and justification, results marked
"SJPD data — no redistribution", never a bulk export, never for a third agency."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from plateward.core.database import Database
from plateward.core.errors import PermissionDenied
from plateward.core.permissions import Actor
from plateward.sharing import agreements
from plateward.sharing.rules import OUTSIDE_REFUSAL
from tests.cameras.conftest import ATTESTED
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, push
from tests.sharing.conftest import (
    ICE,
    TODAY,
    VENDOR,
    WASHOE,
    outside_search,
    sign_in_outside,
    write_agreement_row,
)

MARK = "SJPD data — no redistribution"


def test_a_santa_clara_detective_under_an_agreement_searches_and_results_are_marked(
    client: TestClient,
    db: Database,
    ingest_token: str,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in_outside(client, db, outside, "santaclara")

    response = outside_search(client, plate="7ABC123")

    assert response.status_code == 200, response.text
    body = response.json()
    assert [h["plate"] for h in body["hits"]] == ["7ABC123"]
    assert body["mark"] == MARK
    run = entries(db, "search.run")[-1]
    assert run.actor_agency == "Santa Clara County Sheriff's Office"
    assert run.purpose is not None and run.purpose["case_number"] == "SC26-004512"
    assert run.result_ids == [body["hits"][0]["id"]]
    read_id, search_id = body["hits"][0]["id"], body["search_id"]
    detail = client.get(f"/api/v1/searches/{search_id}/reads/{read_id}")
    assert detail.status_code == 200 and detail.json()["mark"] == MARK
    image = client.get(f"/api/v1/searches/{search_id}/reads/{read_id}/image")
    assert image.status_code == 200
    assert image.headers["x-data-mark"] == "SJPD data -- no redistribution"
    assert MARK in image.text  # drawn into the plate drawing
    page = client.get(f"/search/{search_id}")
    assert page.status_code == 200 and MARK in page.text


def test_department_staff_results_carry_no_outside_mark(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")

    response = outside_search(client, plate="7ABC123", case_number="26-004512")

    assert response.status_code == 200, response.text
    assert response.json()["mark"] is None


def test_an_outside_search_needs_crime_type_case_number_and_justification(
    client: TestClient, db: Database, outside: dict[str, str], santa_clara_agreement: int
) -> None:
    sign_in_outside(client, db, outside, "santaclara")

    for field in ("crime_type", "case_number", "justification"):
        response = outside_search(client, plate="7ABC123", **{field: "  "})
        assert response.status_code == 422, (field, response.text)
    assert entries(db, "search.run") == []


def test_the_guard_refuses_an_outside_agencys_prohibited_search(
    client: TestClient, db: Database, outside: dict[str, str], santa_clara_agreement: int
) -> None:
    sign_in_outside(client, db, outside, "santaclara")

    response = outside_search(
        client,
        crime_type="Immigration status",
        justification="Check whether the driver is undocumented so ICE can pick him up.",
    )

    assert response.status_code == 403
    assert entries(db, "search.blocked")[-1].actor_username == "santaclara"
    assert entries(db, "search.run") == []


def test_outside_agencies_get_no_bulk_export(
    client: TestClient,
    db: Database,
    ingest_token: str,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in_outside(client, db, outside, "santaclara")
    search_id = outside_search(client, plate="7ABC123").json()["search_id"]

    assert client.get(f"/api/v1/searches/{search_id}/export.csv").status_code == 403
    assert client.get(f"/search/{search_id}/export.csv").status_code == 403
    assert entries(db, "search.exported") == []


def test_a_search_on_behalf_of_a_third_agency_is_refused(
    client: TestClient,
    db: Database,
    ingest_token: str,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in_outside(client, db, outside, "santaclara")

    for third in ("Milpitas Police Department", "Reno Police Department", "FBI"):
        response = outside_search(
            client, plate="7ABC123", category="agency_support", beneficiary_agency=third
        )
        assert response.status_code == 403, (third, response.text)
        assert response.json()["detail"].startswith(OUTSIDE_REFUSAL)
    own = outside_search(
        client,
        plate="7ABC123",
        category="agency_support",
        beneficiary_agency="Santa Clara County Sheriff's Office",
    )
    assert own.status_code == 200, own.text
    refusals = [e for e in entries(db, "access.refused") if e.actor_username == "santaclara"]
    assert any("another agency" in (e.reason or "") for e in refusals)
    assert len(entries(db, "search.run")) == 1


def test_suspending_an_agreement_closes_the_signed_in_session_and_token_at_once(
    client: TestClient,
    db: Database,
    backend: Backend,
    ingest_token: str,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in_outside(client, db, outside, "santaclara")
    assert outside_search(client, plate="7ABC123").status_code == 200
    account = client.get("/account")
    token = _issue_token(client, account.text)
    with TestClient(client.app) as admin:
        sign_in(admin, backend, "admin")
        suspended = admin.post(
            f"/api/v1/sharing/agreements/{santa_clara_agreement}/status",
            json={"status": "suspended", "reason": "Audit of the agency's use pending"},
        )
        assert suspended.status_code == 200, suspended.text

    assert outside_search(client, plate="7ABC123").status_code == 403
    with TestClient(client.app) as machine:
        machine.headers["Authorization"] = f"Bearer {token}"
        assert outside_search(machine, plate="7ABC123").status_code == 403
    changed = entries(db, "sharing.agreement_changed")[-1]
    assert changed.details["before"]["status"] == "active"
    assert changed.details["after"]["status"] == "suspended"


def _issue_token(client: TestClient, account_page: str) -> str:
    from tests.conftest import csrf_from

    response = client.post(
        "/account/tokens",
        data={
            "csrf_token": csrf_from(account_page),
            "name": "CAD bridge",
            "scopes": ["reads:search"],
            "days": "30",
        },
    )
    assert response.status_code == 200, response.text
    import re

    found = re.search(r"(pwp_[A-Za-z0-9_\-]+)", response.text)
    assert found, response.text
    return found.group(1)


def test_an_expired_agreement_opens_nothing(
    client: TestClient, db: Database, outside: dict[str, str]
) -> None:
    write_agreement_row(db, "CA0430000", expires_on=TODAY.replace(day=1))
    sign_in_outside(client, db, outside, "santaclara")

    response = outside_search(client, plate="7ABC123")

    assert response.status_code == 403
    assert entries(db, "search.run") == []


def test_a_sunnyvale_detective_without_access_cannot_search(
    client: TestClient, db: Database, outside: dict[str, str]
) -> None:
    sign_in_outside(client, db, outside, "sunnyvale")

    assert outside_search(client, plate="7ABC123").status_code == 403
    assert client.get("/search").status_code == 403
    assert entries(db, "search.run") == []


def test_federal_nevada_and_vendor_accounts_are_refused_even_with_an_agreement_row(
    client: TestClient, db: Database, ingest_token: str, outside: dict[str, str]
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    for ori in (ICE, WASHOE, VENDOR):
        write_agreement_row(db, ori)  # as a direct database edit would

    for name in ("fedagent", "nvdeputy", "vendor"):
        with TestClient(client.app) as browser:
            sign_in_outside(browser, db, outside, name)
            assert outside_search(browser, plate="7ABC123").status_code == 403, name
            assert browser.get("/search").status_code == 403, name
    assert entries(db, "search.run") == []
    with db.unit_of_work() as uow:
        for ori in (ICE, WASHOE, VENDOR):
            with pytest.raises(PermissionDenied):
                agreements.create_agreement(
                    uow,
                    Actor.system("tests"),
                    ori=ori,
                    reference="attempt",
                    effective_on=TODAY,
                    expires_on=TODAY,
                    scopes=["search"],
                )
    refused = [
        e for e in entries(db, "access.refused") if e.details.get("permission") == "sharing:manage"
    ]
    assert len(refused) == 3


def test_an_outside_agency_reaches_only_the_home_departments_cameras(
    client: TestClient,
    backend: Backend,
    db: Database,
    ingest_token: str,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    # A Milpitas camera sending its reads here: Milpitas's data, not San José's to pass on.
    from plateward.cameras import service as cameras
    from plateward.cameras.service import CameraSpec

    with db.unit_of_work() as uow:
        spec = CameraSpec(
            code="MP-FX-001",
            name="Milpitas Blvd & Calaveras Blvd",
            kind="fixed",
            location="Milpitas Blvd & Calaveras Blvd",
            vendor="Flock Safety",
            agency_ori="CA0430900",
            latitude=37.4323,
            longitude=-121.8996,
            heading=90,
            status="active",
        )
        cameras.register_camera(uow, Actor.system("tests"), spec, ATTESTED)
        uow.commit()
    push(
        client,
        ingest_token,
        native_read(plate="7ABC123"),
        native_read(camera="MP-FX-001", plate="7ABC123", minutes_ago=7),
    )
    sign_in_outside(client, db, outside, "santaclara")

    seen = outside_search(client, plate="7ABC123").json()["hits"]

    assert [h["camera_code"] for h in seen] == ["SJ-FX-001"]
    with TestClient(client.app) as staff:
        sign_in(staff, backend, "investigator")
        found = outside_search(staff, plate="7ABC123", case_number="26-004512")
        assert {h["camera_code"] for h in found.json()["hits"]} == {"SJ-FX-001", "MP-FX-001"}

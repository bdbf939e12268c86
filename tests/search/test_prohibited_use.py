"""DUP §2, the 2026 update's platform blocking, invariant 2 — a request outside authorized use
is refused by the guard before any query runs, audited with the rules that fired, and answered
with one message that is the same whether or not any data exists."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.core.database import Database
from plateward.search.models import Search
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, push, search

IMMIGRATION = {
    "crime_type": "8 U.S.C. 1326 reentry after removal",
    "justification": "ICE ERO asked us to locate the driver for an immigration removal detainer.",
}


def test_an_immigration_enforcement_request_is_refused_with_the_reason(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, plate="7ABC123", **IMMIGRATION)

    assert response.status_code == 403
    assert "authorized" in response.json()["detail"]
    assert entries(db, "search.run") == []  # nothing ran


def test_a_refused_request_is_audited_with_its_purpose_terms_and_rules(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, plate="7ABC123", **IMMIGRATION)

    (entry,) = entries(db, "search.blocked")
    assert entry.outcome == "denied"
    assert entry.reason == response.json()["detail"]
    assert entry.purpose is not None
    assert entry.purpose["justification"] == IMMIGRATION["justification"]
    assert entry.query_terms["plate"] == "7ABC123"
    assert entry.details["rules"]  # the rules that fired
    with db.unit_of_work() as uow:
        stored = uow.session.get(Search, entry.details["search_id"])
        assert stored is not None
        assert (stored.state, stored.guard_rules) == ("blocked", entry.details["rules"])


def test_the_refusal_is_the_same_whether_or_not_data_exists(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")

    with_data = search(client, plate="7ABC123", **IMMIGRATION)
    without_data = search(client, plate="9ZZZ999", **IMMIGRATION)

    assert with_data.status_code == without_data.status_code == 403
    assert with_data.json() == without_data.json()


def test_a_federal_beneficiary_is_a_refused_proxy_search(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "investigator")

    response = search(
        client,
        category="agency_support",
        beneficiary_agency="U.S. Immigration and Customs Enforcement (ICE)",
        plate="7ABC123",
    )

    assert response.status_code == 403
    assert len(entries(db, "search.blocked")) == 1


def test_ordinary_crime_passes_the_guard(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")

    response = search(
        client,
        crime_type="VC 10851",
        justification="Car stolen from the church parking lot on Story Rd; locate the vehicle.",
        plate="7ABC123",
    )

    assert response.status_code == 200, response.text
    with db.unit_of_work() as uow:
        states = uow.session.scalars(select(Search.state)).all()
    assert states == ["run"]


def test_invisible_characters_do_not_hide_a_prohibited_request_from_the_guard(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "investigator")
    hidden = "\u200b".join("ICE")  # I<zero-width space>C<zero-width space>E

    response = search(
        client,
        plate="7ABC123",
        crime_type="other",
        justification=f"{hidden} asked us to find where the undocumented driver sleeps.",
    )

    assert response.status_code == 403
    (entry,) = entries(db, "search.blocked")
    assert entry.purpose is not None
    assert "\u200b" in entry.purpose["justification"]  # the trail keeps the trick as typed

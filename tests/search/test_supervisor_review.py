"""DUP update 2026 — an ambiguous request goes to supervisor review instead of silently passing:
a lieutenant approves or rejects it with a reason (never their own request), both audited, and
the requester then runs the approved search."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, push, search

# Support of an organisation the guard does not know as a California safety department.
AMBIGUOUS: dict[str, Any] = {
    "category": "agency_support",
    "beneficiary_agency": "Willow Glen Neighborhood Watch Association",
    "plate": "7ABC123",
}


def _request_review(client: TestClient) -> int:
    response = search(client, **AMBIGUOUS)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "pending_review"
    assert response.json()["message"]
    return int(response.json()["search_id"])


def test_an_ambiguous_request_waits_for_review_and_nothing_runs(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "investigator")

    search_id = _request_review(client)

    (entry,) = entries(db, "search.review_requested")
    assert entry.details["search_id"] == search_id
    assert entry.purpose is not None
    assert entries(db, "search.run") == []
    waiting = client.get(f"/api/v1/searches/{search_id}")
    assert waiting.status_code == 409
    assert "review" in waiting.json()["detail"]


def test_a_lieutenant_approves_and_the_requester_runs_it(
    client: TestClient,
    other_browser: TestClient,
    backend: Backend,
    db: Database,
    ingest_token: str,
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")
    search_id = _request_review(client)
    sign_in(other_browser, backend, "lieutenant")

    waiting = other_browser.get("/api/v1/search-reviews").json()
    decided = other_browser.post(
        f"/api/v1/search-reviews/{search_id}",
        json={"approve": True, "reason": "The association reported the theft; case 26-004512."},
    )
    ran = client.post(f"/api/v1/searches/{search_id}/run")

    assert [w["search_id"] for w in waiting] == [search_id]
    assert waiting[0]["requested_by"] == "Test Investigator"
    assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "approved"
    assert ran.status_code == 200, ran.text
    assert [h["plate"] for h in ran.json()["hits"]] == ["7ABC123"]
    (approval,) = entries(db, "search.review_approved")
    assert approval.actor_username == "lieutenant"
    assert approval.reason == "The association reported the theft; case 26-004512."
    assert approval.details["search_id"] == search_id
    (run,) = entries(db, "search.run")
    assert (run.actor_username, run.details) == (
        "investigator",
        {"search_id": search_id, "page": 1},
    )
    assert client.post(f"/api/v1/searches/{search_id}/run").status_code == 409  # once


def test_a_lieutenant_cannot_decide_their_own_request(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "lieutenant")
    search_id = _request_review(client)

    response = client.post(
        f"/api/v1/search-reviews/{search_id}", json={"approve": True, "reason": "Mine, fine."}
    )

    assert response.status_code == 403
    assert "your own request" in response.json()["detail"]
    refusals = [e for e in entries(db, "access.refused") if e.actor_username == "lieutenant"]
    assert refusals[-1].details["target"] == f"search:{search_id}"
    assert entries(db, "search.review_approved") == []


def test_a_rejected_request_never_runs(
    client: TestClient, other_browser: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "investigator")
    search_id = _request_review(client)
    sign_in(other_browser, backend, "lieutenant")

    rejected = other_browser.post(
        f"/api/v1/search-reviews/{search_id}",
        json={"approve": False, "reason": "A neighborhood watch is not a safety department."},
    )

    assert rejected.json()["state"] == "rejected"
    assert len(entries(db, "search.review_rejected")) == 1
    response = client.post(f"/api/v1/searches/{search_id}/run")
    assert response.status_code == 409
    assert "rejected" in response.json()["detail"]


def test_only_a_supervisor_reviews(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")
    search_id = _request_review(client)

    listed = client.get("/api/v1/search-reviews")
    decided = client.post(
        f"/api/v1/search-reviews/{search_id}", json={"approve": True, "reason": "Looks fine."}
    )

    assert (listed.status_code, decided.status_code) == (403, 403)

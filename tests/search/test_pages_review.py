"""Ambiguous requests go to supervisor review: the requester is told where to follow it, a
lieutenant (and only a lieutenant) sees the queue and decides with a reason, never on their own
request, and the requester runs an approved search (DUP update 2026)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.conftest import Backend, csrf_from, native_read, sign_in
from tests.search.conftest import entries, push
from tests.search.page_steps import NEEDS_REVIEW, submit


def _decide(client: TestClient, search_id: int, verdict: str, reason: str) -> int:
    page = client.get("/search/reviews")
    response = client.post(
        f"/search/reviews/{search_id}/{verdict}",
        data={"csrf_token": csrf_from(page.text), "reason": reason},
        follow_redirects=False,
    )
    return response.status_code


def _pending_id(page: str) -> int:
    found = re.search(r"Search #(\d+) has not run", page)
    assert found, page
    return int(found.group(1))


def test_a_request_sent_to_review_is_approved_by_a_lieutenant_then_run_by_its_requester(
    client: TestClient,
    other_browser: TestClient,
    backend: Backend,
    ingest_token: str,
    db: Database,
) -> None:
    push(client, ingest_token, native_read("SJ-FX-002", minutes_ago=60, plate="7ABQ101"))
    sign_in(client, backend, "investigator")
    sign_in(other_browser, backend, "lieutenant")

    pending = submit(client, plate="7ABQ*", **NEEDS_REVIEW)

    assert pending.status_code == 202
    assert "waits for a lieutenant" in pending.text and "7ABQ101" not in pending.text
    search_id = _pending_id(pending.text)
    mine = client.get("/search").text
    assert "waiting for a lieutenant&#39;s review" in mine
    queue = other_browser.get("/search/reviews")
    assert queue.status_code == 200
    row = queue.text.split(f'id="review-{search_id}"')[1].split("</tr>")[0]
    assert "Test Investigator" in row and "Willow Glen Neighborhood Watch Association" in row
    assert "7ABQ*" in row  # the terms the lieutenant is asked to approve
    (requested,) = entries(db, "search.review_requested")
    rules = requested.details["rules"]
    assert rules and all(rule in row for rule in rules)  # the guard's rules that sent it here

    assert _decide(other_browser, search_id, "approve", "Confirmed with the Willow Glen CPO") == 303
    assert f'id="review-{search_id}"' not in other_browser.get("/search/reviews").text
    mine = client.get("/search").text
    assert f'action="/search/{search_id}/run"' in mine
    ran = client.post(f"/search/{search_id}/run", data={"csrf_token": csrf_from(mine)})
    assert ran.status_code == 200, ran.text
    assert "7ABQ101" in ran.text
    (approved,) = entries(db, "search.review_approved")
    assert approved.reason == "Confirmed with the Willow Glen CPO"
    assert entries(db, "search.run")[-1].details["search_id"] == search_id


def test_a_rejected_request_never_runs(
    client: TestClient, other_browser: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "investigator")
    sign_in(other_browser, backend, "lieutenant")
    search_id = _pending_id(submit(client, plate="7ABQ*", **NEEDS_REVIEW).text)

    assert _decide(other_browser, search_id, "reject", "Not a law-enforcement agency") == 303

    mine = client.get("/search").text
    row = mine.split(f'id="search-{search_id}"')[1].split("</tr>")[0]
    assert "rejected by a lieutenant" in row and "Not a law-enforcement agency" in row
    assert f'action="/search/{search_id}/run"' not in mine
    again = client.post(f"/search/{search_id}/run", data={"csrf_token": csrf_from(mine)})
    assert again.status_code == 409


def test_only_a_lieutenant_sees_the_review_queue(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")

    assert client.get("/search/reviews").status_code == 403
    home = client.get("/").text
    assert 'href="/search"' in home and 'href="/search/reviews"' not in home

    with TestClient(client.app) as lieutenant:
        sign_in(lieutenant, backend, "lieutenant")
        assert lieutenant.get("/search/reviews").status_code == 200
        assert 'href="/search/reviews"' in lieutenant.get("/").text


def test_a_lieutenant_may_not_decide_their_own_request(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "lieutenant")
    search_id = _pending_id(submit(client, plate="7ABQ*", **NEEDS_REVIEW).text)

    assert _decide(client, search_id, "approve", "My own request") == 403
    assert entries(db, "search.review_approved") == []


def test_the_queue_says_what_became_of_the_request_just_decided(
    client: TestClient, other_browser: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "investigator")
    sign_in(other_browser, backend, "lieutenant")
    first = _pending_id(submit(client, plate="7ABQ*", **NEEDS_REVIEW).text)
    second = _pending_id(submit(client, plate="7ABR*", **NEEDS_REVIEW).text)

    for search_id, verdict in ((first, "approve"), (second, "reject")):
        page = other_browser.get("/search/reviews")
        after = other_browser.post(
            f"/search/reviews/{search_id}/{verdict}",
            data={"csrf_token": csrf_from(page.text), "reason": "Checked with the requester"},
        )
        assert after.status_code == 200, after.text
        notice = after.text.split('id="decided">')[1].split("</p>")[0]
        expected = "approved: its requester can now run it" if verdict == "approve" else "rejected"
        assert f"Search #{search_id} {expected}" in notice, notice


def test_an_approved_search_not_yet_run_says_where_to_run_it(
    client: TestClient, other_browser: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "investigator")
    sign_in(other_browser, backend, "lieutenant")
    search_id = _pending_id(submit(client, plate="7ABQ*", **NEEDS_REVIEW).text)
    assert _decide(other_browser, search_id, "approve", "Confirmed with the CPO") == 303

    page = client.get(f"/search/{search_id}")

    assert page.status_code == 409
    assert "run it from My searches on the Search page" in page.text

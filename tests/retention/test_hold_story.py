"""The issue's story, through the web pages and the API: an investigator holds three reads from a
search's results for a case; a lieutenant approves; 31 days later the reads of that day are gone
from the live store, but the three held reads stay with the case; the year's counts still show the
reads and hits by location."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.jobs import JobOutcome, Runner
from plateward.jobs_catalog import catalog
from tests.conftest import NOW, Backend, csrf_from, native_read, sign_in
from tests.search.conftest import entries, push
from tests.search.page_steps import submit

HOLD_FORM = {
    "category": "criminal_investigation",
    "crime_type": "PC 211 Robbery",
    "case_number": "26-004512",
    "justification": "The grey sedan seen leaving the Story Rd robbery; its route is evidence.",
}


@pytest.fixture
def person(client: TestClient, backend: Backend) -> Iterator[object]:
    with ExitStack() as stack:

        def signed_in(username: str) -> TestClient:
            other = stack.enter_context(TestClient(client.app))
            return sign_in(other, backend, username)

        yield signed_in


def _chosen_reads(page: str) -> list[str]:
    return re.findall(r'name="read" value="([0-9a-f-]{36})" form="hold-form"', page)


def _place(investigator: TestClient, read_ids: list[str], **changes: str) -> object:
    form_page = investigator.get("/holds/new", params=[("read", r) for r in read_ids])
    assert form_page.status_code == 200, form_page.text
    data = {**HOLD_FORM, **changes, "csrf_token": csrf_from(form_page.text), "read": read_ids}
    return investigator.post("/holds", data=data, follow_redirects=False)


def _hold_id(response: object) -> int:
    assert response.status_code == 303, response.text  # type: ignore[attr-defined]
    return int(response.headers["location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]


def _plates(page: str) -> list[str]:
    return re.findall(r'<span class="plate">([^<]+)</span>', page)


def test_held_reads_outlive_their_day_and_the_counts_outlive_the_reads(
    client: TestClient,
    person: object,
    ingest_token: str,
    db: Database,
    clock: FrozenClock,
) -> None:
    signed_in = person  # type: ignore[assignment]
    rows = [native_read("SJ-FX-002", minutes_ago=60 * 30, plate=f"7ABQ10{n}") for n in range(5)]
    push(client, ingest_token, *rows)
    investigator = signed_in("investigator")  # type: ignore[operator]
    results = submit(investigator, plate="7ABQ*")
    chosen = _chosen_reads(results.text)
    assert len(chosen) == 5
    plate_of = dict(
        re.findall(
            r'<tr id="read-([0-9a-f-]{36})">.*?<td class="plate">([^<]+)</td>', results.text, re.S
        )
    )

    hold_id = _hold_id(_place(investigator, chosen[:3]))
    lieutenant = signed_in("lieutenant")  # type: ignore[operator]
    page = lieutenant.get(f"/holds/{hold_id}")
    approve = lieutenant.post(
        f"/holds/{hold_id}/approve",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert approve.status_code == 303

    clock.advance(timedelta(days=31))
    (run,) = [Runner(db, catalog(db.settings)).run_now("purge")]
    assert run is not None and run.outcome is JobOutcome.OK, run

    investigator = signed_in("investigator")  # type: ignore[operator]
    held_page = investigator.get(f"/holds/{hold_id}")
    assert held_page.status_code == 200
    assert "Active investigation" in held_page.text
    assert sorted(_plates(held_page.text)) == sorted(plate_of[r] for r in chosen[:3])
    # The day itself is gone: a search of it is refused as before the retention cutoff.
    refused = submit(investigator, plate="7ABQ*", start="2026-11-22T00:00", end="2026-11-24T00:00")
    assert "retention" in refused.text and _chosen_reads(refused.text) == []
    # The counts of the day remain for the report.
    admin = signed_in("admin")  # type: ignore[operator]
    day = (NOW - timedelta(hours=30)).date().isoformat()
    counts = admin.get("/api/v1/aggregates", params={"first": day, "last": day})
    assert counts.status_code == 200, counts.text
    assert counts.json()["reads"] == 5
    assert counts.json()["by_location"][0]["camera"] == "SJ-FX-002"
    (placed,) = entries(db, "legal_hold.placed")
    assert sorted(placed.result_ids) == sorted(chosen[:3])


def test_a_lieutenant_cannot_approve_a_hold_they_placed(
    person: object, client: TestClient, ingest_token: str
) -> None:
    push(client, ingest_token, native_read("SJ-FX-002", minutes_ago=90, plate="7ABQ200"))
    lieutenant = person("lieutenant")  # type: ignore[operator]
    (read_id,) = _chosen_reads(submit(lieutenant, plate="7ABQ*").text)
    hold_id = _hold_id(_place(lieutenant, [read_id]))

    page = lieutenant.get(f"/holds/{hold_id}")
    response = lieutenant.post(
        f"/holds/{hold_id}/approve",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )

    assert response.status_code == 403
    assert "Waiting for another lieutenant" in page.text


def test_a_hold_for_a_prohibited_purpose_cannot_be_placed(
    person: object, client: TestClient, ingest_token: str, db: Database
) -> None:
    push(client, ingest_token, native_read("SJ-FX-002", minutes_ago=90, plate="7ABQ300"))
    investigator = person("investigator")  # type: ignore[operator]
    (read_id,) = _chosen_reads(submit(investigator, plate="7ABQ*").text)

    response = _place(
        investigator,
        [read_id],
        crime_type="8 U.S.C. 1326 reentry after removal",
        justification="ICE ERO asked us to keep the driver's trail for an immigration detainer.",
    )

    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "Nothing was held." in response.text  # type: ignore[attr-defined]
    assert "Nothing was searched" not in response.text  # type: ignore[attr-defined]
    (refused,) = entries(db, "legal_hold.placed")
    assert refused.outcome == "denied"
    assert investigator.get("/holds").text.count('id="hold-') == 0


def test_an_investigator_waits_for_a_lieutenant_and_a_hold_needs_chosen_reads(
    person: object, client: TestClient, ingest_token: str
) -> None:
    push(client, ingest_token, native_read("SJ-FX-002", minutes_ago=90, plate="7ABQ500"))
    investigator = person("investigator")  # type: ignore[operator]
    (read_id,) = _chosen_reads(submit(investigator, plate="7ABQ*").text)
    hold_id = _hold_id(_place(investigator, [read_id]))

    waiting = investigator.get(f"/holds/{hold_id}").text
    empty = investigator.get("/holds/new")

    assert "Waiting for a lieutenant's approval." in waiting
    assert empty.status_code == 200
    assert "No read was chosen" in empty.text
    assert 'action="/holds"' not in empty.text  # no form that would hold nothing


def test_the_api_places_and_a_lieutenant_decides(
    person: object, client: TestClient, ingest_token: str
) -> None:
    push(client, ingest_token, native_read("SJ-FX-002", minutes_ago=90, plate="7ABQ400"))
    investigator = person("investigator")  # type: ignore[operator]
    (read_id,) = _chosen_reads(submit(investigator, plate="7ABQ*").text)

    placed = investigator.post("/api/v1/holds", json={**HOLD_FORM, "read_ids": [read_id]})
    assert placed.status_code == 201, placed.text
    hold_id = placed.json()["id"]
    assert placed.json()["status"] == "pending"
    decided = person("lieutenant").post(  # type: ignore[operator]
        f"/api/v1/holds/{hold_id}/decision", json={"approve": True}
    )
    assert decided.json()["status"] == "active_investigation"
    charged = investigator.post(f"/api/v1/holds/{hold_id}/status", json={"status": "charged"})
    assert charged.json()["status"] == "charged"
    released = investigator.post(f"/api/v1/holds/{hold_id}/status", json={"status": "released"})
    assert released.json()["status"] == "released"
    assert investigator.get(f"/api/v1/holds/{hold_id}").json()["reads"] == []


def test_an_officer_sees_no_hold_controls_and_an_investigator_sees_them_on_a_read(
    person: object, client: TestClient, ingest_token: str
) -> None:
    push(client, ingest_token, native_read("SJ-FX-002", minutes_ago=90, plate="7ABQ500"))
    officer = person("officer")  # type: ignore[operator]
    investigator = person("investigator")  # type: ignore[operator]

    officer_results = submit(officer, plate="7ABQ*").text
    results = submit(investigator, plate="7ABQ*").text
    (link,) = re.findall(r'<a href="(/search/\d+/reads/[^"?]+)">Open</a>', results)
    read_page = investigator.get(link).text

    assert _chosen_reads(officer_results) == [] and "hold-form" not in officer_results
    assert len(_chosen_reads(results)) == 1
    assert f'href="/holds/new?read={link.rsplit("/", 1)[1]}"' in read_page

"""The results page (POST /search, GET /search/{id}?page=): the purpose and terms, the reads as
a table, on a map and on a timeline, stable paging, and the export button for those who hold
reads:export."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, push
from tests.search.page_steps import (
    NEAR_STORY_AND_KING,
    map_data,
    read_links,
    search_id_of,
    submit,
)


def _plates(page: str) -> list[str]:
    return re.findall(r'<td class="plate">([^<]+)</td>', page)


def test_a_search_shows_its_reads_as_a_table_on_a_map_and_on_a_timeline(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    push(
        client,
        ingest_token,
        native_read("SJ-FX-002", minutes_ago=60, plate="7ABQ101", vehicle_make="Honda"),
        native_read("SJ-FX-002", minutes_ago=60 * 30, plate="7ABQ102"),
        native_read("SJ-FX-002", minutes_ago=90, plate="8XYZ999"),  # another plate
        native_read("SJ-FX-009", minutes_ago=60, plate="7ABQ103"),  # Berryessa, 5 km away
    )
    sign_in(client, backend, "investigator")

    page = submit(client, plate="7ABQ*", **NEAR_STORY_AND_KING)

    assert page.status_code == 200, page.text
    text = page.text
    assert _plates(text) == ["7ABQ101", "7ABQ102"]  # newest first
    assert "2026-11-24 09:00:00 PST" in text  # shown in Pacific time (invariant 7)
    assert "Story Rd &amp; King Rd" in text and "Honda" in text
    assert "<strong>2</strong> reads found" in text
    # The summary says why and what: the purpose and the terms, as audited.
    assert "Investigation of a felony or misdemeanor" in text and "26-004512" in text
    assert "7ABQ* (partial)" in text and "within 500 m of 37.34670, -121.84070" in text
    data = map_data(text, "results-map")
    assert [(h["plate"], h["lat"], h["lon"]) for h in data["hits"]] == [
        ("7ABQ101", 37.3467, -121.8407),
        ("7ABQ102", 37.3467, -121.8407),
    ]
    assert data["area"] == {"center": [37.3467, -121.8407], "radius_m": 500.0}
    assert data["hits"][0]["href"] == read_links(text)[0]
    # A week is drawn per day: one bar for the 23rd (04:00 PST), one for the 24th.
    bars = re.findall(r'<rect class="bar"[^>]*data-count="(\d+)"><title>([^<]+)</title>', text)
    assert sorted(title for _, title in bars) == ["2026-11-23: 1 read", "2026-11-24: 1 read"]
    (run,) = entries(db, "search.run")
    assert run.details == {"search_id": search_id_of(text), "page": 1}


def test_results_page_through_in_a_stable_order(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    reads = [native_read("SJ-FX-002", minutes_ago=10 + n, plate=f"7ABQ{n:03d}") for n in range(60)]
    push(client, ingest_token, *reads)
    sign_in(client, backend, "investigator")

    first = submit(client, plate="7ABQ*")
    search_id = search_id_of(first.text)
    second = client.get(f"/search/{search_id}?page=2")
    again = client.get(f"/search/{search_id}?page=1")

    assert second.status_code == 200, second.text
    assert (
        "page 1 of 2" in first.text
        and f'href="/search/{search_id}?page=2" rel="next"' in first.text
    )
    assert f'href="/search/{search_id}?page=1" rel="prev"' in second.text
    assert 'rel="next"' not in second.text
    assert _plates(first.text) == [f"7ABQ{n:03d}" for n in range(50)]
    assert _plates(second.text) == [f"7ABQ{n:03d}" for n in range(50, 60)]
    assert _plates(again.text) == _plates(first.text)
    assert [e.details["page"] for e in entries(db, "search.run")] == [1, 2, 1]
    assert client.get(f"/search/{search_id}?page=3").status_code == 422


def test_a_search_without_matches_says_so(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")

    page = submit(client, plate="9ZZZ999")

    assert page.status_code == 200
    assert 'id="no-reads"' in page.text
    assert 'id="results-map"' not in page.text and 'id="export"' not in page.text


def test_only_holders_of_reads_export_are_offered_the_export(
    client: TestClient, other_browser: TestClient, backend: Backend, ingest_token: str
) -> None:
    push(client, ingest_token, native_read("SJ-FX-002", minutes_ago=60, plate="7ABQ101"))
    sign_in(client, backend, "officer")
    sign_in(other_browser, backend, "investigator")

    officers = submit(client, plate="7ABQ*")
    investigators = submit(other_browser, plate="7ABQ*")

    assert officers.status_code == investigators.status_code == 200
    assert 'id="export"' not in officers.text  # officers search but do not export (reads:export)
    officer_search = search_id_of(officers.text)
    assert client.get(f"/search/{officer_search}/export.csv").status_code == 403
    search_id = search_id_of(investigators.text)
    assert f'id="export" href="/search/{search_id}/export.csv"' in investigators.text
    export = other_browser.get(f"/search/{search_id}/export.csv")
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert f'filename="plateward-search-{search_id}.csv"' in export.headers["content-disposition"]
    assert "NOT FOR REDISTRIBUTION" in export.text.splitlines()[0]
    assert "7ABQ101" in export.text


def test_someone_elses_search_is_not_shown(
    client: TestClient, other_browser: TestClient, backend: Backend, ingest_token: str
) -> None:
    push(client, ingest_token, native_read("SJ-FX-002", minutes_ago=60, plate="7ABQ101"))
    sign_in(client, backend, "investigator")
    sign_in(other_browser, backend, "lieutenant")
    results = submit(client, plate="7ABQ*").text
    (link,) = read_links(results)

    assert client.get(link).status_code == 200
    assert other_browser.get(f"/search/{search_id_of(results)}").status_code == 404
    assert other_browser.get(link).status_code == 404
    assert other_browser.get(f"{link}/image").status_code == 404

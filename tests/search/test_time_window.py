"""The time window: required, start before end, bounded (search_max_window_days), within
retention, its end clamped to now (DUP §2: one case, not a sweep; invariant 4: retention)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.conftest import NOW, Backend, native_read, sign_in
from tests.search.conftest import PURPOSE, plates, push, search


def test_a_search_without_a_window_is_refused(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")

    response = client.post("/api/v1/searches", json={**PURPOSE, "plate": "7ABC123"})

    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["problems"]}
    assert {"body.start", "body.end"} <= fields


def test_a_window_without_a_time_zone_is_refused(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, start="2026-11-20T08:00:00", plate="7ABC123")

    assert response.status_code == 422


def test_the_start_must_come_before_the_end(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, start=NOW.isoformat(), end=(NOW - timedelta(days=1)).isoformat())

    assert response.status_code == 422
    assert "start must come before its end" in response.json()["detail"]


def test_a_window_longer_than_the_setting_allows_is_refused(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, start=(NOW - timedelta(days=91)).isoformat(), plate="7ABC123")

    assert response.status_code == 422
    assert "limited to 90 days" in response.json()["detail"]


def test_a_window_entirely_before_retention_is_refused_with_the_cutoff(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "investigator")

    response = search(
        client,
        start=(NOW - timedelta(days=45)).isoformat(),
        end=(NOW - timedelta(days=31)).isoformat(),
    )

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "retention cutoff" in detail
    assert "kept 30 days" in detail


def test_a_window_reaching_into_retention_shows_only_the_retained_reads(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    push(client, ingest_token, native_read(plate="7OLD001", minutes_ago=60 * 24 * 29))
    client.app.state.database.clock.advance(timedelta(days=2))  # type: ignore[attr-defined]
    sign_in(client, backend, "investigator")

    response = search(client, start=(NOW - timedelta(days=40)).isoformat(), plate="7OLD001")

    # Invariant 4 — the read expired a day ago: invisible, though the window reaches back.
    assert plates(response) == []


def test_the_end_is_clamped_to_now(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")
    now = client.app.state.database.clock.now()  # type: ignore[attr-defined]

    response = search(client, end=(NOW + timedelta(days=3)).isoformat(), plate="7ABC123")

    assert response.status_code == 200, response.text
    assert response.json()["query"]["end"] == now.isoformat()


def test_reads_outside_the_window_are_not_found(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    push(
        client,
        ingest_token,
        native_read(plate="7WIN001", minutes_ago=60),
        native_read(plate="7WIN001", minutes_ago=60 * 24 * 9),
    )
    sign_in(client, backend, "investigator")

    assert len(plates(search(client, plate="7WIN001"))) == 1
    start = (NOW - timedelta(days=10)).isoformat()
    assert len(plates(search(client, plate="7WIN001", start=start))) == 2

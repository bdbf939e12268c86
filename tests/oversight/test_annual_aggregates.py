"""DUP §14.3.a-b, §7, §8 — the annual report's reads and hits by location come from the daily
aggregates once a day's reads are purged, so the report (HTML and CSV) shows the same figures
after the purge; the DPO downloads the aggregate data by location (CSV, JSON) without plates."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

from fastapi.testclient import TestClient

from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.retention import purge
from tests.conftest import Backend, native_read, sign_in
from tests.hotlists.conftest import People, alerts_of, ingest, listed, people, read_of
from tests.search.conftest import entries

__all__ = ["people"]  # the fixture, shared with the hot-list tests

OPERATOR = Actor.system("tests")
DAY = 24 * 60


def _activity(people: People, client: TestClient, token: str) -> None:
    """Reads over three days on two cameras, and a hot-list hit on the last day."""
    listed(people)
    ingest(
        client,
        token,
        *(
            native_read(camera="SJ-FX-001", plate=f"6AB{n:03d}", minutes_ago=2 * DAY)
            for n in range(3)
        ),
        *(native_read(camera="SJ-FX-002", plate=f"6CD{n:03d}", minutes_ago=DAY) for n in range(2)),
        native_read(camera="SJ-FX-002", plate="6EF001", minutes_ago=2 * DAY),
    )
    ingest(client, token, read_of("7STL123", camera="SJ-FX-001"))
    assert alerts_of(people("officer"))  # the read hit the list


def _locations(sheet: str) -> dict[str, tuple[int, int]]:
    rows = [r for r in csv.reader(io.StringIO(sheet)) if r and r[0] == "location"]
    return {r[1]: (int(r[6]), int(r[7])) for r in rows}


def _html_rows(page: str) -> list[str]:
    """The report page's location table rows (camera, place, latitude, longitude, reads, hits)."""
    return re.findall(r"<tr><td>SJ-FX-00\d</td>.*?</tr>", page)


def _purge_after(clock: FrozenClock, db: Database, days: int) -> purge.PurgeReport:
    clock.advance(timedelta(days=days))
    with db.unit_of_work() as uow:
        purge.compute_aggregates(uow, OPERATOR)  # the nightly job
    with db.unit_of_work() as uow:
        return purge.purge(uow, OPERATOR)


def test_the_report_shows_the_same_reads_and_hits_by_location_after_the_purge(
    people: People,
    client: TestClient,
    backend: Backend,
    db: Database,
    clock: FrozenClock,
    ingest_token: str,
) -> None:
    _activity(people, client, ingest_token)
    sign_in(client, backend, "dpo")
    before_csv = client.get("/reports/2026/report.csv").text
    before_html = _html_rows(client.get("/reports/2026/report.html").text)
    assert _locations(before_csv) == {"SJ-FX-001": (4, 1), "SJ-FX-002": (3, 0)}

    # A month on (still 2026): every day of those reads is past retention and purged.
    report = _purge_after(clock, db, 32)
    assert report.reads == 7 and report.hits == 1

    client.cookies.clear()
    sign_in(client, backend, "dpo")
    after_csv = client.get("/reports/2026/report.csv").text
    after_html = _html_rows(client.get("/reports/2026/report.html").text)
    assert _locations(after_csv) == _locations(before_csv)
    assert after_html == before_html and len(after_html) == 2
    fields = {r[1]: r[2] for r in csv.reader(io.StringIO(after_csv)) if r and r[0] == "report"}
    assert (fields["reads"], fields["hits"]) == ("7", "1")
    assert "3 day(s) whose reads were purged from their daily aggregates" in fields["reads_source"]
    page = client.get("/reports?year=2026").text
    assert _html_rows(page) == before_html  # the DPO's page draws the same table


def test_a_day_is_counted_from_its_reads_until_it_is_purged_and_never_twice(
    people: People,
    client: TestClient,
    backend: Backend,
    db: Database,
    clock: FrozenClock,
    ingest_token: str,
) -> None:
    _activity(people, client, ingest_token)
    # The aggregates job has counted the days, but nothing is purged: the reads still answer.
    with db.unit_of_work() as uow:
        purge.compute_aggregates(uow, OPERATOR)
    # 29 days on: the oldest day (two days before) is purged, the later two are still kept.
    report = _purge_after(clock, db, 29)
    assert report.reads == 4  # the oldest day; the later days stay

    sign_in(client, backend, "dpo")
    sheet = client.get("/reports/2026/report.csv").text

    assert _locations(sheet) == {"SJ-FX-001": (4, 1), "SJ-FX-002": (3, 0)}
    days = json.loads(client.get("/reports/2026/locations.json").text)
    assert {d["source"] for d in days} == {"aggregate", "reads"}
    assert sum(d["reads"] for d in days) == 7


def test_the_dpo_downloads_reads_and_hits_by_location_and_day_without_plates(
    people: People,
    client: TestClient,
    backend: Backend,
    db: Database,
    clock: FrozenClock,
    ingest_token: str,
) -> None:
    _activity(people, client, ingest_token)
    _purge_after(clock, db, 32)
    sign_in(client, backend, "dpo")
    page = client.get("/reports?year=2026").text
    assert 'href="/reports/2026/locations.csv"' in page
    assert 'href="/reports/2026/locations.json"' in page

    as_csv = client.get("/reports/2026/locations.csv")
    as_json = client.get("/reports/2026/locations.json")

    assert as_csv.status_code == as_json.status_code == 200
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert list(rows[0]) == ["day", "camera", "latitude", "longitude", "reads", "hits", "source"]
    assert all(r["latitude"] and r["longitude"] for r in rows)
    by_camera: dict[str, list[int]] = {}
    for r in rows:
        total = by_camera.setdefault(r["camera"], [0, 0])
        total[0] += int(r["reads"])
        total[1] += int(r["hits"])
    assert by_camera == {"SJ-FX-001": [4, 1], "SJ-FX-002": [3, 0]}
    assert {r["source"] for r in rows} == {"aggregate"}
    objects = json.loads(as_json.text)
    assert len(objects) == len(rows)
    for body in (as_csv.text, as_json.text):
        assert "plate" not in body.lower()  # no plate column, no plate value
        assert "7STL123" not in body and "6AB000" not in body
    assert {e.result_count for e in entries(db, "reads.aggregates_viewed")} == {len(rows)}
    assert client.get("/reports/2026/locations.xml").status_code == 404


def test_only_the_dpo_reaches_the_aggregate_data(
    client: TestClient, backend: Backend, db: Database
) -> None:
    for persona in ("auditor", "investigator", "admin"):
        client.cookies.clear()
        sign_in(client, backend, persona)
        assert client.get("/reports/2026/locations.json").status_code == 403, persona
        assert client.get("/reports/2026/reads.json").status_code == 403, persona
    assert entries(db, "access.refused")

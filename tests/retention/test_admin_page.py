"""The administrator's retention page: the period (within the protocol's bounds, every change
audited with before and after), its history, the purge's next run and last results, the holds,
and storage by capture day as a chart."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.retention import purge
from tests.conftest import Backend, csrf_from, sign_in
from tests.retention.conftest import held, ingest, read_row
from tests.search.conftest import entries


def _change(admin: TestClient, days: str, reason: str) -> object:
    page = admin.get("/admin/retention")
    data = {"csrf_token": csrf_from(page.text), "days": days, "reason": reason}
    return admin.post("/admin/retention", data=data, follow_redirects=False)


def test_an_administrator_shortens_the_period_and_the_change_is_audited(
    client: TestClient, backend: Backend, db: Database
) -> None:
    admin = sign_in(client, backend, "admin")

    response = _change(admin, "14", "Minimization review: two weeks meet every open case")

    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/admin/retention?saved=1"  # type: ignore[attr-defined]
    page = admin.get("/admin/retention?saved=1").text
    assert "Saved: reads are now kept 14 days" in page
    assert '<strong id="retention-days">14 days</strong>' in page
    assert "Minimization review" in page
    (entry,) = entries(db, "retention.changed")
    assert entry.details == {"before_days": 30, "after_days": 14}
    assert entry.reason == "Minimization review: two weeks meet every open case"
    assert admin.get("/api/v1/retention").json()["days"] == 14


def test_a_period_beyond_the_protocol_is_refused(
    client: TestClient, backend: Backend, db: Database
) -> None:
    admin = sign_in(client, backend, "admin")

    longer = _change(admin, "365", "Keep reads a year like the 2022 protocol did")
    unexplained = _change(admin, "10", "")

    assert longer.status_code == 422  # type: ignore[attr-defined]
    assert "between 1 and 30 days" in longer.text  # type: ignore[attr-defined]
    assert unexplained.status_code == 422  # type: ignore[attr-defined]
    assert entries(db, "retention.changed") == []
    put = admin.put("/api/v1/retention", json={"days": 31, "reason": "one more day please"})
    assert put.status_code == 422


def test_a_refused_change_says_why_and_keeps_what_was_typed(
    client: TestClient, backend: Backend, db: Database
) -> None:
    admin = sign_in(client, backend, "admin")

    negative = _change(admin, "-5", "Shorter, for the minimization review")
    words = _change(admin, "ten", "Shorter, for the minimization review")

    assert negative.status_code == 422  # type: ignore[attr-defined]
    assert "The retention period must be between 1 and 30 days" in negative.text  # type: ignore[attr-defined]
    assert 'value="-5"' in negative.text  # type: ignore[attr-defined]
    assert 'value="Shorter, for the minimization review"' in negative.text  # type: ignore[attr-defined]
    assert "whole number of days" in words.text  # type: ignore[attr-defined]
    assert entries(db, "retention.changed") == []


def test_the_page_shows_the_last_purge_the_holds_and_storage_by_day(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    ids = ingest(db, *(read_row(n, hours_ago=30) for n in range(3)))
    ingest(db, read_row(9, hours_ago=2))
    held(db, ids[:1])
    clock.advance(timedelta(days=30, hours=4))  # the day of 30 hours ago is past; today is not
    with db.unit_of_work() as uow:
        purge.purge(uow, Actor.system("tests"))
    admin = sign_in(client, backend, "admin")

    page = admin.get("/admin/retention").text

    assert "3 read(s)" in page.split('id="last-purge"')[1].split("</p>")[0]
    assert "26-004211" in page and "Active investigation" in page
    assert '<svg id="storage-chart"' in page
    assert 'id="storage-chart-top">3 reads a day' in page  # the scale: the busiest day's count
    assert "7RT" not in page  # no plate on the administrator's page

"""Administrators see how each background job last ran; a failure shows its error, not data."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from plateward.core.database import Database, UnitOfWork
from plateward.core.jobs import Job, Runner
from plateward.core.permissions import Actor
from tests.conftest import Backend, sign_in

PLATE = "7ABC123"


def _fails(_uow: UnitOfWork, _actor: Actor) -> None:
    raise RuntimeError(f"plate {PLATE} is unreadable")


def test_an_administrator_sees_each_jobs_outcome_and_error(
    client: TestClient, backend: Backend, db: Database
) -> None:
    Runner(
        db,
        [
            Job("tidy", timedelta(minutes=15), lambda _uow, _actor: "tidied 3 things"),
            Job("broken", timedelta(hours=1), _fails),
        ],
    ).run_due()
    sign_in(client, backend, "admin")

    page = client.get("/admin/jobs")

    assert page.status_code == 200, page.text
    assert 'href="/admin/jobs"' in page.text  # reachable from the header
    tidy = page.text.split('id="job-tidy"')[1].split("</tr>")[0]
    assert "15 min" in tidy
    assert "tidied 3 things" in tidy
    broken = page.text.split('id="job-broken"')[1].split("</tr>")[0]
    assert "failed" in broken
    assert "RuntimeError in " in broken
    assert PLATE not in page.text


def test_an_officer_cannot_see_the_jobs(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "officer")
    page = client.get("/admin/jobs")
    assert page.status_code == 403
    assert "jobs:view" in page.text

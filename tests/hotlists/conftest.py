"""What the hot-list tests share: people signed in on their own clients, and the HTTP steps of
proposing, approving, ingesting and reading alerts."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from plateward.accounts import service as accounts
from plateward.accounts.models import User
from plateward.core.database import Database
from plateward.core.permissions import Actor
from tests.conftest import Backend, csrf_from, native_read, sign_in

# DUP §4.8 — everything an entry must carry; the entering member comes from the account.
STOLEN_CAR = {
    "plate": "7STL123",
    "plate_state": "CA",
    "vehicle_description": "silver 2014 Honda Civic",
    "reason": "stolen_vehicle",
    "crime_type": "10851 VC",
    "case_numbers": "26-004211",
    "synopsis": "Vehicle taken from a driveway on Curtner Ave overnight; 10851 VC.",
    "priority": "high",
    "expires_on": "",
}

People = Callable[[str], TestClient]


@pytest.fixture
def people(client: TestClient, backend: Backend) -> Iterator[People]:
    """``people("officer")``: a client of the same app with that persona signed in."""
    with ExitStack() as stack:

        def signed_in(username: str) -> TestClient:
            other = stack.enter_context(TestClient(client.app))
            return sign_in(other, backend, username)

        yield signed_in


def propose(person: TestClient, **changes: str) -> Response:
    page = person.get("/hotlists")
    form = {**STOLEN_CAR, **changes, "csrf_token": csrf_from(page.text)}
    return person.post("/hotlists", data=form, follow_redirects=False)


def proposed_id(response: Response) -> int:
    assert response.status_code == 303, response.text
    match = re.search(r"proposed=(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def decide(
    lieutenant: TestClient, entry_id: int, verdict: str = "approve", **form: str
) -> Response:
    page = lieutenant.get("/hotlists/queue")
    data = {"csrf_token": csrf_from(page.text), **form}
    return lieutenant.post(f"/hotlists/{entry_id}/{verdict}", data=data, follow_redirects=False)


def post_form(person: TestClient, page: str, path: str, **form: str) -> Response:
    """Post a form as the page at ``page`` would, with its session's CSRF token."""
    token = csrf_from(person.get(page).text)
    return person.post(path, data={"csrf_token": token, **form}, follow_redirects=False)


def listed(people: People, **changes: str) -> int:
    """An entry proposed by the investigator and approved by the lieutenant: it alerts."""
    entry_id = proposed_id(propose(people("investigator"), **changes))
    assert decide(people("lieutenant"), entry_id).status_code == 303
    return entry_id


def ingest(client: TestClient, token: str, *reads: dict[str, object]) -> Response:
    response = client.post(
        "/api/v1/reads",
        json={"reads": list(reads)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (200, 201, 207), response.text
    return response


def alerts_of(person: TestClient) -> list[dict[str, object]]:
    response = person.get("/api/v1/alerts")
    assert response.status_code == 200, response.text
    alerts: list[dict[str, object]] = response.json()
    return alerts


def raised_alert(people: People, ingest_token: str, **entry: str) -> tuple[TestClient, int]:
    """An approved entry, a read of its plate ingested: the officer and the alert's id."""
    listed(people, **entry)
    officer = people("officer")
    ingest(officer, ingest_token, read_of("7STL123"))
    [alert] = alerts_of(officer)
    return officer, int(str(alert["id"]))


def work_step(
    officer: TestClient, alert_id: int, step: str, value: str, note: str = ""
) -> Response:
    """Record one step of an alert from its page, as the officer does."""
    page = officer.get(f"/alerts/{alert_id}")
    return officer.post(
        f"/alerts/{alert_id}/steps",
        data={"csrf_token": csrf_from(page.text), "step": step, "value": value, "note": note},
        follow_redirects=False,
    )


def read_of(plate: str = "7STL123", state: str | None = "CA", **extra: object) -> dict[str, object]:
    row = native_read(plate=plate, **extra)
    if state is None:
        row.pop("plate_state")
    else:
        row["plate_state"] = state
    return row


def persona(db: Database, username: str) -> Actor:
    """A persona as services see it once signed in and past the restrictions."""
    with db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        assert user is not None
        return replace(accounts.actor_for(uow, user), acknowledged=True)

"""The administrator's reads page: the newest reads inside retention, and the quarantine."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from httpx2 import Response
from markupsafe import escape
from sqlalchemy import select

from plateward.core.audit import AuditEntry
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.permissions import Actor, Role
from plateward.reads import service as reads
from plateward.reads.models import Read
from tests.conftest import (
    PASSWORD,
    Backend,
    accept_statement,
    csrf_from,
    native_read,
    sign_in,
    totp_code,
)

_PLATE_CELL = re.compile(r'<td class="plate">([^<]*)</td>')


def _push(client: TestClient, token: str, rows: list[object]) -> Response:
    response = client.post(
        "/api/v1/reads", json={"reads": rows}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return response


def _plates_shown(html: str) -> list[str]:
    return _PLATE_CELL.findall(html)


def _admin_actor() -> Actor:
    return Actor(
        kind="person", id=None, username="admin", name="Test Admin", role=Role.ADMINISTRATOR
    )


def test_an_administrator_sees_the_latest_reads_and_the_quarantine(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    report = _push(
        client,
        ingest_token,
        [
            native_read(plate="7MNT001", minutes_ago=3),
            native_read(plate="7MNT002", minutes_ago=2),
            native_read(camera="NO-SUCH-CAM", plate="7BAD001"),
        ],
    ).json()
    assert report["stored"] == 2
    (rejected,) = report["rejected"]
    assert "NO-SUCH-CAM" in rejected["reason"]

    sign_in(client, backend, "admin")
    page = client.get("/reads")

    assert page.status_code == 200
    assert _plates_shown(page.text) == ["7MNT002", "7MNT001"]  # newest first
    assert str(escape(rejected["reason"])) in page.text
    assert "7BAD001" not in _plates_shown(page.text)


def _assert_reads_page_refused(
    client: TestClient, backend: Backend, ingest_token: str, username: str, plate: str
) -> None:
    """``username`` is refused the reads page and its fragment, and sees no stored plate."""
    _push(client, ingest_token, [native_read(plate=plate)])
    sign_in(client, backend, username)

    page = client.get("/reads", follow_redirects=False)

    assert page.status_code == 403
    assert plate not in page.text
    assert client.get("/reads/latest", follow_redirects=False).status_code == 403


def test_an_officer_cannot_open_the_reads_page(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    _assert_reads_page_refused(client, backend, ingest_token, "officer", "7FFC001")


def test_an_auditor_cannot_open_the_reads_page(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    # DUP §9 — the audit unit reads audit trails; it cannot see or search reads.
    _assert_reads_page_refused(client, backend, ingest_token, "auditor", "7AUD001")


def test_a_visitor_is_sent_to_sign_in(client: TestClient) -> None:
    page = client.get("/reads", follow_redirects=False)

    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/reads"


def test_expired_reads_are_invisible_on_the_reads_page(
    client: TestClient, backend: Backend, ingest_token: str, db: Database, clock: FrozenClock
) -> None:
    _push(client, ingest_token, [native_read(plate="7EXP001", minutes_ago=10)])
    clock.advance(timedelta(days=31))
    # Sign in at the new time: the code and the session both follow the clock.
    login = client.get("/login")
    signed = client.post(
        "/login",
        data={
            "username": "admin",
            "password": PASSWORD,
            "code": totp_code(backend, "admin", clock.now()),
            "csrf_token": csrf_from(login.text),
            "next": "/reads",
        },
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text
    accept_statement(client)

    page = client.get("/reads")

    assert page.status_code == 200
    assert "7EXP001" not in page.text
    assert _plates_shown(page.text) == []
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(Read.id).where(Read.plate == "7EXP001")) is not None
        assert reads.latest_reads(uow, _admin_actor()) == []


def test_viewing_the_latest_reads_is_audited_with_the_ids_shown(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    _push(
        client,
        ingest_token,
        [native_read(plate=f"7AUD{n:03}", minutes_ago=n) for n in range(1, 4)],
    )
    sign_in(client, backend, "admin")

    page = client.get("/reads")

    shown = _plates_shown(page.text)
    assert len(shown) == 3
    with db.unit_of_work() as uow:
        ids_by_plate = {
            plate: str(read_id)
            for plate, read_id in uow.session.execute(select(Read.plate, Read.id)).all()
        }
        entries = uow.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "reads.monitored")
            .order_by(AuditEntry.seq)
        ).all()
    assert len(entries) == 1
    (entry,) = entries
    assert entry.actor_username == "admin"
    assert entry.actor_kind == "person"
    assert entry.outcome == "allowed"
    assert entry.result_count == len(shown)
    assert entry.result_ids == [ids_by_plate[p] for p in shown]


def test_the_refresh_fragment_lists_reads(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    sign_in(client, backend, "admin")
    before = client.get("/reads/latest")
    assert before.status_code == 200
    assert _plates_shown(before.text) == []

    _push(client, ingest_token, [native_read(plate="7FRG001")])
    fragment = client.get("/reads/latest", headers={"HX-Request": "true"})

    assert fragment.status_code == 200
    assert _plates_shown(fragment.text) == ["7FRG001"]
    assert "<html" not in fragment.text  # a fragment to swap in, not a whole page
    assert "<table" in fragment.text

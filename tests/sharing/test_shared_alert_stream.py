"""An outside detective's open alert stream (DUP §10) against a real server: it delivers the
alerts of the hot list shared with their agency, and closes at the next alert once the agreement
is suspended — the agreement is asked again at each look, not when the stream opened."""

from __future__ import annotations

from datetime import timedelta

import pyotp

from plateward.accounts import service as accounts
from plateward.core.permissions import Actor
from plateward.sharing import agreements
from tests.conftest import PASSWORD, accept_statement, post_login
from tests.hotlists.conftest import decide, propose, proposed_id, read_of
from tests.hotlists.test_alert_stream import Live, _events, live  # noqa: F401 — the fixture
from tests.sharing.conftest import SANTA_CLARA


def _santa_clara_detective(live: Live) -> tuple[str, int]:  # noqa: F811
    """The detective (trained, MFA enrolled) and the agency's agreement (search and alerts)."""
    operator = Actor.system("tests")
    today = live.clock.now().date()
    with live.db.unit_of_work() as uow:
        spec = accounts.PersonSpec(
            "santaclara", "Test Detective", "external_agency", "Investigations", SANTA_CLARA,
            PASSWORD, "77",
        )  # fmt: skip
        person = accounts.create_person(uow, operator, spec, pre_enrolled=True)
        assert isinstance(person, accounts.NewPerson)
        accounts.record_training(uow, operator, person.id, "ALPR", today, today + timedelta(365))
        uow.commit()
    with live.db.unit_of_work() as uow:
        agreement = agreements.create_agreement(
            uow,
            operator,
            ori=SANTA_CLARA,
            reference="SJ-SHARE-2026-021",
            effective_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=300),
            scopes=["search", "alerts"],
        )
    return person.totp_secret or "", agreement.id


def test_an_open_outside_stream_closes_when_the_agreement_is_suspended(live: Live) -> None:  # noqa: F811
    secret, agreement_id = _santa_clara_detective(live)
    entry_id = proposed_id(propose(live.person("investigator")))  # type: ignore[arg-type]
    lieutenant = live.person("lieutenant")
    assert decide(lieutenant, entry_id).status_code == 303  # type: ignore[arg-type]
    shared = lieutenant.post(
        "/api/v1/sharing/subscriptions", json={"ori": SANTA_CLARA, "list_name": "department"}
    )
    assert shared.status_code == 200, shared.text
    detective = live.client()
    live.clock.advance(timedelta(seconds=30))
    code = pyotp.TOTP(secret).at(live.clock.now())
    assert post_login(detective, "santaclara", code=code).status_code == 303  # type: ignore[arg-type]
    accept_statement(detective)  # type: ignore[arg-type]
    camera = live.client()
    token = {"Authorization": f"Bearer {live.backend.ingest_token}"}

    with detective.stream("GET", "/alerts/stream?seconds=60") as response:
        assert response.status_code == 200
        events = _events(response)
        assert next(events)["event"] == "ready"
        first = camera.post("/api/v1/reads", json={"reads": [read_of("7STL123")]}, headers=token)
        assert first.status_code == 200, first.text
        delivered = next(e for e in events if e.get("event") in ("alert", "closed"))
        with live.db.unit_of_work() as uow:
            agreements.change_status(
                uow, Actor.system("tests"), agreement_id, "suspended", "Audit finding."
            )
        later = read_of("7STL123", minutes_ago=2)  # another read of the plate: a new hit
        second = camera.post("/api/v1/reads", json={"reads": [later]}, headers=token)
        assert second.status_code == 200, second.text
        after = next(e for e in events if e.get("event") in ("alert", "closed"))

    assert delivered["event"] == "alert" and "7STL123" in delivered["data"]
    assert after["event"] == "closed"

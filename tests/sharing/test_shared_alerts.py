"""Alerts on shared hot lists (DUP §10, issue 16): a lieutenant shares a hot list San José keeps
with an agency whose agreement in force includes alerts; that agency's people receive the alerts
of that list only — never the department's other alerts — may acknowledge them and nothing more;
every alert delivered is audited; suspending the agreement or ending the share stops them at once;
the daily conformance job flags a share whose agreement is no longer in force."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from plateward.core.database import Database
from plateward.core.errors import PermissionDenied
from plateward.core.permissions import Actor
from plateward.hotlists import alerts, feeds
from plateward.hotlists.adapters import SIMULATED, SimulatedFeed
from plateward.hotlists.feed_rules import FeedRecord
from plateward.sharing import agreements, conformance, subscriptions
from plateward.sharing import service as agencies
from tests.conftest import csrf_from
from tests.hotlists.conftest import People, ingest, listed, persona, read_of
from tests.search.conftest import entries
from tests.sharing.conftest import ICE, SANTA_CLARA, SUNNYVALE, TODAY, sign_in_outside

FEED_PLATE = "5SVS001"  # on the DOJ-style SVS feed: the department's, never shared
DEPT_PLATE = "7STL123"  # on the department's own list (tests.hotlists.conftest.STOLEN_CAR)


def alerts_agreement(db: Database, ori: str = SANTA_CLARA, scopes: list[str] | None = None) -> int:
    with db.unit_of_work() as uow:
        view = agreements.create_agreement(
            uow,
            Actor.system("tests"),
            ori=ori,
            reference="SJ-SHARE-2026-021 (signed 2026-02-02)",
            effective_on=TODAY - timedelta(days=30),
            expires_on=TODAY + timedelta(days=300),
            scopes=scopes or ["search", "alerts"],
        )
    return view.id


def _feed_list(db: Database) -> None:
    """An external list (SVS) with one plate: the department's alerts, not San José's to share."""
    location = f"test-{uuid.uuid4()}"
    feed = SIMULATED[location] = SimulatedFeed("SVS")
    feed.put(FeedRecord(f"K-{FEED_PLATE}", FEED_PLATE, "CA", "V", "SVS", "Stolen vehicle", None))
    spec = feeds.FeedSpec("SVS", "simulated", location, "stolen_vehicle", "V")
    with db.unit_of_work() as uow:
        feeds.subscribe_feed(uow, persona(db, "admin"), spec)
    with db.unit_of_work() as uow:
        feeds.sync_feeds(uow)


def share(lieutenant: TestClient, ori: str = SANTA_CLARA, list_name: str = "department") -> Any:
    return lieutenant.post(
        "/api/v1/sharing/subscriptions", json={"ori": ori, "list_name": list_name}
    )


def _both_alerts(people: People, db: Database, ingest_token: str) -> TestClient:
    listed(people)  # the department's list: 7STL123
    _feed_list(db)
    officer = people("officer")
    ingest(officer, ingest_token, read_of(DEPT_PLATE), read_of(FEED_PLATE))
    return officer


def test_an_outside_detective_receives_only_the_alerts_of_the_hot_list_shared_with_them(
    client: TestClient,
    people: People,
    db: Database,
    ingest_token: str,
    outside: dict[str, str],
) -> None:
    alerts_agreement(db)
    lieutenant = people("lieutenant")
    shared = share(lieutenant)
    assert shared.status_code == 200, shared.text
    assert shared.json()["in_force"] is True
    assert "shared with outside California agencies, live now: 1." in client.get(
        "/transparency"
    ).text.replace("\n", " ")
    officer = _both_alerts(people, db, ingest_token)
    sign_in_outside(client, db, outside, "santaclara")

    staff = officer.get("/api/v1/alerts").json()
    received = client.get("/api/v1/alerts")

    assert sorted(a["plate"] for a in staff) == sorted([DEPT_PLATE, FEED_PLATE])
    assert received.status_code == 200, received.text
    [alert] = received.json()
    assert alert["plate"] == DEPT_PLATE and alert["list"] == "department"
    assert alert["mark"] == "SJPD data — no redistribution"
    assert all(a["mark"] is None for a in staff)
    feed_alert = next(a for a in staff if a["plate"] == FEED_PLATE)
    assert client.get(f"/alerts/{feed_alert['id']}").status_code == 404
    page = client.get("/alerts")
    assert page.status_code == 200 and DEPT_PLATE in page.text and FEED_PLATE not in page.text
    assert 'id="data-mark"' in page.text and 'id="data-mark"' not in officer.get("/alerts").text
    created = entries(db, "sharing.subscription_created")[-1]
    assert created.actor_username == "lieutenant"
    assert created.details["before"] is None
    assert created.details["after"]["list_name"] == "department"
    delivered = [e for e in entries(db, "alert.viewed") if e.actor_username == "santaclara"]
    assert delivered
    assert all(e.actor_agency == "Santa Clara County Sheriff's Office" for e in delivered)
    assert all(e.result_count == 1 for e in delivered)


def test_an_outside_detective_may_acknowledge_a_shared_alert_but_never_work_its_steps(
    client: TestClient,
    people: People,
    db: Database,
    ingest_token: str,
    outside: dict[str, str],
) -> None:
    alerts_agreement(db)
    assert share(people("lieutenant")).status_code == 200
    _both_alerts(people, db, ingest_token)
    sign_in_outside(client, db, outside, "santaclara")
    [alert] = client.get("/api/v1/alerts").json()

    page = client.get(f"/alerts/{alert['id']}")
    token = csrf_from(page.text)
    step = client.post(
        f"/alerts/{alert['id']}/steps",
        data={"csrf_token": token, "step": "visual", "value": "plate_matches"},
        follow_redirects=False,
    )
    acknowledged = client.post(
        f"/alerts/{alert['id']}/acknowledge", data={"csrf_token": token}, follow_redirects=False
    )

    assert "no redistribution" in page.text and 'id="acknowledge"' in page.text
    assert 'id="step-visual"' not in page.text
    assert step.status_code == 403
    assert acknowledged.status_code == 303
    assert 'id="acknowledged"' in client.get(f"/alerts/{alert['id']}").text
    again = client.post(f"/api/v1/alerts/{alert['id']}/acknowledge")
    assert again.status_code == 200 and again.json()["acknowledged_at"]
    assert len(entries(db, "alert.acknowledged")) == 1
    refused = entries(db, "access.refused")[-1]
    assert refused.actor_username == "santaclara" and "disposition" in (refused.reason or "")


@pytest.mark.parametrize(
    ("ori", "scopes"),
    [
        (SANTA_CLARA, ["search"]),  # an agreement in force, without alerts
        (SUNNYVALE, None),  # no agreement
        (ICE, None),  # federal: never eligible
    ],
)
def test_a_hot_list_is_shared_only_with_an_eligible_agency_whose_agreement_includes_alerts(
    people: People, db: Database, outside: dict[str, str], ori: str, scopes: list[str] | None
) -> None:
    if scopes is not None:
        alerts_agreement(db, ori, scopes)

    refused = share(people("lieutenant"), ori)

    assert refused.status_code == 403, refused.text
    assert not entries(db, "sharing.subscription_created")
    assert entries(db, "access.refused")[-1].details["resource"] == f"agency:{ori}"


def test_a_list_san_jose_does_not_keep_is_never_shared_and_officers_cannot_share(
    people: People, db: Database, outside: dict[str, str]
) -> None:
    alerts_agreement(db)
    _feed_list(db)

    feed = share(people("lieutenant"), list_name="SVS")
    by_officer = share(people("officer"))

    assert feed.status_code == 403 and "transitive" in feed.text
    assert by_officer.status_code == 403


def test_suspending_the_agreement_or_ending_the_share_stops_the_alerts_at_once(
    client: TestClient,
    people: People,
    db: Database,
    ingest_token: str,
    outside: dict[str, str],
) -> None:
    agreement_id = alerts_agreement(db)
    lieutenant = people("lieutenant")
    subscription = share(lieutenant).json()
    _both_alerts(people, db, ingest_token)
    sign_in_outside(client, db, outside, "santaclara")
    assert len(client.get("/api/v1/alerts").json()) == 1
    streaming = persona(db, "santaclara")  # as an open stream holds it, from before the change

    ended = lieutenant.post(
        f"/api/v1/sharing/subscriptions/{subscription['id']}/end",
        json={"reason": "Santa Clara's case closed."},
    )
    assert ended.status_code == 200, ended.text
    assert client.get("/api/v1/alerts").json() == []
    with db.unit_of_work() as uow:
        assert alerts.next_alerts(uow, streaming, 0).views == []
    end = entries(db, "sharing.subscription_ended")[-1]
    assert end.details["before"]["ended_at"] is None and end.details["after"]["ended_at"]

    assert share(lieutenant).status_code == 200
    assert len(client.get("/api/v1/alerts").json()) == 1
    with db.unit_of_work() as uow:
        agreements.change_status(
            uow, Actor.system("tests"), agreement_id, "suspended", "Audit finding pending."
        )

    assert client.get("/api/v1/alerts").status_code == 403
    with db.unit_of_work() as uow, pytest.raises(PermissionDenied):
        alerts.next_alerts(uow, streaming, 0)


def test_the_conformance_job_flags_a_share_whose_agreement_is_no_longer_in_force(
    people: People, db: Database, outside: dict[str, str]
) -> None:
    agreement_id = alerts_agreement(db)
    assert share(people("lieutenant")).status_code == 200
    with db.unit_of_work() as uow:
        assert conformance.check_conformance(uow, Actor.system("tests")) == []
        uow.commit()
        agreements.change_status(uow, Actor.system("tests"), agreement_id, "revoked", "Ended.")

    with db.unit_of_work() as uow:
        raised = conformance.check_conformance(uow, Actor.system("tests"))
        uow.commit()

    assert any("'department' is still shared with Santa Clara" in f for f in raised), raised


def test_the_portal_counts_a_share_only_while_its_agreement_includes_alerts(
    people: People, db: Database, outside: dict[str, str]
) -> None:
    agreement_id = alerts_agreement(db)
    assert share(people("lieutenant")).status_code == 200
    with db.unit_of_work() as uow:
        assert subscriptions.live_count(uow) == 1
        agreements.change_status(uow, Actor.system("tests"), agreement_id, "revoked", "Ended.")
        uow.commit()

    with db.unit_of_work() as uow:  # the share is still in place, but nothing is shared through it
        assert subscriptions.live_count(uow) == 0


def test_the_home_page_of_a_lieutenant_and_of_an_outside_detective_show_the_feature(
    client: TestClient, people: People, db: Database, outside: dict[str, str]
) -> None:
    alerts_agreement(db)
    sign_in_outside(client, db, outside, "santaclara")

    assert 'href="/sharing/hotlists"' in people("lieutenant").get("/").text
    assert 'href="/alerts"' in client.get("/").text
    with db.unit_of_work() as uow:
        agency = agencies.agency_by_ori(uow, SANTA_CLARA)
        assert agency.name == "Santa Clara County Sheriff's Office"

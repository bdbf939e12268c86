"""Who may search (DUP §4.1, §9, §12, §13): officers, investigators and lieutenants with current
training; not auditors, not the untrained, and a member of a camera-limited class only over the
cameras of that class. Every refusal is audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts.models import User
from plateward.core.database import Database
from plateward.core.permissions import Actor
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, plates, push, search, sign_in_new_person


def test_an_officer_may_search(client: TestClient, backend: Backend, ingest_token: str) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "officer")

    assert plates(search(client, plate="7ABC123")) == ["7ABC123"]


def test_an_auditor_cannot_search_and_the_attempt_is_audited(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "auditor")

    response = search(client, plate="7ABC123")

    assert response.status_code == 403
    assert "reads:search" in response.json()["detail"]
    refusal = entries(db, "access.refused")[-1]
    assert refusal.actor_username == "auditor"
    assert refusal.details["permission"] == "reads:search"
    assert entries(db, "search.run") == []


def test_an_untrained_investigator_cannot_search(
    client: TestClient, db: Database, ingest_token: str
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in_new_person(client, db, "newinvestigator", "investigator", trained=False)

    response = search(client, plate="7ABC123")

    assert response.status_code == 403
    assert "training" in response.json()["detail"]
    assert entries(db, "search.run") == []


def test_nobody_signed_in_is_asked_to_sign_in(client: TestClient) -> None:
    assert search(client, plate="7ABC123").status_code == 401


def _limit_to_camera(db: Database, username: str, code: str) -> None:
    operator = Actor.system("tests")
    with db.unit_of_work() as uow:
        limited = people.create_class(
            uow, operator, "Downtown only", "Cameras of the downtown core", [], [code]
        )
        user_id = uow.session.scalar(select(User.id).where(User.username == username))
        assert user_id is not None
        people.set_classes(uow, operator, user_id, [limited.id])


def test_a_camera_limited_class_finds_only_its_cameras_reads(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    push(
        client,
        ingest_token,
        native_read(camera="SJ-FX-001", plate="7SCP001", minutes_ago=1),
        native_read(camera="SJ-FX-002", plate="7SCP002", minutes_ago=2),
    )
    _limit_to_camera(db, "investigator", "SJ-FX-002")
    sign_in(client, backend, "investigator")

    everywhere = search(client, plate="7SCP*")
    named = search(client, plate="7SCP*", cameras=["SJ-FX-001"])

    # DUP §12.2 — the class reaches SJ-FX-002 only, even when another camera is named.
    assert plates(everywhere) == ["7SCP002"]
    assert plates(named) == []
    hidden = everywhere.json()["search_id"]
    assert client.get(f"/api/v1/searches/{hidden}/export.csv").text.count("7SCP") == 1

"""Invariant 4 with the period an administrator sets: from the moment a read expires under the
period in force, every reads-out path — a search's results, opening a read, its image, the export,
an officer's alert, the reads page — stops showing it, before any purge runs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from plateward.core.database import Database
from plateward.retention import service as retention
from tests.conftest import Backend, native_read, sign_in
from tests.hotlists.conftest import alerts_of, listed
from tests.retention.conftest import persona
from tests.search.conftest import push, search


def _shorten_to_one_day(db: Database) -> None:
    with db.unit_of_work() as uow:
        retention.set_retention(uow, persona(db, "admin"), 1, "Test of minimization: one day only")


def test_a_search_its_reads_images_and_export_stop_at_the_new_period(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123", minutes_ago=60 * 30))
    sign_in(client, backend, "investigator")
    found = search(client, plate="7ABC123").json()
    read_id = found["hits"][0]["id"]
    base = f"/api/v1/searches/{found['search_id']}"
    assert client.get(f"{base}/reads/{read_id}").status_code == 200

    _shorten_to_one_day(db)

    assert search(client, plate="7ABC123").json()["hits"] == []
    assert client.get(f"{base}/reads/{read_id}").status_code == 404
    assert client.get(f"{base}/reads/{read_id}/image").status_code == 404
    export = client.get(f"{base}/export.csv")
    assert export.status_code == 200 and "7ABC123" not in export.text


def test_an_alert_and_the_reads_page_stop_showing_an_expired_read(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    from contextlib import ExitStack

    with ExitStack() as stack:

        def person(username: str) -> TestClient:
            return sign_in(stack.enter_context(TestClient(client.app)), backend, username)

        listed(person)
        push(client, ingest_token, native_read(plate="7STL123", minutes_ago=60 * 30))
        officer = person("officer")
        assert len(alerts_of(officer)) == 1
        admin = person("admin")
        assert "7STL123" in admin.get("/reads").text

        _shorten_to_one_day(db)

        assert alerts_of(officer) == []
        assert "7STL123" not in admin.get("/reads").text

"""What was viewed: opening a read, its image, and each export is its own audit entry with the
record ids, tied to the search it came from (DUP §9). Only reads among that search's results can
be opened; the export names the originating agency and forbids redistribution (DUP §10)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plateward.core.database import Database
from plateward.core.settings import Settings
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, push, search

OTHER_READ = "00000000-0000-4000-8000-000000000000"


def _searched(client: TestClient, backend: Backend, token: str, user: str = "investigator") -> dict:
    push(
        client,
        token,
        native_read(plate="7ABC123", minutes_ago=1, vehicle_make="Honda"),
        native_read(plate="8OUT999", minutes_ago=2),
    )
    sign_in(client, backend, user)
    response = search(client, plate="7ABC123")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_opening_a_read_is_audited_with_its_id_and_search(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    found = _searched(client, backend, ingest_token)
    read_id = found["hits"][0]["id"]

    response = client.get(f"/api/v1/searches/{found['search_id']}/reads/{read_id}")

    assert response.status_code == 200, response.text
    detail = response.json()
    assert (detail["plate"], detail["make"], detail["plate_raw"]) == ("7ABC123", "Honda", "7ABC123")
    assert detail["originating_agency"]
    (entry,) = entries(db, "read.viewed")
    assert entry.result_ids == [read_id]
    assert entry.details == {"search_id": found["search_id"]}
    assert entry.purpose is not None
    assert entry.purpose["case_number"] == found["purpose"]["case_number"]


def test_a_read_that_is_not_among_the_results_is_not_found_and_the_attempt_is_audited(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    found = _searched(client, backend, ingest_token)
    # 8OUT999 is a real, visible read, but not one this search returned.
    other = search(client, plate="8OUT999").json()["hits"][0]["id"]

    for read_id in (other, OTHER_READ, "not-a-uuid"):
        response = client.get(f"/api/v1/searches/{found['search_id']}/reads/{read_id}")
        assert response.status_code == 404, read_id
        assert response.json()["detail"] == "That read is not among this search's results."
    assert entries(db, "read.viewed") == []
    refused = [e for e in entries(db, "access.refused") if e.actor_username == "investigator"]
    assert len(refused) == 3
    assert {e.details["target"] for e in refused} == {f"search:{found['search_id']}"}


def test_another_persons_search_cannot_be_opened(
    client: TestClient, other_browser: TestClient, backend: Backend, ingest_token: str
) -> None:
    found = _searched(client, backend, ingest_token)
    sign_in(other_browser, backend, "lieutenant")
    read_id = found["hits"][0]["id"]

    page = other_browser.get(f"/api/v1/searches/{found['search_id']}")
    read = other_browser.get(f"/api/v1/searches/{found['search_id']}/reads/{read_id}")
    export = other_browser.get(f"/api/v1/searches/{found['search_id']}/export.csv")

    assert (page.status_code, read.status_code, export.status_code) == (404, 404, 404)


def test_the_image_without_a_stored_file_is_a_drawing_of_the_plate_and_is_audited(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    found = _searched(client, backend, ingest_token)
    read_id = found["hits"][0]["id"]

    response = client.get(f"/api/v1/searches/{found['search_id']}/reads/{read_id}/image")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert ">7ABC123</text>" in response.text
    assert "<script" not in response.text
    (entry,) = entries(db, "read.image_viewed")
    assert (entry.result_ids, entry.details) == ([read_id], {"search_id": found["search_id"]})


@pytest.fixture
def images(tmp_path: Path) -> Path:
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "cam1-0001.jpg").write_bytes(b"\xff\xd8\xff\xe0 a jpeg")
    (tmp_path / "secret.jpg").write_bytes(b"outside the image folder")
    return folder


@pytest.fixture
def client_with_images(
    client: TestClient, settings: Settings, db: Database, images: Path
) -> Iterator[TestClient]:
    from plateward.web.app import create_app

    with_images = settings.with_overrides(image_dir=images)
    with TestClient(create_app(with_images, replace(db, settings=with_images))) as test_client:
        yield test_client


def test_a_stored_camera_image_is_served_from_the_image_folder_only(
    client_with_images: TestClient, backend: Backend, ingest_token: str
) -> None:
    client = client_with_images
    push(
        client,
        ingest_token,
        native_read(plate="7XMG001", minutes_ago=1, image_ref="cam1-0001.jpg"),
        native_read(plate="7XMG002", minutes_ago=2, image_ref="../secret.jpg"),
    )
    sign_in(client, backend, "investigator")
    found = search(client, plate="7XMG*").json()
    urls = {
        h["plate"]: f"/api/v1/searches/{found['search_id']}/reads/{h['id']}/image"
        for h in found["hits"]
    }

    stored = client.get(urls["7XMG001"])
    escaped = client.get(urls["7XMG002"])

    assert (stored.headers["content-type"], stored.content) == (
        "image/jpeg",
        b"\xff\xd8\xff\xe0 a jpeg",
    )
    assert escaped.headers["content-type"] == "image/svg+xml"  # never the file outside


def test_the_export_names_the_agency_forbids_redistribution_and_is_audited(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    found = _searched(client, backend, ingest_token)

    response = client.get(f"/api/v1/searches/{found['search_id']}/export.csv")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert f"plateward-search-{found['search_id']}.csv" in response.headers["content-disposition"]
    lines = response.text.splitlines()
    assert lines[0].startswith("# NOT FOR REDISTRIBUTION — ALPR data of ")
    assert lines[0].endswith("DUP §10")
    assert lines[1].startswith("# Originating agency: ")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[4:]))))
    assert [r["plate"] for r in rows] == ["7ABC123"]
    assert rows[0]["originating_agency"] in lines[1]
    (entry,) = entries(db, "search.exported")
    assert entry.result_ids == [found["hits"][0]["id"]]
    assert entry.details == {"search_id": found["search_id"]}


def test_an_officer_may_search_but_not_export(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    found = _searched(client, backend, ingest_token, user="officer")

    response = client.get(f"/api/v1/searches/{found['search_id']}/export.csv")

    assert response.status_code == 403
    assert entries(db, "search.exported") == []
    refusal = entries(db, "access.refused")[-1]
    assert (refusal.actor_username, refusal.details["permission"]) == ("officer", "reads:export")

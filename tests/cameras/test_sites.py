"""Sensitive sites: imported from GeoJSON and CSV, edited and removed on their pages, every change
audited (DUP update 2026); a mobile camera's read captured near one is not stored, only counted
per site and day, without its plate."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.cameras.models import SensitiveSiteDrop
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.reads import service as reads
from plateward.reads.rules import RawRow
from tests.cameras.conftest import entries
from tests.cameras.test_placement import add_site, driveway, offset
from tests.conftest import Backend, csrf_from, native_read, sign_in

SAMPLES = Path(__file__).parent / "samples"


def _upload(client: TestClient, name: str) -> str:
    page = client.get("/admin/sites")
    response = client.post(
        "/admin/sites/import",
        data={"csrf_token": csrf_from(page.text)},
        files={"file": (name, (SAMPLES / name).read_bytes(), "application/octet-stream")},
    )
    assert response.status_code == 200, response.text
    return response.text


def test_a_geojson_list_is_imported_and_bad_features_are_reported(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")

    page = _upload(client, "sites.geojson")
    again = _upload(client, "sites.geojson")

    assert "2 added, 0 updated, 0 unchanged, 2 refused" in page
    assert "not areas" in page and "source_date" in page
    assert "0 added, 0 updated, 2 unchanged" in again
    added = entries(db, "site.added")
    assert {e.details["site"] for e in added[-2:]} == {
        "Eastside Family Planning Clinic",
        "Alum Rock Mosque",
    }
    # Two features of one name are one site with both entrances.
    listing = client.get("/admin/sites").text
    assert "reproductive health care (abortion provider)" in listing


def test_a_csv_list_is_imported(client: TestClient, backend: Backend, db: Database) -> None:
    sign_in(client, backend, "admin")

    page = _upload(client, "sites.csv")

    assert "2 added" in page and "1 refused" in page
    assert "site kind must be one of" in page


def test_a_file_of_another_format_is_refused(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")
    page = client.get("/admin/sites")

    response = client.post(
        "/admin/sites/import",
        data={"csrf_token": csrf_from(page.text)},
        files={"file": ("sites.txt", b"hello", "text/plain")},
    )

    assert response.status_code == 422
    assert "use .geojson or .csv" in response.text


def test_a_site_is_edited_and_removed_and_each_change_is_audited(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    added = add_site(client, "Tully Chapel", "POINT (-121.81 37.31)", "place_of_worship")
    site_url = added.headers["location"].split("?")[0]
    page = client.get(site_url)

    edited = client.post(
        site_url,
        data={
            "csrf_token": csrf_from(page.text),
            "name": "Tully Chapel",
            "kind": "place_of_worship",
            "address": "Tully Rd",
            "entrances": "POINT (-121.8101 37.3101)",
            "source": "Corrected survey",
            "source_date": "2026-04-01",
        },
        follow_redirects=False,
    )
    removed = client.post(
        f"{site_url}/remove",
        data={"csrf_token": csrf_from(page.text), "reason": "Closed in 2026"},
        follow_redirects=False,
    )

    assert edited.status_code == 303 and removed.status_code == 303
    assert set(entries(db, "site.updated")[-1].details["changed"]) == {
        "entrances",
        "source",
        "source_date",
        "address",
    }
    assert entries(db, "site.removed")[-1].details["reason"] == "Closed in 2026"
    assert "Tully Chapel" not in client.get("/admin/sites").text


def test_a_site_with_an_area_for_entrance_is_refused(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")

    response = add_site(
        client, "Block", "POLYGON ((-121.8 37.3, -121.81 37.3, -121.81 37.31, -121.8 37.3))"
    )

    assert response.status_code == 422
    assert "not areas" in response.text


def test_a_patrol_car_passing_a_clinic_leaves_no_read_only_a_count(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    clinic = (37.3400, -121.8700)
    add_site(client, "Patrol Route Clinic", driveway(*clinic))
    near = offset(*clinic, 0, 30)
    far = offset(*clinic, 0, 400)
    rows = [
        RawRow.of(
            "0", native_read("SJ-MB-001", plate="7NEAR01", latitude=near[0], longitude=near[1])
        ),
        RawRow.of(
            "1", native_read("SJ-MB-001", plate="7FAR001", latitude=far[0], longitude=far[1])
        ),
        # A fixed camera's reads are not dropped: its placement is reviewed instead.
        RawRow.of("2", native_read("SJ-FX-001", plate="7FIXED1")),
    ]

    with db.unit_of_work() as uow:
        report = reads.ingest(uow, Actor.system("tests"), rows, "api")

    assert report.stored == 2 and report.dropped_near_sites == 1 and report.duplicates == 0
    with db.unit_of_work() as uow:
        counts = list(uow.session.scalars(select(SensitiveSiteDrop)))
    assert [(c.dropped, str(c.day)) for c in counts] == [(1, "2026-11-24")]
    ingested = entries(db, "reads.ingested")[-1]
    assert ingested.details["dropped_near_sensitive_sites"] == 1
    assert "7NEAR01" not in str(ingested.details)
    assert "Patrol Route Clinic</a></td><td>reproductive" in client.get("/admin/sites").text


def test_the_misuse_signals_measure_searches_against_the_registered_sites(
    client: TestClient, backend: Backend, db: Database
) -> None:
    from plateward.cameras import service as cameras
    from plateward.jobs_catalog import catalog

    sign_in(client, backend, "admin")
    add_site(client, "Registry Clinic", "POINT (-121.8700 37.3400)")

    with db.unit_of_work() as uow:
        points = cameras.sensitive_site_points(uow)
    job = next(j for j in catalog(db.settings) if j.name == "misuse-signals")
    with db.unit_of_work() as uow:
        job.body(uow, job.actor)  # reads the registry, not the shipped demo list

    assert points == [
        ("Registry Clinic", "reproductive health care (abortion provider)", 37.34, -121.87)
    ]

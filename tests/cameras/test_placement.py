"""Placement review through the HTTP interface (DUP §3.1, §5, update 2026): a camera whose field
of view reaches a sensitive site's entrance cannot be activated, the reason is shown and audited;
a public-view attestation for its placement is needed; a site added later holds an active camera
and its reads leave every query until the hold is resolved."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from fastapi.testclient import TestClient

from plateward.cameras.rules import METRES_PER_DEGREE
from plateward.core.database import Database
from plateward.core.permissions import Actor, Role
from plateward.reads import service as reads
from plateward.reads.rules import RawRow
from tests.cameras.conftest import entries, person
from tests.conftest import Backend, csrf_from, native_read, sign_in

# SJ-FX-001 stands at Curtner Ave & Monterey Rd, looking at 340°.
CURTNER = (37.2957, -121.8640)


def offset(lat: float, lon: float, bearing: float, metres: float) -> tuple[float, float]:
    b = math.radians(bearing)
    return (
        lat + metres * math.cos(b) / METRES_PER_DEGREE,
        lon + metres * math.sin(b) / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
    )


def driveway(lat: float, lon: float) -> str:
    """A 10 m driveway (WKT) starting at (lat, lon) and heading east."""
    end = offset(lat, lon, 90, 10)
    return f"LINESTRING ({lon} {lat}, {end[1]} {end[0]})"


def add_site(client: TestClient, name: str, entrances: str, kind: str = "abortion_provider") -> Any:
    page = client.get("/admin/sites")
    return client.post(
        "/admin/sites",
        data={
            "csrf_token": csrf_from(page.text),
            "name": name,
            "kind": kind,
            "address": "Monterey Rd",
            "entrances": entrances,
            "source": "City planning survey",
            "source_date": "2026-03-10",
        },
        follow_redirects=False,
    )


CAMERA: dict[str, Any] = {
    "code": "PROPOSED-1",
    "name": "Monterey & Phelan",
    "kind": "fixed",
    "location": "Monterey Rd & Phelan Ave",
    "vendor": "Flock Safety",
    "latitude": 37.3100,
    "longitude": -121.8600,
    "heading": 0,
    "public_view": {"note": "Checked from the sidewalk: public roadway only"},
}


def test_a_camera_seeing_a_clinic_driveway_is_not_activated_and_the_refusal_is_audited(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    clinic = offset(CAMERA["latitude"], CAMERA["longitude"], 0, 25)
    assert add_site(client, "Phelan Family Planning", driveway(*clinic)).status_code == 303

    registered = client.post("/api/v1/cameras", json=CAMERA)
    activated = client.patch("/api/v1/cameras/PROPOSED-1", json={"status": "active"})
    page = client.get("/admin/cameras/PROPOSED-1")

    assert registered.status_code == 201, registered.text
    assert registered.json()["status"] == "proposed"
    assert activated.status_code == 409
    assert "Phelan Family Planning" in activated.json()["detail"]
    assert 'id="placement-refusal"' in page.text and "Phelan Family Planning" in page.text
    refusals = entries(db, "camera.placement_refused")
    assert [r.details["camera"] for r in refusals[-2:]] == ["PROPOSED-1", "PROPOSED-1"]
    assert refusals[-1].outcome == "denied"
    assert refusals[-1].details["conflicts"][0]["site"] == "Phelan Family Planning"


def test_moved_clear_and_attested_it_is_activated(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    clinic = offset(CAMERA["latitude"], CAMERA["longitude"], 0, 25)
    add_site(client, "Phelan Family Planning", driveway(*clinic))
    client.post("/api/v1/cameras", json=CAMERA)

    turned = client.patch("/api/v1/cameras/PROPOSED-1", json={"heading": 180})
    unattested = client.patch("/api/v1/cameras/PROPOSED-1", json={"status": "active"})
    review = client.get("/api/v1/cameras/PROPOSED-1/placement").json()
    attested = client.post(
        "/api/v1/cameras/PROPOSED-1/attestations", json={"note": "Faces south along Monterey Rd"}
    )
    activated = client.patch("/api/v1/cameras/PROPOSED-1", json={"status": "active"})

    assert turned.status_code == 200, turned.text
    assert review["conflicts"] == [] and not review["attested"]
    assert attested.status_code == 201 and attested.json()["problems"] == []
    # The attestation was made for the old heading: a new placement needs a new one.
    assert unattested.status_code == 409
    assert "attestation" in unattested.json()["detail"]
    assert activated.status_code == 200, activated.text
    assert activated.json()["status"] == "active"
    assert entries(db, "camera.public_view_attested")[-1].details["heading"] == 180
    assert entries(db, "camera.activated")[-1].details["camera"] == "PROPOSED-1"


def test_an_active_camera_cannot_be_turned_towards_a_site(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    behind = offset(*CURTNER, 160, 30)  # behind SJ-FX-001, which looks at 340°
    add_site(client, "Curtner Chapel", driveway(*behind), "place_of_worship")

    turned = client.patch("/api/v1/cameras/SJ-FX-001", json={"heading": 160})

    assert turned.status_code == 409
    assert "Curtner Chapel" in turned.json()["detail"]
    assert client.get("/api/v1/cameras").json()[0]["heading"] == 340
    assert entries(db, "camera.placement_refused")[-1].details["camera"] == "SJ-FX-001"


def _ingest(db: Database, minutes_ago: int, plate: str) -> None:
    with db.unit_of_work() as uow:
        row = RawRow.of("0", native_read("SJ-FX-001", minutes_ago=minutes_ago, plate=plate))
        assert reads.ingest(uow, Actor.system("tests"), [row], "api").stored == 1


def _visible(db: Database) -> set[str]:
    with db.unit_of_work() as uow:
        return {r.plate for r in reads.latest_reads(uow, person(Role.ADMINISTRATOR), 500)}


def test_a_site_added_later_holds_the_camera_and_its_reads_until_resolved(
    client: TestClient, backend: Backend, db: Database
) -> None:
    _ingest(db, 30, "7HLD001")
    assert "7HLD001" in _visible(db)
    sign_in(client, backend, "admin")

    added = add_site(client, "Curtner Mosque", driveway(*offset(*CURTNER, 340, 20)))
    held_page = client.get("/admin/cameras/SJ-FX-001")
    registry = client.get("/admin/cameras")
    hidden = _visible(db)
    site_id = added.headers["location"].split("/")[-1].split("?")[0]
    page = client.get(f"/admin/sites/{site_id}")
    moved = client.post(
        f"/admin/sites/{site_id}",
        data={
            "csrf_token": csrf_from(page.text),
            "name": "Curtner Mosque",
            "kind": "place_of_worship",
            "address": "",
            "entrances": driveway(*offset(*CURTNER, 160, 200)),
            "source": "Corrected survey",
            "source_date": "2026-04-01",
        },
        follow_redirects=False,
    )
    db.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    _ingest(db, -1, "7HLD002")  # captured after the hold was resolved

    assert "SJ-FX-001 held" in unquote(added.headers["location"])
    assert 'id="hold-banner"' in held_page.text
    assert 'id="held-banner"' in registry.text and "SJ-FX-001" in registry.text
    assert "7HLD001" not in hidden
    assert entries(db, "camera.placement_held")[-1].details["camera"] == "SJ-FX-001"
    assert "SJ-FX-001 cleared" in unquote(moved.headers["location"])
    assert entries(db, "camera.placement_cleared")[-1].details["camera"] == "SJ-FX-001"
    visible = _visible(db)
    # A read taken while its camera saw the entrance stays withheld; a later one is shown.
    assert "7HLD001" not in visible
    assert "7HLD002" in visible


def test_the_compliance_map_refuses_a_proposed_placement(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    clinic = offset(37.3200, -121.8500, 90, 30)
    add_site(client, "Eastridge Clinic", driveway(*clinic))
    page = client.get("/admin/compliance")

    checked = client.post(
        "/admin/compliance/check",
        data={
            "csrf_token": csrf_from(page.text),
            "latitude": "37.3200",
            "longitude": "-121.8500",
            "heading": "90",
            "view_range_m": "50",
            "view_angle_deg": "40",
        },
    )
    bad = client.post(
        "/admin/compliance/check",
        data={"csrf_token": csrf_from(page.text), "latitude": "north", "longitude": "1"},
    )

    assert checked.status_code == 200
    assert 'id="placement-refusal"' in checked.text and "Eastridge Clinic" in checked.text
    assert '"proposal"' in checked.text  # drawn on the map
    assert entries(db, "camera.placement_checked")[-1].outcome == "denied"
    assert bad.status_code == 422


def test_the_camera_page_records_an_attestation_and_refuses_an_empty_one(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    page = client.get("/admin/cameras/SJ-FX-001")

    empty = client.post(
        "/admin/cameras/SJ-FX-001/attest", data={"csrf_token": csrf_from(page.text)}
    )
    recorded = client.post(
        "/admin/cameras/SJ-FX-001/attest",
        data={"csrf_token": csrf_from(page.text), "photo_ref": "photos/sj-fx-001-2026.jpg"},
        follow_redirects=False,
    )

    assert empty.status_code == 422
    assert "needs a photo or a note" in empty.text
    assert recorded.status_code == 303
    entry = entries(db, "camera.public_view_attested")[-1]
    assert entry.details["photo_ref"] == "photos/sj-fx-001-2026.jpg"
    assert entry.actor_name == "Test Admin"
    assert "photos/sj-fx-001-2026.jpg" in client.get("/admin/cameras/SJ-FX-001").text

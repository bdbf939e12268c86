"""Signage (DUP §6): each active fixed camera needs a designated-intersection sign near it, each
city entrance/exit its own notice sign; what is missing is a compliance warning on the signs
page and the compliance map. Every sign recorded is audited."""

from __future__ import annotations

from fastapi.testclient import TestClient

from plateward.cameras import signage
from plateward.cameras.placement import held_cameras
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.demo import city
from plateward.demo.sites import seed_sites
from tests.cameras.conftest import entries
from tests.conftest import Backend, csrf_from, sign_in


def _post(client: TestClient, path: str, **fields: str) -> None:
    page = client.get("/admin/signs")
    response = client.post(
        path, data={"csrf_token": csrf_from(page.text), **fields}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def test_a_camera_without_a_sign_nearby_and_an_unsigned_city_entrance_are_warnings(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    _post(
        client,
        "/admin/signs/gateways",
        name="US-101 at Bernal Rd",
        latitude="37.2535",
        longitude="-121.7808",
    )

    before = client.get("/admin/signs").text
    _post(
        client,
        "/admin/signs",
        kind="designated_intersection",
        name="Curtner Ave & Monterey Rd",
        latitude="37.2960",
        longitude="-121.8643",
    )
    _post(
        client,
        "/admin/signs",
        kind="city_entrance_exit",
        name="US-101 northbound at Bernal Rd",
        latitude="37.2538",
        longitude="-121.7805",
    )
    after = client.get("/admin/signs").text

    assert "Camera SJ-FX-001 (Curtner Ave &amp; Monterey Rd): no designated-intersection" in before
    assert "US-101 at Bernal Rd: this city entrance/exit has no notice sign" in before
    assert "Camera SJ-FX-001 (" not in after
    assert "US-101 at Bernal Rd: this city entrance/exit" not in after
    assert "Camera SJ-FX-002 (" in after  # still no sign near the next one
    assert entries(db, "sign.added")[-1].details["kind"] == "city_entrance_exit"


def test_the_demo_sites_leave_every_demo_camera_clear(db: Database, operator: Actor) -> None:
    seed_sites(db, operator)

    with db.unit_of_work() as uow:
        assert held_cameras(uow) == {}
        warnings = [w.text for w in signage.compliance(uow, operator).warnings]
    active_fixed = [c for c in city.CAMERAS if c.kind == "fixed" and c.status == "active"]
    assert len(active_fixed) > 10
    assert not any("held" in w or "attestation" in w for w in warnings)
    # The demo leaves two intersections and one freeway entrance (and its camera) unsigned, for
    # the map to show.
    assert sum("designated-intersection" in w for w in warnings) == 3
    assert sum("has no notice sign" in w for w in warnings) == 1

"""The alert page shows where the read was taken on the offline map (issue 14): the camera and
the read, drawn by the search pages' script from a JSON block (the CSP allows no inline script),
over the base map shipped with the server; nothing is loaded from outside."""

from __future__ import annotations

import json
import re

from plateward.cameras import service as cameras
from plateward.core.database import Database
from tests.hotlists.conftest import People, alerts_of, ingest, listed, read_of


def _map_data(page: str, name: str = "alert-map") -> dict[str, list[dict[str, object]]]:
    block = re.search(rf'<script type="application/json" id="{name}-data">(.*?)</script>', page)
    assert block, "the alert page has no map data"
    data: dict[str, list[dict[str, object]]] = json.loads(block.group(1))
    return data


def _place(db: Database, code: str) -> tuple[float | None, float | None]:
    with db.unit_of_work() as uow:
        [place] = [p for p in cameras.camera_places(uow).values() if p.code == code]
    return place.latitude, place.longitude


def test_the_alert_shows_its_camera_and_the_read_on_the_offline_map(
    people: People, ingest_token: str, db: Database
) -> None:
    listed(people)
    officer = people("officer")
    ingest(officer, ingest_token, read_of(camera="SJ-FX-002"))
    [alert] = alerts_of(officer)

    page = officer.get(f"/alerts/{alert['id']}")

    assert page.status_code == 200
    data = _map_data(page.text)
    lat, lon = _place(db, "SJ-FX-002")
    assert [(c["code"], c["lat"], c["lon"]) for c in data["cameras"]] == [("SJ-FX-002", lat, lon)]
    [read] = data["hits"]
    assert (read["lat"], read["lon"], read["plate"]) == (lat, lon, "7STL123")
    assert read["href"] == f"/alerts/{alert['id']}"
    # Offline: the vendored Leaflet, the shared map script and the shipped base map, no tiles.
    assert 'src="/static/vendor/leaflet/leaflet.js"' in page.text
    assert 'src="/static/js/search-map.js"' in page.text
    assert 'data-base="/static/map/base.geojson"' in page.text and 'data-tiles=""' in page.text
    assert re.findall(r'(?:src|href)="(https?:[^"]*)"', page.text) == []
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_a_read_with_its_own_position_is_shown_where_it_was_taken(
    people: People, ingest_token: str
) -> None:
    listed(people)
    officer = people("officer")
    ingest(officer, ingest_token, read_of(latitude=37.30051, longitude=-121.86302))
    [alert] = alerts_of(officer)

    data = _map_data(officer.get(f"/alerts/{alert['id']}").text)

    [read] = data["hits"]
    assert (read["lat"], read["lon"]) == (37.30051, -121.86302)


def test_the_map_is_drawn_by_a_static_script_only(people: People, ingest_token: str) -> None:
    listed(people)
    officer = people("officer")
    ingest(officer, ingest_token, read_of())
    [alert] = alerts_of(officer)

    page = officer.get(f"/alerts/{alert['id']}").text

    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts  # the map's scripts are there
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)


def test_the_alerts_page_maps_every_alert_shown_and_marks_each_row_with_its_place(
    people: People, ingest_token: str, db: Database
) -> None:
    listed(people)
    officer = people("officer")
    ingest(officer, ingest_token, read_of(camera="SJ-FX-002"), read_of(camera="SJ-FX-003"))

    page = officer.get("/alerts").text

    data = _map_data(page, "alerts-map")
    assert sorted(str(c["code"]) for c in data["cameras"]) == ["SJ-FX-002", "SJ-FX-003"]
    assert len(data["hits"]) == 2
    # A live row carries its place, so the page's script adds it to the map as it arrives.
    lat, lon = _place(db, "SJ-FX-003")
    assert f'data-lat="{lat}" data-lon="{lon}"' in page

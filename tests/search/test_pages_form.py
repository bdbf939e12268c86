"""The search form (GET /search): it asks for the purpose the DUP requires, offers the crime-type
picklist and the cameras, remembers the purpose of the last search, and shows a refused search
again as typed, with what to correct."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, push
from tests.search.page_steps import FORM, NEAR_STORY_AND_KING, map_data, submit


def _value(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert found, f"no input named {name}"
    return html.unescape(found.group(1))


def test_the_form_asks_for_the_purpose_with_the_picklist_and_the_case_format(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "investigator")

    page = client.get("/search")

    assert page.status_code == 200
    text = page.text
    # DUP update 2026 — crime type, case number and justification are required fields.
    for required in ('name="crime_type"', 'name="case_number"', 'name="justification"'):
        assert re.search(rf"<(input|textarea)[^>]*{required}[^>]*required", text), required
    assert '<option value="PC 211 Robbery">' in text
    assert '<option value="Amber Alert Child abduction (Amber Alert)">' in text
    assert "Investigation of a felony or misdemeanor" in text  # DUP §2's authorized uses
    assert "<code>26-012345</code>" in text  # the department's case-number format
    assert "7AB*" in text and "*123" in text and "7A?C123" in text
    # The last 7 days, typed in Pacific time (NOW is 18:00 UTC, 10:00 PST).
    assert _value(text, "start") == "2026-11-17T10:00"
    assert _value(text, "end") == "2026-11-24T10:00"
    assert '<option value="SJ-FX-002">SJ-FX-002 · Story Rd &amp; King Rd</option>' in text
    cameras = {c["code"] for c in map_data(text, "search-map")["cameras"]}
    assert "SJ-FX-002" in cameras
    assert "SJ-MB-001" not in cameras  # a mobile unit has no place of its own
    assert 'id="remembered"' not in text  # nothing to remember yet


def test_the_form_remembers_the_purpose_for_the_next_search_which_is_audited_with_its_own(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "investigator")
    assert submit(client, plate="7ABQ*").status_code == 200

    again = client.get("/search")

    assert 'id="remembered"' in again.text
    assert _value(again.text, "case_number") == FORM["case_number"]
    assert html.escape(FORM["justification"], quote=False) in again.text
    assert 'value="criminal_investigation" selected' in again.text
    # The next search, on another case, is recorded with the purpose it was sent with.
    other = "Hit and run on Tully Rd 11/22, white pickup seen by the victim; trace it."
    assert submit(client, case_number="26-000777", justification=other).status_code == 200
    last = entries(db, "search.run")[-1]
    assert last.purpose["case_number"] == "26-000777"
    assert last.purpose["justification"] == other


def test_a_refused_search_is_shown_again_as_typed_with_what_to_correct(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "investigator")

    page = submit(client, case_number="4512", plate="7ABQ*", **NEAR_STORY_AND_KING)

    assert page.status_code == 422
    assert 'id="search-error"' in page.text
    assert "26-012345" in page.text  # told the format to follow
    assert _value(page.text, "plate") == "7ABQ*"
    assert _value(page.text, "case_number") == "4512"
    assert _value(page.text, "radius_m") == "500"
    assert entries(db, "search.run") == []


def test_an_area_needs_all_of_its_circle(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")

    page = submit(client, center_lat="37.3467", center_lon="-121.8407")

    assert page.status_code == 422
    assert "radius" in page.text


def test_times_are_typed_in_pacific_time(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    # 09:00 and 08:00 PST; the window 08:30-09:30 PST holds only the first.
    push(
        client,
        ingest_token,
        native_read("SJ-FX-002", minutes_ago=60, plate="7ABQ101"),
        native_read("SJ-FX-002", minutes_ago=120, plate="7ABQ102"),
    )
    sign_in(client, backend, "investigator")

    page = submit(client, plate="7ABQ*", start="2026-11-24T08:30", end="2026-11-24T09:30")

    assert page.status_code == 200, page.text
    assert "7ABQ101" in page.text and "7ABQ102" not in page.text
    terms = entries(db, "search.run")[-1].query_terms
    assert terms["start"] == "2026-11-24T16:30:00+00:00"
    assert terms["end"] == "2026-11-24T17:30:00+00:00"


def test_a_polygon_drawn_on_the_map_bounds_the_search(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    push(
        client,
        ingest_token,
        native_read("SJ-FX-002", minutes_ago=60, plate="7ABQ101"),  # Story Rd & King Rd
        native_read("SJ-FX-003", minutes_ago=60, plate="7ABQ102"),  # Tully Rd, 3 km south
    )
    sign_in(client, backend, "investigator")
    # The map writes the corners into the hidden field as "lat,lon;lat,lon;…".
    corners = "37.350,-121.845;37.350,-121.836;37.343,-121.836;37.343,-121.845"

    page = submit(client, plate="7ABQ*", polygon=corners)

    assert page.status_code == 200, page.text
    assert "7ABQ101" in page.text and "7ABQ102" not in page.text
    assert map_data(page.text, "results-map")["area"]["polygon"][0] == [37.35, -121.845]
    assert len(entries(db, "search.run")[-1].query_terms["area"]["polygon"]) == 4


def test_the_search_pages_load_nothing_from_outside_the_server(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    push(client, ingest_token, native_read("SJ-FX-002", minutes_ago=60, plate="7ABQ101"))
    sign_in(client, backend, "investigator")
    form = client.get("/search")
    results = submit(client, plate="7ABQ*", **NEAR_STORY_AND_KING)

    for page in (form, results):
        # Police networks are often closed: Leaflet, its styles and the base map are ours.
        assert "/static/vendor/leaflet/leaflet.js" in page.text
        addresses = re.findall(r'(?:src|href)="([^"]*)"', page.text)
        assert addresses
        assert all(a.startswith(("/", "#", "data:")) for a in addresses), addresses
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert 'data-tiles=""' in page.text  # no tile server configured: the shipped base
    base = client.get("/static/map/base.geojson")
    assert base.status_code == 200 and '"King Rd"' in base.text
    assert client.get("/static/vendor/leaflet/leaflet.css").status_code == 200
    assert client.get("/static/vendor/leaflet/LICENSE").status_code == 200

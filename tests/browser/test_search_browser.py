"""A real browser on the search pages: an investigator states a purpose, searches a partial plate
over a week near an intersection, sees the reads in the table, on the map (Leaflet, served from
this server) and on the timeline, and opens one read with its image. No request leaves the server.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from plateward.core.permissions import Actor
from plateward.reads import service as reads
from plateward.reads.rules import RawRow
from tests.browser.conftest import LiveServer, accept_restrictions, sign_in_form, watched_page

pytestmark = pytest.mark.browser

STORY_AND_KING = ("37.3467", "-121.8407")  # camera SJ-FX-002


def _suspect_reads(live_server: LiveServer) -> None:
    """Three reads of the plate at Story Rd & King Rd this week, one across town. Demo plates
    never hold a Q (as on California plates), so nothing else matches 7ABQ*."""
    now = datetime.now(UTC)
    sightings = [
        ("SJ-FX-002", 2, "7ABQ101"),
        ("SJ-FX-002", 30, "7ABQ101"),
        ("SJ-FX-002", 75, "7ABQ102"),
    ]
    sightings.append(("SJ-FX-009", 3, "7ABQ103"))  # Berryessa Rd, outside the circle
    rows = [
        RawRow.of(
            str(n),
            {
                "camera": camera,
                "captured_at": (now - timedelta(hours=hours)).isoformat(),
                "plate": plate,
                "plate_state": "CA",
                "vehicle_make": "Honda",
                "vehicle_color": "grey",
            },
        )
        for n, (camera, hours, plate) in enumerate(sightings)
    ]
    with live_server.db.unit_of_work() as uow:
        reads.ingest(uow, Actor.system("tests"), rows, "api")


def _state_the_purpose(page: Page) -> None:
    purpose = page.locator("#purpose")
    purpose.get_by_label("Authorized use (DUP §2)").select_option("criminal_investigation")
    purpose.get_by_label("Crime type").fill("PC 211 Robbery")
    purpose.get_by_label("Case number").fill("26-004512")
    purpose.get_by_label("Justification").fill(
        "Grey Honda seen leaving the armed robbery at Story Rd and King Rd; the clerk read 7AB."
    )


def _draw_a_polygon_then_clear_it(page: Page) -> None:
    page.get_by_role("button", name="Polygon").click()
    box = page.locator("#search-map").bounding_box()
    assert box
    for dx, dy in ((0.4, 0.4), (0.6, 0.4), (0.5, 0.6)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    expect(page.locator("#area-status")).to_contain_text("Polygon with 3 corners")
    corners = page.locator("input[name=polygon]").input_value().split(";")
    assert len(corners) == 3 and all(len(c.split(",")) == 2 for c in corners)
    page.get_by_role("button", name="Clear the area").click()
    expect(page.locator("input[name=polygon]")).to_have_value("")
    expect(page.locator("#area-status")).to_contain_text("No area drawn")


def _draw_a_circle_near_story_and_king(page: Page) -> None:
    # Drawing: "Circle", then a click on the map sets the centre (the radius defaults to 500 m).
    page.get_by_role("button", name="Circle").click()
    page.locator("#search-map").click()
    expect(page.locator("input[name=center_lat]")).not_to_have_value("")
    expect(page.locator("#search-map path.leaflet-interactive").first).to_be_visible()
    # Typing moves it exactly onto the intersection.
    page.get_by_label("Centre latitude").fill(STORY_AND_KING[0])
    page.get_by_label("Centre longitude").fill(STORY_AND_KING[1])
    page.get_by_label("Radius (metres)").fill("400")
    expect(page.locator("#area-status")).to_contain_text("Circle of 400 m")


def test_an_investigator_searches_a_partial_plate_near_an_intersection_and_opens_a_read(
    browser: Browser, live_server: LiveServer
) -> None:
    base = live_server.url
    investigator = live_server.accounts["investigator"]
    _suspect_reads(live_server)
    problems: list[str] = []
    page = watched_page(browser, base, problems)
    page.goto(f"{base}/search")
    code = pyotp.TOTP(investigator.totp_secret).now()
    sign_in_form(page, investigator.username, investigator.password, code)
    accept_restrictions(page)
    expect(page).to_have_url(f"{base}/search")
    # The offline map: Leaflet from /static, the shipped base map, the cameras.
    expect(page.locator("#search-map[data-ready=true]")).to_be_attached()
    assert page.evaluate("window.L.version") == "1.9.4"
    expect(page.locator("#search-map .map-label.street").first).to_be_attached()

    _state_the_purpose(page)
    page.get_by_label("Plate", exact=True).fill("7ABQ*")  # the window is last week by default
    _draw_a_polygon_then_clear_it(page)
    _draw_a_circle_near_story_and_king(page)
    page.locator("#search-form").get_by_role("button", name="Search", exact=True).click()

    table = page.locator("#hits tbody tr")
    expect(table).to_have_count(3)
    expect(page.locator("#hits")).to_contain_text("Story Rd & King Rd")
    expect(page.locator("#hits")).not_to_contain_text("7ABQ103")
    expect(page.locator("#results-map[data-ready=true]")).to_be_attached()
    # The three reads share the camera's place: one marker, whose popup lists them.
    marker = page.locator("#results-map path.hit-marker")
    expect(marker).to_have_count(1)
    expect(page.locator("#timeline rect.bar").first).to_be_attached()
    marker.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("3 reads · SJ-FX-002")
    expect(page.locator(".leaflet-popup-content a")).to_have_count(3)
    table.first.get_by_role("link", name="Open").click()
    expect(page.locator("#read-details")).to_contain_text("7ABQ101")
    image = page.locator("#read-image")
    expect(image).to_be_visible()
    # Its width once loaded (a promise, not a polled predicate: the CSP forbids eval).
    width = page.evaluate(
        """() => new Promise((done) => {
             const image = document.getElementById("read-image");
             if (image.complete) { done(image.naturalWidth); return; }
             image.addEventListener("load", () => done(image.naturalWidth));
             image.addEventListener("error", () => done(0));
           })"""
    )
    assert width > 0
    expect(page.locator("#read-map path.hit-marker")).to_have_count(1)

    assert problems == []  # no script error, no failed load, no request to another host

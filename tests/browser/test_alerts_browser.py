"""A real browser on the Alerts page: an officer with the page open receives a live alert the
moment a camera reports a listed plate (no reload), then works it to a disposition in the DUP's
order (visual confirmation, CLETS, disposition). The demo city lists 8DMO001 as stolen."""

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


def _camera_reports(live_server: LiveServer, plate: str) -> None:
    captured = datetime.now(UTC) - timedelta(seconds=30)
    row = {"camera": "SJ-FX-001", "captured_at": captured.isoformat(), "plate": plate}
    with live_server.db.unit_of_work() as uow:
        reads.ingest(
            uow, Actor.system("tests"), [RawRow.of("0", {**row, "plate_state": "CA"})], "api"
        )


def _expect_the_read_on_the_map(page: Page) -> None:
    """The alert shows where the read was taken: its camera and the read on the offline map."""
    expect(page.locator("#alert-map[data-ready=true]")).to_have_count(1)
    expect(page.locator("#alert-map path.camera-marker")).to_have_count(1)
    marker = page.locator("#alert-map path.hit-marker")
    expect(marker).to_have_count(1)
    marker.hover()  # the map was fitted without animation: the marker stays where it is
    expect(page.locator("#alert-map .leaflet-tooltip", has_text="1 read")).to_be_visible()
    # The offline base map (streets and their names) came from this server.
    expect(page.locator("#alert-map .map-label.street").first).to_be_attached()


def test_an_officer_receives_a_live_alert_and_works_it_to_a_disposition(
    browser: Browser, live_server: LiveServer
) -> None:
    base = live_server.url
    officer = live_server.accounts["officer"]
    problems: list[str] = []
    page = watched_page(browser, base, problems)
    page.goto(f"{base}/alerts")
    sign_in_form(page, officer.username, officer.password, pyotp.TOTP(officer.totp_secret).now())
    accept_restrictions(page)
    expect(page).to_have_url(f"{base}/alerts")
    expect(page.locator("#live-status")).to_contain_text("Live")
    live_map = page.locator("#alerts-map[data-ready=true]")
    expect(live_map).to_have_count(1)
    before = int(live_map.get_attribute("data-reads") or "0")

    _camera_reports(live_server, "8DMO001")

    # No reload: the row arrives over the page's event stream, and its read joins the map.
    row = page.locator("#alerts tbody tr", has_text="26-010851")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Stolen vehicle")
    expect(live_map).to_have_attribute("data-reads", str(before + 1))
    expect(page.locator("#alerts-map path.hit-marker").first).to_be_attached()
    row.get_by_role("link", name="Work alert").click()
    _expect_the_read_on_the_map(page)

    page.get_by_label("plate matches").check()
    page.get_by_role("button", name="Record visual confirmation").click()
    # DUP §4.3 — no stop can be chosen before the CLETS attempt is recorded.
    expect(page.locator("#step-disposition")).not_to_contain_text("Recovered")
    page.locator("#step-clets").get_by_label("valid", exact=True).check()
    page.get_by_role("button", name="Record CLETS result").click()
    page.get_by_label("Recovered").check()
    page.locator("#step-disposition input[name=note]").fill("vehicle recovered, driver arrested")
    page.get_by_role("button", name="Record disposition").click()

    expect(page.locator("#closed")).to_contain_text("Recovered")
    page.close()  # ends the live stream before the server stops
    assert not problems, problems

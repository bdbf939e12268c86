"""A real browser on the compliance map: an administrator proposes a camera facing a clinic's
driveway and is refused, with the field of view drawn in red; turned away, the placement clears.
Everything comes from this server (Leaflet, the offline base map)."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, accept_restrictions, sign_in_form, watched_page

pytestmark = pytest.mark.browser

# 30 m south of the demo's Eastside Family Planning Clinic driveway (plateward/demo/sites.py).
SOUTH_OF_CLINIC = ("37.351830", "-121.839350")


def test_a_placement_facing_a_clinic_driveway_is_refused_on_the_map(
    browser: Browser, live_server: LiveServer
) -> None:
    base = live_server.url
    admin = live_server.accounts["admin"]
    problems: list[str] = []
    page = watched_page(browser, base, problems)
    page.goto(f"{base}/admin/compliance")
    sign_in_form(page, admin.username, admin.password, pyotp.TOTP(admin.totp_secret).now())
    accept_restrictions(page)
    expect(page).to_have_url(f"{base}/admin/compliance")
    expect(page.locator("#placement-map[data-ready=true]")).to_be_attached()
    # The demo's cameras, their views and the sensitive sites are drawn.
    expect(page.locator("#placement-map path.camera-view").first).to_be_attached()
    expect(page.locator("#placement-map path.site-entrance").first).to_be_attached()

    # A click on the map places the proposed camera: its position fills the form.
    page.locator("#placement-map").click(position={"x": 200, "y": 150})
    expect(page.locator("#propose-placement input[name=latitude]")).not_to_have_value("")
    expect(page.locator("#placement-map path.proposal-marker")).to_have_count(1)

    form = page.locator("#propose-placement")
    form.locator("input[name=latitude]").fill(SOUTH_OF_CLINIC[0])
    form.locator("input[name=longitude]").fill(SOUTH_OF_CLINIC[1])
    form.locator("input[name=heading]").fill("0")
    form.get_by_role("button", name="Check placement").click()

    expect(page.locator("#placement-map[data-ready=true]")).to_be_attached()
    expect(page.locator("#placement-refusal")).to_contain_text("Eastside Family Planning Clinic")
    expect(page.locator("#placement-map path.proposal-view.refused")).to_have_count(1)

    # Turned away from the driveway, the same place is clear.
    form = page.locator("#propose-placement")
    form.locator("input[name=heading]").fill("180")
    form.get_by_role("button", name="Check placement").click()
    expect(page.locator("#placement-map[data-ready=true]")).to_be_attached()
    expect(page.locator("#placement-clear")).to_be_visible()
    expect(page.locator("#placement-map path.proposal-view.clear")).to_have_count(1)
    assert not problems, problems

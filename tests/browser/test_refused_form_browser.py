"""A form refused at the foot of a long page brings its error into view, with what was typed.

The camera registry lists every camera above its registration form: without this, a refused
registration reloads the page at its top and the newcomer sees nothing happen.
"""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, accept_restrictions, sign_in_form, watched_page

pytestmark = pytest.mark.browser


def test_a_refused_camera_registration_shows_its_error_in_view(
    browser: Browser, live_server: LiveServer
) -> None:
    base = live_server.url
    admin = live_server.accounts["admin"]
    page = watched_page(browser, base, [])
    page.goto(f"{base}/admin/cameras")
    sign_in_form(page, admin.username, admin.password, pyotp.TOTP(admin.totp_secret).now())
    accept_restrictions(page)

    form = page.locator("#register-camera")
    form.locator("input[name=code]").fill("SJ-FX-001")  # taken
    form.locator("input[name=name]").fill("A second Curtner camera")
    form.locator("input[name=location]").fill("Curtner Ave & Monterey Rd")
    form.locator("input[name=vendor]").fill("Flock Safety")
    form.locator("input[name=latitude]").fill("37.30")
    form.locator("input[name=longitude]").fill("-121.86")
    form.get_by_role("button", name="Register camera").click()

    error = page.locator("#register-camera [role=alert]")
    expect(error).to_be_visible()
    expect(error).to_be_in_viewport()
    expect(page.locator("#register-camera input[name=name]")).to_have_value(
        "A second Curtner camera"
    )

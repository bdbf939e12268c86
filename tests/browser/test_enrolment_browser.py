"""A real browser: an administrator creates an account and records its training; the new person
signs in for the first time, sets up an authenticator from the QR code's key, accepts the
restrictions and lands signed in.

The browser, the live server and the page watcher are in conftest.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import Browser, expect

from plateward.accounts import service as people
from plateward.core.permissions import Actor
from plateward.demo import city
from tests.browser.conftest import LiveServer, accept_restrictions, sign_in_form, watched_page

pytestmark = pytest.mark.browser

NEW_USERNAME = "mrivera"
NEW_NAME = "Maria Rivera"
NEW_PASSWORD = "first sign-in passphrase"


def test_a_new_person_enrols_mfa_at_first_sign_in_in_a_real_browser(
    browser: Browser, live_server: LiveServer
) -> None:
    base = live_server.url
    admin = live_server.accounts["admin"]
    today = datetime.now(UTC).date()
    problems: list[str] = []

    # The administrator creates the account and records its training.
    page = watched_page(browser, base, problems)
    page.goto(f"{base}/admin/people")
    expect(page).to_have_url(f"{base}/login?next=/admin/people")
    sign_in_form(page, admin.username, admin.password, pyotp.TOTP(admin.totp_secret).now())
    expect(page).to_have_url(f"{base}/acknowledge?next=/admin/people")
    accept_restrictions(page)
    expect(page).to_have_url(f"{base}/admin/people")

    create = page.locator("form#create-person")
    create.get_by_label("Username").fill(NEW_USERNAME)
    create.get_by_label("Full name").fill(NEW_NAME)
    create.get_by_label("Badge").fill("4711")
    create.get_by_label("Unit").fill("Robbery Unit")
    create.get_by_label("Role").select_option("investigator")
    create.get_by_label("Initial password").fill(NEW_PASSWORD)
    create.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/admin/people/\d+$"))
    expect(page.get_by_role("heading", name=f"{NEW_NAME} #4711")).to_be_visible()
    expect(page.locator("#training")).to_contain_text("no training recorded")

    training = page.locator("form#training-form")
    training.get_by_label("Completed on").fill((today - timedelta(days=1)).isoformat())
    expires = today + timedelta(days=365)
    training.get_by_label("Expires on").fill(expires.isoformat())
    training.get_by_role("button", name="Record training").click()
    expect(page.locator("#training")).to_have_text(expires.isoformat())

    page.goto(f"{base}/admin/people")
    row = page.locator("table.people tr", has=page.get_by_role("link", name=NEW_USERNAME))
    expect(row).to_contain_text("at first sign-in")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base}/")
    page.close()

    # The new person's first sign-in: password, then the authenticator is set up.
    page = watched_page(browser, base, problems)
    page.goto(f"{base}/login")
    # No authenticator yet, so no code to give; the login form requires the field (see report).
    sign_in_form(page, NEW_USERNAME, NEW_PASSWORD, "000000")
    expect(page).to_have_url(f"{base}/login/enrol")
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    key = page.locator("code.secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", key), key
    page.get_by_label("Code from your authenticator").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(f"{base}/acknowledge")
    accept_restrictions(page)
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("header.top .who")).to_contain_text(f"{NEW_NAME} #4711 · investigator")
    page.get_by_role("link", name="My account").click()
    expect(page).to_have_url(f"{base}/account")
    expect(page.get_by_text(f"current until {expires.isoformat()}")).to_be_visible()
    page.close()

    assert problems == []


def test_a_first_sign_in_asks_for_no_code_in_a_real_browser(
    browser: Browser, live_server: LiveServer
) -> None:
    with live_server.db.unit_of_work() as uow:
        spec = people.PersonSpec(
            NEW_USERNAME, NEW_NAME, "officer", "Patrol", city.HOME_AGENCY_ORI, NEW_PASSWORD
        )
        people.create_person(uow, Actor.system("tests"), spec)
        uow.commit()
    page = browser.new_page()
    page.goto(f"{live_server.url}/login")
    form = page.locator("form[action='/login']")
    form.locator("input[name=username]").fill(NEW_USERNAME)
    form.locator("input[name=password]").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/login/enrol", timeout=3_000)

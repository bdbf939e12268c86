"""A real browser on the audit trail: a search the trail refuses (dates the wrong way round) says
why in the results, and the form keeps what the auditor typed."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, accept_restrictions, sign_in_form, watched_page

pytestmark = pytest.mark.browser


def test_a_refused_trail_search_says_why_in_the_results(
    browser: Browser, live_server: LiveServer
) -> None:
    base = live_server.url
    auditor = live_server.accounts["auditor"]
    page = watched_page(browser, base, [])
    page.goto(f"{base}/audit")
    sign_in_form(page, auditor.username, auditor.password, pyotp.TOTP(auditor.totp_secret).now())
    accept_restrictions(page)
    expect(page.locator("#results")).to_contain_text("Entries")

    form = page.locator("#trail-search")
    form.locator("input[name=date_from]").fill("2026-11-24")
    form.locator("input[name=date_to]").fill("2026-11-01")
    form.get_by_role("button", name="Search").click()

    expect(page.locator("#search-refused")).to_contain_text("after the")
    expect(form.locator("input[name=date_from]")).to_have_value("2026-11-24")

"""A real browser against a real server: sign in with password and code, watch reads, sign out.

The browser, the live server and the page watcher are in conftest.py.
"""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, accept_restrictions, sign_in_form, watched_page

pytestmark = pytest.mark.browser

LATEST_SHOWN = 50  # reads.latest_reads' default page size


@pytest.fixture
def demo_reads() -> int:
    """More reads than the page shows, so the newest page is full."""
    return 300


def test_an_administrator_signs_in_and_sees_reads_in_a_real_browser(
    browser: Browser, live_server: LiveServer
) -> None:
    base = live_server.url
    admin = live_server.accounts["admin"]
    expected_rows = min(LATEST_SHOWN, live_server.reads_total)
    assert expected_rows > 0
    problems: list[str] = []

    page = watched_page(browser, base, problems)

    page.goto(f"{base}/reads")
    expect(page).to_have_url(f"{base}/login?next=/reads")
    sign_in_form(page, admin.username, admin.password, pyotp.TOTP(admin.totp_secret).now())

    # Before any query, the person accepts the legal restrictions for this sign-in.
    expect(page).to_have_url(f"{base}/acknowledge?next=/reads")
    accept_restrictions(page)

    expect(page).to_have_url(f"{base}/reads")
    expect(page.get_by_role("heading", name="Reads", exact=True)).to_be_visible()
    rows = page.locator("#latest table.reads tbody tr")
    expect(rows).to_have_count(expected_rows)

    # The Refresh button swaps the table in place through HTMX, without a navigation.
    page.evaluate("window.__stayed = true")
    page.evaluate("document.querySelector('#latest table').dataset.before = 'yes'")
    with page.expect_response(lambda r: r.url == f"{base}/reads/latest") as refreshed:
        page.get_by_role("button", name="Refresh").click()
    assert refreshed.value.status == 200
    assert refreshed.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#latest table[data-before]")).to_have_count(0)
    expect(rows).to_have_count(expected_rows)
    assert page.evaluate("window.__stayed") is True
    expect(page).to_have_url(f"{base}/reads")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("header.top a[href='/login']")).to_be_visible()
    page.goto(f"{base}/reads")
    expect(page).to_have_url(f"{base}/login?next=/reads")
    page.close()

    assert problems == []

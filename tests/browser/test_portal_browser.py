"""The public transparency portal and the complaint form in a real browser, checked with axe-core
against WCAG 2.1 A and AA (issue 18): no violation, nothing loaded from elsewhere; a resident files
a complaint with the keyboard-reachable form and checks its status by tracking number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PAGE_TIMEOUT_MS, LiveServer, watch

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _page(browser: Browser, base: str, problems: list[str]) -> Page:
    # axe is evaluated by the test, not served by the app: the page's own CSP stays as it is
    # for the app's scripts, and the test's script is allowed in beside them.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    watch(page, base, problems)
    return page


def violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it stands, one line each."""
    page.evaluate(AXE.read_text())
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def test_the_portal_meets_wcag_21_aa_and_loads_nothing_from_elsewhere(
    browser: Browser, live_server: LiveServer
) -> None:
    problems: list[str] = []
    page = _page(browser, live_server.url, problems)

    page.goto(f"{live_server.url}/transparency")

    expect(page.get_by_role("heading", name="ALPR transparency portal")).to_be_visible()
    expect(page.locator("blockquote.statement")).to_contain_text("Senate Bill 54, 2017")
    assert violations(page) == []
    assert problems == []


def test_a_resident_files_a_complaint_and_checks_its_status(
    browser: Browser, live_server: LiveServer
) -> None:
    problems: list[str] = []
    page = _page(browser, live_server.url, problems)
    page.goto(f"{live_server.url}/transparency")
    page.get_by_role("link", name="Submit a comment or complaint").click()
    assert violations(page) == []

    page.get_by_role("radio", name="Complaint").check()
    page.get_by_label("Topic").select_option("equity")
    page.get_by_label("Your comment or complaint").fill(
        "Most cameras seem to be on the east side; why there?"
    )
    page.get_by_role("button", name="Send").click()

    number = page.locator("#tracking-number").inner_text()
    assert number.startswith("PW-")
    assert violations(page) == []
    page.goto(f"{live_server.url}/transparency/complaints/status")
    page.get_by_label("Tracking number").fill(number)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Received, waiting for the Digital Privacy Officer")).to_be_visible()
    assert violations(page) == []
    assert problems == []


def test_the_accessibility_check_sees_a_violation(browser: Browser) -> None:
    # The check above must be able to fail: an unlabelled field in a page without a language.
    page = browser.new_page()
    page.set_content("<html><body><input type='text'><img src='data:,'></body></html>")

    found = violations(page)

    assert any(v.startswith("label") for v in found), found
    assert any(v.startswith("html-has-lang") for v in found), found

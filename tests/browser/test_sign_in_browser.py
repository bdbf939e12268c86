"""A real browser against a real server: sign in with password and code, watch reads, sign out.

Playwright drives Debian's Chromium at /usr/bin/chromium (never a downloaded browser). The server
is uvicorn in a background thread over a fresh SQLite demo city, so this test does not use the
per-backend fixtures.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
import uvicorn
from playwright.sync_api import ConsoleMessage, Page, Request, expect, sync_playwright
from playwright.sync_api import Response as PlaywrightResponse

from plateward.core.database import Database
from plateward.core.migrate import upgrade
from plateward.demo.build import DemoAccount, build_city
from plateward.web.app import create_app
from tests.conftest import make_settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
LATEST_SHOWN = 50  # reads.latest_reads' default page size


@dataclass(frozen=True)
class LiveServer:
    url: str
    accounts: dict[str, DemoAccount]
    reads_total: int


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium package")
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    data_dir = tmp_path / "var"
    settings = make_settings(data_dir, f"sqlite:///{data_dir / 'plateward.db'}")
    db = Database.from_settings(settings)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        upgrade(db.engine)
        demo = build_city(db, data_dir, reads_count=300)
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        config = uvicorn.Config(
            create_app(settings, db),
            log_level="warning",
            access_log=False,
            ws="none",
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive(), "the server thread stopped while starting"
            assert time.monotonic() < deadline, "the server did not start within 30 s"
            time.sleep(0.05)
        try:
            yield LiveServer(
                f"http://127.0.0.1:{port}",
                {a.username: a for a in demo.accounts},
                demo.reads_total,
            )
        finally:
            server.should_exit = True
            thread.join(timeout=15)
            assert not thread.is_alive(), "the server did not stop"
    finally:
        listener.close()
        db.dispose()


def watch(page: Page, base: str, problems: list[str]) -> None:
    """Collect script errors, failed loads and any request to a site other than ours."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text} at {message.location.get('url')}")

    def on_response(response: PlaywrightResponse) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    def on_request(request: Request) -> None:
        # Only this server is ever contacted: no CDN, no outside site.
        if not request.url.startswith(base):
            problems.append(f"off-site request: {request.url}")

    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    page.on("request", on_request)


def test_an_administrator_signs_in_and_sees_reads_in_a_real_browser(
    chromium: Path, live_server: LiveServer
) -> None:
    base = live_server.url
    admin = live_server.accounts["admin"]
    expected_rows = min(LATEST_SHOWN, live_server.reads_total)
    assert expected_rows > 0
    problems: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            watch(page, base, problems)

            page.goto(f"{base}/reads")
            expect(page).to_have_url(f"{base}/login?next=/reads")
            form = page.locator("form[action='/login']")
            form.locator("input[name=username]").fill(admin.username)
            form.locator("input[name=password]").fill(admin.password)
            form.locator("input[name=code]").fill(pyotp.TOTP(admin.totp_secret).now())
            form.get_by_role("button", name="Sign in").click()

            # Before any query, the person accepts the legal restrictions for this sign-in.
            expect(page).to_have_url(f"{base}/acknowledge?next=/reads")
            page.get_by_label("I have read and accept these restrictions").check()
            page.get_by_role("button", name="Accept and continue").click()

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
        finally:
            browser.close()

    assert problems == []

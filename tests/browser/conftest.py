"""What every real-browser test shares: Debian's Chromium, a live server, and a page that reports
problems.

Playwright drives Debian's Chromium at /usr/bin/chromium (never a downloaded browser). The server
is uvicorn in a background thread over a fresh SQLite demo city, so these tests do not use the
per-backend fixtures. A module that needs a larger city overrides the ``demo_reads`` fixture.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright
from playwright.sync_api import Response as PlaywrightResponse

from plateward.core.database import Database
from plateward.core.migrate import upgrade
from plateward.demo.build import DemoAccount, build_city
from plateward.web.app import create_app
from tests.conftest import make_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
PAGE_TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class LiveServer:
    url: str
    accounts: dict[str, DemoAccount]
    db: Database
    reads_total: int


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium package")
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def demo_reads() -> int:
    """How many reads the live server's demo city holds."""
    return 200


@pytest.fixture
def live_server(tmp_path: Path, demo_reads: int) -> Iterator[LiveServer]:
    data_dir = tmp_path / "var"
    settings = make_settings(data_dir, f"sqlite:///{data_dir / 'plateward.db'}")
    db = Database.from_settings(settings)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        upgrade(db.engine)
        demo = build_city(db, data_dir, reads_count=demo_reads)
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        config = uvicorn.Config(
            create_app(settings, db), log_level="warning", access_log=False, ws="none"
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
            accounts = {a.username: a for a in demo.accounts}
            yield LiveServer(f"http://127.0.0.1:{port}", accounts, db, demo.reads_total)
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


def watched_page(browser: Browser, base: str, problems: list[str]) -> Page:
    """A new page with the usual timeout whose problems are collected into ``problems``."""
    page = browser.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    watch(page, base, problems)
    return page


def sign_in_form(page: Page, username: str, password: str, code: str) -> None:
    """Fill in and submit the sign-in form shown on ``page``."""
    form = page.locator("form[action='/login']")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("input[name=code]").fill(code)
    form.get_by_role("button", name="Sign in").click()


def accept_restrictions(page: Page) -> None:
    """Accept the legal restrictions on the acknowledgment prompt shown on ``page``."""
    page.get_by_label("I have read and accept these restrictions").check()
    page.get_by_role("button", name="Accept and continue").click()

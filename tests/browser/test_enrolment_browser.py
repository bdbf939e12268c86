"""A real browser: an administrator creates an account and records its training; the new person
signs in for the first time, sets up an authenticator from the QR code's key, accepts the
restrictions and lands signed in.

Same set-up as test_sign_in_browser.py: Debian's Chromium at /usr/bin/chromium driven by
Playwright, uvicorn in a background thread over a fresh SQLite demo city.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect, sync_playwright
from playwright.sync_api import Response as PlaywrightResponse

from plateward.accounts import service as people
from plateward.core.database import Database
from plateward.core.migrate import upgrade
from plateward.core.permissions import Actor
from plateward.demo import city
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
NEW_USERNAME = "mrivera"
NEW_NAME = "Maria Rivera"
NEW_PASSWORD = "first sign-in passphrase"


@dataclass(frozen=True)
class LiveServer:
    url: str
    accounts: dict[str, DemoAccount]
    db: Database


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
        demo = build_city(db, data_dir, reads_count=200)
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
            yield LiveServer(f"http://127.0.0.1:{port}", accounts, db)
        finally:
            server.should_exit = True
            thread.join(timeout=15)
            assert not thread.is_alive(), "the server did not stop"
    finally:
        listener.close()
        db.dispose()


@pytest.fixture
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def watch(page: Page, base: str, problems: list[str]) -> None:
    """Collect script errors, failed loads and any request to a site other than ours."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text} at {message.location.get('url')}")

    def on_response(response: PlaywrightResponse) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    def on_request(request: Request) -> None:
        if not request.url.startswith(base):
            problems.append(f"off-site request: {request.url}")

    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    page.on("request", on_request)


def _sign_in_form(page: Page, username: str, password: str, code: str) -> None:
    form = page.locator("form[action='/login']")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("input[name=code]").fill(code)
    form.get_by_role("button", name="Sign in").click()


def _accept(page: Page) -> None:
    page.get_by_label("I have read and accept these restrictions").check()
    page.get_by_role("button", name="Accept and continue").click()


def test_a_new_person_enrols_mfa_at_first_sign_in_in_a_real_browser(
    browser: Browser, live_server: LiveServer
) -> None:
    base = live_server.url
    admin = live_server.accounts["admin"]
    today = datetime.now(UTC).date()
    problems: list[str] = []

    # The administrator creates the account and records its training.
    page = browser.new_page()
    page.set_default_timeout(15_000)
    watch(page, base, problems)
    page.goto(f"{base}/admin/people")
    expect(page).to_have_url(f"{base}/login?next=/admin/people")
    _sign_in_form(page, admin.username, admin.password, pyotp.TOTP(admin.totp_secret).now())
    expect(page).to_have_url(f"{base}/acknowledge?next=/admin/people")
    _accept(page)
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
    page = browser.new_page()
    page.set_default_timeout(15_000)
    watch(page, base, problems)
    page.goto(f"{base}/login")
    # No authenticator yet, so no code to give; the login form requires the field (see report).
    _sign_in_form(page, NEW_USERNAME, NEW_PASSWORD, "000000")
    expect(page).to_have_url(f"{base}/login/enrol")
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    key = page.locator("code.secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", key), key
    page.get_by_label("Code from your authenticator").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(f"{base}/acknowledge")
    _accept(page)
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

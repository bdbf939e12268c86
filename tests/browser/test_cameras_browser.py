"""A real browser on the camera registry: a silent camera is flagged in the menu (loaded through
HTMX) and on its page, and an unknown camera is registered and its reads released in one go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import Browser, expect

from plateward.core.permissions import Actor
from plateward.reads import service as reads
from plateward.reads.rules import RawRow
from tests.browser.conftest import LiveServer, accept_restrictions, sign_in_form, watched_page

pytestmark = pytest.mark.browser


def _unknown_camera_reads(live_server: LiveServer) -> None:
    captured = datetime.now(UTC) - timedelta(minutes=5)
    rows = [
        RawRow.of(
            str(i),
            {"camera": "ROGUE-7", "captured_at": captured.isoformat(), "plate": f"7BRW00{i}"},
        )
        for i in range(3)
    ]
    # SJ-FX-001 read ten minutes ago, whatever the demo city's random reads hold.
    earlier = (captured - timedelta(minutes=5)).isoformat()
    rows.append(RawRow.of("3", {"camera": "SJ-FX-001", "captured_at": earlier, "plate": "7BRW010"}))
    with live_server.db.unit_of_work() as uow:
        reads.ingest(uow, Actor.system("tests"), rows, "api")


def test_an_administrator_finds_a_silent_camera_and_releases_an_unknown_one(
    browser: Browser, live_server: LiveServer
) -> None:
    base = live_server.url
    admin = live_server.accounts["admin"]
    _unknown_camera_reads(live_server)
    problems: list[str] = []
    page = watched_page(browser, base, problems)
    page.goto(f"{base}/admin/cameras")
    sign_in_form(page, admin.username, admin.password, pyotp.TOTP(admin.totp_secret).now())
    accept_restrictions(page)
    expect(page).to_have_url(f"{base}/admin/cameras")

    # A camera expected to read every minute has been silent longer: flagged once saved.
    page.get_by_role("link", name="SJ-FX-001", exact=True).click()
    page.locator("#edit-camera input[name=expected_interval_minutes]").fill("1")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#silent-banner")).to_contain_text("silent for")
    # The administration menu loads the count of silent cameras through HTMX.
    expect(page.locator("nav.subnav")).to_contain_text("1 silent")

    page.goto(f"{base}/admin/cameras")
    unknown = page.locator("#unknown tbody tr", has_text="ROGUE-7")
    expect(unknown).to_contain_text("3")
    unknown.get_by_role("link", name="Register and release").click()
    form = page.locator("#register-camera")
    expect(form.locator("input[name=code]")).to_have_value("ROGUE-7")
    form.locator("input[name=name]").fill("Tully & Monterey")
    form.locator("input[name=location]").fill("Tully Rd & Monterey Rd")
    form.locator("input[name=vendor]").fill("Flock Safety")
    form.locator("input[name=latitude]").fill("37.30")
    form.locator("input[name=longitude]").fill("-121.86")
    # DUP §3.1, §5 — registered active only with a public-view attestation.
    form.locator("textarea[name=attestation_note]").fill("Checked from the sidewalk")
    form.get_by_role("button", name="Register camera").click()

    expect(page.locator("#release-report")).to_contain_text("3 row(s) released (3 stored")
    expect(page.locator("#unknown")).not_to_contain_text("ROGUE-7")
    assert not problems, problems

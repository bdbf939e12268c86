"""Issue 18 roles, least privilege: the records clerk assembles a public-records package in one
action and a second person (the DPO) reviews and releases it; the City IT department's auditor
runs the quarterly compliance audit of internal and external access (DUP §9, 2026 update) and
nothing else. Neither searches reads, reads the raw trail or draws the random audits, which stay
with the audit unit. Each sees its work on its home page after sign-in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from plateward.core.database import Database
from plateward.core.permissions import Permission, Role, role_permissions
from tests.conftest import Backend, csrf_from, native_read, sign_in
from tests.oversight.personas import sign_in_new
from tests.search.conftest import entries, push, search

# What no clerk and no IT auditor may open: searching reads, the newest reads, the raw trail and
# its export, the random audits, the annual report, complaints, incidents, people.
OTHERS_WORK = (
    "/audit",
    "/audit/export.csv",
    "/audits",
    "/reports",
    "/complaints",
    "/incidents",
    "/admin/people",
    "/reads",
)


def _home_links(client: TestClient) -> set[str]:
    home = client.get("/")
    assert home.status_code == 200
    section = re.search(r'<section class="cards" id="features">(.*?)</section>', home.text, re.S)
    assert section
    return set(re.findall(r'<a href="([^"]+)">', section.group(1)))


def test_the_roles_hold_only_their_own_permissions() -> None:
    assert role_permissions(Role.RECORDS_CLERK) == {Permission.RECORDS_ASSEMBLE}
    assert role_permissions(Role.IT_AUDITOR) == {Permission.COMPLIANCE_REPORT}


def test_the_records_clerk_assembles_a_package_the_dpo_reviews_and_releases(
    client: TestClient, backend: Backend, db: Database, ingest_token: str
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")
    assert search(client, plate="7ABC123").status_code == 200
    client.cookies.clear()
    sign_in_new(client, db, "clerk", "records_clerk", "Records Unit")
    assert _home_links(client) == {"/account", "/records"}

    page = client.get("/records")
    made = client.post(
        "/records",
        data={
            "csrf_token": csrf_from(page.text),
            "request_ref": "CPRA-2026-300",
            "start": "2026-11-01",
            "end": "2026-11-30",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    package = made.headers["location"]
    detail = client.get(package)
    assert detail.status_code == 200 and "Awaiting review" in detail.text
    assert "Reviewed: release this package" not in detail.text
    archive = client.get(f"{package}/package.zip")
    assert archive.status_code == 200 and b"7ABC123" not in archive.content
    refused = client.post(f"{package}/release", data={"csrf_token": csrf_from(detail.text)})
    assert refused.status_code == 403

    client.cookies.clear()
    sign_in(client, backend, "dpo")
    review = client.get(package)
    released = client.post(
        f"{package}/release",
        data={"csrf_token": csrf_from(review.text)},
        follow_redirects=False,
    )
    assert released.status_code == 303
    (assembled,) = entries(db, "records.package_assembled")
    assert assembled.actor_username == "clerk"
    assert entries(db, "records.package_released")[0].actor_username == "dpo"


def test_the_records_clerk_cannot_search_or_read_the_trail(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in_new(client, db, "clerk", "records_clerk", "Records Unit")

    assert search(client, plate="7ABC123").status_code == 403
    for path in (*OTHERS_WORK, "/audits/compliance"):
        assert client.get(path).status_code == 403, path
    assert any(e.actor_username == "clerk" for e in entries(db, "access.refused"))


def test_the_it_auditor_runs_the_quarterly_compliance_audit_and_nothing_else(
    client: TestClient, backend: Backend, db: Database, ingest_token: str
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")
    assert search(client, plate="7ABC123").status_code == 200
    client.cookies.clear()
    sign_in_new(client, db, "itaudit", "it_auditor", "City IT Department, Compliance Audits")
    assert _home_links(client) == {"/account", "/audits/compliance"}

    report = client.get("/audits/compliance?quarter=2026-Q4")
    sheet = client.get("/audits/compliance.csv?quarter=2026-Q4")

    assert report.status_code == 200 and "Quarterly compliance report, 2026-Q4" in report.text
    assert 'href="/audits"' not in report.text  # the random audits are not the IT auditor's
    assert sheet.status_code == 200 and "search.run" in sheet.text
    assert "7ABC123" not in report.text and "7ABC123" not in sheet.text
    (run,) = entries(db, "audit.compliance_reported")[-1:]
    assert run.actor_username == "itaudit"

    assert search(client, plate="7ABC123").status_code == 403
    for path in (*OTHERS_WORK, "/records", "/audits/immigration"):
        assert client.get(path).status_code == 403, path
    page = client.get("/audits")
    assert page.status_code == 403


def test_the_audit_unit_keeps_the_random_audits_and_the_compliance_report(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "auditor")

    assert client.get("/audits/compliance?quarter=2026-Q4").status_code == 200
    assert "/audits" in _home_links(client)
    assert "/audits/compliance" not in _home_links(client)  # reached from the audits page

"""DUP §10, §14, U26 transparency — the agencies with access on the portal, in the annual report's
sharing by agency and in a public-records package come from the sharing agreements in force: the
same rows and rule that open or close an outside agency's search. Suspending an agreement takes
the agency off the portal at once; reinstating it puts it back."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.conftest import Backend, csrf_from, sign_in
from tests.sharing.conftest import outside, santa_clara_agreement

__all__ = ["outside", "santa_clara_agreement"]  # the sharing fixtures

SHERIFF = "Santa Clara County Sheriff's Office"
REFERENCE = "SJ-SHARE-2026-014 (signed 2026-01-12)"


def _agencies(client: TestClient) -> str:
    page = client.get("/transparency")
    assert page.status_code == 200
    match = re.search(r'<table id="agencies">.*?</table>', page.text, re.S)
    assert match
    return match.group(0).replace("&#39;", "'")


def _status(admin: TestClient, agreement: int, status: str) -> None:
    response = admin.post(
        f"/api/v1/sharing/agreements/{agreement}/status",
        json={"status": status, "reason": "Review of the agency's use"},
    )
    assert response.status_code == 200, response.text


def test_the_portal_lists_the_agencies_whose_agreement_is_in_force(
    client: TestClient, backend: Backend, outside: dict[str, str], santa_clara_agreement: int
) -> None:
    public = TestClient(client.app)
    listed = _agencies(public)
    assert SHERIFF in listed and "search" in listed
    assert "2026-10-25 to 2027-09-20" in listed  # the agreement's dates
    assert "San Jos" in listed  # the home department
    # People of agencies without an agreement hold accounts, but no access: not listed.
    assert "Sunnyvale" not in listed and "Immigration" not in listed and "Washoe" not in listed

    sign_in(client, backend, "admin")
    _status(client, santa_clara_agreement, "suspended")
    assert SHERIFF not in _agencies(public)

    _status(client, santa_clara_agreement, "active")
    assert SHERIFF in _agencies(public)

    _status(client, santa_clara_agreement, "revoked")
    assert SHERIFF not in _agencies(public)


def test_the_annual_report_and_the_records_package_name_the_agreements(
    client: TestClient,
    backend: Backend,
    db: Database,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    sign_in(client, backend, "dpo")

    sheet = client.get("/reports/2026/report.csv").text
    rows = list(csv.reader(io.StringIO(sheet)))
    agreements = [r for r in rows if r[0] == "agreements"]
    assert [r[1:] for r in agreements] == [
        [SHERIFF, "CA0430000", REFERENCE, "search", "2026-10-25", "2027-09-20", "active"]
    ]
    assert [r[1:] for r in rows if r[0] == "sharing"] == [[SHERIFF, "0", "0"]]
    page = client.get("/reports/2026/report.html").text.replace("&#39;", "'")
    assert REFERENCE in page and "Sharing agreements in force during 2026" in page

    records = client.get("/records")
    response = client.post(
        "/records",
        data={
            "csrf_token": csrf_from(records.text),
            "request_ref": "CPRA-2026-201",
            "start": "2026-01-01",
            "end": "2026-11-24",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    package_id = int(response.headers["location"].rsplit("/", 1)[1])
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/records/{package_id}/package.zip").content))
    contents = json.loads(archive.read("contents.json"))
    sheriff = next(a for a in contents["agencies_with_access"] if a["ori"] == "CA0430000")
    assert sheriff["agreements"] == [
        {
            "reference": REFERENCE,
            "scopes": ["search"],
            "effective_on": "2026-10-25",
            "expires_on": "2027-09-20",
        }
    ]
    assert [g["reference"] for g in contents["agreements_in_period"]] == [REFERENCE]
    assert not any(a["ori"] == "CA0431400" for a in contents["agencies_with_access"])  # Sunnyvale
    detail = client.get(f"/records/{package_id}").text.replace("&#39;", "'")
    assert REFERENCE in detail

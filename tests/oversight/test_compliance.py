"""U26 — the quarterly compliance report of internal and external access, and the
immigration-release check over the trail through the prohibited-use guard; both audited."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.database import Database
from plateward.core.permissions import Actor, ActorKind, Role
from plateward.core.purpose import Purpose, PurposeCategory
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, push, search

IMMIGRATION = {
    "crime_type": "8 U.S.C. 1326 reentry after removal",
    "justification": "ICE ERO asked us to locate the driver for an immigration removal detainer.",
}


def _activity(client: TestClient, backend: Backend, token: str) -> None:
    push(client, token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")
    assert search(client, plate="7ABC123").status_code == 200
    assert search(client, plate="7ABC123", **IMMIGRATION).status_code == 403
    client.cookies.clear()


def _outside_search(db: Database) -> None:
    """A search by an outside agency's person, as the sharing capability will record one."""
    outsider = Actor(
        kind=ActorKind.PERSON,
        id=None,
        username="mpd-analyst",
        name="Milpitas Analyst",
        role=Role.EXTERNAL_AGENCY,
        agency_name="Milpitas Police Department",
    )
    purpose = Purpose.from_record(
        {
            "category": PurposeCategory.CRIMINAL_INVESTIGATION.value,
            "crime_type": "PC 211",
            "case_number": "26-004513",
            "justification": "Robbery suspect vehicle seen on Calaveras Blvd; find its route.",
        }
    )
    with db.unit_of_work() as uow:
        audit.record(
            uow,
            outsider,
            AuditEvent(
                AuditAction.SEARCH_RUN,
                purpose=purpose,
                result_count=4,
                details={"search_id": 999, "page": 1},
            ),
        )
        uow.commit()


def test_the_quarterly_report_counts_internal_and_external_access(
    client: TestClient, backend: Backend, db: Database, ingest_token: str
) -> None:
    _activity(client, backend, ingest_token)
    _outside_search(db)
    sign_in(client, backend, "auditor")

    page = client.get("/audits/compliance", params={"quarter": "2026-Q4"})
    sheet = client.get("/audits/compliance.csv", params={"quarter": "2026-Q4"})

    assert page.status_code == 200
    rows = list(csv.DictReader(io.StringIO(sheet.text)))
    internal = [r for r in rows if r["scope"] == "internal"]
    external = [r for r in rows if r["scope"] == "external"]
    assert {(r["action"], r["outcome"]) for r in internal} == {
        ("search.run", "allowed"),
        ("search.blocked", "denied"),
    }
    assert [(r["agency"], r["entries"], r["records"]) for r in external] == [
        ("Milpitas Police Department", "1", "4")
    ]
    reported = entries(db, "audit.compliance_reported")
    assert len(reported) == 2  # the page and the CSV, each audited
    assert reported[0].details["external_agencies"] == ["Milpitas Police Department"]


def test_a_quarter_is_written_yyyy_qn(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "auditor")

    assert client.get("/audits/compliance", params={"quarter": "2026-5"}).status_code == 422


def test_the_immigration_check_finds_refused_requests_and_no_release(
    client: TestClient, backend: Backend, db: Database, ingest_token: str
) -> None:
    _activity(client, backend, ingest_token)
    sign_in(client, backend, "auditor")

    page = client.get("/audits/immigration", params={"start": "2026-11-01", "end": "2026-11-30"})

    assert "No data was released for federal immigration purposes" in page.text
    (check,) = entries(db, "audit.immigration_checked")
    blocked = entries(db, "search.blocked")[0]
    assert check.result_count == 0
    assert check.details["blocked"] == 1
    assert check.result_ids == [str(blocked.seq)]


def test_the_immigration_check_finds_an_access_that_released_data(
    client: TestClient, backend: Backend, db: Database
) -> None:
    # A search that ran although its purpose was immigration enforcement (say, before the guard
    # knew the words): today's guard reads the recorded purpose again and finds it.
    purpose = Purpose(
        PurposeCategory.CRIMINAL_INVESTIGATION,
        IMMIGRATION["crime_type"],
        "26-000777",
        IMMIGRATION["justification"],
        None,
    )
    with db.unit_of_work() as uow:
        released = audit.record(
            uow,
            Actor.system("tests"),
            AuditEvent(
                AuditAction.SEARCH_RUN,
                purpose=purpose,
                result_count=3,
                result_ids=("r1", "r2", "r3"),
                details={"search_id": 5, "page": 1},
            ),
        )
        uow.commit()
        seq = released.seq
    sign_in(client, backend, "auditor")

    page = client.get("/audits/immigration", params={"start": "2026-11-01", "end": "2026-11-30"})

    assert "1 access(es) returned data" in page.text
    (check,) = entries(db, "audit.immigration_checked")
    assert check.result_count == 1
    assert check.details["released"] == [seq]
    portal = client.get("/transparency").text
    assert "1 access(es) returned data by or for a federal agency" in portal

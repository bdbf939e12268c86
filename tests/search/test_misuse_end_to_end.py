"""From the search form's API to the auditor's page: searches an officer really runs become a
misuse signal the auditor reviews (DUP §9)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from plateward.core.audit import AuditAction
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.jobs import Runner
from plateward.jobs_catalog import catalog
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, push, search

LOOKUPS = (
    ("26-000171", "PC 211", "Robbery of the Story Rd pharmacy; the clerk saw this car leave"),
    ("26-000287", "PC 459", "Burglary on Hillsdale Ave; a neighbour's camera caught this car"),
    ("26-000342", "VC 20002", "Hit and run on Alum Rock Ave; a witness gave this plate"),
)


def test_one_plate_searched_under_three_cases_reaches_the_auditor(
    client: TestClient,
    other_browser: TestClient,
    backend: Backend,
    db: Database,
    clock: FrozenClock,
    ingest_token: str,
) -> None:
    push(client, ingest_token, native_read(plate="8STK123"))
    sign_in(client, backend, "officer")
    for case_number, crime, why in LOOKUPS:
        answer = search(
            client, plate="8STK123", case_number=case_number, crime_type=crime, justification=why
        )
        assert answer.status_code == 200, answer.text
    seqs = [e.seq for e in entries(db, AuditAction.SEARCH_RUN)]
    assert len(seqs) == 3

    job = next(j for j in catalog(db.settings) if j.name == "misuse-signals")
    (run,) = Runner(db, [job]).run_due()
    sign_in(other_browser, backend, "auditor")
    page = other_browser.get("/audit/signals", params={"kind": "plate_across_cases"})

    assert run.message is not None and "plate_across_cases" in run.message
    assert "searched one plate 3 times under 3 cases" in page.text
    assert "officer" in page.text
    for seq in seqs:
        assert f'href="/audit/entries/{seq}"' in page.text

"""DUP §9 — a monthly random sample of searches, drawn with a recorded seed by a unit other than
the Crime Data Intelligence Center, with a finding and follow-up for each search; every step
audited."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.oversight import audit_rules
from tests.conftest import Backend, csrf_from, native_read, sign_in
from tests.oversight.personas import sign_in_new
from tests.search.conftest import entries, push, search


def _run_searches(client: TestClient, backend: Backend, token: str, count: int) -> None:
    push(client, token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")
    for n in range(count):
        assert search(client, plate=f"7ABC{120 + n}").status_code == 200
    client.cookies.clear()


def _draw(client: TestClient, **fields: str) -> int:
    page = client.get("/audits")
    assert page.status_code == 200, page.text
    data = {"csrf_token": csrf_from(page.text), "month": "2026-11", **fields}
    response = client.post("/audits/samples", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_an_auditor_draws_a_reproducible_sample_of_the_months_searches(
    client: TestClient, backend: Backend, db: Database, ingest_token: str
) -> None:
    _run_searches(client, backend, ingest_token, 5)
    sign_in(client, backend, "auditor")

    sample_id = _draw(client, size="3", seed="seed-for-the-test")
    page = client.get(f"/audits/samples/{sample_id}").text

    (drawn,) = entries(db, "audit.sample_drawn")
    assert drawn.query_terms == {"month": "2026-11", "size": 3, "seed": "seed-for-the-test"}
    assert drawn.details["population"] == 5
    assert drawn.details["unit"] == "Internal Affairs Audit Unit"
    # Anyone holding the trail and the seed draws the same searches again.
    firsts = audit_rules.first_pages((e.seq, e.details) for e in entries(db, "search.run"))
    again = audit_rules.draw(list(firsts.values()), 3, "seed-for-the-test")
    assert list(drawn.result_ids) == [str(s) for s in again]
    shown = re.findall(r'href="/audit/entries/(\d+)"', page)
    assert shown == [str(s) for s in again]


def test_a_search_is_sampled_once_whatever_its_pages(
    client: TestClient, backend: Backend, db: Database, ingest_token: str
) -> None:
    _run_searches(client, backend, ingest_token, 2)
    first = entries(db, "search.run")[0]
    with db.unit_of_work() as uow:  # the investigator turns to the search's second page
        audit.record(
            uow,
            Actor.system("tests"),
            AuditEvent(AuditAction.SEARCH_RUN, details={**first.details, "page": 2}),
        )
        uow.commit()
    sign_in(client, backend, "auditor")

    _draw(client, size="10")

    (drawn,) = entries(db, "audit.sample_drawn")
    assert len(entries(db, "search.run")) == 3
    assert drawn.result_count == 2 == drawn.details["population"]
    assert str(first.seq) in drawn.result_ids  # the first page stands for its search


def test_a_month_is_sampled_once(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "auditor")
    _draw(client)
    page = client.get("/audits")

    again = client.post(
        "/audits/samples", data={"csrf_token": csrf_from(page.text), "month": "2026-11"}
    )

    assert again.status_code == 409


def test_the_auditor_records_a_finding_and_follow_up_for_each_search(
    client: TestClient, backend: Backend, db: Database, ingest_token: str
) -> None:
    _run_searches(client, backend, ingest_token, 1)
    sign_in(client, backend, "auditor")
    sample_id = _draw(client, size="1")
    page = client.get(f"/audits/samples/{sample_id}").text
    item_id = re.search(r'action="/audits/findings/(\d+)"', page).group(1)  # type: ignore[union-attr]
    csrf = csrf_from(page)

    bare = client.post(
        f"/audits/findings/{item_id}", data={"csrf_token": csrf, "finding": "violation"}
    )
    recorded = client.post(
        f"/audits/findings/{item_id}",
        data={
            "csrf_token": csrf,
            "finding": "violation",
            "note": "The justification names no suspect vehicle.",
            "follow_up": "Refer to the investigator's lieutenant; retrain.",
        },
        follow_redirects=False,
    )

    assert bare.status_code == 422  # a violation needs its note and follow-up action
    assert recorded.status_code == 303
    (entry,) = entries(db, "audit.finding_recorded")
    assert entry.details["finding"] == "violation"
    assert entry.result_ids == [str(entries(db, "search.run")[0].seq)]
    assert "retrain" in client.get(f"/audits/samples/{sample_id}").text


def test_a_member_of_the_crime_intelligence_center_cannot_audit(
    client: TestClient, db: Database
) -> None:
    sign_in_new(client, db, "cdicauditor", "auditor", "Crime Data Intelligence Center")

    response = client.get("/audits", follow_redirects=False)

    assert response.status_code == 403
    refusal = entries(db, "access.refused")[-1]
    assert refusal.details["resource"] == "audit-unit"
    assert "other than the Crime Data Intelligence Center" in (refusal.reason or "")


def test_only_the_audit_unit_opens_the_audits(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")

    assert client.get("/audits", follow_redirects=False).status_code == 403

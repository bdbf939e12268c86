"""The auditor's view of the audit trail: search, open, export, and the chain's state.

DUP §9 — the trail of requested and accessed information, including the purpose, is audited by a
unit other than CDIC; the audit role reads the trail and nothing else, and its own looks at the
trail are recorded in it.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent, Outcome
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.permissions import Actor, Role
from plateward.core.purpose import Purpose, PurposeCategory
from plateward.oversight.rules import CSV_COLUMNS
from tests.conftest import NOW, Backend, sign_in

_SHOWN = re.compile(r'<tr id="entry-(\d+)">')

JANE = Actor(
    kind="person",
    id=None,
    username="jdoe",
    name="Jane Doe",
    role=Role.INVESTIGATOR,
    badge="4242",
    unit="Robbery Unit",
    agency_name="San José Police Department",
    client_address="10.1.2.3",
)
RICHARD = Actor(
    kind="person", id=None, username="rroe", name="Richard Roe", role=Role.OFFICER, badge="777"
)
PURPOSE = Purpose(
    PurposeCategory.CRIMINAL_INVESTIGATION,
    crime_type="robbery",
    case_number="26-004417",
    justification="suspect vehicle seen leaving the scene",
)


def _record(
    db: Database,
    actor: Actor,
    event: AuditEvent,
    clock: FrozenClock | None = None,
    at: datetime | None = None,
) -> int:
    """Append one entry (at a given time if asked) and return its number."""
    if clock is not None and at is not None:
        clock.current = at
    with db.unit_of_work() as uow:
        seq = audit.record(uow, actor, event).seq
        uow.commit()
    if clock is not None:
        clock.current = NOW
    return seq


def _search(
    plate: str = "7ABC123", outcome: Outcome = Outcome.ALLOWED, reason: str | None = None
) -> AuditEvent:
    return AuditEvent(
        AuditAction.READS_MONITORED,
        outcome,
        reason,
        query_terms={"plate": plate},
        purpose=PURPOSE,
        result_count=2,
        result_ids=("11111111-2222-3333-4444-555555555555",),
    )


def _shown(page: str) -> list[int]:
    return [int(seq) for seq in _SHOWN.findall(page)]


def _entries(db: Database, action: AuditAction) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
            )
        )


def test_an_auditor_searches_the_trail_by_person(
    client: TestClient, backend: Backend, db: Database
) -> None:
    jane = _record(db, JANE, _search())
    richard = _record(db, RICHARD, _search(plate="8DEF456"))
    sign_in(client, backend, "auditor")

    by_username = client.get("/audit", params={"person": "jdoe"})
    by_name = client.get("/audit", params={"person": "DOE"})
    by_other = client.get("/audit", params={"person": "richard"})

    assert by_username.status_code == 200
    assert _shown(by_username.text) == [jane]
    assert _shown(by_name.text) == [jane]
    assert _shown(by_other.text) == [richard]
    assert "Jane Doe" in by_username.text
    assert "4242" in by_username.text


def test_an_auditor_searches_the_trail_by_date(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    # 07:30 UTC on 22 November is 23:30 on the 21st in San José: dates are the city's dates.
    late_on_21st = _record(db, JANE, _search(), clock, datetime(2026, 11, 22, 7, 30, tzinfo=UTC))
    early_on_22nd = _record(db, JANE, _search(), clock, datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    on_23rd = _record(db, JANE, _search(), clock, datetime(2026, 11, 24, 7, 59, tzinfo=UTC))
    sign_in(client, backend, "auditor")

    the_22nd = client.get(
        "/audit", params={"person": "jdoe", "date_from": "2026-11-22", "date_to": "2026-11-22"}
    )
    from_the_22nd = client.get("/audit", params={"person": "jdoe", "date_from": "2026-11-22"})
    to_the_21st = client.get("/audit", params={"person": "jdoe", "date_to": "2026-11-21"})

    assert the_22nd.status_code == 200
    assert _shown(the_22nd.text) == [early_on_22nd]
    assert _shown(from_the_22nd.text) == [on_23rd, early_on_22nd]
    assert _shown(to_the_21st.text) == [late_on_21st]


def test_an_auditor_searches_the_trail_by_plate_or_query_term(
    client: TestClient, backend: Backend, db: Database
) -> None:
    wanted = _record(db, JANE, _search(plate="7XYZ987"))
    _record(db, JANE, _search(plate="8AAA111"))
    by_result = _record(
        db,
        RICHARD,
        AuditEvent(
            AuditAction.READS_MONITORED, result_ids=("feedface-0000-4000-8000-000000000001",)
        ),
    )
    sign_in(client, backend, "auditor")

    by_plate = client.get("/audit", params={"term": "7xyz"})
    # A result id is matched whole, through the record index (audit_entry_records).
    by_read_id = client.get("/audit", params={"term": "feedface-0000-4000-8000-000000000001"})
    # LIKE wildcards typed by the auditor are matched literally, never as patterns.
    wildcard = client.get("/audit", params={"term": "_XYZ987"})

    assert _shown(by_plate.text) == [wanted]
    assert _shown(by_read_id.text) == [by_result]
    assert _shown(wildcard.text) == []


def test_an_auditor_searches_the_trail_by_case_number_and_purpose(
    client: TestClient, backend: Backend, db: Database
) -> None:
    with_case = _record(db, JANE, _search())
    _record(
        db,
        RICHARD,
        AuditEvent(
            AuditAction.READS_MONITORED,
            query_terms={"note": "26-004417"},  # the number, but not as a case number
            purpose=replace(PURPOSE, case_number="26-000001", crime_type="burglary"),
        ),
    )
    sign_in(client, backend, "auditor")

    by_case = client.get("/audit", params={"case_number": "26-004417"})
    by_purpose = client.get("/audit", params={"purpose": "ROBBERY"})

    assert _shown(by_case.text) == [with_case]
    assert _shown(by_purpose.text) == [with_case]


def test_an_auditor_searches_the_trail_by_outcome(
    client: TestClient, backend: Backend, db: Database
) -> None:
    allowed = _record(db, JANE, _search())
    denied = _record(db, JANE, _search(outcome=Outcome.DENIED, reason="no purpose given"))
    sign_in(client, backend, "auditor")

    refused = client.get("/audit", params={"person": "jdoe", "outcome": "denied"})
    granted = client.get("/audit", params={"person": "jdoe", "outcome": "allowed"})
    by_action = client.get("/audit", params={"action": "reads.monitored", "outcome": "denied"})

    assert _shown(refused.text) == [denied]
    assert "no purpose given" in refused.text
    assert _shown(granted.text) == [allowed]
    assert _shown(by_action.text) == [denied]


def test_the_trail_is_shown_fifty_entries_a_page(
    client: TestClient, backend: Backend, db: Database
) -> None:
    with db.unit_of_work() as uow:
        seqs = [audit.record(uow, RICHARD, _search()).seq for _ in range(60)]
        uow.commit()
    sign_in(client, backend, "auditor")

    first = client.get("/audit", params={"person": "rroe"})
    second = client.get("/audit", params={"person": "rroe", "page": "2"})

    assert _shown(first.text) == seqs[::-1][:50]
    assert _shown(second.text) == seqs[::-1][50:]
    assert 'href="/audit?person=rroe&amp;page=2"' in first.text
    assert "Page 2 of 2" in second.text


def test_filtering_with_htmx_swaps_only_the_results(
    client: TestClient, backend: Backend, db: Database
) -> None:
    jane = _record(db, JANE, _search())
    sign_in(client, backend, "auditor")

    fragment = client.get("/audit", params={"person": "jdoe"}, headers={"HX-Request": "true"})

    assert fragment.status_code == 200
    assert _shown(fragment.text) == [jane]
    assert "<html" not in fragment.text
    assert 'href="/audit/export.csv?person=jdoe"' in fragment.text


def test_an_auditor_opens_an_entry(client: TestClient, backend: Backend, db: Database) -> None:
    seq = _record(db, JANE, _search(plate="7OPN001"))
    sign_in(client, backend, "auditor")

    page = client.get(f"/audit/entries/{seq}")

    assert page.status_code == 200
    text_shown = html.unescape(page.text)
    for shown in ("Jane Doe", "4242", "Robbery Unit", "San José Police Department", "10.1.2.3"):
        assert shown in text_shown
    for shown in ("7OPN001", "26-004417", "suspect vehicle seen leaving the scene"):
        assert shown in text_shown
    assert "11111111-2222-3333-4444-555555555555" in text_shown
    (viewed,) = _entries(db, AuditAction.AUDIT_ENTRY_VIEWED)
    assert viewed.actor_username == "auditor"
    assert viewed.result_ids == [str(seq)]
    assert client.get("/audit/entries/999999").status_code == 404


def test_the_csv_export_is_itself_audited(
    client: TestClient, backend: Backend, db: Database
) -> None:
    first = _record(db, JANE, _search(plate="7CSV001"))
    second = _record(db, JANE, _search(plate="7CSV002", outcome=Outcome.DENIED, reason="x"))
    _record(db, RICHARD, _search(plate="8CSV003"))
    sign_in(client, backend, "auditor")
    page = client.get("/audit", params={"person": "jdoe"})
    assert 'href="/audit/export.csv?person=jdoe"' in page.text

    export = client.get("/audit/export.csv", params={"person": "jdoe"})

    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert export.headers["content-disposition"].startswith("attachment; filename=")
    header, *rows = list(csv.reader(io.StringIO(export.text)))
    assert tuple(header) == CSV_COLUMNS
    assert [int(r[0]) for r in rows] == [first, second]
    row = dict(zip(header, rows[0], strict=True))
    assert row["actor_name"] == "Jane Doe"
    assert row["actor_badge"] == "4242"
    assert json.loads(row["purpose"])["case_number"] == "26-004417"
    assert datetime.fromisoformat(row["at"]) == NOW
    (exported,) = _entries(db, AuditAction.AUDIT_EXPORTED)
    assert exported.actor_username == "auditor"
    assert exported.query_terms == {"person": "jdoe"}
    assert exported.result_count == 2


def test_a_formula_in_the_export_is_shown_as_text(
    client: TestClient, backend: Backend, db: Database
) -> None:
    # Anyone can type a username at the sign-in page; a spreadsheet must not run it.
    attacker = Actor.anonymous('=HYPERLINK("http://evil.example","x")')
    _record(db, attacker, AuditEvent(AuditAction.LOGIN_FAILED, Outcome.DENIED))
    sign_in(client, backend, "auditor")

    export = client.get("/audit/export.csv", params={"person": "HYPERLINK"})

    _, row = list(csv.reader(io.StringIO(export.text)))
    assert row[CSV_COLUMNS.index("actor_username")].startswith("'=HYPERLINK")


def test_the_chain_status_is_shown_on_the_page(
    client: TestClient, backend: Backend, db: Database
) -> None:
    seq = _record(db, JANE, _search())
    sign_in(client, backend, "auditor")
    intact = client.get("/audit")
    assert "Chain intact." in intact.text

    # An attacker with direct database access disables the guard and edits one entry.
    if backend.name == "postgresql":
        db.engine.execute(text("SET LOCAL session_replication_role = replica"))  # type: ignore[union-attr]
    else:
        db.engine.execute(text("DROP TRIGGER audit_entries_no_update"))  # type: ignore[union-attr]
    db.engine.execute(  # type: ignore[union-attr]
        text("UPDATE audit_entries SET query_terms = '{}' WHERE seq = :s"), {"s": seq}
    )
    broken = client.get("/audit")

    assert broken.status_code == 200
    assert f"Chain broken at entry {seq}:" in broken.text
    assert "Chain intact." not in broken.text


def test_an_officer_cannot_read_the_audit_trail(
    client: TestClient, backend: Backend, db: Database
) -> None:
    seq = _record(db, JANE, _search(plate="7SEC001"))
    sign_in(client, backend, "officer")

    for path in ("/audit", f"/audit/entries/{seq}", "/audit/export.csv"):
        response = client.get(path, params={"term": "7SEC001"}, follow_redirects=False)
        assert response.status_code == 403, path
        assert "7SEC001" not in response.text
    refusals = _entries(db, AuditAction.ACCESS_REFUSED)
    assert [r.actor_username for r in refusals] == ["officer"] * 3
    assert _entries(db, AuditAction.AUDIT_SEARCHED) == []


def test_an_administrator_cannot_read_the_audit_trail(
    client: TestClient, backend: Backend, db: Database
) -> None:
    # DUP §9 — audits are made by a unit other than CDIC, which administers the system.
    seq = _record(db, JANE, _search(plate="7SEC002"))
    sign_in(client, backend, "admin")

    for path in ("/audit", f"/audit/entries/{seq}", "/audit/export.csv"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 403, path
        assert "7SEC002" not in response.text
    assert 'href="/audit"' not in client.get("/").text


def test_a_visitor_is_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/audit", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/audit"


def test_searching_the_trail_is_audited(client: TestClient, backend: Backend, db: Database) -> None:
    _record(db, JANE, _search())
    denied = _record(db, JANE, _search(outcome=Outcome.DENIED))
    sign_in(client, backend, "auditor")

    page = client.get("/audit", params={"person": "jdoe", "outcome": "denied"})

    assert _shown(page.text) == [denied]
    (searched,) = _entries(db, AuditAction.AUDIT_SEARCHED)
    assert searched.actor_username == "auditor"
    assert searched.actor_role == "auditor"
    assert searched.query_terms == {"person": "jdoe", "outcome": "denied", "page": 1}
    assert searched.result_count == 1
    assert searched.result_ids == [str(denied)]


def test_bad_dates_get_a_clear_error(client: TestClient, backend: Backend, db: Database) -> None:
    sign_in(client, backend, "auditor")

    not_a_date = client.get("/audit", params={"date_from": "2026-13-01"})
    backwards = client.get("/audit", params={"date_from": "2026-11-24", "date_to": "2026-11-01"})
    page_zero = client.get("/audit", params={"page": "0"})
    bad_export = client.get("/audit/export.csv", params={"date_to": "yesterday"})

    assert not_a_date.status_code == 422
    assert "YYYY-MM-DD" in not_a_date.text
    assert backwards.status_code == 422
    assert "after the" in html.unescape(backwards.text)
    assert page_zero.status_code == 422
    assert bad_export.status_code == 422
    assert _entries(db, AuditAction.AUDIT_SEARCHED) == []
    assert _entries(db, AuditAction.AUDIT_EXPORTED) == []


def test_an_entry_without_query_terms_shows_an_empty_cell(
    client: TestClient, backend: Backend, db: Database
) -> None:
    seq = _record(db, JANE, AuditEvent(AuditAction.CAMERA_REGISTERED, result_ids=("SJ-1",)))
    sign_in(client, backend, "auditor")

    page = client.get("/audit")

    row = re.search(rf'<tr id="entry-{seq}">(.*?)</tr>', page.text, re.DOTALL)
    assert row is not None
    assert "{}" not in html.unescape(row.group(1))


def test_a_refused_search_from_the_form_answers_in_the_results(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "auditor")

    backwards = client.get(
        "/audit",
        params={"date_from": "2026-11-24", "date_to": "2026-11-01"},
        headers={"HX-Request": "true"},
    )

    assert backwards.status_code == 422
    assert 'id="search-refused"' in backwards.text
    assert "after the" in html.unescape(backwards.text)
    assert 'class="brand"' not in backwards.text  # only the results are replaced, not the page
    assert _entries(db, AuditAction.AUDIT_SEARCHED) == []

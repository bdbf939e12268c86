"""Settings are evidence (DUP §10, update 2026; Ventura County 2025): a national lookup cannot be
switched on, and the daily conformance job finds the live configuration's departures from the
policy however they got there, raising one alarm each."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.jobs import JobOutcome, Runner
from plateward.jobs_catalog import catalog
from plateward.sharing.models import SharingAlarm, SharingSettingRow
from tests.conftest import NOW, Backend, sign_in
from tests.search.conftest import entries
from tests.sharing.conftest import ICE, write_agreement_row


def _run(db: Database) -> str | None:
    job = next(j for j in catalog(db.settings) if j.name == "sharing-conformance")
    assert job.every == timedelta(days=1)
    (run,) = Runner(db, [job]).run_due()
    assert run.outcome == JobOutcome.OK, run.message
    return run.message


def _alarms(db: Database) -> list[str]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(SharingAlarm.finding).order_by(SharingAlarm.id)))


def test_a_national_lookup_cannot_be_switched_on_and_the_attempt_is_recorded(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")

    response = client.put("/api/v1/sharing/settings/national_lookup", json={"value": "on"})

    assert response.status_code == 403
    entry = entries(db, "sharing.setting_changed")[-1]
    assert entry.outcome == "denied"
    assert (entry.details["before"], entry.details["after"]) == ("off", "on")
    kept = client.put("/api/v1/sharing/settings/national_lookup", json={"value": "off"})
    assert kept.status_code == 200


def test_the_job_raises_an_alarm_for_each_departure_once(
    db: Database, clock: FrozenClock, outside: dict[str, str]
) -> None:
    assert _run(db) is None
    assert _alarms(db) == []
    # Written around the services, as a direct database edit or a vendor's console would.
    with db.unit_of_work() as uow:
        uow.session.add(
            SharingSettingRow(key="national_lookup", value="on", changed_at=NOW, changed_by="?")
        )
        uow.commit()
    write_agreement_row(db, ICE)
    clock.advance(timedelta(days=1, minutes=1))

    message = _run(db)

    found = _alarms(db)
    assert message == "2 new alarm(s)"
    assert any("national_lookup is 'on'" in f for f in found)
    assert any("U.S. Immigration and Customs Enforcement" in f and "federal" in f for f in found)
    assert len(entries(db, "sharing.drift_detected")) == 2
    clock.advance(timedelta(days=1, minutes=1))
    assert _run(db) is None  # the same open alarms are not raised again
    assert len(_alarms(db)) == 2


def test_data_returned_under_an_expired_agreement_is_found(
    client: TestClient, db: Database, clock: FrozenClock, outside: dict[str, str]
) -> None:
    from plateward.core.audit import AuditAction, AuditEvent, record
    from plateward.core.permissions import Actor, ActorKind, Role
    from plateward.core.purpose import purpose

    # An access the trail shows for Sunnyvale, which has no agreement and no approved request.
    detective = Actor(
        ActorKind.PERSON,
        999,
        "sunnyvale",
        "Test sunnyvale",
        Role.EXTERNAL_AGENCY,
        agency_name="Sunnyvale Department of Public Safety",
    )
    stated = purpose("criminal_investigation", "PC 459", "SV-1", "Burglary suspect vehicle seen")
    with db.unit_of_work() as uow:
        record(uow, detective, AuditEvent(AuditAction.SEARCH_RUN, purpose=stated, result_count=1))
        uow.commit()

    _run(db)

    assert any("Sunnyvale" in f and "no agreement in force" in f for f in _alarms(db))


def test_administrators_are_warned_once_of_an_agreement_about_to_expire(
    db: Database, clock: FrozenClock, outside: dict[str, str]
) -> None:
    write_agreement_row(db, "CA0430000", expires_on=NOW.date() + timedelta(days=10))

    message = _run(db)

    assert message == "1 agreement(s) expiring"
    clock.advance(timedelta(days=1, minutes=1))
    assert _run(db) is None
    assert len(entries(db, "sharing.agreement_expiring")) == 1


def test_the_sharing_page_shows_administrators_an_agreement_about_to_expire(
    client: TestClient, backend: Backend, db: Database, outside: dict[str, str]
) -> None:
    write_agreement_row(db, "CA0430000", expires_on=NOW.date() + timedelta(days=10))
    later = write_agreement_row(db, "CA0430000", expires_on=NOW.date() + timedelta(days=200))

    page = sign_in(client, backend, "admin").get("/admin/sharing")

    assert page.status_code == 200
    assert page.text.count("expires soon") == 1
    assert f"{(NOW.date() + timedelta(days=200)).isoformat()}" in page.text and later

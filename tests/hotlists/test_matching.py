"""Every ingested read is matched against the approved entries (exact, confusable "possible",
state mismatch), once per read and entry, and stops matching when the entry expires."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.hotlists import alerts, rules, service
from plateward.hotlists.matcher import Index, Matcher
from plateward.hotlists.service import IndexedEntry
from plateward.hotlists.wiring import register_matcher
from plateward.reads import service as reads
from plateward.reads.models import IngestOutbox
from plateward.reads.rules import RawRow
from tests.conftest import NOW
from tests.hotlists.conftest import STOLEN_CAR, People, alerts_of, ingest, listed, persona, read_of

ENTRY = {
    "plate": STOLEN_CAR["plate"],
    "plate_state": "CA",
    "vehicle_description": STOLEN_CAR["vehicle_description"],
    "reason": "stolen_vehicle",
    "crime_type": "10851 VC",
    "case_numbers_text": STOLEN_CAR["case_numbers"],
    "synopsis": STOLEN_CAR["synopsis"],
    "priority": "high",
    "expires_on": None,
}


def test_a_read_of_a_listed_plate_becomes_a_hit_and_an_alert(
    people: People, ingest_token: str, db: Database
) -> None:
    listed(people)
    officer = people("officer")

    ingest(officer, ingest_token, read_of("7STL123"), read_of("8OTH999"))
    [alert] = alerts_of(officer)

    assert alert["plate"] == "7STL123" and alert["match"] == "exact" and alert["state"] == "same"
    assert alert["reason"] == "stolen_vehicle" and alert["case_numbers"] == ["26-004211"]
    assert alert["priority"] == 1  # the entry's own priority: high
    with db.unit_of_work() as uow:
        recorded = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.HOTLIST_HIT_RECORDED)
        ).all()
    # One entry for the batch's hits: the read is its result, the hit named with its entry.
    [entry] = recorded
    assert entry.actor_username == "job:hotlist-matching"
    assert entry.result_count == 1 and len(entry.result_ids) == 1
    assert [h["hit_id"] for h in entry.details["hits"]] == [alert["id"]]


def test_a_confusable_read_is_a_possible_match_at_lower_priority(
    people: People, ingest_token: str
) -> None:
    listed(people)
    officer = people("officer")

    ingest(officer, ingest_token, read_of("7STL1Z3"))  # 2 read as Z
    [alert] = alerts_of(officer)

    assert alert["match"] == "possible"
    assert alert["priority"] == 3  # two steps below the entry's high priority


def test_two_confusable_substitutions_do_not_match_by_default(
    people: People, ingest_token: str
) -> None:
    listed(people)
    officer = people("officer")

    # 5 for S and Z for 2: two substitutions; L for 1 is no confusion of these classes.
    ingest(officer, ingest_token, read_of("75TL1Z3"), read_of("7ST1123"))

    assert alerts_of(officer) == []


def test_the_same_plate_from_another_state_alerts_lower_and_says_so(
    people: People, ingest_token: str
) -> None:
    listed(people)
    officer = people("officer")

    ingest(officer, ingest_token, read_of("7STL123", "NV"))
    [alert] = alerts_of(officer)
    page = officer.get(f"/alerts/{alert['id']}")

    assert alert["state"] == "different" and alert["priority"] == 3
    assert "differs" in page.text


def test_a_possible_match_from_another_state_does_not_alert(
    people: People, ingest_token: str
) -> None:
    listed(people)
    officer = people("officer")

    ingest(officer, ingest_token, read_of("7STL1Z3", "NV"))

    assert alerts_of(officer) == []


def test_a_read_without_state_alerts_one_step_lower(people: People, ingest_token: str) -> None:
    listed(people)
    officer = people("officer")

    ingest(officer, ingest_token, read_of("7STL123", None))
    [alert] = alerts_of(officer)

    assert alert["state"] == "unread" and alert["priority"] == 2


def test_an_expired_entry_stops_alerting_at_once(
    people: People, ingest_token: str, clock: FrozenClock
) -> None:
    listed(people, expires_on=str((NOW + timedelta(days=2)).date()))
    clock.advance(timedelta(days=3))
    officer = people("officer")

    # Taken now, three days on: the expiry job has not run yet, and it still does not alert.
    ingest(officer, ingest_token, read_of("7STL123", minutes_ago=-(3 * 24 * 60 - 5)))

    assert alerts_of(officer) == []


def test_the_hook_running_twice_records_one_hit(
    people: People, ingest_token: str, db: Database
) -> None:
    listed(people)
    officer = people("officer")
    ingest(officer, ingest_token, read_of("7STL123"))
    with db.unit_of_work() as uow:
        row = uow.session.scalars(select(IngestOutbox).order_by(IngestOutbox.id.desc())).first()
        assert row is not None
        batch = reads.StoredBatch(row.batch_id, row.channel, tuple(map(uuid.UUID, row.read_ids)))

    with db.unit_of_work() as uow:
        Matcher().on_reads_stored(uow, batch)  # at least once: the same batch delivered again

    assert len(alerts_of(officer)) == 1


def test_the_index_follows_changes_without_a_query_per_read() -> None:
    index = Index()
    entry = IndexedEntry(1, "7STL123", "CA", 2, NOW.date() + timedelta(days=5), True)
    index.put(entry)
    today = NOW.date()

    assert [e.id for e, _ in index.match("7STL123", "CA", today, today)] == [1]
    index.put(IndexedEntry(1, "7STL123", "CA", 2, entry.expires_on, alerting=False))
    assert index.match("7STL123", "CA", today, today) == []
    assert len(index) == 0


def test_an_approval_in_another_process_reaches_this_matcher(people: People, db: Database) -> None:
    matcher = Matcher()
    with db.unit_of_work() as uow:
        matcher.refresh(uow)
    assert len(matcher.index) == 0

    listed(people)  # approved through another process's pages
    with db.unit_of_work() as uow:
        matcher.refresh(uow)
        version = service.version(uow)

    assert len(matcher.index) == 1 and version >= 2


def test_a_batch_the_job_finishes_is_matched_in_the_jobs_process(db: Database) -> None:
    investigator, lieutenant = persona(db, "investigator"), persona(db, "lieutenant")
    with db.unit_of_work() as uow:
        spec = rules.entry_spec(**ENTRY, today=NOW.date())
        entry = service.propose_entry(uow, investigator, spec)
        service.approve_entry(uow, lieutenant, entry.id)
    # Stored where no matcher listens (a command-line import): the batch waits for the job.
    with db.unit_of_work() as uow:
        reads.ingest(uow, Actor.system("tests"), [RawRow.of("0", read_of("7STL123"))], "file")

    remove = register_matcher(db.settings)  # what `plateward jobs run` does at start
    try:
        with db.unit_of_work() as uow:
            finished = reads.dispatch_pending(uow)
    finally:
        remove()

    assert finished == 1
    with db.unit_of_work() as uow:
        [alert] = alerts.alerts(uow, persona(db, "officer"))
    assert alert.read.plate == "7STL123" and alert.entry.id == entry.id

"""DUP §4.5 — timely removal: an entry near its expiry reminds its owner; past it, the job marks
it expired (kept, not deleted); renewing an expired entry sends it back to a lieutenant."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.jobs import JobOutcome, Runner
from plateward.jobs_catalog import catalog
from tests.conftest import NOW
from tests.hotlists.conftest import People, listed, post_form


def _run_expiry(db: Database) -> str | None:
    job = next(j for j in catalog(db.settings) if j.name == "hotlist-expiry")
    (run,) = Runner(db, [job]).run_due()
    assert run.outcome is JobOutcome.OK, run
    return run.message


def _actions(db: Database, action: AuditAction) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_owner_is_reminded_and_the_entry_then_expires_without_being_deleted(
    people: People, db: Database, clock: FrozenClock
) -> None:
    entry_id = listed(people, expires_on=str((NOW + timedelta(days=3)).date()))

    assert _run_expiry(db) == "0 entr(ies) expired, 1 owner reminder(s)"
    assert "expires soon" in people("investigator").get("/hotlists").text
    clock.advance(timedelta(days=4))
    db_message = _run_expiry(db)

    assert db_message == "1 entr(ies) expired, 0 owner reminder(s)"
    [expired] = _actions(db, AuditAction.HOTLIST_ENTRY_EXPIRED)
    assert expired.details["entry_id"] == entry_id
    assert expired.actor_username == "job:hotlist-expiry"
    page = people("investigator").get("/hotlists").text
    row = page[page.index(f'id="entry-{entry_id}"') :]
    assert "expired" in row[: row.index("</tr>")]


def test_renewing_an_expired_entry_waits_for_a_lieutenant_again(
    people: People, db: Database, clock: FrozenClock
) -> None:
    entry_id = listed(people, expires_on=str((NOW + timedelta(days=1)).date()))
    clock.advance(timedelta(days=2))
    _run_expiry(db)
    investigator = people("investigator")

    renewed = post_form(investigator, "/hotlists", f"/hotlists/{entry_id}/renew", expires_on="")

    assert renewed.status_code == 303
    assert f'id="entry-{entry_id}"' in people("lieutenant").get("/hotlists/queue").text
    assert len(_actions(db, AuditAction.HOTLIST_ENTRY_RENEWED)) == 1

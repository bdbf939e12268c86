"""The daily misuse-signals job: it records what the rules find in the audit trail, once.

DUP §9 — periodic audits by a unit other than CDIC. The job reads the searches the trail recorded
(``search.run`` entries in the agreed shape), records each signal with the entries behind it, and
audits what it recorded (counts by kind, never a plate). Running it again records nothing new.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry
from plateward.core.audit_models import canonical
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.jobs import JobOutcome, Runner
from plateward.core.permissions import Permission, Role
from plateward.jobs_catalog import catalog
from plateward.search import misuse, misuse_review
from plateward.search.misuse_models import MisuseSignal
from tests.search.misuse_trail import SCENES, Trail, person, purpose, search_event, terms

RROE = person("rroe", Role.OFFICER)
JDOE = person("jdoe")
STALKED = "8STK123"


def nov(day: int, hour: float = 10) -> datetime:
    """A day of November 2026 at a local (PST) hour."""
    return datetime(2026, 11, day, 8, tzinfo=UTC) + timedelta(hours=hour)


def _stalking(trail: Trail, days: range = range(2, 9)) -> list[int]:
    """An officer looks up one plate day after day, under a new case number or 'welfare'."""
    seqs = []
    for n, day in enumerate(days):
        why = purpose(f"26-00{n}{n}71", "welfare check" if n % 2 else "investigation")
        seqs.append(trail.search(RROE, nov(day, 13), STALKED, why))
    return seqs


def _signals(db: Database, kind: str | None = None) -> list[MisuseSignal]:
    with db.unit_of_work() as uow:
        query = select(MisuseSignal).order_by(MisuseSignal.id)
        if kind:
            query = query.where(MisuseSignal.kind == kind)
        return list(uow.session.scalars(query))


def _entries(db: Database, action: AuditAction) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        return list(uow.session.scalars(query))


def _record(db: Database) -> misuse.Recorded:
    job = next(j for j in catalog(db.settings) if j.name == "misuse-signals")
    with db.unit_of_work() as uow:
        return misuse.record_signals(uow, job.actor)


def test_the_job_records_one_plate_across_cases_with_the_entries_behind_it(
    db: Database, clock: FrozenClock
) -> None:
    trail = Trail(db, clock)
    why = purpose("26-007771", "investigation")
    seqs = [trail.search(RROE, nov(1, 13), STALKED, why, search_id=5000)]
    # Paging through that search's results is the same search, not another one.
    page_two = search_event(terms(STALKED, end=nov(1, 13)), why, search_id=5000, page=2)
    trail.record(RROE, nov(1, 13.1), page_two)
    seqs += _stalking(trail, range(2, 8))
    job = next(j for j in catalog(db.settings) if j.name == "misuse-signals")
    assert job.every == timedelta(days=1)
    assert job.actor.username == "job:misuse-signals"
    assert job.permissions == frozenset({Permission.AUDIT_READ})

    (run,) = Runner(db, [job]).run_due()

    assert run.outcome == JobOutcome.OK, run
    assert run.message is not None and "plate_across_cases" in run.message
    assert STALKED not in run.message
    (signal,) = _signals(db, "plate_across_cases")
    assert (signal.subject_username, signal.state) == ("rroe", "open")
    assert signal.entry_seqs == seqs
    assert "7 times under 7 cases" in signal.explanation
    assert STALKED not in signal.explanation
    (recorded,) = _entries(db, AuditAction.MISUSE_SIGNALS_RECORDED)
    assert recorded.actor_username == "job:misuse-signals"
    assert recorded.details["new"]["plate_across_cases"] == 1
    assert signal.id in recorded.details["signal_ids"]
    assert STALKED not in canonical(recorded.details)


def test_ordinary_casework_in_the_trail_records_nothing(db: Database, clock: FrozenClock) -> None:
    trail = Trail(db, clock)
    # A detective searches one plate ten times for one robbery, in working sessions.
    for i in range(10):
        at = nov(2 + i, 9 + i % 6)
        trail.search(JDOE, at)
        trail.activity(JDOE, at + timedelta(minutes=12))
    colleagues = [person(name) for name in ("asmith", "bjones", "ckim")]
    for n, colleague in enumerate(colleagues):
        for i in range(3):
            at = nov(3 + 5 * i + n, 10 + n)
            why = purpose(f"26-01{n}{i}88", SCENES[3 * n + i])
            trail.search(colleague, at, f"{n}ABC{i}00", why)
            trail.activity(colleague, at + timedelta(minutes=8))

    assert _record(db).summary is None
    assert _signals(db) == []
    assert _entries(db, AuditAction.MISUSE_SIGNALS_RECORDED) == []


def test_running_the_job_again_records_nothing_new(db: Database, clock: FrozenClock) -> None:
    trail = Trail(db, clock)
    _stalking(trail)
    first = _record(db)
    rows = [(s.id, s.fingerprint) for s in _signals(db)]
    assert first.signal_ids

    clock.advance(timedelta(hours=3))
    again = _record(db)

    assert again.signal_ids == () and again.summary is None
    assert [(s.id, s.fingerprint) for s in _signals(db)] == rows
    assert len(_entries(db, AuditAction.MISUSE_SIGNALS_RECORDED)) == 1


def test_an_open_signal_gathers_new_searches_of_its_pattern(
    db: Database, clock: FrozenClock
) -> None:
    trail = Trail(db, clock)
    seqs = _stalking(trail)
    _record(db)
    (before,) = _signals(db, "plate_across_cases")

    later = trail.search(RROE, nov(20, 13), STALKED, purpose("26-009971", "investigation"))
    recorded = _record(db)

    (after,) = _signals(db, "plate_across_cases")
    assert after.id == before.id
    assert after.entry_seqs == [*seqs, later]
    assert recorded.updated["plate_across_cases"] == 1
    assert "plate_across_cases" not in recorded.new


def test_a_reviewed_signal_returns_only_with_searches_not_yet_reviewed(
    db: Database, clock: FrozenClock
) -> None:
    trail = Trail(db, clock)
    seqs = _stalking(trail)
    _record(db)
    (reviewed,) = _signals(db, "plate_across_cases")
    auditor = person("auditor", Role.AUDITOR)
    with db.unit_of_work() as uow:
        misuse_review.review_signal(
            uow, auditor, reviewed.id, "cases confirmed with the sergeant", "no_issue"
        )

    clock.advance(timedelta(days=1))
    _record(db)
    assert [s.id for s in _signals(db, "plate_across_cases")] == [reviewed.id]

    later = trail.search(RROE, nov(24, 1), STALKED, purpose("26-009971", "investigation"))
    _record(db)

    old, new = _signals(db, "plate_across_cases")
    assert (old.id, old.state, old.entry_seqs) == (reviewed.id, "reviewed", seqs)
    assert (new.state, new.entry_seqs[-1]) == ("open", later)


def test_searches_before_the_window_are_not_signalled(db: Database, clock: FrozenClock) -> None:
    trail = Trail(db, clock)
    _stalking(trail, range(2, 9))
    clock.advance(timedelta(days=40))

    assert _record(db).signal_ids == ()
    assert _signals(db) == []

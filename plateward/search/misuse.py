"""Misuse signals for auditors: the daily job records them from the audit trail, and counts the
quarterly purpose-quality figures. The auditor's page and review are ``misuse_review.py``.

DUP §9 — all access is logged with its purpose, and audits by a unit other than CDIC evaluate
compliance. The daily ``misuse-signals`` job reads the searches the trail recorded and records
the signals the rules (``misuse_rules.py``) find; the auditor's page lists them with the entries
behind them, and each is reviewed with a finding. Every step is itself audited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEntry, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.permissions import Actor, Permission
from plateward.core.settings import Settings
from plateward.search import misuse_rules as rules
from plateward.search.misuse_models import MisuseQuarter, MisuseSignal
from plateward.search.misuse_quarters import quarter_of, quarterly_figures, quarters_ending
from plateward.search.misuse_records import Activity, SearchRecord, distinct_searches, search_record
from plateward.search.misuse_review_rules import SignalState
from plateward.search.sensitive_sites import SiteSource, shipped_sites

# Searches and attempts: a refused or held search still shows what the person looked for.
SEARCH_ACTIONS = (
    AuditAction.SEARCH_RUN,
    AuditAction.SEARCH_BLOCKED,
    AuditAction.SEARCH_REVIEW_REQUESTED,
)
QUARTERS_SHOWN = 4
_CHUNK = 500  # bound parameters per IN list
_INSTANT = timedelta(microseconds=1)


def thresholds(settings: Settings) -> rules.Thresholds:
    """The rules' thresholds from the settings ``misuse_*``."""
    names = set(rules.Thresholds.__dataclass_fields__) - {"case_number_pattern"}
    # DUP update 2026 — the department's case-number format, the one the search form enforces.
    pattern = settings.case_number_pattern
    values = {name: getattr(settings, f"misuse_{name}") for name in names}
    return rules.Thresholds(**values, case_number_pattern=pattern)


def chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def _searches(uow: UnitOfWork, start: datetime, end: datetime) -> list[SearchRecord]:
    """Each search people made from ``start`` to ``end``, once (not once a page)."""
    rows = uow.session.execute(
        select(
            AuditEntry.seq,
            AuditEntry.at,
            AuditEntry.actor_id,
            AuditEntry.actor_username,
            AuditEntry.actor_name,
            AuditEntry.action,
            AuditEntry.query_terms,
            AuditEntry.purpose,
            AuditEntry.details,
        ).where(
            AuditEntry.action.in_([str(a) for a in SEARCH_ACTIONS]),
            AuditEntry.actor_kind == "person",
            AuditEntry.at >= start,
            AuditEntry.at < end,
        )
    )
    return distinct_searches(
        search_record(
            seq=r.seq,
            at=r.at,
            username=r.actor_username,
            person_id=r.actor_id,
            name=r.actor_name,
            action=r.action,
            query_terms=r.query_terms,
            purpose=r.purpose,
            details=r.details,
        )
        for r in rows
    )


def _activity(
    uow: UnitOfWork, start: datetime, end: datetime, usernames: Sequence[str]
) -> list[Activity]:
    """Everything these people did around the window: what makes a search part of a session."""
    found = []
    for names in chunks(sorted(usernames)):
        rows = uow.session.execute(
            select(
                AuditEntry.seq,
                AuditEntry.at,
                AuditEntry.actor_username,
                AuditEntry.action,
                AuditEntry.details,
            ).where(
                AuditEntry.actor_username.in_(names),
                AuditEntry.at >= start,
                AuditEntry.at < end,
            )
        )
        for r in rows:
            search_id = (r.details or {}).get("search_id")
            search_id = search_id if isinstance(search_id, int) else None
            found.append(Activity(r.seq, r.at, r.actor_username, r.action, search_id))
    return found


def find_signals(
    uow: UnitOfWork, t: rules.Thresholds, sites: SiteSource = shipped_sites
) -> tuple[rules.Evidence, list[rules.Signal]]:
    """What the rules find in the window of ``window_days`` up to now (nothing is stored)."""
    end = uow.now()
    start = end - timedelta(days=t.window_days)
    # Up to and including now: a search made this very instant is in the window.
    searches = _searches(uow, start - timedelta(days=t.baseline_days), end + _INSTANT)
    gap = timedelta(minutes=t.session_gap_minutes)
    people = sorted({s.username for s in searches if s.at >= start})
    evidence = rules.Evidence(
        start=start,
        end=end,
        searches=tuple(searches),
        activity=tuple(_activity(uow, start - gap, end + gap, people)),
        sites=tuple(sites()),
    )
    return evidence, rules.detect(evidence, t, ZoneInfo(uow.settings.timezone))


@dataclass(frozen=True)
class Recorded:
    """What one run of the job recorded: new signals and open ones that gathered evidence."""

    new: Counter[str]
    updated: Counter[str]
    signal_ids: tuple[int, ...]

    @property
    def summary(self) -> str | None:
        """For the jobs page and the run's log: counts by kind, never a plate."""
        if not self.signal_ids:
            return None
        parts = [f"{n} {kind}" for kind, n in sorted((self.new + self.updated).items())]
        return (
            f"recorded {sum(self.new.values())} new and updated {sum(self.updated.values())} "
            f"misuse signal(s): {', '.join(parts)}"
        )[:500]


def _existing(uow: UnitOfWork, series: Sequence[str]) -> dict[str, list[MisuseSignal]]:
    found: dict[str, list[MisuseSignal]] = {}
    for chunk in chunks(sorted(set(series))):
        for row in uow.session.scalars(select(MisuseSignal).where(MisuseSignal.series.in_(chunk))):
            found.setdefault(row.series, []).append(row)
    return found


def _store(
    uow: UnitOfWork, signal: rules.Signal, held: list[MisuseSignal], period: tuple[datetime, ...]
) -> tuple[MisuseSignal | None, bool]:
    """Record a signal unless this evidence is known: (the row, whether it is new)."""
    if any(row.fingerprint == signal.fingerprint for row in held):
        return None, False
    reviewed = {seq for row in held if row.state == SignalState.REVIEWED for seq in row.entry_seqs}
    if not set(signal.seqs) - reviewed:
        return None, False  # nothing the auditor has not already reviewed
    now, (start, end) = uow.now(), period
    row = next((r for r in held if r.state == SignalState.OPEN), None)
    if row is not None:  # the open signal of this pattern gathers the new evidence
        row.entry_seqs = sorted({*row.entry_seqs, *signal.seqs})
        row.explanation, row.fingerprint = signal.explanation[:500], signal.fingerprint
        row.period_start, row.period_end, row.updated_at = start, end, now
        return row, False
    row = MisuseSignal(
        kind=str(signal.kind),
        series=signal.series,
        fingerprint=signal.fingerprint,
        subject_person_id=signal.person_id,
        subject_username=signal.username,
        case_number=signal.case_number,
        period_start=start,
        period_end=end,
        entry_seqs=list(signal.seqs),
        explanation=signal.explanation[:500],
        detected_at=now,
        updated_at=now,
        state=str(SignalState.OPEN),
    )
    uow.session.add(row)
    held.append(row)
    return row, True


def record_signals(uow: UnitOfWork, actor: Actor, sites: SiteSource = shipped_sites) -> Recorded:
    """The daily job: find the signals and record the ones not recorded yet (idempotent: the
    same evidence is never recorded twice; an open signal gathers new evidence of its pattern;
    a reviewed one is reopened only by searches the auditor has not seen)."""
    authorize(uow, actor, Permission.AUDIT_READ)
    evidence, found = find_signals(uow, thresholds(uow.settings), sites)
    held = _existing(uow, [s.series for s in found])
    new: Counter[str] = Counter()
    updated: Counter[str] = Counter()
    rows = []
    for signal in found:
        row, is_new = _store(
            uow, signal, held.setdefault(signal.series, []), (evidence.start, evidence.end)
        )
        if row is not None:
            (new if is_new else updated)[str(signal.kind)] += 1
            rows.append(row)
    uow.session.flush()
    loaded_from = evidence.start - timedelta(days=uow.settings.misuse_baseline_days)
    update_quarters(uow, evidence.searches, loaded_from)
    recorded = Recorded(new, updated, tuple(dict.fromkeys(r.id for r in rows)))
    if recorded.signal_ids:
        audit.record(
            uow,
            actor,
            AuditEvent(
                AuditAction.MISUSE_SIGNALS_RECORDED,
                result_count=len(recorded.signal_ids),
                details={
                    "new": dict(sorted(new.items())),
                    "updated": dict(sorted(updated.items())),
                    "signal_ids": list(recorded.signal_ids),
                    "period_start": evidence.start.isoformat(),
                    "period_end": evidence.end.isoformat(),
                },
            ),
        )
    uow.commit()
    return recorded


def _quarter_bounds(year: int, quarter: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants a local quarter starts and ends."""
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(after, time.min, tzinfo=zone),
    )


def shown_quarters(uow: UnitOfWork) -> list[tuple[int, int]]:
    zone = ZoneInfo(uow.settings.timezone)
    return quarters_ending(*quarter_of(uow.now(), zone), QUARTERS_SHOWN)


def update_quarters(uow: UnitOfWork, loaded: Sequence[SearchRecord], loaded_from: datetime) -> int:
    """Count the shown quarters that are not counted for good yet: the current one again, a past
    one once. ``loaded`` are the searches since ``loaded_from``; older quarters are read."""
    zone, now = ZoneInfo(uow.settings.timezone), uow.now()
    pattern = uow.settings.case_number_pattern
    counted = 0
    for year, quarter in shown_quarters(uow):
        row = uow.session.get(MisuseQuarter, (year, quarter))
        if row is not None and row.complete:
            continue
        start, end = _quarter_bounds(year, quarter, zone)
        inside = (
            [s for s in loaded if start <= s.at < end]
            if start >= loaded_from
            else _searches(uow, start, min(end, now + _INSTANT))
        )
        (figures,) = quarterly_figures(inside, [(year, quarter)], zone, pattern)
        if row is None:
            row = MisuseQuarter(year=year, quarter=quarter)
            uow.session.add(row)
        row.searches, row.boilerplate, row.reused = (
            figures.searches,
            figures.boilerplate,
            figures.reused,
        )
        row.no_case, row.flagged = figures.no_case, figures.flagged
        row.complete, row.computed_at = end <= now, now
        counted += 1
    return counted

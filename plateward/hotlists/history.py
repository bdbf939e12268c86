"""Historical hits: checking an approved hot-list entry against the reads already stored.

Matching only looks at reads as they arrive; whether the listed vehicle passed a camera before
it was listed is a question about stored reads, and asking it is a search (DUP §2: reads are
searched only for an authorized purpose; §9: every query is logged with its purpose, terms and
results). So the check is the search service's ``search_reads``, with the entry's own purpose
(its reason, crime type, one of its case numbers and its synopsis as the justification): the
case-number format, the justification checks and the prohibited-use guard apply before any query,
the read gate (retention, the person's camera scope) decides what is seen, and the search is
audited like any other. A guard verdict of *review* leaves it waiting for a lieutenant like any
search.

Who and when: the member who entered the entry (the investigating officer, DUP §4.5), once a
lieutenant approved it and while it alerts — never a pending entry, whose reason nobody has
approved yet — and never automatically: a search is a person's act under their own account.
Each check is tied to its entry (``hotlist_history_checks``) and audited as
``hotlist.history_checked``; the results are the search's own pages (table, map, timeline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput, NotFound, PermissionDenied
from plateward.core.permissions import Actor, Permission
from plateward.core.purpose import Purpose
from plateward.hotlists.models import HistoryCheck, HotListEntry
from plateward.hotlists.rules import EntryStatus, ReasonCategory
from plateward.search import service as search
from plateward.search.rules import search_query

NOT_YOURS = "Only the member who entered this entry may check it against stored reads."
NOT_ACTIVE = (
    "Only an approved entry that alerts can be checked against stored reads "
    "(DUP §4.5: a lieutenant approves its reason first)."
)


@dataclass(frozen=True)
class CheckResource:
    """The entry as ``authorize`` judges a check of it: its author's, and approved."""

    id: int
    status: str
    created_by_id: int | None

    @property
    def audit_label(self) -> str:
        return f"hotlist_entry:{self.id}"

    def refusal(self, actor: Actor, permission: Permission) -> str | None:
        if self.created_by_id is None or self.created_by_id != actor.id:
            return NOT_YOURS
        if self.status != EntryStatus.ACTIVE:
            return NOT_ACTIVE
        return None


@dataclass(frozen=True)
class CheckView:
    """One check of an entry, as its author's list shows it."""

    id: int
    entry_id: int
    search_id: int
    checked_at: datetime
    case_number: str
    possible: bool
    state: str  # the search's state when it was made: run or pending_review
    result_count: int | None


@dataclass(frozen=True)
class CheckOutcome:
    """What a check did: the search it made and, when it ran, its first page of results."""

    check: CheckView
    results: search.SearchResults | None
    pending: search.ReviewPending | None


def _view(c: HistoryCheck) -> CheckView:
    return CheckView(
        c.id,
        c.entry_id,
        c.search_id,
        c.checked_at,
        c.case_number,
        c.possible,
        c.state,
        c.result_count,
    )


def entry_purpose(entry: HotListEntry, case_number: str) -> Purpose:
    """The entry's own reason as the search's purpose, for one of its case numbers."""
    return Purpose(
        ReasonCategory(entry.reason).purpose_category,
        entry.crime_type,
        case_number,
        entry.synopsis,
    )


def _case_number(entry: HotListEntry, wanted: str | None) -> str:
    numbers = [str(n) for n in entry.case_numbers]
    chosen = " ".join((wanted or "").split()) or numbers[0]
    if chosen not in numbers:
        raise InvalidInput("choose one of the entry's own case numbers")
    return chosen


def _audit(
    uow: UnitOfWork,
    actor: Actor,
    entry: HotListEntry,
    purpose: Purpose,
    outcome: Outcome = Outcome.ALLOWED,
    reason: str | None = None,
    **details: object,
) -> None:
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.HOTLIST_HISTORY_CHECKED,
            outcome,
            reason=reason,
            query_terms={"plate": entry.plate, "plate_state": entry.plate_state},
            purpose=purpose,
            details={"entry_id": entry.id, **details},
        ),
    )


def check_stored_reads(
    uow: UnitOfWork,
    actor: Actor,
    entry_id: int,
    *,
    case_number: str | None = None,
    possible: bool = False,
) -> CheckOutcome:
    """Search the stored reads for an approved entry's plate, for the entry's purpose.

    The window is as far back as a search may reach (retention, and the search window's limit);
    every state is searched, as the matcher flags a state that differs rather than dropping it;
    ``possible`` adds confusable misreads (the search's fuzzy match).
    """
    entry = uow.session.get(HotListEntry, entry_id)
    if entry is None:
        raise NotFound("No such hot-list entry.")
    authorize(
        uow,
        actor,
        Permission.HOTLISTS_PROPOSE,
        CheckResource(entry.id, entry.status, entry.created_by_id),
        target=f"hotlist_entry:{entry.id}/history",
    )
    purpose = entry_purpose(entry, _case_number(entry, case_number))
    now = uow.now()
    days = min(uow.settings.retention_days, uow.settings.search_max_window_days)
    query = search_query(
        start=now - timedelta(days=days),
        end=now,
        plate=entry.plate,
        fuzzy=possible,
        fold_states=uow.settings.plate_fold_states,
    )
    try:
        outcome = search.search_reads(uow, actor, purpose, query)
    except (PermissionDenied, InvalidInput) as refused:
        # The search service recorded its own refusal (search.blocked, access.refused) where
        # it had one to record; this ties the attempt to the entry.
        uow.rollback()
        _audit(uow, actor, entry, purpose, Outcome.DENIED, refused.detail, possible=possible)
        uow.commit()
        raise
    results = outcome if isinstance(outcome, search.SearchResults) else None
    pending = outcome if isinstance(outcome, search.ReviewPending) else None
    search_id = outcome.search_id
    check = HistoryCheck(
        entry_id=entry.id,
        search_id=search_id,
        user_id=actor.id,
        checked_at=now,
        case_number=purpose.case_number,
        possible=possible,
        state="run" if results is not None else "pending_review",
        result_count=results.total if results is not None else None,
    )
    uow.session.add(check)
    uow.session.flush()
    _audit(
        uow,
        actor,
        entry,
        purpose,
        search_id=search_id,
        state=check.state,
        result_count=check.result_count,
        possible=possible,
    )
    uow.commit()
    return CheckOutcome(_view(check), results, pending)


def checks_of(uow: UnitOfWork, actor: Actor, entry_ids: list[int]) -> dict[int, list[CheckView]]:
    """The actor's own checks of these entries, newest first, by entry."""
    authorize(uow, actor, Permission.HOTLISTS_PROPOSE)
    if not entry_ids or actor.id is None:
        return {}
    rows = uow.session.scalars(
        select(HistoryCheck)
        .where(HistoryCheck.entry_id.in_(entry_ids), HistoryCheck.user_id == actor.id)
        .order_by(HistoryCheck.id.desc())
    )
    found: dict[int, list[CheckView]] = {}
    for row in rows:
        found.setdefault(row.entry_id, []).append(_view(row))
    return found

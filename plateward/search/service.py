"""Search use cases: search reads for a stated purpose, page through, open, export, review.

Each reads like the policy, in its order: ``authorize`` (reads:search), the purpose's required
fields (DUP update 2026: crime type, case number in the agency's format, a justification that is
neither boilerplate nor copied), the prohibited-use guard BEFORE any query runs (DUP §2,
invariant 2), the query through the read gate (retention, camera scope), and the audit entry in
the same transaction with purpose, terms, result count and the ids shown (DUP §9, invariant 1).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import select

from plateward import guard
from plateward.cameras import service as cameras
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.authorization import authorize, record_refusal
from plateward.core.database import UnitOfWork
from plateward.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PlatewardError,
    PurposeRefused,
)
from plateward.core.permissions import Actor, Permission
from plateward.core.purpose import CRIME_TYPES, CrimeType, Purpose, check_case_number
from plateward.guard import Verdict
from plateward.guard.justification import assess_justification
from plateward.reads.models import Read
from plateward.reads.visibility import ReadGate, read_gate, retention_days
from plateward.search import matching
from plateward.search.evidence import (
    ExportFile,
    ExportRow,
    ReadImage,
    export_csv,
    marked,
    plate_svg,
    stored_image,
)
from plateward.search.matching import Matches, Plan, ReadHit
from plateward.search.models import Search, SearchState
from plateward.search.reviews import ReviewView, decide_review, reviews_waiting
from plateward.search.rules import SearchQuery, WindowRules, bounded_window, from_terms
from plateward.sharing import service as agencies

__all__ = [
    "CrimeType",
    "ExportFile",
    "ReadDetail",
    "ReadHit",
    "ReadImage",
    "ReviewPending",
    "ReviewView",
    "SearchResults",
    "SearchSummary",
    "crime_types",
    "decide_review",
    "export_results",
    "last_purpose",
    "my_searches",
    "read_detail",
    "read_image",
    "reviews_waiting",
    "run_approved",
    "search_page",
    "search_reads",
]

PAGE_SIZE = 50
# DUP update 2026 — a justification copied from the person's recent searches (for other cases)
# is refused; this many of their latest are compared.
RECENT_JUSTIFICATIONS = 20
NO_SUCH_SEARCH = "There is no such search of yours."
NOT_IN_SEARCH = "That read is not among this search's results."
# The rule a refused justification is recorded under (beside the guard's own rule ids).
JUSTIFICATION_RULE = "justification.refused"


@dataclass(frozen=True)
class SearchResults:
    search_id: int
    query: SearchQuery
    purpose: Purpose
    hits: list[ReadHit]
    total: int  # matching reads, exact up to the cap
    capped: bool  # more than the cap matched
    page: int
    page_size: int
    pages: int
    warnings: tuple[str, ...] = ()
    # When every counted match was captured (not only this page's): the timeline's data.
    times: tuple[datetime, ...] = ()
    # DUP §10 — for an outside agency: "SJPD data — no redistribution" (None for staff).
    mark: str | None = None

    @property
    def capped_notice(self) -> str | None:
        """What the person is told when the results were capped."""
        if not self.capped:
            return None
        return (
            f"More than {self.total:,} reads match; only the newest {self.total:,} are counted "
            "and shown. Narrow the time window, the area or the plate."
        )


@dataclass(frozen=True)
class ReviewPending:
    """The guard asked for a supervisor's review: nothing ran."""

    search_id: int
    message: str


@dataclass(frozen=True)
class ReadDetail:
    search_id: int
    read: ReadHit
    plate_raw: str
    received_at: datetime
    originating_agency: str
    mark: str | None = None  # DUP §10, for an outside agency


@dataclass(frozen=True)
class SearchSummary:
    search_id: int
    created_at: datetime
    state: str
    purpose: Purpose
    terms: dict[str, Any]
    result_count: int | None
    review_reason: str | None
    decided_at: datetime | None


def crime_types() -> tuple[CrimeType, ...]:
    """The crime-type picklist of the search form (code, label)."""
    return CRIME_TYPES


# --- searching ------------------------------------------------------------------------------------


def search_reads(
    uow: UnitOfWork, actor: Actor, purpose: Purpose, query: SearchQuery
) -> SearchResults | ReviewPending:
    """Search reads for ``purpose``: page 1 of the results, or a pending review."""
    # DUP §10 — an outside agency's person is checked against their agency's eligibility, its
    # agreement in force (or an approved first-access request for this case) and the purpose's
    # beneficiary (never a third agency), before anything else: one refusal, whatever the data.
    outside = agencies.outside_access(uow, actor, purpose)
    authorize(uow, actor, Permission.READS_SEARCH, outside, target="search")
    user_id = _person(actor)
    query = bounded_window(query, uow.now(), _window_rules(uow))
    plan = _plan(uow, query)
    settings = uow.settings
    if outside is None:  # an outside agency writes its case numbers in its own format
        check_case_number(
            purpose.case_number, settings.case_number_pattern, settings.case_number_example
        )
    assessment = assess_justification(
        purpose.justification, _recent_justifications(uow, user_id, purpose.case_number)
    )
    if assessment.refusal is not None:
        # Refused like the guard's denials, and recorded: boilerplate and reused justifications
        # are what the 2025-26 stalking cases hid behind; auditors see each attempt.
        refusal = guard.Verdict(guard.Decision.DENY, (JUSTIFICATION_RULE,), assessment.refusal)
        _blocked(uow, actor, user_id, purpose, query, refusal, InvalidInput)
    # Invariant 2 — the guard decides before any query runs.
    verdict = guard.check_purpose(purpose)
    if verdict.decision is guard.Decision.DENY:
        _blocked(uow, actor, user_id, purpose, query, verdict)
    search = _store(uow, user_id, purpose, query, verdict)
    if verdict.decision is guard.Decision.REVIEW:
        _audit_search(uow, actor, AuditAction.SEARCH_REVIEW_REQUESTED, search, purpose, query)
        uow.commit()
        return ReviewPending(search.id, verdict.message)
    results = _run_page(uow, actor, search, plan, purpose, 1)
    uow.commit()
    return replace(results, warnings=tuple(assessment.warnings))


def _authorize(
    uow: UnitOfWork,
    actor: Actor,
    permission: Permission,
    target: str,
    purpose: Purpose | None = None,
) -> None:
    """``authorize`` with the outside-access resource (None for the department's own people)."""
    authorize(uow, actor, permission, agencies.outside_access(uow, actor, purpose), target=target)


def search_page(uow: UnitOfWork, actor: Actor, search_id: int, page: int) -> SearchResults:
    """Another page of one's own search, the stored query run again (stable order)."""
    search, purpose, plan = _search_that_ran(uow, actor, search_id, Permission.READS_SEARCH)
    results = _run_page(uow, actor, search, plan, purpose, page)
    uow.commit()
    return results


def _search_that_ran(
    uow: UnitOfWork, actor: Actor, search_id: int, permission: Permission
) -> tuple[Search, Purpose, Plan]:
    """One's own search that ran, with its purpose and its stored query made ready to run."""
    _authorize(uow, actor, permission, f"search:{search_id}")
    search = _own_search(uow, actor, search_id)
    purpose = Purpose.from_record(search.purpose)
    _authorize(uow, actor, permission, f"search:{search_id}", purpose)
    if search.state != SearchState.RUN:
        raise Conflict(_not_run(search))
    plan = _plan(uow, from_terms(search.terms))
    return search, purpose, plan


def run_approved(uow: UnitOfWork, actor: Actor, search_id: int) -> SearchResults:
    """The requester runs a search a lieutenant approved (DUP update 2026: supervisor review)."""
    _authorize(uow, actor, Permission.READS_SEARCH, f"search:{search_id}")
    search = _own_search(uow, actor, search_id)
    query, purpose = from_terms(search.terms), Purpose.from_record(search.purpose)
    _authorize(uow, actor, Permission.READS_SEARCH, f"search:{search_id}", purpose)
    if search.state != SearchState.APPROVED:
        raise Conflict(_not_run(search) if search.state != SearchState.RUN else "It ran already.")
    search.state = SearchState.RUN
    results = _run_page(uow, actor, search, _plan(uow, query), purpose, 1)
    uow.commit()
    return results


def _run_page(
    uow: UnitOfWork,
    actor: Actor,
    search: Search,
    plan: Plan,
    purpose: Purpose,
    page: int,
) -> SearchResults:
    gate = read_gate(uow, actor)
    found = matching.matching(uow, gate, plan, uow.settings.search_result_cap)
    total = len(found.keys)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if not 1 <= page <= pages:
        raise InvalidInput(f"page {page} does not exist: this search has {pages} page(s)")
    keys = found.keys[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    hits = matching.hits(uow, gate, keys, cameras.camera_names(uow))
    search.result_count = total
    # DUP §9, invariant 1 — the terms, the purpose, the count and the ids shown, in this
    # transaction; details tie the entry to the stored search and its page.
    audit.record(
        uow,
        actor,
        AuditEvent(
            AuditAction.SEARCH_RUN,
            query_terms=plan.query.terms(),
            purpose=purpose,
            result_count=total,
            result_ids=tuple(h.id for h in hits),
            details={"search_id": search.id, "page": page},
        ),
    )
    return SearchResults(
        search.id,
        plan.query,
        purpose,
        hits,
        total,
        found.capped,
        page,
        PAGE_SIZE,
        pages,
        times=tuple(captured_at for _, captured_at in found.keys),
        mark=agencies.data_mark(uow, actor),
    )


def _blocked(
    uow: UnitOfWork,
    actor: Actor,
    user_id: int,
    purpose: Purpose,
    query: SearchQuery,
    verdict: Verdict,
    error: type[PlatewardError] = PurposeRefused,
) -> NoReturn:
    """Invariant 2 — record the refused request and answer uniformly, whatever the data holds."""
    search = _store(uow, user_id, purpose, query, verdict)
    _audit_search(uow, actor, AuditAction.SEARCH_BLOCKED, search, purpose, query, verdict.message)
    uow.commit()
    raise error(verdict.message)


def _audit_search(
    uow: UnitOfWork,
    actor: Actor,
    action: AuditAction,
    search: Search,
    purpose: Purpose,
    query: SearchQuery,
    reason: str | None = None,
) -> None:
    denied = action is AuditAction.SEARCH_BLOCKED
    audit.record(
        uow,
        actor,
        AuditEvent(
            action,
            Outcome.DENIED if denied else Outcome.ALLOWED,
            reason=reason,
            query_terms=query.terms(),
            purpose=purpose,
            details={"search_id": search.id, "rules": list(search.guard_rules)},
        ),
    )


def _store(
    uow: UnitOfWork, user_id: int, purpose: Purpose, query: SearchQuery, verdict: Verdict
) -> Search:
    state = {
        guard.Decision.ALLOW: SearchState.RUN,
        guard.Decision.REVIEW: SearchState.PENDING_REVIEW,
        guard.Decision.DENY: SearchState.BLOCKED,
    }[verdict.decision]
    search = Search(
        user_id=user_id,
        created_at=uow.now(),
        purpose=purpose.as_record(),
        case_number=purpose.case_number,
        terms=query.terms(),
        state=state,
        guard_rules=list(verdict.rules),
        guard_message=verdict.message[:1000] if state != SearchState.RUN else None,
    )
    uow.session.add(search)
    uow.session.flush()
    return search


def _window_rules(uow: UnitOfWork) -> WindowRules:
    return WindowRules(uow.settings.search_max_window_days, retention_days(uow))


def _plan(uow: UnitOfWork, query: SearchQuery) -> Plan:
    """The query ready to run: its camera codes resolved (an unknown code is refused)."""
    ids = {code: camera_id for camera_id, code in cameras.camera_codes(uow).items()}
    unknown = [c for c in query.cameras if c not in ids]
    if unknown:
        raise InvalidInput(f"no camera has the code {', '.join(unknown)}")
    return Plan(
        query,
        tuple(ids[c] for c in query.cameras),
        uow.settings.plate_fold_states,
        uow.dialect,
    )


def _recent_justifications(uow: UnitOfWork, user_id: int, case_number: str) -> list[str]:
    """The person's latest justifications for OTHER cases (the same case may repeat its own)."""
    rows = uow.session.scalars(
        select(Search.purpose)
        .where(
            Search.user_id == user_id,
            Search.case_number != case_number,
            Search.state != SearchState.BLOCKED,
        )
        .order_by(Search.id.desc())
        .limit(RECENT_JUSTIFICATIONS)
    )
    return [str(p.get("justification", "")) for p in rows]


def _person(actor: Actor) -> int:
    if not actor.is_person or actor.id is None:
        raise PermissionDenied("Searches are made by a person, under their own account.")
    return actor.id


def _own_search(uow: UnitOfWork, actor: Actor, search_id: int) -> Search:
    """The actor's own search; anyone else's, or none, is the same refusal (audited)."""
    search = uow.session.get(Search, search_id) if 0 < search_id < 2**31 else None
    if search is None or actor.id is None or search.user_id != actor.id:
        record_refusal(
            uow, actor, Permission.READS_SEARCH, NO_SUCH_SEARCH, target=f"search:{search_id}"
        )
        raise NotFound(NO_SUCH_SEARCH)
    return search


def _not_run(search: Search) -> str:
    return {
        SearchState.PENDING_REVIEW: "This search waits for a supervisor's review.",
        SearchState.APPROVED: (
            "This search was approved: run it from My searches on the Search page."
        ),
        SearchState.REJECTED: "A supervisor rejected this search; it cannot run.",
        SearchState.BLOCKED: "This search was refused as outside authorized use.",
    }.get(SearchState(search.state), "This search has not run.")


# --- what was opened ------------------------------------------------------------------------------


def _read_in_search(
    uow: UnitOfWork, actor: Actor, search_id: int, read_id: str, permission: Permission
) -> tuple[Search, Purpose, Read]:
    """A read that matches the actor's own search (checked again through the gate), or 404."""
    _authorize(uow, actor, permission, f"search:{search_id}")
    search = _own_search(uow, actor, search_id)
    _authorize(uow, actor, permission, f"search:{search_id}", Purpose.from_record(search.purpose))
    read = None
    if search.state == SearchState.RUN:
        try:
            wanted = uuid.UUID(read_id)
        except ValueError:
            wanted = None
        if wanted is not None:
            plan = _plan(uow, from_terms(search.terms))
            read = matching.one_read(uow, read_gate(uow, actor), plan, wanted)
    if read is None:
        record_refusal(uow, actor, permission, NOT_IN_SEARCH, target=f"search:{search_id}")
        raise NotFound(NOT_IN_SEARCH)
    return search, Purpose.from_record(search.purpose), read


def _audit_view(
    uow: UnitOfWork,
    actor: Actor,
    action: AuditAction,
    search: Search,
    purpose: Purpose,
    read_ids: tuple[str, ...],
) -> None:
    audit.record(
        uow,
        actor,
        AuditEvent(
            action,
            purpose=purpose,
            result_count=len(read_ids),
            result_ids=read_ids,
            details={"search_id": search.id},
        ),
    )


def read_detail(uow: UnitOfWork, actor: Actor, search_id: int, read_id: str) -> ReadDetail:
    """One read of one's search, in full; audited read.viewed tied to the search."""
    search, purpose, read = _read_in_search(uow, actor, search_id, read_id, Permission.READS_SEARCH)
    _audit_view(uow, actor, AuditAction.READ_VIEWED, search, purpose, (str(read.id),))
    detail = ReadDetail(
        search.id,
        matching.hit_of(read, cameras.camera_names(uow)),
        read.plate_raw,
        read.received_at,
        agencies.agency_by_id(uow, read.source_agency_id).name,
        agencies.data_mark(uow, actor),
    )
    uow.commit()
    return detail


def read_image(uow: UnitOfWork, actor: Actor, search_id: int, read_id: str) -> ReadImage:
    """A read's image (or, with none stored, a drawing of its plate); audited."""
    search, purpose, read = _read_in_search(uow, actor, search_id, read_id, Permission.READS_SEARCH)
    _audit_view(uow, actor, AuditAction.READ_IMAGE_VIEWED, search, purpose, (str(read.id),))
    image = stored_image(uow.settings.image_dir, read.image_ref) or plate_svg(
        read.plate, read.plate_state, read.captured_at
    )
    mark = agencies.data_mark(uow, actor)
    uow.commit()
    return marked(image, mark, actor.agency_name, uow.now().date()) if mark else image


def export_results(uow: UnitOfWork, actor: Actor, search_id: int) -> ExportFile:
    """The search's results as CSV (reads:export), marked with the originating agency; audited."""
    search, purpose, plan = _search_that_ran(uow, actor, search_id, Permission.READS_EXPORT)
    gate = read_gate(uow, actor)
    found: Matches = matching.matching(uow, gate, plan, uow.settings.search_result_cap)
    rows = _export_rows(uow, gate, found)
    owners = sorted({r.originating_agency for r in rows}) or [agencies.home_agency(uow).name]
    _audit_view(
        uow, actor, AuditAction.SEARCH_EXPORTED, search, purpose, tuple(r.read.id for r in rows)
    )
    file = export_csv(search.id, purpose, owners, uow.now(), actor.name, rows)
    uow.commit()
    return file


def _export_rows(uow: UnitOfWork, gate: ReadGate, found: Matches) -> list[ExportRow]:
    names = cameras.camera_names(uow)
    owners: dict[int, str] = {}
    rows = []
    for read in matching.reads_of(uow, gate, found.keys):
        if read.source_agency_id not in owners:
            owners[read.source_agency_id] = agencies.agency_by_id(uow, read.source_agency_id).name
        rows.append(ExportRow(matching.hit_of(read, names), owners[read.source_agency_id]))
    return rows


# --- one's own searches, and supervisor review ----------------------------------------------------


def _summary(search: Search) -> SearchSummary:
    return SearchSummary(
        search.id,
        search.created_at,
        search.state,
        Purpose.from_record(search.purpose),
        search.terms,
        search.result_count,
        search.review_reason,
        search.decided_at,
    )


def my_searches(uow: UnitOfWork, actor: Actor, limit: int = 20) -> list[SearchSummary]:
    """The person's latest searches, newest first."""
    _authorize(uow, actor, Permission.READS_SEARCH, "search")
    user_id = _person(actor)
    rows = uow.session.scalars(
        select(Search)
        .where(Search.user_id == user_id)
        .order_by(Search.id.desc())
        .limit(min(max(limit, 1), 200))
    )
    return [_summary(s) for s in rows]


def last_purpose(uow: UnitOfWork, actor: Actor) -> Purpose | None:
    """The purpose of the person's last search that was not refused: the form starts from it
    (each search is still audited with its own purpose)."""
    _authorize(uow, actor, Permission.READS_SEARCH, "search")
    user_id = _person(actor)
    record = uow.session.scalar(
        select(Search.purpose)
        .where(Search.user_id == user_id, Search.state != SearchState.BLOCKED)
        .order_by(Search.id.desc())
        .limit(1)
    )
    return Purpose.from_record(record) if record is not None else None

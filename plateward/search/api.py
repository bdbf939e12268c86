"""JSON routes for searching reads: a purpose and a query in, results (or a pending review) out.

Every route calls the search service, which authorizes, asks the guard, queries through the read
gate and audits; nothing here decides access or touches the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from plateward.core.permissions import Actor, Permission
from plateward.core.purpose import Purpose, purpose
from plateward.search import service as searches
from plateward.search.evidence import SVG, mark_header
from plateward.search.rules import Area, search_query
from plateward.web.api_models import DecisionIn
from plateward.web.deps import UowDep, api_caller_with

router = APIRouter(prefix="/api/v1", tags=["search"])
Searcher = Annotated[Actor, Depends(api_caller_with(Permission.READS_SEARCH))]
Exporter = Annotated[Actor, Depends(api_caller_with(Permission.READS_EXPORT))]
Reviewer = Annotated[Actor, Depends(api_caller_with(Permission.SEARCHES_REVIEW))]
SearchId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The search's number.")]
ReadId = Annotated[str, Path(min_length=1, max_length=64, description="The read's id (UUID).")]
ERRORS: dict[int | str, dict[str, Any]] = {400: {}, 401: {}, 403: {}, 404: {}, 409: {}, 422: {}}

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Point = tuple[Latitude, Longitude]
OptionalText = Annotated[str | None, Field(default=None, max_length=60)]


class AreaIn(BaseModel):
    """A circle (``center`` [latitude, longitude] and ``radius_m``) or a ``polygon`` ring of
    [latitude, longitude] points; not both."""

    model_config = ConfigDict(extra="forbid")

    center: Point | None = None
    radius_m: float | None = Field(default=None, gt=0, le=50_000)
    polygon: list[Point] = Field(default_factory=list, max_length=500)


class SearchIn(BaseModel):
    """The purpose (DUP update 2026: crime type, case number and justification are required)
    and the query. ``start`` and ``end`` carry a time zone; ``plate`` may be a pattern: ``7AB*``,
    ``*123``, ``*AB1*`` or ``7A?C123`` (``?`` is one character); ``fuzzy`` finds likely misreads
    of a whole plate. The crime type is a code from the picklist (see docs/search.md) or the
    statute in words."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: Literal[
        "criminal_investigation", "missing_person", "agency_support", "traffic_intersection"
    ]
    crime_type: str = Field(min_length=1, max_length=120)
    case_number: str = Field(min_length=1, max_length=60)
    justification: str = Field(min_length=1, max_length=1000)
    beneficiary_agency: str | None = Field(default=None, max_length=200)
    start: AwareDatetime
    end: AwareDatetime
    plate: str | None = Field(default=None, max_length=40)
    fuzzy: bool = False
    plate_state: str | None = Field(default=None, max_length=5)
    cameras: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=100
    )
    area: AreaIn | None = None
    make: OptionalText = None
    model: OptionalText = None
    color: OptionalText = None
    vehicle_type: OptionalText = None


class PurposeOut(BaseModel):
    category: str
    crime_type: str
    case_number: str
    justification: str
    beneficiary_agency: str | None


class HitOut(BaseModel):
    id: str
    captured_at: datetime
    plate: str
    plate_state: str | None
    camera_code: str
    camera_name: str | None
    latitude: float | None
    longitude: float | None
    make: str | None
    model: str | None
    color: str | None
    vehicle_type: str | None
    confidence: float | None
    has_image: bool


class SearchResultsOut(BaseModel):
    """One page of results. ``capped``: more reads matched than the cap; ``notice`` says so."""

    search_id: int
    page: int
    page_size: int
    pages: int
    total: int
    capped: bool
    notice: str | None
    warnings: list[str]
    purpose: PurposeOut
    query: dict[str, Any]
    hits: list[HitOut]
    # DUP §10 — for an outside agency, "SJPD data — no redistribution"; null for staff.
    mark: str | None = None


class ReviewPendingOut(BaseModel):
    search_id: int
    status: Literal["pending_review"] = "pending_review"
    message: str


class ReadDetailOut(HitOut):
    search_id: int
    plate_raw: str
    received_at: datetime
    originating_agency: str
    mark: str | None = None  # DUP §10, for an outside agency


class ReviewOut(BaseModel):
    search_id: int
    requested_by: str
    requested_at: datetime
    purpose: PurposeOut
    query: dict[str, Any]
    rules: list[str]
    message: str | None
    state: str
    reviewed_by: str | None
    decided_at: datetime | None
    reason: str | None


def _purpose_out(p: Purpose) -> PurposeOut:
    return PurposeOut(
        category=p.category.value,
        crime_type=p.crime_type,
        case_number=p.case_number,
        justification=p.justification,
        beneficiary_agency=p.beneficiary_agency,
    )


def _hit_out(h: searches.ReadHit) -> dict[str, Any]:
    return {name: getattr(h, name) for name in HitOut.model_fields}


def _results_out(r: searches.SearchResults) -> SearchResultsOut:
    return SearchResultsOut(
        search_id=r.search_id,
        page=r.page,
        page_size=r.page_size,
        pages=r.pages,
        total=r.total,
        capped=r.capped,
        notice=r.capped_notice,
        warnings=list(r.warnings),
        purpose=_purpose_out(r.purpose),
        query=r.query.terms(),
        hits=[HitOut(**_hit_out(h)) for h in r.hits],
        mark=r.mark,
    )


def _review_out(v: searches.ReviewView) -> ReviewOut:
    return ReviewOut(
        search_id=v.search_id,
        requested_by=v.requested_by,
        requested_at=v.requested_at,
        purpose=_purpose_out(v.purpose),
        query=v.terms,
        rules=list(v.rules),
        message=v.message,
        state=v.state,
        reviewed_by=v.reviewed_by,
        decided_at=v.decided_at,
        reason=v.reason,
    )


def _area(given: AreaIn | None) -> Area | None:
    if given is None:
        return None
    return Area(center=given.center, radius_m=given.radius_m, polygon=tuple(given.polygon))


@router.post(
    "/searches",
    response_model=SearchResultsOut,
    responses={202: {"model": ReviewPendingOut}, **ERRORS},
    summary="Search reads for a stated purpose (reads:search)",
)
def run_search(uow: UowDep, actor: Searcher, body: SearchIn) -> Any:
    """Run a search: page 1 of the results (200), or, when the request needs a supervisor's
    review, 202 with the search's number. A request outside authorized use is refused with 403
    before any query runs; the refusal says why and nothing about the data."""
    stated = purpose(
        body.category,
        body.crime_type,
        body.case_number,
        body.justification,
        body.beneficiary_agency,
    )
    query = search_query(
        start=body.start,
        end=body.end,
        plate=body.plate,
        fuzzy=body.fuzzy,
        plate_state=body.plate_state,
        cameras=body.cameras,
        area=_area(body.area),
        make=body.make,
        model=body.model,
        color=body.color,
        vehicle_type=body.vehicle_type,
        fold_states=uow.settings.plate_fold_states,
    )
    outcome = searches.search_reads(uow, actor, stated, query)
    if isinstance(outcome, searches.ReviewPending):
        pending = ReviewPendingOut(search_id=outcome.search_id, message=outcome.message)
        return JSONResponse(pending.model_dump(), status_code=202)
    return _results_out(outcome)


@router.get("/searches/{search_id}", response_model=SearchResultsOut, responses=ERRORS)
def search_page(
    uow: UowDep,
    actor: Searcher,
    search_id: SearchId,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> SearchResultsOut:
    """Another page of one's own search (50 reads a page, newest first; audited)."""
    return _results_out(searches.search_page(uow, actor, search_id, page))


@router.post("/searches/{search_id}/run", response_model=SearchResultsOut, responses=ERRORS)
def run_approved(uow: UowDep, actor: Searcher, search_id: SearchId) -> SearchResultsOut:
    """Run one's own search after a supervisor approved it."""
    return _results_out(searches.run_approved(uow, actor, search_id))


@router.get("/searches/{search_id}/reads/{read_id}", response_model=ReadDetailOut, responses=ERRORS)
def read_detail(
    uow: UowDep, actor: Searcher, search_id: SearchId, read_id: ReadId
) -> ReadDetailOut:
    """One read among the search's results (audited as read.viewed, tied to the search)."""
    d = searches.read_detail(uow, actor, search_id, read_id)
    return ReadDetailOut(
        **_hit_out(d.read),
        search_id=d.search_id,
        plate_raw=d.plate_raw,
        received_at=d.received_at,
        originating_agency=d.originating_agency,
        mark=d.mark,
    )


@router.get(
    "/searches/{search_id}/reads/{read_id}/image",
    response_class=Response,
    responses={200: {"content": {t: {} for t in ("image/jpeg", "image/png", SVG)}}, **ERRORS},
)
def read_image(uow: UowDep, actor: Searcher, search_id: SearchId, read_id: ReadId) -> Response:
    """The read's image; a drawing of the plate where no camera image is stored (audited)."""
    image = searches.read_image(uow, actor, search_id, read_id)
    return Response(image.body, media_type=image.content_type, headers=mark_header(image.mark))


@router.get(
    "/searches/{search_id}/export.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **ERRORS},
)
def export_results(uow: UowDep, actor: Exporter, search_id: SearchId) -> Response:
    """The search's results as CSV (reads:export), marked with the originating agency and
    "NOT FOR REDISTRIBUTION" (DUP §10); audited as search.exported."""
    file = searches.export_results(uow, actor, search_id)
    return Response(
        file.content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


@router.get("/search-reviews", response_model=list[ReviewOut], responses=ERRORS)
def reviews_waiting(uow: UowDep, actor: Reviewer) -> list[ReviewOut]:
    """Search requests waiting for a supervisor (searches:review)."""
    return [_review_out(v) for v in searches.reviews_waiting(uow, actor)]


@router.post("/search-reviews/{search_id}", response_model=ReviewOut, responses=ERRORS)
def decide_review(
    uow: UowDep, actor: Reviewer, search_id: SearchId, decision: DecisionIn
) -> ReviewOut:
    """Approve or reject a waiting request, with the reason (never one's own; audited)."""
    view = searches.decide_review(uow, actor, search_id, decision.approve, decision.reason)
    return _review_out(view)

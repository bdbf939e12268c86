"""The search pages: state a purpose, search reads, see them as a table, on a map and on a
timeline, open one read and its image, export; the lieutenant's review queue.

Every decision is the search service's (permission, the prohibited-use guard, the audit entry);
these routes turn form fields into a Purpose and a SearchQuery and show what comes back.
Maps load nothing from outside the server (police networks are closed).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.cameras import service as cameras
from plateward.core.errors import InvalidInput, PurposeRefused
from plateward.core.permissions import Actor, Permission, allowed
from plateward.core.purpose import PurposeCategory
from plateward.retention import service as retention
from plateward.search import service as search
from plateward.search.display import (
    MAP_CSP,
    STATES,
    camera_points,
    hit_points,
    image_headers,
    read_details,
    summary_of,
    terms_shown,
)
from plateward.search.evidence import mark_header
from plateward.search.form import SearchForm, blank_form, form_purpose, form_query
from plateward.search.timeline import timeline
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.errors import status_of
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
Searcher = Annotated[SessionState, Depends(person_with(Permission.READS_SEARCH))]
SearchPost = Annotated[SessionState, Depends(form_by_person_with(Permission.READS_SEARCH))]
Exporter = Annotated[SessionState, Depends(person_with(Permission.READS_EXPORT))]
Reviewer = Annotated[SessionState, Depends(person_with(Permission.SEARCHES_REVIEW))]
ReviewPost = Annotated[SessionState, Depends(form_by_person_with(Permission.SEARCHES_REVIEW))]


async def posted_search(request: Request) -> SearchForm:
    """The search form's fields as typed (the camera list is a multiple select)."""
    data = await request.form()
    texts = {k: v for k, v in data.items() if isinstance(v, str)}
    cameras = [c for c in data.getlist("cameras") if isinstance(c, str)]
    return SearchForm.from_fields(texts, cameras)


Posted = Annotated[SearchForm, Depends(posted_search)]


def _map_page(response: Response, request: Request) -> Response:
    """A page with a map: with an agency tile server configured, its images may come from it."""
    origin = request.app.state.settings.map_tiles_origin
    if origin:
        response.headers["Content-Security-Policy"] = MAP_CSP.format(tiles=origin)
    return response


def _map_context(request: Request, **data: Any) -> dict[str, Any]:
    return {"tiles_url": request.app.state.settings.map_tiles_url, "map_data": data}


def _cameras(uow: UowDep, actor: Actor) -> list[cameras.CameraView]:
    """The cameras the form offers: the registry's active ones within the person's scope."""
    if not allowed(actor, Permission.CAMERAS_VIEW):
        return []  # a class of access may open search without the registry
    scope = actor.camera_scope
    return [
        c
        for c in cameras.list_cameras(uow, actor)
        if c.status == "active" and (scope is None or c.code in scope)
    ]


def _form_page(
    request: Request,
    uow: UowDep,
    state: SessionState,
    form: SearchForm,
    *,
    error: str | None = None,
    status: int = 200,
    remembered: bool = False,
) -> Response:
    actor = state.actor
    settings = uow.settings
    registry = _cameras(uow, actor)
    context = {
        "form": form,
        "error": error,
        "remembered": remembered,
        "categories": list(PurposeCategory),
        "crime_types": search.crime_types(),
        "case_example": settings.case_number_example,
        "own_agency": actor.agency_name or "your agency",
        "max_days": settings.search_max_window_days,
        "retention_days": retention.retention_days(uow),  # the period in force (issue 15)
        "cameras": registry,
        "mine": search.my_searches(uow, actor),
        "summary_of": lambda terms: summary_of(terms, settings.timezone),
        "states": STATES,
        **_map_context(request, cameras=camera_points(registry)),
    }
    return _map_page(render(request, state, "search/search.html", context, status), request)


@router.get("/search", response_class=HTMLResponse)
def search_form(request: Request, uow: UowDep, state: Searcher) -> Response:
    """The form, the purpose of the person's last search filled in, and their searches."""
    last = search.last_purpose(uow, state.actor)
    form = blank_form(uow.now(), uow.settings.timezone, last)
    return _form_page(request, uow, state, form, remembered=last is not None)


def _results_page(
    request: Request, uow: UowDep, state: SessionState, results: search.SearchResults
) -> Response:
    zone = uow.settings.timezone
    context = {
        "results": results,
        "terms": terms_shown(results.query, zone),
        "own_agency": state.actor.agency_name or "own agency",
        # The service decides every export; this only says whether to offer the button.
        "may_export": allowed(state.actor, Permission.READS_EXPORT),
        "timeline": timeline(results.query.start, results.query.end, results.times, zone),
        "timeline_caption": f"All {len(results.times):,} matching reads across the window",
        **_map_context(
            request,
            cameras=camera_points(_cameras(uow, state.actor)),
            hits=hit_points(results.hits, zone, results.search_id),
            area=results.query.area.record() if results.query.area else None,
        ),
    }
    return _map_page(render(request, state, "search/results.html", context), request)


@router.post("/search", response_class=HTMLResponse)
def run_search(request: Request, uow: UowDep, state: SearchPost, form: Posted) -> Response:
    """Run the search; a refused one is shown again as typed, with what to correct."""
    try:
        purpose = form_purpose(form)
        query = form_query(form, uow.settings.timezone, uow.settings.plate_fold_states)
        outcome = search.search_reads(uow, state.actor, purpose, query)
    except PurposeRefused as refused:
        # DUP §2, update 2026 — the guard's refusal; it says why and nothing about the data.
        context = {"message": refused.detail}
        return render(request, state, "search/refused.html", context, status_of(refused))
    except InvalidInput as invalid:
        return _form_page(
            request, uow, state, form, error=invalid.detail, status=status_of(invalid)
        )
    if isinstance(outcome, search.ReviewPending):
        return render(request, state, "search/pending.html", {"pending": outcome}, 202)
    return _results_page(request, uow, state, outcome)


# Declared before /search/{search_id}, whose number "reviews" is not.
@router.get("/search/reviews", response_class=HTMLResponse)
def reviews_page(
    request: Request, uow: UowDep, state: Reviewer, decided: int = 0, approved: bool = False
) -> Response:
    """The lieutenant's queue: searches the guard sent to supervisor review."""
    context = {
        "waiting": search.reviews_waiting(uow, state.actor),
        "decided": decided or None,
        "approved": approved,
        "summary_of": lambda terms: summary_of(terms, uow.settings.timezone),
    }
    return render(request, state, "search/reviews.html", context)


def _decide(
    uow: UowDep, state: SessionState, search_id: int, approve: bool, reason: str
) -> Response:
    search.decide_review(uow, state.actor, search_id, approve, reason)
    outcome = "&approved=1" if approve else ""
    return RedirectResponse(f"/search/reviews?decided={search_id}{outcome}", status_code=303)


@router.post("/search/reviews/{search_id}/approve")
def approve_search(
    uow: UowDep, state: ReviewPost, search_id: int, reason: Annotated[str, Form()]
) -> Response:
    return _decide(uow, state, search_id, approve=True, reason=reason)


@router.post("/search/reviews/{search_id}/reject")
def reject_search(
    uow: UowDep, state: ReviewPost, search_id: int, reason: Annotated[str, Form()]
) -> Response:
    return _decide(uow, state, search_id, approve=False, reason=reason)


@router.get("/search/{search_id}", response_class=HTMLResponse)
def results_page(
    request: Request, uow: UowDep, state: Searcher, search_id: int, page: int = 1
) -> Response:
    """One page of a search's results: the stored query run again, audited again."""
    results = search.search_page(uow, state.actor, search_id, page)
    return _results_page(request, uow, state, results)


@router.post("/search/{search_id}/run", response_class=HTMLResponse)
def run_approved(request: Request, uow: UowDep, state: SearchPost, search_id: int) -> Response:
    """The requester runs a search a lieutenant approved."""
    results = search.run_approved(uow, state.actor, search_id)
    return _results_page(request, uow, state, results)


@router.get("/search/{search_id}/reads/{read_id}", response_class=HTMLResponse)
def read_page(
    request: Request, uow: UowDep, state: Searcher, search_id: int, read_id: str, page: int = 1
) -> Response:
    """One read of a search's results, with its image; opening it is audited (DUP §9)."""
    detail = search.read_detail(uow, state.actor, search_id, read_id)
    zone = uow.settings.timezone
    context = {
        "read": detail.read,
        "mark": detail.mark,
        "search_id": search_id,
        "page": page,
        "details": read_details(detail, zone),
        **_map_context(
            request,
            cameras=camera_points(_cameras(uow, state.actor)),
            hits=hit_points([detail.read], zone, search_id),
        ),
    }
    return _map_page(render(request, state, "search/read.html", context), request)


@router.get("/search/{search_id}/reads/{read_id}/image")
def read_image(uow: UowDep, state: Searcher, search_id: int, read_id: str) -> Response:
    """The read's image as stored (or a drawing of the plate); viewing it is audited."""
    image = search.read_image(uow, state.actor, search_id, read_id)
    headers = image_headers(image.content_type) | mark_header(image.mark)
    return Response(image.body, media_type=image.content_type, headers=headers)


@router.get("/search/{search_id}/export.csv")
def export_results(uow: UowDep, state: Exporter, search_id: int) -> Response:
    """The results as CSV, marked with the agency and "not for redistribution"; audited."""
    export = search.export_results(uow, state.actor, search_id)
    return Response(
        export.content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )

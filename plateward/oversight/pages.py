"""The auditor's pages: search the audit trail, open an entry, export CSV, see the chain's state.

DUP §9 — audits by a unit other than CDIC; the audit role reads the trail and never the reads.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.errors import InvalidInput
from plateward.core.permissions import Permission
from plateward.oversight import rules
from plateward.oversight import service as oversight
from plateward.web.deps import UowDep, person_with
from plateward.web.errors import status_of

router = APIRouter(include_in_schema=False)
Auditor = Annotated[SessionState, Depends(person_with(Permission.AUDIT_READ))]
Exporter = Annotated[SessionState, Depends(person_with(Permission.AUDIT_EXPORT))]


def _filters(request: Request) -> rules.TrailFilters:
    return rules.parse_filters(request.query_params, oversight.ACTIONS, oversight.RECORD_KINDS)


@router.get("/audit", response_class=HTMLResponse)
def trail_page(request: Request, uow: UowDep, state: Auditor) -> Response:
    """The search form, the matching entries and the chain's state; HTMX swaps only the results."""
    # A history restore asks for the whole page, though it comes from HTMX.
    fragment = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    try:
        filters = _filters(request)
        page = rules.parse_page(request.query_params.get("page"))
    except InvalidInput as exc:
        if not fragment:
            raise
        # The form stays as typed; the results say what to correct (base.html lets HTMX swap a
        # 422 in), instead of a search button that seems to do nothing.
        return request.app.state.templates.TemplateResponse(
            request, "oversight/_refused.html", {"error": exc.detail}, status_code=status_of(exc)
        )
    chain = None if fragment else oversight.chain_status(uow, state.actor)
    trail = oversight.search_trail(uow, state.actor, filters, page)
    context = {
        "actor": state.actor,
        "csrf_token": state.csrf_token,
        "chain": chain,
        "trail": trail,
        "actions": oversight.ACTIONS,
        "record_kinds": oversight.RECORD_KINDS,
        "outcomes": rules.OUTCOMES,
        "export_query": rules.query_string(filters),
        "previous_query": rules.query_string(filters, page - 1) if page > 1 else None,
        "next_query": rules.query_string(filters, page + 1) if page < trail.pages else None,
    }
    template = "oversight/_results.html" if fragment else "oversight/trail.html"
    return request.app.state.templates.TemplateResponse(request, template, context)


@router.get("/audit/entries/{seq}", response_class=HTMLResponse)
def entry_page(request: Request, uow: UowDep, state: Auditor, seq: int) -> Response:
    context = {
        "actor": state.actor,
        "csrf_token": state.csrf_token,
        "entry": oversight.entry(uow, state.actor, seq),
    }
    return request.app.state.templates.TemplateResponse(request, "oversight/entry.html", context)


@router.get("/audit/export.csv")
def export_page(request: Request, uow: UowDep, state: Exporter) -> Response:
    filters = _filters(request)
    body = oversight.export_csv(uow, state.actor, filters)
    stamp = uow.now().strftime("%Y%m%dT%H%M%SZ")
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-trail-{stamp}.csv"'},
    )

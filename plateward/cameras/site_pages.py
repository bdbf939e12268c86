"""The sensitive-site pages (``cameras:manage``): the list with an import (GeoJSON or CSV) and a
form to add one; each site's page to edit or remove it, with the daily counts of mobile reads not
stored near it. Every change is audited by the service and re-checks the cameras' placement.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from shapely import wkt
from shapely.errors import GEOSException

from plateward.accounts.sessions import SessionState
from plateward.cameras import sites
from plateward.cameras.site_imports import MAX_BYTES, read_site_file
from plateward.cameras.site_rules import KIND_LABELS, SiteSpec, geojson
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput
from plateward.core.permissions import Permission
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.errors import status_of
from plateward.web.rendering import render

router = APIRouter(prefix="/admin/sites", include_in_schema=False)
MANAGE = Permission.CAMERAS_MANAGE
Manager = Annotated[SessionState, Depends(person_with(MANAGE))]
ManagerForm = Annotated[SessionState, Depends(form_by_person_with(MANAGE))]


def _site_fields(
    name: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
    address: Annotated[str, Form(max_length=300)] = "",
    entrances: Annotated[str, Form(max_length=50_000)] = "",
    source: Annotated[str, Form(max_length=200)] = "",
    source_date: Annotated[str, Form(max_length=10)] = "",
) -> dict[str, str]:
    return {
        "name": name,
        "kind": kind,
        "address": address,
        "entrances": entrances,
        "source": source,
        "source_date": source_date,
    }


SiteFields = Annotated[dict[str, str], Depends(_site_fields)]


def _entrances(text: str) -> dict[str, Any]:
    """GeoJSON geometry text, or WKT (``POINT (-121.88 37.33)``, ``LINESTRING (…)``)."""
    text = text.strip()
    if not text:
        raise InvalidInput("give the entrances and exits: GeoJSON or WKT points or lines")
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            raise InvalidInput("the entrances are not valid GeoJSON") from None
        if not isinstance(value, dict):
            raise InvalidInput("the entrances must be a GeoJSON geometry")
        return value
    try:
        return geojson(wkt.loads(text))
    except (GEOSException, ValueError):
        raise InvalidInput(
            "the entrances must be GeoJSON or WKT, e.g. POINT (-121.88 37.33)"
        ) from None


def _spec(form: dict[str, str]) -> SiteSpec:
    try:
        when = date.fromisoformat(form["source_date"].strip())
    except ValueError:
        raise InvalidInput("the source date must be a date like 2026-03-10") from None
    return SiteSpec(
        name=form["name"].strip(),
        kind=form["kind"].strip(),
        entrances=_entrances(form["entrances"]),
        source=form["source"].strip(),
        source_date=when,
        address=form["address"].strip(),
    )


def _list(
    request: Request,
    uow: UnitOfWork,
    state: SessionState,
    *,
    form: dict[str, str] | None = None,
    error: str | None = None,
    report: sites.ImportReport | None = None,
    status: int = 200,
) -> Response:
    context = {
        "sites": sites.list_sites(uow, state.actor),
        "kinds": KIND_LABELS,
        "form": form or {},
        "error": error,
        "report": report,
        "changes": request.query_params.get("changes", "")[:500],
    }
    return render(request, state, "cameras/sites.html", context, status)


@router.get("", response_class=HTMLResponse)
def sites_page(request: Request, uow: UowDep, state: Manager) -> Response:
    return _list(request, uow, state)


def _after(changes: list[str], where: str) -> Response:
    suffix = f"?changes={quote('; '.join(changes))}" if changes else ""
    return RedirectResponse(f"{where}{suffix}", status_code=303)


@router.post("", response_class=HTMLResponse)
def add(request: Request, uow: UowDep, state: ManagerForm, fields: SiteFields) -> Response:
    try:
        created, changes = sites.add_site(uow, state.actor, _spec(fields))
    except (InvalidInput, Conflict) as exc:
        uow.rollback()
        return _list(request, uow, state, form=fields, error=exc.detail, status=status_of(exc))
    return _after(changes, f"/admin/sites/{created.id}")


@router.post("/import", response_class=HTMLResponse)
async def import_file(
    request: Request, uow: UowDep, state: ManagerForm, file: Annotated[UploadFile, File()]
) -> Response:
    """Import a GeoJSON or CSV list of sites: each row added or updated by name, or reported."""
    content = await file.read(MAX_BYTES + 1)
    try:
        rows = read_site_file(content, file.filename or "")
        report = sites.import_sites(uow, state.actor, rows, file.filename or "upload")
    except InvalidInput as exc:
        uow.rollback()
        return _list(request, uow, state, error=exc.detail, status=status_of(exc))
    return _list(request, uow, state, report=report)


def _site_page(
    request: Request,
    uow: UnitOfWork,
    state: SessionState,
    site_id: int,
    *,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    found = sites.site(uow, state.actor, site_id)
    context = {
        "site": found,
        "kinds": KIND_LABELS,
        "entrances_text": json.dumps(found.entrances),
        "form": form,
        "error": error,
        "drops": sites.drops(uow, state.actor, site_id),
        "changes": request.query_params.get("changes", "")[:500],
    }
    return render(request, state, "cameras/site.html", context, status)


@router.get("/{site_id}", response_class=HTMLResponse)
def site_page(request: Request, uow: UowDep, state: Manager, site_id: int) -> Response:
    return _site_page(request, uow, state, site_id)


@router.post("/{site_id}", response_class=HTMLResponse)
def edit(
    request: Request, uow: UowDep, state: ManagerForm, site_id: int, fields: SiteFields
) -> Response:
    try:
        _, changes = sites.edit_site(uow, state.actor, site_id, _spec(fields))
    except (InvalidInput, Conflict) as exc:
        uow.rollback()
        return _site_page(
            request, uow, state, site_id, form=fields, error=exc.detail, status=status_of(exc)
        )
    return _after(changes, f"/admin/sites/{site_id}")


@router.post("/{site_id}/remove", response_class=HTMLResponse)
def remove(
    request: Request,
    uow: UowDep,
    state: ManagerForm,
    site_id: int,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        changes = sites.remove_site(uow, state.actor, site_id, reason)
    except InvalidInput as exc:
        uow.rollback()
        return _site_page(request, uow, state, site_id, error=exc.detail, status=status_of(exc))
    return _after(changes, "/admin/sites")

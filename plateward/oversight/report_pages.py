"""The Annual Data Usage Report: the DPO's page (edit, receive, extend, publish, download) and the
published public version on the portal (DUP §14, §8)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.errors import NotFound
from plateward.core.permissions import Permission
from plateward.oversight import annual, annual_render
from plateward.oversight import annual_rules as rules
from plateward.oversight.portal_pages import Visitor, render_public
from plateward.web.deps import SessionDep, UowDep, form_by_person_with, person_with
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
Officer = Annotated[SessionState, Depends(person_with(Permission.REPORTS_MANAGE))]
OfficerForm = Annotated[SessionState, Depends(form_by_person_with(Permission.REPORTS_MANAGE))]
Aggregates = Annotated[SessionState, Depends(person_with(Permission.REPORTS_AGGREGATES))]
TEXT = rules.MAX_TEXT + 1000


def _document(view: annual.ReportView, produced: datetime) -> annual_render.Document:
    return annual_render.Document(view.year, view.summary, view.plans, False, produced)


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, uow: UowDep, state: Officer, year: str = "") -> Response:
    chosen = rules.year_of(year) if year else uow.now().year
    view = annual.report(uow, state.actor, chosen)
    context = {
        "view": view,
        "doc": _document(view, uow.now()),
        "figures": view.figures,
        "images": annual_render.charts(view.figures),
        "reminders": annual.reminders(uow, state.actor),
        "may_read_aggregates": Permission.REPORTS_AGGREGATES in state.actor.permissions,
    }
    return render(request, state, "oversight/reports.html", context)


def _back(year: int, note: str) -> Response:
    return RedirectResponse(f"/reports?year={year}&done={note}", status_code=303)


@router.post("/reports/{year}")
def edit_report(
    uow: UowDep,
    state: OfficerForm,
    year: int,
    summary: Annotated[str, Form(max_length=TEXT)] = "",
    plans: Annotated[str, Form(max_length=TEXT)] = "",
) -> Response:
    annual.edit(uow, state.actor, year, summary, plans)
    return _back(year, "saved")


@router.post("/reports/{year}/submit")
def submit_report(uow: UowDep, state: OfficerForm, year: int) -> Response:
    annual.submit(uow, state.actor, year)
    return _back(year, "received")


@router.post("/reports/{year}/extension")
def extend_report(
    uow: UowDep,
    state: OfficerForm,
    year: int,
    notice: Annotated[str, Form(max_length=TEXT)] = "",
    until: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    annual.extend(uow, state.actor, year, notice, until)
    return _back(year, "extended")


@router.post("/reports/{year}/publish")
def publish_report(
    uow: UowDep,
    state: OfficerForm,
    year: int,
    public_summary: Annotated[str, Form(max_length=TEXT)] = "",
    public_plans: Annotated[str, Form(max_length=TEXT)] = "",
) -> Response:
    annual.publish(uow, state.actor, year, public_summary, public_plans)
    return _back(year, "published")


@router.get("/reports/{year}/report.{fmt}")
def download_report(request: Request, uow: UowDep, state: Officer, year: int, fmt: str) -> Response:
    if fmt not in ("html", "pdf", "csv"):
        return Response("Formats: html, pdf, csv.", status_code=404, media_type="text/plain")
    view = annual.report(uow, state.actor, year)
    annual.record_export(uow, state.actor, year, fmt)
    return _file(request, _document(view, uow.now()), view.figures, fmt)


def _file(
    request: Request, doc: annual_render.Document, figures: annual.Figures, fmt: str
) -> Response:
    name = f"annual-data-usage-report-{doc.year}{'-public' if doc.public else ''}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        body = annual_render.csv_text(doc, figures)
        return Response(body, media_type="text/csv; charset=utf-8", headers=disposition)
    page = annual_render.html(request.app.state.templates.env, doc, figures)
    if fmt == "html":
        return Response(page, media_type="text/html; charset=utf-8", headers=disposition)
    return Response(annual_render.pdf(page), media_type="application/pdf", headers=disposition)


def _table(name: str, fmt: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Response:
    """The DPO's aggregate data as CSV or JSON (one object per row); no plate column exists."""
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "json":
        body = json.dumps(
            [dict(zip(columns, row, strict=True)) for row in rows], default=str, indent=1
        )
        return Response(body, media_type="application/json", headers=disposition)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=disposition)


def _format(fmt: str) -> None:
    if fmt not in ("csv", "json"):
        raise NotFound("Formats: csv, json.")


@router.get("/reports/{year}/reads.{fmt}")
def aggregate_reads(uow: UowDep, state: Aggregates, year: int, fmt: str) -> Response:
    """Each read still kept: time, camera, latitude, longitude, hit flag (DUP §14.3.a.ii)."""
    _format(fmt)
    rows = annual.aggregate_reads(uow, state.actor, year)
    columns = ("captured_at", "camera", "latitude", "longitude", "hit")
    table = [
        (r.captured_at.isoformat(), r.camera, r.latitude, r.longitude, int(r.hit)) for r in rows
    ]
    return _table(f"reads-by-location-{year}", fmt, columns, table)


@router.get("/reports/{year}/locations.{fmt}")
def location_days(uow: UowDep, state: Aggregates, year: int, fmt: str) -> Response:
    """Reads and hits per camera and day with latitude and longitude, the whole year (purged
    days from the daily aggregates)."""
    _format(fmt)
    rows = annual.location_days(uow, state.actor, year)
    table = [
        (r.day.isoformat(), r.camera, r.latitude, r.longitude, r.reads, r.hits, r.source)
        for r in rows
    ]
    return _table(f"reads-and-hits-by-location-{year}", fmt, annual.LOCATION_DAY_COLUMNS, table)


# --- the public version, on the portal ------------------------------------------------------------


def _public_doc(published: annual.PublicReport) -> annual_render.Document:
    return annual_render.Document(
        published.year,
        published.summary,
        published.plans,
        True,
        published.published_at,
        published.published_at,
    )


@router.get("/transparency/reports/{year}", response_class=HTMLResponse)
def public_report(
    request: Request, uow: UowDep, session: SessionDep, visitor: Visitor, year: int
) -> Response:
    del visitor
    published = annual.public_report(uow, year)
    context = {
        "doc": _public_doc(published),
        "figures": published.figures,
        "images": annual_render.charts(published.figures),
    }
    return render_public(request, session, "oversight/public_report.html", context)


@router.get("/transparency/reports/{year}/report.pdf")
def public_report_pdf(request: Request, uow: UowDep, visitor: Visitor, year: int) -> Response:
    del visitor
    published = annual.public_report(uow, year)
    return _file(request, _public_doc(published), published.figures, "pdf")

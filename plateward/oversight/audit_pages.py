"""The audit unit's pages: the monthly random sample and its findings, the quarterly compliance
report, the immigration-release check (DUP §9, U26). Every page's work is audited by its service."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.errors import InvalidInput
from plateward.core.permissions import Permission
from plateward.oversight import audit_rules, audits, compliance, trail_export
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
Auditor = Annotated[SessionState, Depends(person_with(Permission.AUDITS_RUN))]
AuditorForm = Annotated[SessionState, Depends(form_by_person_with(Permission.AUDITS_RUN))]
# U26 — the quarterly compliance report: the audit unit and the City IT department's auditor.
Compliance = Annotated[SessionState, Depends(person_with(Permission.COMPLIANCE_REPORT))]


def _date(value: str, fallback: date) -> date:
    if not value.strip():
        return fallback
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("dates are written YYYY-MM-DD") from None


@router.get("/audits", response_class=HTMLResponse)
def audits_page(request: Request, uow: UowDep, state: Auditor) -> Response:
    today = uow.now().date()
    last_month = today.replace(day=1) - timedelta(days=1)
    context = {
        "samples": audits.samples(uow, state.actor),
        "default_month": f"{last_month:%Y-%m}",
        "default_size": uow.settings.audit_sample_size,
        "default_quarter": audit_rules.current_quarter(today),
        "today": today,
        "findings": list(audit_rules.Finding),
    }
    return render(request, state, "oversight/audits.html", context)


@router.post("/audits/samples")
def draw_sample(
    uow: UowDep,
    state: AuditorForm,
    month: Annotated[str, Form(max_length=10)] = "",
    size: Annotated[str, Form(max_length=10)] = "",
    seed: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    wanted = audit_rules.sample_size(size, uow.settings.audit_sample_size)
    drawn = audits.draw_sample(uow, state.actor, month, wanted, seed.strip() or None)
    return RedirectResponse(f"/audits/samples/{drawn.id}", status_code=303)


@router.get("/audits/samples/{sample_id}", response_class=HTMLResponse)
def sample_page(request: Request, uow: UowDep, state: Auditor, sample_id: int) -> Response:
    context = {
        "sample": audits.sample(uow, state.actor, sample_id),
        "findings": list(audit_rules.Finding),
    }
    return render(request, state, "oversight/audit_sample.html", context)


@router.post("/audits/findings/{item_id}")
def record_finding(
    uow: UowDep,
    state: AuditorForm,
    item_id: int,
    finding: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=audit_rules.MAX_NOTE + 100)] = "",
    follow_up: Annotated[str, Form(max_length=audit_rules.MAX_NOTE + 100)] = "",
    follow_up_done: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    given = audits.FindingInput(finding, note, follow_up, follow_up_done == "yes")
    sample_id = audits.record_finding(uow, state.actor, item_id, given)
    return RedirectResponse(f"/audits/samples/{sample_id}#item-{item_id}", status_code=303)


@router.get("/audits/compliance", response_class=HTMLResponse)
def compliance_page(
    request: Request, uow: UowDep, state: Compliance, quarter: str = ""
) -> Response:
    chosen = quarter or audit_rules.current_quarter(uow.now().date())
    report = compliance.compliance_report(uow, state.actor, chosen)
    context = {
        "report": report,
        "csv_query": urlencode({"quarter": report.period.name}),
        "may_run_audits": Permission.AUDITS_RUN in state.actor.permissions,
    }
    return render(request, state, "oversight/audit_compliance.html", context)


@router.get("/audits/compliance.csv")
def compliance_csv(uow: UowDep, state: Compliance, quarter: str = "") -> Response:
    chosen = quarter or audit_rules.current_quarter(uow.now().date())
    report = compliance.compliance_report(uow, state.actor, chosen)
    name = f"compliance-{report.period.name}.csv"
    return Response(
        report.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/audits/immigration", response_class=HTMLResponse)
def immigration_page(
    request: Request, uow: UowDep, state: Auditor, start: str = "", end: str = ""
) -> Response:
    today = uow.now().date()
    first = _date(start, today.replace(month=1, day=1))
    last = _date(end, today)
    check = compliance.immigration_check(uow, state.actor, first, last)
    return render(request, state, "oversight/audit_immigration.html", {"check": check})


Exporter = Annotated[SessionState, Depends(person_with(Permission.AUDIT_EXPORT))]


@router.get("/audit/trail.jsonl")
def trail_export_page(uow: UowDep, state: Exporter) -> Response:
    """The whole trail in the open format, verifiable offline (`plateward audit verify-export`)."""
    body = "".join(trail_export.export_trail(uow, state.actor))
    stamp = uow.now().strftime("%Y%m%dT%H%M%SZ")
    return Response(
        body,
        media_type="application/x-ndjson; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-trail-{stamp}.jsonl"'},
    )

"""JSON routes for hot lists: propose an entry (hotlists:propose), read new alerts
(alerts:receive, audited like the page), for in-car terminals and department tools."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from plateward.core.permissions import Actor, Permission
from plateward.hotlists import alerts, history, rules, service
from plateward.web.deps import UowDep, api_caller_with

router = APIRouter(prefix="/api/v1", tags=["hot lists"])
Proposer = Annotated[Actor, Depends(api_caller_with(Permission.HOTLISTS_PROPOSE))]
Receiver = Annotated[Actor, Depends(api_caller_with(Permission.ALERTS_RECEIVE))]
ERRORS: dict[int | str, dict[str, Any]] = {400: {}, 401: {}, 403: {}, 404: {}, 422: {}}


class EntryIn(BaseModel):
    """A hot-list entry to propose (DUP §4.8); it alerts once a lieutenant approves it."""

    model_config = ConfigDict(extra="forbid")

    plate: str = Field(min_length=1, max_length=40)
    plate_state: str = Field(min_length=2, max_length=5)
    vehicle_description: str = Field(min_length=1, max_length=200)
    reason: rules.ReasonCategory
    crime_type: str = Field(min_length=1, max_length=120)
    case_numbers: list[str] = Field(min_length=1, max_length=rules.MAX_CASE_NUMBERS)
    synopsis: str = Field(min_length=10, max_length=1000)
    priority: str = Field(default="normal", pattern="^(high|normal|low)$")
    expires_on: date | None = None


class EntryOut(BaseModel):
    id: int
    status: str
    plate: str
    plate_state: str
    reason: str
    case_numbers: list[str]
    expires_on: date
    entered_by: str
    guard: str

    @classmethod
    def of(cls, e: service.EntryView) -> EntryOut:
        return cls(
            id=e.id,
            status=e.status,
            plate=e.plate,
            plate_state=e.plate_state,
            reason=e.reason.value,
            case_numbers=list(e.case_numbers),
            expires_on=e.expires_on,
            entered_by=e.entered_by,
            guard=e.guard_decision,
        )


@router.post("/hotlist-entries", status_code=201, responses=ERRORS)
def propose_entry(body: EntryIn, uow: UowDep, actor: Proposer) -> EntryOut:
    spec = rules.entry_spec(
        plate=body.plate,
        plate_state=body.plate_state,
        vehicle_description=body.vehicle_description,
        reason=body.reason.value,
        crime_type=body.crime_type,
        case_numbers_text=",".join(body.case_numbers),
        synopsis=body.synopsis,
        priority=body.priority,
        expires_on=body.expires_on,
        today=uow.now().date(),
        fold_states=uow.settings.plate_fold_states,
    )
    return EntryOut.of(service.propose_entry(uow, actor, spec))


class HistoryCheckIn(BaseModel):
    """Check an approved entry against stored reads: a search for the entry's own purpose."""

    model_config = ConfigDict(extra="forbid")

    case_number: str | None = Field(default=None, max_length=60)  # one of the entry's; first
    possible: bool = False  # confusable misreads too


class StoredReadOut(BaseModel):
    id: str
    captured_at: datetime
    plate: str
    plate_state: str | None
    camera_code: str
    camera_name: str | None
    latitude: float | None
    longitude: float | None


class HistoryCheckOut(BaseModel):
    """The check's search: ``run`` with its first page of reads (the rest through
    ``/api/v1/searches/{search_id}``), or ``pending_review`` with the guard's message."""

    check_id: int
    entry_id: int
    search_id: int
    state: str
    total: int | None
    capped: bool
    reads: list[StoredReadOut]
    message: str | None


@router.post(
    "/hotlist-entries/{entry_id}/history-checks",
    response_model=HistoryCheckOut,
    status_code=201,
    responses={202: {"model": HistoryCheckOut}, **ERRORS},
)
def check_history(
    body: HistoryCheckIn,
    uow: UowDep,
    actor: Proposer,
    entry_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Any:
    """Historical hits of one's own approved entry: a search of the stored reads for its plate,
    with the entry's purpose; guard-checked and audited like any search (DUP §2, §9)."""
    outcome = history.check_stored_reads(
        uow, actor, entry_id, case_number=body.case_number, possible=body.possible
    )
    found = outcome.results
    answer = HistoryCheckOut(
        check_id=outcome.check.id,
        entry_id=outcome.check.entry_id,
        search_id=outcome.check.search_id,
        state=outcome.check.state,
        total=found.total if found else None,
        capped=found.capped if found else False,
        reads=[
            StoredReadOut(**{name: getattr(h, name) for name in StoredReadOut.model_fields})
            for h in (found.hits if found else [])
        ],
        message=outcome.pending.message if outcome.pending else None,
    )
    if outcome.pending is not None:
        return JSONResponse(answer.model_dump(mode="json"), status_code=202)
    return answer


class AlertOut(BaseModel):
    id: int
    priority: int
    match: str
    state: str
    created_at: datetime
    plate: str
    plate_state: str | None
    captured_at: datetime
    camera: str
    place: str | None
    list: str
    reason: str
    crime_type: str
    case_numbers: list[str]
    stage: str
    # DUP §10 — for an outside agency's person: the mark, and when they acknowledged it.
    mark: str | None = None
    acknowledged_at: datetime | None = None

    @classmethod
    def of(cls, a: alerts.AlertView, mark: str | None = None) -> AlertOut:
        return cls(
            id=a.id,
            priority=a.priority,
            match=a.match_kind,
            state=a.state_relation,
            created_at=a.created_at,
            plate=a.read.plate,
            plate_state=a.read.plate_state,
            captured_at=a.read.captured_at,
            camera=a.read.camera,
            place=a.place.location if a.place else None,
            list=a.entry.list_name,
            reason=a.entry.reason.value,
            crime_type=a.entry.crime_type,
            case_numbers=list(a.entry.case_numbers),
            stage=a.state.stage,
            mark=mark if a.shared else None,
            acknowledged_at=a.acknowledged_at,
        )


@router.get("/alerts", responses=ERRORS)
def list_alerts(
    uow: UowDep, actor: Receiver, after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0
) -> list[AlertOut]:
    """Alerts newer than ``after`` (a hit id), newest first; the answer is audited."""
    shown = alerts.alerts(uow, actor, after, via="api")
    mark = uow.settings.sharing_data_mark
    return [AlertOut.of(a, mark) for a in shown]


@router.post("/alerts/{hit_id}/acknowledge", responses=ERRORS)
def acknowledge_alert(
    uow: UowDep, actor: Receiver, hit_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> AlertOut:
    """An outside agency's person acknowledges an alert of a hot list shared with their agency
    (all they record: the steps and disposition are the department's); audited."""
    return AlertOut.of(alerts.acknowledge(uow, actor, hit_id), uow.settings.sharing_data_mark)

"""JSON routes for retention: legal holds (holds:place, holds:approve), the retention period
(retention:manage) and the daily aggregates that outlive the reads (aggregates:view)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from plateward.core.permissions import Actor, Permission
from plateward.core.purpose import purpose
from plateward.retention import holds, rules
from plateward.retention import service as retention
from plateward.web.deps import UowDep, api_caller_with

router = APIRouter(prefix="/api/v1", tags=["retention"])
Placer = Annotated[Actor, Depends(api_caller_with(Permission.HOLDS_PLACE))]
Approver = Annotated[Actor, Depends(api_caller_with(Permission.HOLDS_APPROVE))]
Manager = Annotated[Actor, Depends(api_caller_with(Permission.RETENTION_MANAGE))]
Reader = Annotated[Actor, Depends(api_caller_with(Permission.AGGREGATES_VIEW))]
HoldId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ERRORS: dict[int | str, dict[str, Any]] = {400: {}, 401: {}, 403: {}, 404: {}, 422: {}}


class HoldIn(BaseModel):
    """A legal hold on reads for a case (DUP §7); a lieutenant approves it."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field(default="criminal_investigation", max_length=40)
    crime_type: str = Field(min_length=1, max_length=120)
    case_number: str = Field(min_length=1, max_length=60)
    justification: str = Field(min_length=1, max_length=1000)
    read_ids: list[str] = Field(min_length=1, max_length=rules.MAX_HELD_READS)


class HeldReadOut(BaseModel):
    read_id: str
    captured_at: datetime
    camera: str
    plate: str
    plate_state: str | None


class HoldOut(BaseModel):
    id: int
    case_number: str
    crime_type: str
    status: str
    placed_by: str
    read_count: int
    review_due_on: date | None
    guard: str

    @classmethod
    def of(cls, h: holds.HoldView) -> HoldOut:
        return cls(
            id=h.id,
            case_number=h.case_number,
            crime_type=h.crime_type,
            status=h.status.value,
            placed_by=h.placed_by,
            read_count=h.read_count,
            review_due_on=h.review_due_on,
            guard=h.guard_decision,
        )


class HoldDetailOut(HoldOut):
    reads: list[HeldReadOut]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    note: str = Field(default="", max_length=500)


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: rules.HoldStatus


@router.post("/holds", status_code=201, responses=ERRORS)
def place_hold(body: HoldIn, uow: UowDep, actor: Placer) -> HoldOut:
    stated = purpose(body.category, body.crime_type, body.case_number, body.justification)
    return HoldOut.of(holds.place_hold(uow, actor, stated, body.read_ids))


@router.get("/holds/{hold_id}", responses=ERRORS)
def hold(hold_id: HoldId, uow: UowDep, actor: Placer) -> HoldDetailOut:
    detail = holds.hold_detail(uow, actor, hold_id)
    reads = [
        HeldReadOut(
            read_id=r.read_id,
            captured_at=r.captured_at,
            camera=r.camera,
            plate=r.plate,
            plate_state=r.plate_state,
        )
        for r in detail.reads
    ]
    return HoldDetailOut(**HoldOut.of(detail.hold).model_dump(), reads=reads)


@router.post("/holds/{hold_id}/decision", responses=ERRORS)
def decide(hold_id: HoldId, body: DecisionIn, uow: UowDep, actor: Approver) -> HoldOut:
    if body.approve:
        return HoldOut.of(holds.approve_hold(uow, actor, hold_id, body.note))
    return HoldOut.of(holds.reject_hold(uow, actor, hold_id, body.note))


@router.post("/holds/{hold_id}/status", responses=ERRORS)
def change_status(hold_id: HoldId, body: StatusIn, uow: UowDep, actor: Placer) -> HoldOut:
    return HoldOut.of(holds.change_status(uow, actor, hold_id, body.status.value))


class RetentionOut(BaseModel):
    days: int
    minimum_days: int
    maximum_days: int
    history: list[dict[str, Any]]


class RetentionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int
    reason: str = Field(max_length=500)


def _retention(uow: UowDep, actor: Actor) -> RetentionOut:
    history = [
        {
            "at": c.at.isoformat(),
            "by": c.by,
            "before_days": c.before_days,
            "after_days": c.after_days,
            "reason": c.reason,
        }
        for c in retention.retention_history(uow, actor)
    ]
    return RetentionOut(
        days=retention.retention_days(uow),
        minimum_days=rules.MIN_RETENTION_DAYS,
        maximum_days=rules.MAX_RETENTION_DAYS,
        history=history,
    )


@router.get("/retention", responses=ERRORS)
def retention_setting(uow: UowDep, actor: Manager) -> RetentionOut:
    return _retention(uow, actor)


@router.put("/retention", responses=ERRORS)
def set_retention(body: RetentionIn, uow: UowDep, actor: Manager) -> RetentionOut:
    retention.set_retention(uow, actor, body.days, body.reason)
    return _retention(uow, actor)


class LocationOut(BaseModel):
    camera: str
    location: str
    reads: int
    hits: int


class AggregatesOut(BaseModel):
    first: date
    last: date
    reads: int
    hits: int
    by_location: list[LocationOut]


@router.get("/aggregates", responses=ERRORS)
def aggregates(
    first: Annotated[date, Query()], last: Annotated[date, Query()], uow: UowDep, actor: Reader
) -> AggregatesOut:
    """Reads and hits per camera and location between two days (inclusive); no plates."""
    found = retention.aggregates(uow, actor, first, last)
    return AggregatesOut(
        first=found.first,
        last=found.last,
        reads=found.reads,
        hits=found.hits,
        by_location=[
            LocationOut(camera=t.camera, location=t.location, reads=t.reads, hits=t.hits)
            for t in found.by_location
        ],
    )

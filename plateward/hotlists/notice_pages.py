"""DUP §4.7 — the administrator records the capture and disposition notices: a form on the
Captures page (``/admin/hotlists``) and the same through the API. The service decides and audits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from plateward.accounts.sessions import SessionState
from plateward.core.permissions import Actor, Permission
from plateward.hotlists import notices
from plateward.hotlists.api import ERRORS
from plateward.web.deps import UowDep, api_caller_with, form_by_person_with

MANAGE = Permission.HOTLISTS_MANAGE
router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["hot lists"])
ManagerForm = Annotated[SessionState, Depends(form_by_person_with(MANAGE))]
ManagerApi = Annotated[Actor, Depends(api_caller_with(MANAGE))]
HitIds = Annotated[list[int], Form(alias="hit", max_length=notices.MAX_RECORDED)]


@router.post("/admin/hotlists/notices")
def record_shown(uow: UowDep, state: ManagerForm, hit_ids: HitIds) -> Response:
    notices.record_notices(uow, state.actor, [h for h in hit_ids if 0 < h < 2**31])
    return RedirectResponse("/admin/hotlists#captures-section", status_code=303)


class WaitingOut(BaseModel):
    captures: int
    dispositions: int


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hit_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        min_length=1, max_length=notices.MAX_RECORDED
    )


class RecordOut(BaseModel):
    recorded: int


@api.get("/capture-notices", responses=ERRORS)
def waiting(uow: UowDep, actor: ManagerApi) -> WaitingOut:
    """How many capture and disposition notices wait to be recorded (DUP §4.7)."""
    found = notices.waiting(uow, actor)
    return WaitingOut(captures=found.captures, dispositions=found.dispositions)


@api.post("/capture-notices", responses=ERRORS)
def record(body: RecordIn, uow: UowDep, actor: ManagerApi) -> RecordOut:
    """Record the capture notice of each hit, and its disposition notice once it is closed."""
    return RecordOut(recorded=notices.record_notices(uow, actor, body.hit_ids))

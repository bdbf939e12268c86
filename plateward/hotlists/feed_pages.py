"""The administrator's forms for external hot lists: subscribe (the category firewall refuses
some, whatever is typed), pause and resume. The lists' status is on ``/admin/hotlists``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts.sessions import SessionState
from plateward.core.errors import Conflict, InvalidInput, PermissionDenied
from plateward.core.permissions import Permission
from plateward.hotlists import feeds
from plateward.hotlists.alert_pages import captures_page
from plateward.web.deps import UowDep, form_by_person_with
from plateward.web.errors import status_of

router = APIRouter(prefix="/admin/hotlists/feeds", include_in_schema=False)
ManagerForm = Annotated[SessionState, Depends(form_by_person_with(Permission.HOTLISTS_MANAGE))]
FeedId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("", response_class=HTMLResponse)
def subscribe(
    request: Request,
    uow: UowDep,
    state: ManagerForm,
    name: Annotated[str, Form(max_length=60)] = "",
    kind: Annotated[str, Form(max_length=16)] = "",
    location: Annotated[str, Form(max_length=500)] = "",
    category: Annotated[str, Form(max_length=40)] = "",
    code: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    form = {"name": name, "kind": kind, "location": location, "category": category, "code": code}
    try:
        feeds.subscribe_feed(uow, state.actor, feeds.FeedSpec(**form))
    except (InvalidInput, PermissionDenied, Conflict) as exc:
        return captures_page(request, state, uow, exc.detail, form, status_of(exc))
    return RedirectResponse("/admin/hotlists#feeds", status_code=303)


@router.post("/{feed_id}/enabled")
def set_enabled(
    uow: UowDep,
    state: ManagerForm,
    feed_id: FeedId,
    enabled: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    feeds.set_enabled(uow, state.actor, feed_id, enabled == "yes")
    return RedirectResponse("/admin/hotlists#feeds", status_code=303)

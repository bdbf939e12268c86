"""A person's own account: training status, personal API tokens, signing out everywhere."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts import service as people
from plateward.accounts import sessions, tokens
from plateward.accounts.rules import MAX_TOKEN_DAYS
from plateward.accounts.sessions import SessionState
from plateward.web.deps import SESSION_COOKIE, UowDep, signed_in, signed_in_form
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
SignedIn = Annotated[SessionState, Depends(signed_in)]
Posted = Annotated[SessionState, Depends(signed_in_form)]  # CSRF token, then signed in


def _page(
    request: Request, uow: UowDep, state: SessionState, new_token: str | None = None
) -> Response:
    context = {
        "trained_until": people.trained_until(uow, state.actor.id or 0),
        "tokens": tokens.personal_tokens(uow, state.actor),
        "scopes": sorted(p.value for p in state.actor.permissions),
        "max_days": MAX_TOKEN_DAYS,
        "new_token": new_token,
    }
    return render(request, state, "accounts/account.html", context)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, uow: UowDep, state: SignedIn) -> Response:
    return _page(request, uow, state)


@router.post("/account/tokens", response_class=HTMLResponse)
def issue_token(
    request: Request,
    uow: UowDep,
    state: Posted,
    name: Annotated[str, Form(max_length=120)],
    days: Annotated[int, Form(ge=1, le=MAX_TOKEN_DAYS)] = 30,
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    token = tokens.issue_personal_token(uow, state.actor, name, scopes or [], days)
    return _page(request, uow, state, new_token=token)  # shown once, never stored


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(uow: UowDep, state: Posted, token_id: int) -> Response:
    tokens.revoke_personal_token(uow, state.actor, token_id)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(
    uow: UowDep, state: Posted, revoke_tokens: Annotated[str, Form()] = ""
) -> Response:
    revoke = revoke_tokens == "yes"
    sessions.sign_out_everywhere(uow, state, revoke_tokens=revoke)
    # The sign-in page says it was done (see SIGNED_OUT in accounts/pages.py).
    done = "everywhere-tokens" if revoke else "everywhere"
    response = RedirectResponse(f"/login?signed_out={done}", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response

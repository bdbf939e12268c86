"""Sign-in and sign-out pages."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts import service as accounts
from plateward.accounts.service import SessionState
from plateward.core.errors import NotAuthenticated
from plateward.web.deps import (
    PRE_SESSION_CSRF_COOKIE,
    SESSION_COOKIE,
    UowDep,
    check_csrf,
    client_address,
    csrf_for_session,
)

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    # Only local paths: never redirect a signed-in officer to another site.
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _login_page(request: Request, next_path: str, error: str | None, status: int) -> Response:
    csrf = secrets.token_urlsafe(32)
    response = request.app.state.templates.TemplateResponse(
        request,
        "accounts/login.html",
        {"next": _safe_next(next_path), "csrf_token": csrf, "error": error},
        status_code=status,
    )
    response.set_cookie(
        PRE_SESSION_CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return _login_page(request, next, None, 200)


@router.post("/login")
def login(  # noqa: PLR0917 — one parameter per form field
    request: Request,
    uow: UowDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    code: Annotated[str, Form(max_length=12)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    check_csrf(request.cookies.get(PRE_SESSION_CSRF_COOKIE), csrf_token)
    try:
        signed = accounts.sign_in(uow, username, password, code, client_address(request))
    except NotAuthenticated as exc:
        return _login_page(request, next, exc.detail, 401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(PRE_SESSION_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(
    request: Request, uow: UowDep, _state: Annotated[SessionState, Depends(csrf_for_session)]
) -> Response:
    accounts.sign_out(uow, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response

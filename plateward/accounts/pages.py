"""Signing in and out: password + code, first-time authenticator enrolment, the restriction
statement every person accepts before any query."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

import segno
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts import service as people
from plateward.accounts import sessions
from plateward.accounts.sessions import SessionState
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput, NotAuthenticated
from plateward.web.deps import (
    PRE_SESSION_CSRF_COOKIE,
    SESSION_COOKIE,
    SessionDep,
    UowDep,
    check_csrf,
    client_address,
    csrf_for_session,
    signed_in,
    signed_in_form,
)
from plateward.web.errors import status_of

router = APIRouter(include_in_schema=False)


def _secure(request: Request) -> bool:
    configured = request.app.state.settings.secure_cookies
    return bool(configured) if configured is not None else request.url.scheme == "https"


def _safe_next(target: str) -> str:
    # Only local paths: never redirect a signed-in officer to another site.
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else "/"


def _render(
    request: Request, template: str, context: dict[str, object], status: int = 200
) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status
    )  # type: ignore[no-any-return]


def _login_page(
    request: Request, next_path: str, error: str | None, status: int, notice: str | None = None
) -> Response:
    csrf = secrets.token_urlsafe(32)
    response = _render(
        request,
        "accounts/login.html",
        {"next": _safe_next(next_path), "csrf_token": csrf, "error": error, "notice": notice},
        status,
    )
    response.set_cookie(
        PRE_SESSION_CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    return response


# What the sign-in page confirms after "Sign out on every device" (a fixed text per key: nothing
# from the address is ever shown).
SIGNED_OUT = {
    "everywhere": "You are signed out on every device. Your personal API tokens still work until "
    "they expire or you revoke them.",
    "everywhere-tokens": "You are signed out on every device, and your personal API tokens are "
    "revoked.",
}


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/", signed_out: str = "") -> Response:
    return _login_page(request, next, None, 200, notice=SIGNED_OUT.get(signed_out))


@router.post("/login")
def login(
    request: Request,
    uow: UowDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    code: Annotated[str, Form(max_length=12)] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    check_csrf(request.cookies.get(PRE_SESSION_CSRF_COOKIE), csrf_token)
    try:
        signed = sessions.sign_in(uow, username, password, code, client_address(request))
    except NotAuthenticated as exc:
        return _login_page(request, next, exc.detail, status_of(exc))
    # Every new session starts at the login prompt: the restrictions come before any query.
    prompt = f"/acknowledge?next={quote(_safe_next(next))}"
    target = "/login/enrol" if signed.stage == sessions.ENROL else prompt
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    response.delete_cookie(PRE_SESSION_CSRF_COOKIE)
    return response


def _enrolling(state: SessionDep) -> SessionState:
    if state is None:
        raise NotAuthenticated("Please sign in.")
    return state


@router.get("/login/enrol", response_class=HTMLResponse)
def enrol_form(
    request: Request, uow: UowDep, state: Annotated[SessionState, Depends(_enrolling)]
) -> Response:
    if state.stage == sessions.ACTIVE:
        return RedirectResponse("/", status_code=303)
    return _enrol_page(request, uow, state, None)


def _enrol_page(
    request: Request, uow: UnitOfWork, state: SessionState, error: InvalidInput | None
) -> Response:
    """The authenticator set-up, shown again with the reason when a code was refused."""
    enrolment = sessions.enrolment(uow, state)
    qr = segno.make(enrolment.uri, error="m").svg_data_uri(scale=5)
    context = {
        "enrolment": enrolment,
        "qr": qr,
        "csrf_token": state.csrf_token,
        "error": error.detail if error else None,
    }
    return _render(request, "accounts/enrol.html", context, status_of(error) if error else 200)


@router.post("/login/enrol")
def enrol(
    request: Request,
    uow: UowDep,
    state: Annotated[SessionState, Depends(csrf_for_session)],
    code: Annotated[str, Form(max_length=12)],
) -> Response:
    try:
        sessions.confirm_enrolment(uow, state, code)
    except InvalidInput as exc:
        return _enrol_page(request, uow, state, exc)
    return RedirectResponse("/acknowledge", status_code=303)


@router.get("/acknowledge", response_class=HTMLResponse)
def acknowledge_form(
    request: Request,
    uow: UowDep,
    state: Annotated[SessionState, Depends(signed_in)],
    next: str = "/",
) -> Response:
    context = {
        "actor": state.actor,
        "csrf_token": state.csrf_token,
        "next": _safe_next(next),
        "statement": people.current_statement(uow),
    }
    return _render(request, "accounts/acknowledge.html", context)


@router.post("/acknowledge")
def acknowledge(
    uow: UowDep,
    state: Annotated[SessionState, Depends(signed_in_form)],
    version: Annotated[str, Form(max_length=40)],
    accept: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    sessions.acknowledge(uow, state, version, accepted=accept == "yes")
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(uow: UowDep, state: Annotated[SessionState, Depends(csrf_for_session)]) -> Response:
    sessions.sign_out(uow, state)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response

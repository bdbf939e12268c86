"""Typed dependencies shared by every route: the unit of work, who is calling, CSRF."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Form, Request

from plateward.accounts import sessions, tokens
from plateward.accounts.sessions import SessionState
from plateward.core.authorization import authorize
from plateward.core.database import Database, UnitOfWork
from plateward.core.errors import EnrolmentRequired, NotAuthenticated, PermissionDenied
from plateward.core.permissions import Actor, Permission

SESSION_COOKIE = "plateward_session"
PRE_SESSION_CSRF_COOKIE = "plateward_csrf"


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


def get_uow(request: Request) -> Iterator[UnitOfWork]:
    with database(request).unit_of_work() as uow:
        yield uow


UowDep = Annotated[UnitOfWork, Depends(get_uow)]


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def optional_session(request: Request, uow: UowDep) -> SessionState | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    state = sessions.session_state(uow, token, client_address(request))
    request.state.session = state  # error pages still show who is signed in
    return state


SessionDep = Annotated[SessionState | None, Depends(optional_session)]


def signed_in(state: SessionDep) -> SessionState:
    """Any signed-in person, including one who still has to accept the restrictions."""
    if state is None:
        raise NotAuthenticated("Please sign in.")
    if state.stage != sessions.ACTIVE:
        raise EnrolmentRequired("Finish setting up your authenticator.")
    return state


def _check(uow: UnitOfWork, request: Request, actor: Actor, permission: Permission) -> None:
    request.state.actor = actor  # the access log names the caller
    authorize(uow, actor, permission, target=request.url.path)


def person_with(permission: Permission) -> Callable[..., SessionState]:
    """A page dependency: a signed-in person holding ``permission`` (audited when refused)."""

    def dependency(
        request: Request, uow: UowDep, state: Annotated[SessionState, Depends(signed_in)]
    ) -> SessionState:
        _check(uow, request, state.actor, permission)
        return state

    return dependency


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def bearer_caller(request: Request, uow: UowDep) -> Actor:
    """A camera system or a person's personal API token, from 'Authorization: Bearer'."""
    token = _bearer(request)
    if token is None:
        raise NotAuthenticated("send the token as 'Authorization: Bearer <token>'")
    actor = tokens.bearer_actor(uow, token, client_address(request))
    request.state.actor = actor  # the access log names the caller
    return actor


ServiceDep = Annotated[Actor, Depends(bearer_caller)]


def api_caller_with(permission: Permission) -> Callable[..., Actor]:
    """An API dependency: a personal token, or a browser session, holding ``permission``."""

    def dependency(request: Request, uow: UowDep, state: SessionDep) -> Actor:
        if _bearer(request) is not None:
            actor = bearer_caller(request, uow)
        elif state is not None and state.stage == sessions.ACTIVE:
            actor = state.actor
        else:
            raise NotAuthenticated("sign in, or send a personal API token")
        _check(uow, request, actor, permission)
        return actor

    return dependency


def check_csrf(expected: str | None, submitted: str) -> None:
    if not expected or not hmac.compare_digest(expected, submitted):
        raise PermissionDenied("The form expired or did not come from this site; please retry.")


def csrf_for_session(
    state: Annotated[SessionState | None, Depends(optional_session)],
    csrf_token: Annotated[str, Form()] = "",
) -> SessionState:
    """A form post from a session (enrolling or active) carrying that session's CSRF token."""
    if state is None:
        raise NotAuthenticated("Please sign in.")
    check_csrf(state.csrf_token, csrf_token)
    return state


def signed_in_form(
    state: Annotated[SessionState, Depends(csrf_for_session)],
) -> SessionState:
    """A form post from a signed-in person's session, carrying its CSRF token."""
    return signed_in(state)


def form_by_person_with(permission: Permission) -> Callable[..., SessionState]:
    """A form post: the session's CSRF token first, then a signed-in person holding
    ``permission`` (audited when refused)."""

    def dependency(
        request: Request, uow: UowDep, state: Annotated[SessionState, Depends(signed_in_form)]
    ) -> SessionState:
        _check(uow, request, state.actor, permission)
        return state

    return dependency

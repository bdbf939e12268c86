"""Typed dependencies shared by every route: the unit of work, who is calling, CSRF."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Form, Request

from plateward.accounts import service as accounts
from plateward.accounts.service import SessionState
from plateward.core.database import Database, UnitOfWork
from plateward.core.errors import NotAuthenticated, PermissionDenied
from plateward.core.permissions import Actor, Permission, allowed

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
    return accounts.session_state(uow, token, client_address(request))


SessionDep = Annotated[SessionState | None, Depends(optional_session)]


def person_with(permission: Permission) -> Callable[[SessionState | None], SessionState]:
    """A page or route dependency: a signed-in person holding ``permission``."""

    def dependency(state: SessionDep) -> SessionState:
        if state is None:
            raise NotAuthenticated("Please sign in.")
        if not allowed(state.actor, permission):
            raise PermissionDenied("You are not authorized to view this page.")
        return state

    return dependency


def signed_in(state: SessionDep) -> SessionState:
    if state is None:
        raise NotAuthenticated("Please sign in.")
    return state


def service_caller(request: Request, uow: UowDep) -> Actor:
    """A camera or vendor system authenticated by its bearer token."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("send the service token as 'Authorization: Bearer <token>'")
    return accounts.service_actor(uow, token.strip(), client_address(request))


ServiceDep = Annotated[Actor, Depends(service_caller)]


def check_csrf(expected: str | None, submitted: str) -> None:
    if not expected or not hmac.compare_digest(expected, submitted):
        raise PermissionDenied("The form expired or did not come from this site; please retry.")


def csrf_for_session(
    state: Annotated[SessionState, Depends(signed_in)], csrf_token: Annotated[str, Form()] = ""
) -> SessionState:
    check_csrf(state.csrf_token, csrf_token)
    return state

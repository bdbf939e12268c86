"""The public transparency portal (U26 transparency; DUP §8, §11, §14): no sign-in, rate-limited,
figures only.

Pages here never query: ``portal.portal`` computes every figure. The rate limit is checked before
anything else, like CSRF on a form: a transport concern, decided here for every public route.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from plateward.core.errors import TooManyRequests
from plateward.core.permissions import Actor
from plateward.oversight import portal, portal_rules
from plateward.oversight.throttle import PublicThrottle
from plateward.web.deps import SessionDep, UowDep, client_address

router = APIRouter(include_in_schema=False)


def _throttle(request: Request) -> PublicThrottle:
    state = request.app.state
    throttle: PublicThrottle | None = getattr(state, "public_throttle", None)
    if throttle is None:
        throttle = PublicThrottle(state.settings.public_requests_per_minute)
        state.public_throttle = throttle
    return throttle


def public_visitor(request: Request, uow: UowDep, session: SessionDep) -> Actor:
    """Whoever opens a public page (signed in or not), counted against the portal's limit."""
    address = client_address(request) or "unknown"
    verdict = _throttle(request).check(address, uow.now())
    actor = session.actor if session is not None else Actor.anonymous(client_address=address)
    request.state.actor = actor  # the access log names the caller
    if not verdict.allowed:
        if verdict.first_refusal:
            portal.record_throttled(uow, actor, request.url.path)
        raise TooManyRequests("Too many requests from your address; please wait a minute.")
    return actor


Visitor = Annotated[Actor, Depends(public_visitor)]


def render_public(
    request: Request,
    session: SessionDep,
    template: str,
    context: dict[str, object],
    status: int = 200,
) -> Response:
    """A public page: the header shows who is signed in, if anyone."""
    page = {
        "actor": session.actor if session is not None else None,
        "csrf_token": session.csrf_token if session is not None else "",
        **context,
    }
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, page, status_code=status
    )


@router.get("/transparency", response_class=HTMLResponse)
def transparency(request: Request, uow: UowDep, session: SessionDep, visitor: Visitor) -> Response:
    del visitor
    context = {
        "portal": portal.portal(uow),
        "statement": portal_rules.SB54_SB34_STATEMENT,
        "policy": portal_rules.POLICY,
        "days": portal_rules.PORTAL_DAYS,
    }
    return render_public(request, session, "oversight/portal.html", context)

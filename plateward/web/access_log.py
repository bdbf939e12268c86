"""The server's access log: one line per request, with no plate number in it.

A line names the method, the route, the status, the duration, who called (when known) and from
where. A path or query string may carry a plate (``/search?plate=7ABC123``), so neither is logged
as sent: the route is logged as declared (``/api/v1/cameras/{code}``), a request no route matched
as ``(no route)``, and of the query string only the names the route declares (``?plate&since``).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import parse_qsl

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("plateward.access")


def route_of(scope: Scope) -> str:
    """The declared route of a request, or ``(no route)``; never the values sent in the path."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return "(no route)"
    return f"{path}/…" if isinstance(route, Mount) else path


_DECLARED: dict[int, frozenset[str]] = {}


def _declared(route: object) -> frozenset[str]:
    """The query parameters a route declares (its own and its dependencies')."""
    key = id(route)
    if key not in _DECLARED:
        dependant = getattr(route, "dependant", None)
        _DECLARED[key] = _query_names(dependant) if dependant is not None else frozenset()
    return _DECLARED[key]


def _query_names(dependant: Any) -> frozenset[str]:
    names = {str(p.alias) for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return frozenset(names)


def parameter_names(scope: Scope) -> str:
    """``?a&b`` for ``?a=1&b=2``: which parameters were sent, not what they held.

    Only names the route declares are written; any other name (``?7ABC123`` sends a plate as a
    name) is counted as ``…``.
    """
    query = scope.get("query_string", b"").decode("latin-1")
    sent = dict.fromkeys(name for name, _ in parse_qsl(query, keep_blank_values=True))
    if not sent:
        return ""
    declared = _declared(scope.get("route"))
    names = [name if name in declared else "…" for name in sent]
    return "?" + "&".join(dict.fromkeys(names))


def caller_of(scope: Scope) -> str:
    state: dict[str, Any] = scope.get("state", {})
    actor = state.get("actor")
    session = state.get("session")
    if actor is None and session is not None:
        actor = session.actor
    username = getattr(actor, "username", None)
    if not username:
        return "-"
    # One field however the name is written (a service credential's name may hold spaces).
    return json.dumps(str(username), ensure_ascii=False) if " " in str(username) else str(username)


class AccessLog:
    """ASGI middleware writing ``plateward.access`` lines (uvicorn's own access log is off)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})  # shared with request.state, where deps name the caller
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            client = scope.get("client")
            log.info(
                "%s %s%s %d %.1fms %s %s",
                scope["method"],
                route_of(scope),
                parameter_names(scope),
                status,
                (time.perf_counter() - started) * 1000,
                caller_of(scope),
                client[0] if client else "-",
            )

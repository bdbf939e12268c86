"""Jinja2 set-up: one environment over every capability's templates, times shown locally; and
the rendering of a signed-in person's page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from plateward.web.home import menu_for

if TYPE_CHECKING:
    from plateward.accounts.sessions import SessionState

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [PACKAGE / "web" / "templates", *sorted(PACKAGE.glob("*/templates"))]


# How a role reads in a sentence, where its value with spaces would not ("it auditor").
_ROLE_LABELS = {"it_auditor": "City IT auditor"}


def role_label(role: object) -> str:
    value = str(getattr(role, "value", role))
    return _ROLE_LABELS.get(value, value.replace("_", " "))


def make_templates(zone: str) -> Jinja2Templates:
    tz = ZoneInfo(zone)

    def local_time(value: datetime | None) -> str:
        # Invariant 7 — stored in UTC, shown in the city's zone.
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z") if value else ""

    env = Environment(
        loader=FileSystemLoader([str(d) for d in dict.fromkeys(TEMPLATE_DIRS)]),
        autoescape=select_autoescape(["html"]),
        auto_reload=False,
    )
    env.filters["local"] = local_time
    env.filters["role"] = role_label
    env.globals["menu_for"] = menu_for  # the header's links, from the one table in web/home.py
    return Jinja2Templates(env=env)


def render(
    request: Request,
    state: SessionState,
    template: str,
    context: Mapping[str, Any],
    status: int = 200,
) -> Response:
    """A signed-in person's page: ``context`` plus who they are and their session's CSRF token,
    which the header (and its Sign out form) needs on every page."""
    page = {"actor": state.actor, "csrf_token": state.csrf_token, **context}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, page, status_code=status
    )

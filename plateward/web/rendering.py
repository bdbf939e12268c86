"""Jinja2 set-up: one environment over every capability's templates, times shown locally."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [PACKAGE / "web" / "templates", *sorted(PACKAGE.glob("*/templates"))]


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
    return Jinja2Templates(env=env)

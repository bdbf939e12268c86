"""The application factory. Nothing is created at import time."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

import plateward
from plateward.core.database import Database
from plateward.core.settings import Settings
from plateward.web import errors
from plateward.web.access_log import AccessLog
from plateward.web.rendering import make_templates

# Police networks are often closed: every script and style is served from here, never a CDN.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


# Every router, in the order they are included (earlier routes win); "module:attribute".
ROUTERS: tuple[str, ...] = (
    "plateward.web.pages:router",
    "plateward.accounts.pages:router",
    "plateward.accounts.account_pages:router",
    "plateward.accounts.admin_pages:router",
    "plateward.accounts.approval_pages:router",
    "plateward.cameras.pages:router",
    "plateward.cameras.registry_pages:router",
    "plateward.reads.pages:router",
    "plateward.oversight.pages:router",
    "plateward.search.misuse_pages:router",
    "plateward.search.pages:router",
    "plateward.reads.api:router",
    "plateward.cameras.api:router",
    "plateward.search.api:router",
    "plateward.web.jobs_pages:router",
    "plateward.hotlists.pages:router",
    "plateward.hotlists.alert_pages:router",
    "plateward.hotlists.api:router",
    "plateward.hotlists.feed_pages:router",
    "plateward.hotlists.notice_pages:router",
    "plateward.hotlists.notice_pages:api",
    # Retention (issue 15)
    "plateward.retention.pages:router",
    "plateward.retention.api:router",
    # Placement, signage and red-light review (issue 17)
    "plateward.cameras.compliance_pages:router",
    "plateward.cameras.site_pages:router",
    "plateward.cameras.signage_pages:router",
    "plateward.oversight.redlight_pages:router",
    "plateward.oversight.redlight_pages:api",
    # Oversight and transparency (issue 18)
    "plateward.oversight.portal_pages:router",
    "plateward.oversight.complaint_pages:router",
    "plateward.oversight.audit_pages:router",
    "plateward.oversight.report_pages:router",
    "plateward.oversight.incident_pages:router",
    "plateward.oversight.records_pages:router",
    # Sharing with California agencies (issue 16)
    "plateward.sharing.api:router",
    "plateward.sharing.pages:router",
    # Scale-out (issue 21): readiness and metrics
    "plateward.web.scaleout:router",
)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or Settings()
    db = database or Database.from_settings(settings)

    from plateward.hotlists.wiring import start_matching
    from plateward.web.scaleout import start_scaleout

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop_matching = start_matching(app, settings, db)  # hot lists: the ingest hook, alerts
        stop_scaleout = await start_scaleout(app, settings)  # scale-out (issue 21): the broker
        yield
        try:
            await stop_scaleout()
        finally:
            stop_matching()
        if database is None:
            db.dispose()

    app = FastAPI(
        title="Plateward",
        version=plateward.__version__,
        description="ALPR data platform that enforces its Data Usage Protocol in code.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the stock docs page loads scripts from a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = db
    app.state.templates = make_templates(settings.timezone)
    from plateward.hotlists.wiring import install as install_hotlists

    install_hotlists(app, settings, db)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    errors.install(app)  # every error is answered from web/errors.py

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.add_middleware(AccessLog)  # outermost: sees every request's final status

    for path in ROUTERS:
        module, attribute = path.split(":")
        app.include_router(getattr(importlib.import_module(module), attribute))
    return app

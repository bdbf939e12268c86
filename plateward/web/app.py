"""The application factory. Nothing is created at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError

import plateward
from plateward.core.database import Database
from plateward.core.errors import (
    AcknowledgmentRequired,
    Conflict,
    EnrolmentRequired,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    PlatewardError,
)
from plateward.core.settings import Settings
from plateward.web.rendering import make_templates

STATUS = {
    NotAuthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    PayloadTooLarge: 413,
    InvalidInput: 422,
}
# Police networks are often closed: every script and style is served from here, never a CDN.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PlatewardError)  # noqa: S101 — registered for this class only
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    if _is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"detail": exc.detail}, status_code=status, headers=headers)
    if isinstance(exc, EnrolmentRequired):
        return RedirectResponse("/login/enrol", status_code=303)
    if status == 401:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    if isinstance(exc, AcknowledgmentRequired):
        return RedirectResponse(f"/acknowledge?next={quote(request.url.path)}", status_code=303)
    templates = request.app.state.templates
    state = getattr(request.state, "session", None)
    context = {
        "status": status,
        "message": exc.detail,
        "actor": state.actor if state else None,
        "csrf_token": state.csrf_token if state else "",
    }
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)  # noqa: S101
    problems = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
    ]
    if not _is_api(request):
        message = "; ".join(f"{p['field'].split('.')[-1]}: {p['message']}" for p in problems)
        return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
            request, "error.html", {"status": 422, "message": message}, status_code=422
        )
    return JSONResponse({"detail": "invalid request", "problems": problems}, status_code=422)


def _unstorable_input(request: Request, exc: Exception) -> Response:
    """Input the database cannot store (a NUL character, an out-of-range number): a clear 422."""
    return _domain_error(
        request, InvalidInput("the input holds characters or values that cannot be stored")
    )


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or Settings()
    db = database or Database.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
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
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.add_exception_handler(PlatewardError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DataError, _unstorable_input)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    from plateward.accounts.account_pages import router as account_pages
    from plateward.accounts.admin_pages import router as admin_pages
    from plateward.accounts.pages import router as accounts_pages
    from plateward.cameras.api import router as cameras_api
    from plateward.cameras.pages import router as cameras_pages
    from plateward.oversight.pages import router as oversight_pages
    from plateward.reads.api import router as reads_api
    from plateward.reads.pages import router as reads_pages
    from plateward.web.pages import router as web_pages

    for router in (
        web_pages,
        accounts_pages,
        account_pages,
        admin_pages,
        cameras_pages,
        reads_pages,
        oversight_pages,
        reads_api,
        cameras_api,
    ):
        app.include_router(router)
    return app

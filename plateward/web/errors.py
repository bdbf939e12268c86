"""The one place where errors become HTTP answers.

Services raise the domain errors of ``core/errors.py`` and never an HTTP error; this module says
which status each one is answered with (``status_of``), and how: JSON under ``/api/``, a redirect
where a person has a step to take first (sign in, set up the authenticator, accept the
restrictions), and otherwise the error page in the base layout. Pages that show a refused form
again ask ``status_of`` for its status too, so a status is decided here only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

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
    PurposeRefused,
    ServiceUnavailable,
    TooManyRequests,
    UnsupportedMediaType,
)
from plateward.web import deps

STATUS: dict[type[PlatewardError], int] = {
    NotAuthenticated: 401,
    PurposeRefused: 403,  # the guard's refusal: one uniform answer, whatever the data holds
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,  # before InvalidInput, its base class
    InvalidInput: 422,
    # Oversight and transparency (issue 18): the public portal's rate limit
    TooManyRequests: 429,
    # Scale-out (issue 21): the broker did not acknowledge the reads; the sender retries.
    ServiceUnavailable: 503,
}
# What the error page calls an answer with no message of its own (an unknown address).
_PLAIN: dict[int, str] = {
    404: "There is no page at this address.",
    405: "This page does not accept that kind of request.",
}


def status_of(exc: PlatewardError) -> int:
    """The HTTP status a domain error is answered with (400 for any error not listed)."""
    return next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_page(
    request: Request, status: int, message: str, context: Mapping[str, Any] | None = None
) -> Response:
    """The error page in the base layout, showing who is signed in when the request knew it."""
    state = getattr(request.state, "session", None)
    page = {
        "status": status,
        "message": message,
        "actor": state.actor if state else None,
        "csrf_token": state.csrf_token if state else "",
        **(context or {}),
    }
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "error.html", page, status_code=status
    )


def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PlatewardError)  # noqa: S101 — registered for this class only
    status = status_of(exc)
    if is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"detail": exc.detail}, status_code=status, headers=headers)
    if isinstance(exc, EnrolmentRequired):
        return RedirectResponse("/login/enrol", status_code=303)
    if status == 401:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    if isinstance(exc, AcknowledgmentRequired):
        return RedirectResponse(f"/acknowledge?next={quote(request.url.path)}", status_code=303)
    return error_page(request, status, exc.detail)


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)  # noqa: S101
    problems = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
    ]
    if not is_api(request):
        if all(e["loc"][:1] == ("path",) for e in exc.errors()):
            # /admin/people/jdoe where a number belongs: an address with no page behind it.
            return error_page(request, 404, _PLAIN[404])
        message = "; ".join(f"{p['field'].split('.')[-1]}: {p['message']}" for p in problems)
        return error_page(request, 422, message)
    return JSONResponse({"detail": "invalid request", "problems": problems}, status_code=422)


def _unstorable_input(request: Request, exc: Exception) -> Response:
    """Input the database cannot store (a NUL character, an out-of-range number): a clear 422."""
    return _domain_error(
        request, InvalidInput("the input holds characters or values that cannot be stored")
    )


def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own answers (an unknown address, a wrong method): JSON for the API, the error
    page in the base layout for a browser."""
    assert isinstance(exc, HTTPException)  # noqa: S101
    headers = dict(exc.headers) if exc.headers else None
    if is_api(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
    if getattr(request.state, "session", None) is None:
        # No route ran, so nobody looked at the cookie: the header still shows who is signed in.
        with request.app.state.database.unit_of_work() as uow:
            request.state.session = deps.optional_session(request, uow)
    response = error_page(request, exc.status_code, _PLAIN.get(exc.status_code, str(exc.detail)))
    if headers:
        response.headers.update(headers)
    return response


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` from here."""
    app.add_exception_handler(PlatewardError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DataError, _unstorable_input)
    app.add_exception_handler(HTTPException, _http_error)

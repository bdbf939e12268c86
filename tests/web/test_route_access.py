"""Who may use each route: one table, checked against every route of the app for every kind of
caller. A route that is not in the table fails the suite, so each new route declares its users.

For a caller the table does not allow, the answer must be a refusal (401, 403, or a redirect to
sign in / accept the restrictions) — never a page, never a success. For a caller it allows, the
route must not refuse. Forms are sent with the caller's genuine CSRF token and without their
fields, so only the caller's identity decides whether the route is reached (an allowed caller
gets a validation answer, and nothing is changed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from plateward.accounts.models import User
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.permissions import Permission, Role, role_permissions
from tests.conftest import PERSONAS, Backend, accept_statement, csrf_from, totp_code

VISITOR = "visitor"  # no session, no token
CAMERA = "camera"  # a camera network's service token (Bearer), ingest only
OFFICER, INVESTIGATOR, LIEUTENANT = "officer", "investigator", "lieutenant"
ADMIN, AUDITOR = "admin", "auditor"
CALLERS = (VISITOR, OFFICER, INVESTIGATOR, LIEUTENANT, ADMIN, AUDITOR, CAMERA)

PEOPLE = frozenset({OFFICER, INVESTIGATOR, LIEUTENANT, ADMIN, AUDITOR})
EVERYONE = frozenset(CALLERS)
DEPARTMENT_STAFF = frozenset({OFFICER, INVESTIGATOR, LIEUTENANT, ADMIN})  # cameras:view
ADMINS = frozenset({ADMIN})
AUDITORS = frozenset({AUDITOR})
CAMERAS = frozenset({CAMERA})
SEARCHERS = frozenset({OFFICER, INVESTIGATOR, LIEUTENANT})  # reads:search
EXPORTERS = frozenset({INVESTIGATOR, LIEUTENANT})  # reads:export
LIEUTENANTS = frozenset({LIEUTENANT})  # searches:review

# Routes that are not application routes to check: the static files and the API schema.
NOT_CHECKED = {"/static", "/api/openapi.json"}

# (method, path) → the callers that may use it. Every route of the app must be listed here.
ACCESS: dict[tuple[str, str], frozenset[str]] = {
    # Public
    ("GET", "/"): EVERYONE,
    ("GET", "/healthz"): EVERYONE,
    ("GET", "/login"): EVERYONE,
    ("POST", "/login"): EVERYONE,
    # Any person with a session (enrolling, or signed in)
    ("GET", "/login/enrol"): PEOPLE,
    ("POST", "/login/enrol"): PEOPLE,
    ("GET", "/acknowledge"): PEOPLE,
    ("POST", "/acknowledge"): PEOPLE,
    ("POST", "/logout"): PEOPLE,
    ("GET", "/account"): PEOPLE,
    ("POST", "/account/tokens"): PEOPLE,
    ("POST", "/account/tokens/{token_id}/revoke"): PEOPLE,
    ("POST", "/account/sign-out-everywhere"): PEOPLE,
    # accounts:manage
    ("GET", "/admin/people"): ADMINS,
    ("POST", "/admin/people"): ADMINS,
    ("GET", "/admin/people/{user_id}"): ADMINS,
    ("POST", "/admin/people/{user_id}/status"): ADMINS,
    ("POST", "/admin/people/{user_id}/training"): ADMINS,
    ("POST", "/admin/people/{user_id}/unlock"): ADMINS,
    ("POST", "/admin/people/{user_id}/classes"): ADMINS,
    ("GET", "/admin/classes"): ADMINS,
    ("POST", "/admin/classes"): ADMINS,
    ("GET", "/admin/statement"): ADMINS,
    ("POST", "/admin/statement"): ADMINS,
    # Privileged changes: administrators and auditors watch; only command staff and the DPO
    # (accounts:approve, not among these callers) confirm or turn them down.
    ("GET", "/approvals"): ADMINS | AUDITORS,
    ("POST", "/approvals/{change_id}/approve"): frozenset(),
    ("POST", "/approvals/{change_id}/reject"): frozenset(),
    # jobs:view
    ("GET", "/admin/jobs"): ADMINS,
    # cameras:view — staff read the registry
    ("GET", "/cameras"): DEPARTMENT_STAFF,
    # cameras:manage — administrators run the camera registry (DUP §12)
    ("GET", "/admin/cameras"): ADMINS,
    ("POST", "/admin/cameras"): ADMINS,
    ("GET", "/admin/cameras/_silent"): ADMINS,
    ("GET", "/admin/cameras/{code}"): ADMINS,
    ("POST", "/admin/cameras/{code}"): ADMINS,
    ("POST", "/admin/cameras/{code}/retire"): ADMINS,
    ("POST", "/admin/cameras/{code}/reactivate"): ADMINS,
    ("POST", "/admin/cameras/{code}/release"): ADMINS,
    # reads:monitor (+ quarantine:view on the full page)
    ("GET", "/reads"): ADMINS,
    ("GET", "/reads/latest"): ADMINS,
    # audit:read / audit:export — the audit unit, never the reads (DUP §9)
    ("GET", "/audit"): AUDITORS,
    ("GET", "/audit/entries/{seq}"): AUDITORS,
    ("GET", "/audit/export.csv"): AUDITORS,
    ("GET", "/audit/signals"): AUDITORS,
    ("POST", "/audit/signals/{signal_id}/review"): AUDITORS,  # audit:review
    # reads:search — the search pages (DUP §2); reads:export; searches:review (lieutenants)
    ("GET", "/search"): SEARCHERS,
    ("POST", "/search"): SEARCHERS,
    ("GET", "/search/{search_id}"): SEARCHERS,
    ("POST", "/search/{search_id}/run"): SEARCHERS,
    ("GET", "/search/{search_id}/reads/{read_id}"): SEARCHERS,
    ("GET", "/search/{search_id}/reads/{read_id}/image"): SEARCHERS,
    ("GET", "/search/{search_id}/export.csv"): EXPORTERS,
    ("GET", "/search/reviews"): LIEUTENANTS,
    ("POST", "/search/reviews/{search_id}/approve"): LIEUTENANTS,
    ("POST", "/search/reviews/{search_id}/reject"): LIEUTENANTS,
    # JSON API
    ("POST", "/api/v1/reads"): CAMERAS,
    ("GET", "/api/v1/cameras"): DEPARTMENT_STAFF,
    ("POST", "/api/v1/cameras"): ADMINS,
    ("PATCH", "/api/v1/cameras/{code}"): ADMINS,
    # reads:search — a stated purpose, then one's own searches (DUP §2, §9)
    ("POST", "/api/v1/searches"): SEARCHERS,
    ("GET", "/api/v1/searches/{search_id}"): SEARCHERS,
    ("POST", "/api/v1/searches/{search_id}/run"): SEARCHERS,
    ("GET", "/api/v1/searches/{search_id}/reads/{read_id}"): SEARCHERS,
    ("GET", "/api/v1/searches/{search_id}/reads/{read_id}/image"): SEARCHERS,
    # reads:export
    ("GET", "/api/v1/searches/{search_id}/export.csv"): EXPORTERS,
    # searches:review — a supervisor decides ambiguous requests (DUP update 2026)
    ("GET", "/api/v1/search-reviews"): LIEUTENANTS,
    ("POST", "/api/v1/search-reviews/{search_id}"): LIEUTENANTS,
    # Scale-out (issue 21): readiness and Prometheus metrics (counts only), like /healthz
    ("GET", "/readyz"): EVERYONE,
    ("GET", "/metrics"): EVERYONE,
}

# Hot lists (issue 14): hotlists:propose (investigators, lieutenants), hotlists:approve
# (lieutenants), alerts:receive (officers), hotlists:manage (administrators).
PROPOSERS = frozenset({INVESTIGATOR, LIEUTENANT})
ACCESS |= {
    ("GET", "/hotlists"): PROPOSERS,
    ("POST", "/hotlists"): PROPOSERS,
    ("POST", "/hotlists/{entry_id}/remove"): PROPOSERS,
    ("POST", "/hotlists/{entry_id}/renew"): PROPOSERS,
    ("GET", "/hotlists/queue"): frozenset({LIEUTENANT}),
    ("POST", "/hotlists/{entry_id}/approve"): frozenset({LIEUTENANT}),
    ("POST", "/hotlists/{entry_id}/reject"): frozenset({LIEUTENANT}),
    ("GET", "/alerts"): frozenset({OFFICER}),
    ("GET", "/alerts/stream"): frozenset({OFFICER}),
    ("GET", "/alerts/{hit_id}"): frozenset({OFFICER}),
    ("POST", "/alerts/{hit_id}/steps"): frozenset({OFFICER}),
    ("POST", "/alerts/{hit_id}/clets"): frozenset({OFFICER}),
    ("GET", "/admin/hotlists"): ADMINS,
    ("POST", "/admin/hotlists/feeds"): ADMINS,
    ("POST", "/admin/hotlists/feeds/{feed_id}/enabled"): ADMINS,
    ("POST", "/admin/hotlists/notices"): ADMINS,
    ("GET", "/api/v1/capture-notices"): ADMINS,
    ("POST", "/api/v1/capture-notices"): ADMINS,
    ("POST", "/api/v1/hotlist-entries"): PROPOSERS,
    ("GET", "/api/v1/alerts"): frozenset({OFFICER}),
    # Historical hits (issue 14): the entry's author, who also holds reads:search
    ("POST", "/hotlists/{entry_id}/history"): PROPOSERS,
    ("POST", "/api/v1/hotlist-entries/{entry_id}/history-checks"): PROPOSERS,
}
# Retention (issue 15): holds:place (investigators, lieutenants), holds:approve (lieutenants),
# retention:manage (administrators), aggregates:view (administrators; the DPO is not a caller).
HOLDERS = frozenset({INVESTIGATOR, LIEUTENANT})
ACCESS |= {
    ("GET", "/holds"): HOLDERS,
    ("GET", "/holds/new"): HOLDERS,
    ("POST", "/holds"): HOLDERS,
    ("GET", "/holds/{hold_id}"): HOLDERS,
    ("GET", "/holds/{hold_id}/reads/{read_id}/image"): HOLDERS,
    ("POST", "/holds/{hold_id}/approve"): frozenset({LIEUTENANT}),
    ("POST", "/holds/{hold_id}/reject"): frozenset({LIEUTENANT}),
    ("POST", "/holds/{hold_id}/status"): HOLDERS,
    ("POST", "/holds/{hold_id}/review"): HOLDERS,
    ("GET", "/admin/retention"): ADMINS,
    ("POST", "/admin/retention"): ADMINS,
    ("POST", "/api/v1/holds"): HOLDERS,
    ("GET", "/api/v1/holds/{hold_id}"): HOLDERS,
    ("POST", "/api/v1/holds/{hold_id}/decision"): frozenset({LIEUTENANT}),
    ("POST", "/api/v1/holds/{hold_id}/status"): HOLDERS,
    ("GET", "/api/v1/retention"): ADMINS,
    ("PUT", "/api/v1/retention"): ADMINS,
    ("GET", "/api/v1/aggregates"): ADMINS,
}
# Placement, signage and red-light review (issue 17): cameras:manage (administrators)
ACCESS |= {
    ("GET", "/admin/compliance"): ADMINS,
    ("POST", "/admin/compliance/check"): ADMINS,
    ("POST", "/admin/cameras/{code}/attest"): ADMINS,
    ("GET", "/api/v1/cameras/{code}/placement"): ADMINS,
    ("POST", "/api/v1/cameras/{code}/attestations"): ADMINS,
    ("GET", "/admin/sites"): ADMINS,
    ("POST", "/admin/sites"): ADMINS,
    ("POST", "/admin/sites/import"): ADMINS,
    ("GET", "/admin/sites/{site_id}"): ADMINS,
    ("POST", "/admin/sites/{site_id}"): ADMINS,
    ("POST", "/admin/sites/{site_id}/remove"): ADMINS,
    ("GET", "/admin/signs"): ADMINS,
    ("POST", "/admin/signs"): ADMINS,
    ("POST", "/admin/signs/gateways"): ADMINS,
    ("POST", "/admin/signs/{sign_id}/remove"): ADMINS,
    ("GET", "/admin/traffic-devices"): ADMINS,
    ("POST", "/admin/traffic-devices"): ADMINS,
    ("POST", "/admin/traffic-devices/{code}/enable"): ADMINS,
    # violations:review (lieutenants); a device posts violations with its service token
    ("GET", "/violations"): LIEUTENANTS,
    ("GET", "/violations/{event_id}"): LIEUTENANTS,
    ("GET", "/violations/{event_id}/evidence"): LIEUTENANTS,
    ("POST", "/violations/{event_id}/cite"): LIEUTENANTS,
    ("POST", "/violations/{event_id}/dismiss"): LIEUTENANTS,
    ("POST", "/api/v1/traffic-violations"): CAMERAS,
}
# Oversight and transparency (issue 18): the public portal and complaint form are open to anyone;
# audits:run (auditors); the DPO's pages (complaints:manage, reports:*, not among these callers).
ACCESS |= {
    ("GET", "/transparency"): EVERYONE,
    ("GET", "/transparency/complaints"): EVERYONE,
    ("POST", "/transparency/complaints"): EVERYONE,
    ("GET", "/transparency/complaints/status"): EVERYONE,
    ("GET", "/complaints"): frozenset(),
    ("GET", "/complaints/{complaint_id}"): frozenset(),
    ("POST", "/complaints/{complaint_id}/steps"): frozenset(),
    ("GET", "/audits"): AUDITORS,
    ("POST", "/audits/samples"): AUDITORS,
    ("GET", "/audits/samples/{sample_id}"): AUDITORS,
    ("POST", "/audits/findings/{item_id}"): AUDITORS,
    ("GET", "/audits/compliance"): AUDITORS,  # compliance:report (and the City IT auditor)
    ("GET", "/audits/compliance.csv"): AUDITORS,
    ("GET", "/audits/immigration"): AUDITORS,
    ("GET", "/audit/trail.jsonl"): AUDITORS,  # audit:export
    ("GET", "/incidents"): ADMINS,  # incidents:manage (and the DPO)
    ("POST", "/incidents"): ADMINS,
    ("GET", "/incidents/{incident_id}"): ADMINS,
    ("POST", "/incidents/{incident_id}/steps"): ADMINS,
    ("GET", "/records"): ADMINS,  # records:assemble (and the DPO, the records clerk)
    ("POST", "/records"): ADMINS,
    ("GET", "/records/{package_id}"): ADMINS,
    ("POST", "/records/{package_id}/release"): ADMINS,  # records:release (and the DPO)
    ("GET", "/records/{package_id}/package.zip"): ADMINS,
    ("GET", "/reports"): frozenset(),
    ("POST", "/reports/{year}"): frozenset(),
    ("POST", "/reports/{year}/submit"): frozenset(),
    ("POST", "/reports/{year}/extension"): frozenset(),
    ("POST", "/reports/{year}/publish"): frozenset(),
    ("GET", "/reports/{year}/report.{fmt}"): frozenset(),
    ("GET", "/reports/{year}/reads.{fmt}"): frozenset(),  # reports:aggregates (the DPO)
    ("GET", "/reports/{year}/locations.{fmt}"): frozenset(),
    # a report not published answers 404 to everyone: a visitor is not refused, so no caller is
    # "allowed" only in the sense of a page; checked in tests/oversight/test_annual_report.py
    ("GET", "/transparency/reports/{year}"): EVERYONE,
    ("GET", "/transparency/reports/{year}/report.pdf"): EVERYONE,
}
# Sharing with California agencies (issue 16): sharing:manage (administrators), sharing:view
# (administrators, auditors); sharing:request (outside agencies' people) and sharing:approve
# (command staff) are held by none of these callers (tests/sharing covers them).
ACCESS |= {
    ("POST", "/api/v1/sharing/agencies"): ADMINS,
    ("GET", "/api/v1/sharing/agreements"): ADMINS,
    ("POST", "/api/v1/sharing/agreements"): ADMINS,
    ("POST", "/api/v1/sharing/agreements/{agreement_id}/status"): ADMINS,
    ("PUT", "/api/v1/sharing/settings/{key}"): ADMINS,
    ("GET", "/api/v1/sharing/activity"): ADMINS | AUDITORS,
    ("POST", "/api/v1/access-requests"): frozenset(),
    ("GET", "/api/v1/access-requests"): frozenset(),
    ("GET", "/api/v1/access-requests/waiting"): frozenset(),
    ("POST", "/api/v1/access-requests/{request_id}/decision"): frozenset(),
    ("GET", "/api/v1/sharing/clients"): ADMINS,
    ("POST", "/api/v1/sharing/clients"): ADMINS,
    ("POST", "/api/v1/sharing/clients/{client_id}/revoke"): ADMINS,
    ("POST", "/admin/sharing/clients"): ADMINS,
    ("POST", "/admin/sharing/clients/{client_id}/revoke"): ADMINS,
    ("GET", "/admin/sharing"): ADMINS,
    ("POST", "/admin/sharing/agencies"): ADMINS,
    ("POST", "/admin/sharing/agreements"): ADMINS,
    ("POST", "/admin/sharing/agreements/{agreement_id}/status"): ADMINS,
    ("POST", "/admin/sharing/alarms/{alarm_id}/acknowledge"): ADMINS,
    ("GET", "/sharing/activity"): ADMINS | AUDITORS,
    ("GET", "/sharing/requests"): frozenset(),
    ("POST", "/sharing/requests"): frozenset(),
    ("GET", "/sharing/approvals"): frozenset(),
    ("POST", "/sharing/approvals/{request_id}/approve"): frozenset(),
    ("POST", "/sharing/approvals/{request_id}/deny"): frozenset(),
    # Hot lists shared with outside agencies (issue 16): lieutenants share; an alert's
    # acknowledgment is an outside person's (a department officer reaches it and is told so).
    ("GET", "/sharing/hotlists"): LIEUTENANTS,
    ("POST", "/sharing/hotlists"): LIEUTENANTS,
    ("POST", "/sharing/hotlists/{subscription_id}/end"): LIEUTENANTS,
    ("GET", "/api/v1/sharing/subscriptions"): LIEUTENANTS,
    ("POST", "/api/v1/sharing/subscriptions"): LIEUTENANTS,
    ("POST", "/api/v1/sharing/subscriptions/{subscription_id}/end"): LIEUTENANTS,
    ("POST", "/alerts/{hit_id}/acknowledge"): frozenset({OFFICER}),
    ("POST", "/api/v1/alerts/{hit_id}/acknowledge"): frozenset({OFFICER}),
}
# A live event stream stays open: it is asked to answer what is new and close.
STREAMS = {"/alerts/stream": "?seconds=0"}

# Forms whose CSRF token comes from the sign-in page rather than from a session.
PRE_SESSION_FORMS = {"/login", "/transparency/complaints"}
_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


# --- the app's routes ---------------------------------------------------------------------------


def _flat_routes(app: FastAPI) -> Iterator[object]:
    try:  # FastAPI keeps included routers as branches; this walks them.
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        yield from app.routes
        return
    yield from iter_route_contexts(app.routes)


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path template) the app answers, less the unchecked ones."""
    found: set[tuple[str, str]] = set()
    for route in _flat_routes(app):
        path = getattr(route, "path_format", None) or getattr(route, "path", None)
        if not path or any(path == p or path.startswith(f"{p}/") for p in NOT_CHECKED):
            continue
        methods = getattr(route, "methods", None) or set()
        found |= {(m, path) for m in methods if m != "HEAD"}
    return sorted(found)


@pytest.fixture
def routes(client: TestClient) -> list[tuple[str, str]]:
    found = app_routes(client.app)  # type: ignore[arg-type]
    assert len(found) >= 20, found  # the walk found the included routers' routes
    return found


def test_every_route_declares_who_may_use_it(routes: list[tuple[str, str]]) -> None:
    undeclared = [f"{method} {path}" for method, path in routes if (method, path) not in ACCESS]

    assert not undeclared, (
        "new route(s) without an access expectation; add them to ACCESS in "
        f"tests/web/test_route_access.py: {undeclared}"
    )


def test_the_table_lists_no_route_that_is_gone(routes: list[tuple[str, str]]) -> None:
    stale = sorted(set(ACCESS) - set(routes))

    assert not stale, f"ACCESS names routes the app no longer has: {stale}"


def test_the_table_agrees_with_the_role_permissions() -> None:
    # The personas' roles, and what the permission table gives them, say the same as ACCESS.
    def holders(permission: Permission) -> frozenset[str]:
        return frozenset(
            name for name in PEOPLE if permission in role_permissions(Role(PERSONAS[name][0]))
        )

    assert ACCESS[("GET", "/admin/people")] == holders(Permission.ACCOUNTS_MANAGE)
    assert ACCESS[("GET", "/reads/latest")] == holders(Permission.READS_MONITOR)
    assert ACCESS[("GET", "/api/v1/cameras")] == holders(Permission.CAMERAS_VIEW)
    assert ACCESS[("GET", "/cameras")] == holders(Permission.CAMERAS_VIEW)
    assert ACCESS[("POST", "/api/v1/cameras")] == holders(Permission.CAMERAS_MANAGE)
    assert ACCESS[("GET", "/admin/cameras")] == holders(Permission.CAMERAS_MANAGE)
    assert ACCESS[("GET", "/audit")] == holders(Permission.AUDIT_READ)
    assert ACCESS[("GET", "/audit/export.csv")] == holders(Permission.AUDIT_EXPORT)
    review = ("POST", "/audit/signals/{signal_id}/review")
    assert ACCESS[review] == holders(Permission.AUDIT_REVIEW)
    assert ACCESS[("GET", "/search")] == holders(Permission.READS_SEARCH)
    assert ACCESS[("GET", "/search/{search_id}/export.csv")] == holders(Permission.READS_EXPORT)
    assert ACCESS[("GET", "/search/reviews")] == holders(Permission.SEARCHES_REVIEW)
    assert ACCESS[("POST", "/api/v1/searches")] == holders(Permission.READS_SEARCH)
    assert ACCESS[("GET", "/api/v1/searches/{search_id}/export.csv")] == holders(
        Permission.READS_EXPORT
    )
    assert ACCESS[("GET", "/api/v1/search-reviews")] == holders(Permission.SEARCHES_REVIEW)
    assert Permission.READS_INGEST in role_permissions(Role.CAMERA_SERVICE)
    assert ACCESS[("GET", "/hotlists")] == holders(Permission.HOTLISTS_PROPOSE)
    assert ACCESS[("GET", "/hotlists/queue")] == holders(Permission.HOTLISTS_APPROVE)
    assert ACCESS[("GET", "/alerts")] == holders(Permission.ALERTS_RECEIVE)
    assert ACCESS[("GET", "/admin/hotlists")] == holders(Permission.HOTLISTS_MANAGE)


# --- calling each route as each caller ----------------------------------------------------------


def _sign_in(client: TestClient, backend: Backend, username: str, clock: FrozenClock) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": "correct horse battery staple",
            "code": totp_code(backend, username, clock.now()),
            "csrf_token": csrf_from(page.text),
            "next": "/",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    accept_statement(client)


def _path_values(db: Database) -> dict[str, str]:
    """A valid-looking value for every path parameter: real rows where a route needs one."""
    with db.unit_of_work() as uow:
        officer_id = uow.session.scalar(select(User.id).where(User.username == OFFICER))
    return {
        "user_id": str(officer_id),
        "token_id": "999999",
        "seq": "1",
        "change_id": "999999",
        "subscription_id": "999999",
        "signal_id": "999999",
        "code": "SJ-FX-001",
        "search_id": "999999",
        "read_id": "00000000-0000-0000-0000-000000000000",
        "entry_id": "999999",
        "hit_id": "999999",
        "feed_id": "999999",
        "hold_id": "999999",
        # Placement, signage and red-light review (issue 17)
        "site_id": "999999",
        "sign_id": "999999",
        "event_id": "999999",
        "complaint_id": "999999",
        "sample_id": "999999",
        "item_id": "999999",
        "year": "2026",
        "fmt": "pdf",
        "incident_id": "999999",
        "package_id": "999999",
        # Sharing (issue 16)
        "agreement_id": "999999",
        "request_id": "999999",
        "key": "national_lookup",
        "alarm_id": "999999",
        "client_id": "999999",
    }


def _fill(path: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"give the path parameter '{name}' a value in _path_values"
        return values[name]

    return _PARAM.sub(value, path)


def refused(response: Response) -> bool:
    """401/403, or a page's redirect to sign in, to set up MFA or to accept the restrictions."""
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("location", "")
    return response.status_code in (302, 303, 307) and (
        location.startswith(("/login?next=", "/acknowledge")) or location == "/login/enrol"
    )


def _call(client: TestClient, method: str, path: str, url: str, session_csrf: str) -> Response:
    if method == "GET":
        return client.get(url + STREAMS.get(path, ""), follow_redirects=False)
    if path.startswith("/api/"):
        return client.request(method, url, json={"reads": []}, follow_redirects=False)
    csrf = csrf_from(client.get("/login").text) if path in PRE_SESSION_FORMS else session_csrf
    return client.request(method, url, data={"csrf_token": csrf}, follow_redirects=False)


@pytest.mark.parametrize("caller", CALLERS)
def test_each_route_answers_only_the_callers_it_allows(
    caller: str,
    client: TestClient,
    backend: Backend,
    db: Database,
    clock: FrozenClock,
    ingest_token: str,
    routes: list[tuple[str, str]],
) -> None:
    values = _path_values(db)
    csrf = ""
    if caller == CAMERA:
        client.headers["Authorization"] = f"Bearer {ingest_token}"
    elif caller in PEOPLE:
        _sign_in(client, backend, caller, clock)
        csrf = csrf_from(client.get("/account").text)

    wrong: list[str] = []
    for method, path in routes:
        if (method, path) not in ACCESS:
            continue  # reported by test_every_route_declares_who_may_use_it
        response = _call(client, method, path, _fill(path, values), csrf)
        allowed = caller in ACCESS[(method, path)]
        status = f"{response.status_code} {response.headers.get('location', '')}".strip()
        if not allowed and not refused(response):
            wrong.append(f"{method} {path}: answered {status} to {caller}, who may not use it")
        if allowed and (refused(response) or response.status_code >= 500):
            wrong.append(f"{method} {path}: refused {caller} ({status}), who may use it")
        alive = client.get("/account", follow_redirects=False).status_code == 200
        if caller in PEOPLE and not alive:
            # The route ended the session (sign out): sign in again, with the next code.
            clock.advance(timedelta(seconds=30))
            _sign_in(client, backend, caller, clock)
            csrf = csrf_from(client.get("/account").text)

    assert not wrong, "\n".join(wrong)


def test_the_refusal_check_recognises_each_kind_of_refusal() -> None:
    def answer(status: int, location: str | None = None) -> Response:
        return Response(status, headers={"location": location} if location else {})

    assert refused(answer(401))
    assert refused(answer(403))
    assert refused(answer(303, "/login?next=/admin/people"))
    assert refused(answer(303, "/acknowledge?next=/reads"))
    assert refused(answer(303, "/login/enrol"))
    assert not refused(answer(200))
    assert not refused(answer(422))
    assert not refused(answer(303, "/admin/people/7"))
    assert not refused(answer(303, "/login"))  # signed out everywhere: done, not refused

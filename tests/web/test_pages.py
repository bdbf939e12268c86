"""The shell of the web app: health, schema, landing page, headers and locally served assets."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

import plateward
from plateward.demo import city
from tests.conftest import Backend, sign_in

PACKAGE = Path(plateward.__file__).resolve().parent
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))
# src= / href= / action= pointing at another site: absolute or protocol-relative URLs.
_OFF_SITE = re.compile(r"""\b(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
_CSS_OFF_SITE = re.compile(r"""(?:url\(|@import)\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def test_healthz_reports_the_database(client: TestClient, backend: Backend) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": backend.name, "broker": "none"}


def test_openapi_schema_is_served(client: TestClient) -> None:
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Plateward"
    assert {"/api/v1/reads", "/api/v1/cameras", "/healthz"} <= set(schema["paths"])
    assert "/login" not in schema["paths"]  # pages are not API
    # The stock docs pages load their scripts from a CDN, so they are not served.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_the_landing_page_lists_what_the_demo_offers(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    page = response.text
    for link in ('href="/login"', 'href="/reads"', 'href="/api/openapi.json"', 'href="/healthz"'):
        assert link in page
    assert "POST /api/v1/reads" in page
    assert "one-time code" in page


def test_pages_load_no_scripts_or_styles_from_other_sites(client: TestClient) -> None:
    assert len(TEMPLATES) >= 6, TEMPLATES  # every capability's templates were found
    for template in TEMPLATES:
        assert not _OFF_SITE.search(template.read_text()), template
    for stylesheet in (PACKAGE / "web" / "static").rglob("*.css"):
        assert not _CSS_OFF_SITE.search(stylesheet.read_text()), stylesheet
    for path in ("/", "/login"):
        page = client.get(path).text
        assert not _OFF_SITE.search(page), path
        assert 'src="/static/js/htmx.min.js"' in page
        assert 'href="/static/css/plateward.css"' in page


def test_the_off_site_check_catches_a_cdn() -> None:
    assert _OFF_SITE.search('<script src="https://unpkg.com/htmx.org"></script>')
    assert _OFF_SITE.search("<link rel=stylesheet href=//cdn.example/x.css>")
    assert not _OFF_SITE.search('<script src="/static/js/htmx.min.js"></script>')


def test_responses_carry_security_headers(client: TestClient, backend: Backend) -> None:
    responses = {
        "landing": client.get("/"),
        "login": client.get("/login"),
        "health": client.get("/healthz"),
        "static": client.get("/static/js/htmx.min.js"),
        "api error": client.get("/api/v1/cameras"),
        "redirect": client.get("/reads", follow_redirects=False),
    }
    sign_in(client, backend, "admin")
    responses["reads"] = client.get("/reads")

    for name, response in responses.items():
        headers = response.headers
        csp = headers.get("content-security-policy", "")
        assert "default-src 'self'" in csp, name
        assert "frame-ancestors 'none'" in csp, name
        assert "unsafe-inline" not in csp, name
        assert headers.get("x-content-type-options") == "nosniff", name
        assert headers.get("x-frame-options") == "DENY", name
        assert headers.get("referrer-policy") == "same-origin", name
    # Pages showing plate reads must never be cached by the browser or a proxy.
    assert responses["reads"].headers.get("cache-control") == "no-store"


def test_cameras_api_requires_sign_in(client: TestClient) -> None:
    response = client.get("/api/v1/cameras")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "SJ-FX-001" not in response.text


def test_signed_in_staff_list_cameras(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "officer")

    response = client.get("/api/v1/cameras")

    assert response.status_code == 200
    cameras = response.json()
    assert {c["code"] for c in cameras} == {c.code for c in city.CAMERAS}
    fixed = next(c for c in cameras if c["code"] == "SJ-FX-001")
    assert set(fixed) == {
        "code",
        "name",
        "kind",
        "location",
        "status",
        "vendor",
        "latitude",
        "longitude",
        "heading",
    }


def test_static_htmx_is_served_locally(client: TestClient) -> None:
    response = client.get("/static/js/htmx.min.js")

    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "htmx" in response.text[:200]
    assert len(response.content) > 10_000  # the real library, not a stub
    assert client.get("/static/css/plateward.css").status_code == 200


def test_an_error_page_still_shows_who_is_signed_in(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "officer")
    page = client.get("/reads")
    assert page.status_code == 403
    assert "Test Officer" in page.text
    assert 'action="/logout"' in page.text


def test_input_the_database_cannot_store_gets_a_clear_error(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "auditor")
    response = client.get("/audit", params={"person": "jane\x00"})
    # SQLite stores NUL; PostgreSQL text cannot, and the person gets a 422 instead of a crash.
    assert response.status_code == (422 if backend.name == "postgresql" else 200)
    if backend.name == "postgresql":
        assert "cannot be stored" in response.text

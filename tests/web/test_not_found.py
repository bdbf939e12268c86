"""An unknown address gets the HTML error page in a browser, and a JSON 404 under /api/."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Backend, sign_in


def test_an_unknown_page_gets_the_html_not_found_page(client: TestClient, backend: Backend) -> None:
    visitor = client.get("/no-such-page")

    assert visitor.status_code == 404
    assert visitor.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in visitor.text
    assert 'class="brand"' in visitor.text  # the base layout
    assert "There is no page at this address." in visitor.text

    sign_in(client, backend, "officer")
    person = client.get("/admin/no-such-page")
    assert person.status_code == 404
    assert "Test Officer" in person.text  # the header still shows who is signed in


def test_an_unknown_api_route_keeps_a_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "Not Found"}


def test_a_wrong_method_on_a_page_gets_the_html_error_page(client: TestClient) -> None:
    response = client.delete("/login")

    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")
    assert "does not accept that kind of request" in response.text


def test_a_malformed_address_in_a_browser_gets_the_not_found_page(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "admin")

    page = client.get("/admin/people/not-a-number")

    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "There is no page at this address." in page.text
    assert "user_id" not in page.text  # no parser's words for a person who typed an address

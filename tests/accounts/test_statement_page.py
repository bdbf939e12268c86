"""The statement page tells the administrator that a new version waits for a second person
(DUP §12), and where to follow it, before they publish."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from tests.conftest import Backend, csrf_from, sign_in


def test_the_statement_page_says_a_new_version_waits_for_confirmation(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "admin")

    page = client.get("/admin/statement")

    shown = html.unescape(page.text)
    assert "waits on" in shown and 'href="/approvals"' in page.text
    assert "command staff or the Digital Privacy Officer confirm it" in shown

    asked = client.post(
        "/admin/statement",
        data={"csrf_token": csrf_from(page.text), "version": "2099.1", "text": "New text."},
    )
    assert "publish restriction statement version" in html.unescape(asked.text)  # on Approvals
    assert "pending" in asked.text

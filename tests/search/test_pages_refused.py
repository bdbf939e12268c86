"""A prohibited purpose is refused before any query runs, on a page that says why and nothing
about the data (DUP §2, update 2026: platform blocking; invariant 2)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, push
from tests.search.page_steps import PROHIBITED, submit


def test_a_prohibited_purpose_gets_the_guards_refusal_page(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    push(client, ingest_token, native_read("SJ-FX-002", minutes_ago=60, plate="7ABQ101"))
    sign_in(client, backend, "investigator")

    page = submit(client, plate="7ABQ*", **PROHIBITED)
    nothing = submit(client, plate="9ZZZ999", **PROHIBITED)

    assert page.status_code == 403
    assert 'id="refused"' in page.text and "outside authorized use" in page.text
    (blocked, _) = entries(db, "search.blocked")
    assert blocked.reason and blocked.reason in page.text.replace("&#39;", "'")
    assert "7ABQ101" not in page.text
    assert page.text.count("Nothing was searched") == 1  # said once, by the guard's message
    # The same answer whether or not any read matches: it reveals nothing about the data.
    assert nothing.status_code == 403
    assert nothing.text.replace("9ZZZ999", "7ABQ*") == page.text
    assert entries(db, "search.run") == []


def test_a_boilerplate_justification_is_sent_back_with_a_helpful_message(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "investigator")

    page = submit(client, plate="7ABQ*", justification="investigation")

    assert page.status_code == 422
    assert 'id="search-error"' in page.text
    assert entries(db, "search.run") == []
    (blocked,) = entries(db, "search.blocked")  # recorded, with the rule, before the 422
    assert blocked.details["rules"] == ["justification.refused"]


def test_a_refused_purpose_is_not_remembered_for_the_next_search(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "investigator")
    assert submit(client, plate="7ABQ*", **PROHIBITED).status_code == 403

    form = client.get("/search")

    assert 'id="remembered"' not in form.text
    assert "8 U.S.C. 1326" not in form.text.split('id="my-searches"')[0]

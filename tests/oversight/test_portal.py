"""U26 transparency, DUP §8 — the public portal: no sign-in, the SB 54 / SB 34 statement word for
word, live figures computed from the records that enforce access, no raw data, rate-limited, and
the audit trail's latest signed checkpoint, which anyone can verify."""

from __future__ import annotations

import re
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient

from plateward.core.audit_signing import signed_message
from plateward.core.checkpoints import write_checkpoint
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.oversight.portal_rules import SB54_SB34_STATEMENT
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, push, search

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"  # ../shared beside the repo
IMMIGRATION = {
    "crime_type": "8 U.S.C. 1326 reentry after removal",
    "justification": "ICE ERO asked us to locate the driver for an immigration removal detainer.",
}


def _figure(html: str, label: str) -> int:
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}[^<]*</th><td>(\d+)</td>", html)
    assert match, label
    return int(match.group(1))


def test_the_portal_opens_without_signing_in(client: TestClient) -> None:
    response = client.get("/transparency")

    assert response.status_code == 200
    assert "ALPR transparency portal" in response.text
    assert "Sign in" in response.text  # a visitor's header: nobody is signed in


def test_the_statement_is_the_councils_words_exactly(client: TestClient) -> None:
    page = client.get("/transparency").text

    assert SB54_SB34_STATEMENT in page.replace("&#39;", "'")
    update = next(p for p in SEEDS.glob("*.txt") if "Senate Bill 54" in p.read_text())
    approved = re.sub(r"<sup>\d+</sup>", "", update.read_text())
    assert SB54_SB34_STATEMENT in " ".join(approved.split())


def test_the_figures_follow_what_the_system_did(
    client: TestClient, backend: Backend, db: Database, ingest_token: str
) -> None:
    before = client.get("/transparency").text
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")
    assert search(client, plate="7ABC123").status_code == 200
    assert search(client, plate="7ABC124").status_code == 200
    assert search(client, plate="7ABC123", **IMMIGRATION).status_code == 403

    after = client.get("/transparency").text

    assert _figure(after, "Searches run") == _figure(before, "Searches run") + 2
    assert _figure(after, "Requests blocked") == _figure(before, "Requests blocked") + 1
    assert "Immigration enforcement" in after
    assert _figure(after, "Searches run") == len(
        {e.details["search_id"] for e in entries(db, "search.run")}
    )
    assert _figure(after, "Cameras in service") > 0
    assert "San Jos" in after  # the home agency, with its people's accounts


def test_the_portal_shows_no_plate_read_or_person(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")
    search(client, plate="7ABC123")
    client.cookies.clear()

    page = client.get("/transparency").text

    assert "7ABC123" not in page
    assert "Test Investigator" not in page
    assert "26-004512" not in page  # the case number searched


def test_the_portal_shows_the_latest_signed_checkpoint_which_verifies(
    client: TestClient, db: Database
) -> None:
    with db.unit_of_work() as uow:
        checkpoint = write_checkpoint(uow, uow.settings.audit_signing_key, Actor.system("tests"))
        uow.commit()

    page = client.get("/transparency").text

    assert f"<td>{checkpoint.last_seq}</td>" in page
    assert checkpoint.last_hash in page
    assert checkpoint.signature in page and checkpoint.public_key in page
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(checkpoint.public_key))
    key.verify(
        bytes.fromhex(checkpoint.signature),
        signed_message(checkpoint.last_seq, checkpoint.last_hash),
    )  # raises when it does not verify


def test_the_portal_is_rate_limited_and_the_first_refusal_is_audited(
    client: TestClient, db: Database
) -> None:
    client.app.state.settings = client.app.state.settings.with_overrides(  # type: ignore[attr-defined]
        public_requests_per_minute=3
    )
    answers = [client.get("/transparency").status_code for _ in range(5)]

    assert answers == [200, 200, 200, 429, 429]
    (entry,) = entries(db, "portal.throttled")
    assert entry.outcome == "denied"
    assert entry.details["path"] == "/transparency"

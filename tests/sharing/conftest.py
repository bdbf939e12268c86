"""Personas of outside access (issue 16), each in the test's own rolled-back transaction:

- ``santaclara``: a Santa Clara County Sheriff's detective; the agency has an active agreement
- ``sunnyvale``: a Sunnyvale Department of Public Safety detective; no agreement
- ``fedagent``: an ICE agent (federal)
- ``nvdeputy``: a Washoe County (Nevada) deputy
- ``vendor``: an account at a commercial vendor
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from plateward.accounts import service as accounts
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.sharing import agreements
from plateward.sharing import service as agencies
from plateward.sharing.models import SharingAgreement
from tests.conftest import NOW, PASSWORD, accept_statement, post_login
from tests.hotlists.conftest import people  # noqa: F401 — department personas, signed in

SANTA_CLARA = "CA0430000"  # Santa Clara County Sheriff's Office (the demo city's)
SUNNYVALE = "CA0431400"  # Sunnyvale Department of Public Safety
ICE = "DC0011900"  # U.S. Immigration and Customs Enforcement (federal)
WASHOE = "NV0160000"
VENDOR = "CA9990001"
TODAY = NOW.date()

OUTSIDE = {
    # username: (agency ORI, unit)
    "santaclara": (SANTA_CLARA, "Investigations Division"),
    "sunnyvale": (SUNNYVALE, "Detective Bureau"),
    "fedagent": (ICE, "Enforcement and Removal Operations"),
    "nvdeputy": (WASHOE, "Detective Division"),
    "vendor": (VENDOR, "Customer Success"),
}
OUTSIDE_PURPOSE: dict[str, Any] = {
    "category": "criminal_investigation",
    "crime_type": "PC 211",
    "case_number": "SC26-004512",
    "justification": "Armed robbery of a Cupertino jewelry store; suspect car seen on US-101.",
}
WEEK_AGO = (NOW - timedelta(days=7)).isoformat()


@pytest.fixture
def outside(db: Database) -> dict[str, str]:
    """Register the outside agencies, their people (trained, MFA enrolled) and Santa Clara's
    agreement; the TOTP secret of each person by username."""
    operator = Actor.system("tests")
    secrets = {}
    with db.unit_of_work() as uow:
        agencies.register_agency(
            uow, ori=WASHOE, name="Washoe County Sheriff's Office", state="NV", kind="county"
        )
        agencies.register_agency(
            uow, ori=VENDOR, name="Acme Plate Recovery LLC", state="CA", kind="commercial"
        )
        for username, (ori, unit) in OUTSIDE.items():
            spec = accounts.PersonSpec(
                username, f"Test {username}", "external_agency", unit, ori, PASSWORD, "77"
            )
            person = accounts.create_person(uow, operator, spec, pre_enrolled=True)
            assert isinstance(person, accounts.NewPerson)
            secrets[username] = person.totp_secret or ""
            accounts.record_training(
                uow, operator, person.id, "ALPR", TODAY, TODAY + timedelta(days=365)
            )
        uow.commit()
    return secrets


@pytest.fixture
def santa_clara_agreement(db: Database, outside: dict[str, str]) -> int:
    """Santa Clara County's agreement in force (search), as an administrator records it."""
    with db.unit_of_work() as uow:
        view = agreements.create_agreement(
            uow,
            Actor.system("tests"),
            ori=SANTA_CLARA,
            reference="SJ-SHARE-2026-014 (signed 2026-01-12)",
            effective_on=TODAY - timedelta(days=30),
            expires_on=TODAY + timedelta(days=300),
            scopes=["search"],
            contacts="Lt. R. Moreno, records@sheriff.example",
        )
    return view.id


def write_agreement_row(db: Database, ori: str, *, expires_on: date | None = None) -> int:
    """An agreement row written around the service (as a direct database edit would)."""
    with db.unit_of_work() as uow:
        agency = agencies.agency_by_ori(uow, ori)
        row = SharingAgreement(
            agency_id=agency.id,
            reference="written directly",
            effective_on=TODAY - timedelta(days=10),
            expires_on=expires_on or TODAY + timedelta(days=100),
            scopes=json.dumps(["search", "alerts"]),
            contacts="",
            status="active",
            created_at=NOW,
            created_by="nobody",
            changed_at=NOW,
        )
        uow.session.add(row)
        uow.commit()
        return row.id


def sign_in_outside(client: TestClient, db: Database, secrets: dict[str, str], name: str) -> None:
    clock = db.clock
    clock.advance(timedelta(seconds=30))  # type: ignore[attr-defined]
    code = pyotp.TOTP(secrets[name]).at(clock.now())
    assert post_login(client, name, code=code).status_code == 303
    accept_statement(client)


@pytest.fixture
def browser(client: TestClient) -> Callable[[], Iterator[TestClient]]:
    """Another browser on the same server, for a second person."""

    def make() -> Iterator[TestClient]:
        with TestClient(client.app) as second:
            yield second

    return make


def outside_search(client: TestClient, **fields: Any) -> Response:
    body = {**OUTSIDE_PURPOSE, "start": WEEK_AGO, "end": NOW.isoformat(), **fields}
    return client.post("/api/v1/searches", json={k: v for k, v in body.items() if v is not None})

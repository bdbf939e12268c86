"""A newcomer can try sharing in the demo: the Sheriff's detective (``external``) searches under
an agreement; the Sunnyvale detective (``sunnyvale``) has no access and can ask for it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyotp
from fastapi.testclient import TestClient

from plateward.core.database import Database
from plateward.demo.build import DemoAccount, build_city
from tests.conftest import accept_statement, post_login
from tests.search.conftest import search
from tests.sharing.conftest import OUTSIDE_PURPOSE


def _sign_in(client: TestClient, db: Database, account: DemoAccount) -> None:
    db.clock.advance(timedelta(seconds=30))  # type: ignore[attr-defined]
    code = pyotp.TOTP(account.totp_secret).at(db.clock.now())
    response = post_login(client, account.username, password=account.password, code=code)
    assert response.status_code == 303, response.text
    accept_statement(client)


def test_the_demo_has_a_detective_under_an_agreement_and_one_without_access(
    client: TestClient, db: Database, tmp_path: Path
) -> None:
    demo = build_city(db, tmp_path, reads_count=200)
    accounts = {a.username: a for a in demo.accounts}
    assert {"external", "sunnyvale"} <= set(accounts)

    _sign_in(client, db, accounts["external"])
    found = search(client, **OUTSIDE_PURPOSE)
    assert found.status_code == 200, found.text
    assert found.json()["mark"] == "SJPD data — no redistribution"
    shared = client.get("/api/v1/alerts")  # the department's hot list is shared with them
    assert shared.status_code == 200, shared.text
    assert all(a["list"] == "department" and a["mark"] for a in shared.json())
    assert 'href="/alerts"' in client.get("/").text

    with TestClient(client.app) as other:
        _sign_in(other, db, accounts["sunnyvale"])
        assert search(other, **OUTSIDE_PURPOSE).status_code == 403
        assert other.get("/sharing/requests").status_code == 200
    build_city(db, tmp_path, reads_count=200)  # again: no second agreement
    with db.unit_of_work() as uow:
        from plateward.core.permissions import Actor
        from plateward.sharing import agreements

        made = agreements.list_agreements(uow, Actor.system("tests"))
    assert len(made) == 1 and made[0].in_force

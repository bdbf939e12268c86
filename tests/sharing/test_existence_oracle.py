"""Never confirm existence (DUP §10): an ineligible or unauthorized requester gets the same
answer — status, body, headers — whether or not matching data exists, and the same work is done
either way: not one statement touches the reads, so no timing can depend on them (the medians are
measured by bench/sharing_oracle.py; tests never assert on time)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import event

from plateward.core.database import Database
from tests.conftest import Backend, native_read
from tests.search.conftest import push
from tests.sharing.conftest import SANTA_CLARA, outside_search, sign_in_outside

PLATE = "6ORC123"
_SAVEPOINT = re.compile(r"sa_savepoint_\d+")
ROUNDS = 3


@contextmanager
def statements(backend: Backend) -> Iterator[list[str]]:
    """The SQL statements the server runs meanwhile (their text, without parameters)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(_SAVEPOINT.sub("sa_savepoint_N", " ".join(statement.split())))

    event.listen(backend.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(backend.engine, "before_cursor_execute", record)


def _answer(response: Response) -> tuple[int, bytes, dict[str, str]]:
    headers = {k: v for k, v in response.headers.items() if k.lower() != "date"}
    return response.status_code, response.content, headers


def _probe(client: TestClient) -> list[Callable[[], Response]]:
    """What an outsider might try: the API search, the same for another agency, the page."""
    return [
        lambda: outside_search(client, plate=PLATE),
        lambda: outside_search(
            client,
            plate=PLATE,
            category="agency_support",
            beneficiary_agency="Milpitas Police Department",
        ),
        lambda: outside_search(client, plate=PLATE, fuzzy=True),
        lambda: client.get("/search"),
        lambda: client.get("/api/v1/searches/1"),
    ]


def _suspend(db: Database) -> None:
    from plateward.core.permissions import Actor
    from plateward.sharing import agreements

    with db.unit_of_work() as uow:
        made = agreements.create_agreement(
            uow,
            Actor.system("tests"),
            ori=SANTA_CLARA,
            reference="SJ-SHARE-2026-014",
            effective_on=uow.now().date(),
            expires_on=uow.now().date().replace(year=2027),
            scopes=["search"],
        )
        agreements.change_status(uow, Actor.system("tests"), made.id, "suspended", "audit")


@pytest.mark.parametrize(
    "persona", ["fedagent", "nvdeputy", "vendor", "sunnyvale", "santaclara-suspended"]
)
def test_the_answer_is_the_same_whether_or_not_the_data_exists(
    persona: str,
    client: TestClient,
    backend: Backend,
    db: Database,
    ingest_token: str,
    outside: dict[str, str],
) -> None:
    if persona == "santaclara-suspended":
        _suspend(db)
    sign_in_outside(client, db, outside, persona.split("-", maxsplit=1)[0])
    probes = _probe(client)
    for probe in probes:
        probe()  # warm: first-use caches are not what is compared

    without, without_sql = [], []
    for _ in range(ROUNDS):
        for probe in probes:
            with statements(backend) as sql:
                without.append(_answer(probe()))
            without_sql.append(sql)
    push(client, ingest_token, native_read(plate=PLATE), native_read(plate=PLATE, minutes_ago=9))
    with_data, with_sql = [], []
    for _ in range(ROUNDS):
        for probe in probes:
            with statements(backend) as sql:
                with_data.append(_answer(probe()))
            with_sql.append(sql)

    assert with_data == without
    assert {status for status, _, _ in with_data} <= {401, 403}
    assert with_sql == without_sql  # the same statements, in the same order
    touched = [s for run in with_sql for s in run if re.search(r"\breads\b", s)]
    assert touched == []


def test_the_statement_watch_sees_a_search_that_does_touch_the_reads(
    client: TestClient,
    backend: Backend,
    db: Database,
    ingest_token: str,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    # The control of the test above: under an agreement the same probe reaches the reads.
    push(client, ingest_token, native_read(plate=PLATE))
    sign_in_outside(client, db, outside, "santaclara")

    with statements(backend) as sql:
        assert outside_search(client, plate=PLATE).status_code == 200

    assert any(re.search(r"\breads\b", s) for s in sql)


def test_a_search_on_behalf_of_a_federal_agency_answers_the_same_whether_or_not_data_exists(
    client: TestClient, backend: Backend, db: Database, ingest_token: str
) -> None:
    # Department staff searching for the FBI: the guard refuses before any query (a proxy search).
    from tests.conftest import sign_in

    sign_in(client, backend, "investigator")

    def probe() -> Response:
        return outside_search(
            client,
            plate=PLATE,
            case_number="26-004512",
            category="agency_support",
            beneficiary_agency="FBI San Francisco field office",
        )

    probe()
    with statements(backend) as without_sql:
        without = [_answer(probe()) for _ in range(ROUNDS)]
    push(client, ingest_token, native_read(plate=PLATE))
    with statements(backend) as with_sql:
        with_data = [_answer(probe()) for _ in range(ROUNDS)]

    assert with_data == without
    assert {status for status, _, _ in with_data} == {403}
    assert with_sql == without_sql
    assert not [s for s in with_sql if re.search(r"\breads\b", s)]

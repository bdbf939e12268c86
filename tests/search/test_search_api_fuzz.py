"""The search API, fuzzed from its OpenAPI schema with a lieutenant's token (schemathesis): the
routes are reached, not only refused, and no input makes them fail or answer off-schema."""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.generation import GenerationMode
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts import tokens
from plateward.accounts.models import User
from plateward.core.database import Database
from tests.conftest import Backend
from tests.web.test_api_fuzz import _fuzz


def _lieutenant_token(db: Database) -> str:
    with db.unit_of_work() as uow:
        lieutenant = uow.session.scalars(select(User).where(User.username == "lieutenant")).one()
        version = people.current_statement(uow).version
        actor = people.actor_for(uow, lieutenant, acknowledged_version=version)
        scopes = ["reads:search", "reads:export", "searches:review"]
        return tokens.issue_personal_token(uow, actor, "fuzz", scopes, 1)


def test_the_search_api_answers_a_searchers_every_input(
    client: TestClient, db: Database, backend: Backend
) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    headers = {"Authorization": f"Bearer {_lieutenant_token(db)}"}
    operations = [r.ok() for r in schema.get_all_operations() if "search" in r.ok().path]
    assert {op.path for op in operations} >= {"/api/v1/searches", "/api/v1/search-reviews"}
    for operation in operations:
        _fuzz(operation, headers)
        if operation.method.upper() == "POST":
            _fuzz(operation, headers, GenerationMode.NEGATIVE)

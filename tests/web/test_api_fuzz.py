"""The API, fuzzed from its own OpenAPI schema (schemathesis): no input makes it fail.

Each operation's strategy comes from the schema; every generated request must get an answer that
the schema declares (status and body), never a server error.
"""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import select

from plateward.accounts import service as people
from plateward.accounts import tokens
from plateward.accounts.models import User
from plateward.core.database import Database
from tests.conftest import Backend


def _fuzz(
    operation: schemathesis.APIOperation,
    headers: dict[str, str],
    mode: GenerationMode = GenerationMode.POSITIVE,
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        # Not "positive data acceptance": `?format=openalpr` with a native batch is schema-valid yet
        # rightly refused, a dependency between query and body that OpenAPI cannot express.
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    run()


def test_the_api_answers_every_input_without_failing(
    client: TestClient, ingest_token: str, backend: Backend
) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/v1/reads", "/api/v1/cameras", "/healthz"}
    for operation in operations:
        # With the camera network's token the ingest route sees a real caller, not only 401s.
        _fuzz(operation, {"Authorization": f"Bearer {ingest_token}"})


def test_input_that_breaks_the_schema_is_refused_as_the_schema_says(
    client: TestClient, ingest_token: str, backend: Backend
) -> None:
    """Negative cases: what the schema forbids must not be answered with a success."""
    app: FastAPI = client.app  # type: ignore[assignment]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "POST":
            _fuzz(operation, {"Authorization": f"Bearer {ingest_token}"}, GenerationMode.NEGATIVE)


def _admin_token(db: Database) -> str:
    with db.unit_of_work() as uow:
        admin = uow.session.scalars(select(User).where(User.username == "admin")).one()
        version = people.current_statement(uow).version
        actor = people.actor_for(uow, admin, acknowledged_version=version)
        return tokens.issue_personal_token(
            uow, actor, "fuzz", ["cameras:manage", "cameras:view"], 1
        )


def test_the_camera_registry_api_answers_an_administrators_every_input(
    client: TestClient, db: Database, backend: Backend
) -> None:
    """With an administrator's token the registry's routes are reached, not only refused."""
    app: FastAPI = client.app  # type: ignore[assignment]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    headers = {"Authorization": f"Bearer {_admin_token(db)}"}
    cameras = [r.ok() for r in schema.get_all_operations() if "/cameras" in r.ok().path]
    assert {op.method.upper() for op in cameras} >= {"GET", "POST", "PATCH"}
    for operation in cameras:
        _fuzz(operation, headers)
        if operation.method.upper() != "GET":
            _fuzz(operation, headers, GenerationMode.NEGATIVE)

"""Test fixtures: every test runs on SQLite and on PostgreSQL, inside a transaction rolled back.

A shared city (agencies, cameras, personas, an ingest token) is built once per backend and
committed; each test then works inside an outer transaction that is rolled back at the end, with
the services' commits turned into savepoints.

PostgreSQL is not optional: if it is unreachable the run fails, unless a developer explicitly sets
PLATEWARD_ALLOW_NO_POSTGRES=1 on a machine without it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from httpx2 import Response
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import sessionmaker

from plateward.accounts import service as accounts
from plateward.accounts import tokens
from plateward.cameras import service as cameras
from plateward.core.clock import FrozenClock
from plateward.core.database import Database, make_engine
from plateward.core.migrate import upgrade
from plateward.core.permissions import Actor
from plateward.core.settings import Settings
from plateward.demo import city
from plateward.demo.build import _register_places
from plateward.reads import service as reads

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
# Property tests explore new examples on every local run; CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci)
# replays the same examples every time, so a submission's result does not depend on the draw.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("dev", print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

PG_URL = os.environ.get("PLATEWARD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
# One schema per test process, so parallel runs (a developer and CI) never collide.
PG_SCHEMA = f"plateward_test_{os.getpid()}"
PASSWORD = "correct horse battery staple"
PERSONAS = {
    # username: (role, unit, agency)
    "admin": ("administrator", "Crime Data Intelligence Center", city.HOME_AGENCY_ORI),
    "officer": ("officer", "Patrol Division", city.HOME_AGENCY_ORI),
    "investigator": ("investigator", "Robbery Unit", city.HOME_AGENCY_ORI),
    "lieutenant": ("lieutenant", "Robbery Unit", city.HOME_AGENCY_ORI),
    "auditor": ("auditor", "Internal Affairs Audit Unit", city.HOME_AGENCY_ORI),
    "command": ("command", "Bureau of Field Operations", city.HOME_AGENCY_ORI),
    "dpo": ("privacy_officer", "City Digital Privacy Office", city.HOME_AGENCY_ORI),
}


@dataclass(frozen=True)
class Backend:
    name: str
    engine: Engine
    ingest_token: str
    totp: dict[str, str]


def _pg_reachable() -> bool:
    engine = make_engine(PG_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return False
    finally:
        engine.dispose()
    return True


def _pg_engine() -> Engine:
    base = make_engine(PG_URL)
    with base.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
        conn.commit()
    base.dispose()
    url = base.url.set(query={"options": f"-csearch_path={PG_SCHEMA},public"})
    return create_engine(url)


def make_settings(data_dir: Path, url: str) -> Settings:
    return Settings(data_dir=data_dir, database_url=url, secret_key="test-secret-key" * 2)


def _seed(engine: Engine, settings: Settings) -> tuple[str, dict[str, str]]:
    upgrade(engine)
    db = Database(engine, settings, FrozenClock(NOW), sessionmaker(engine, expire_on_commit=False))
    operator = Actor.system("tests")
    _register_places(db, operator)
    secrets: dict[str, str] = {}
    with db.unit_of_work() as uow:
        for username, (role, unit, ori) in PERSONAS.items():
            spec = accounts.PersonSpec(
                username,
                f"Test {username.title()}",
                role,
                unit,
                ori,
                PASSWORD,
                f"{len(secrets) + 1000}",
            )
            person = accounts.create_person(uow, operator, spec, pre_enrolled=True)
            secrets[username] = person.totp_secret or ""
            accounts.record_training(
                uow,
                operator,
                person.id,
                "SJPD ALPR user training",
                NOW.date() - timedelta(days=10),
                NOW.date() + timedelta(days=355),
            )
        token = tokens.issue_service_credential(
            uow, operator, "Test camera network", city.HOME_AGENCY_ORI
        )
        uow.commit()
    if engine.dialect.name == "postgresql":
        with db.unit_of_work() as uow:
            reads.prepare_partitions(uow)
            uow.commit()
    return token, secrets


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    # argon2id's production cost is deliberate; tests only need the same algorithm, cheaper.
    from plateward.accounts import sessions

    original, dummy = accounts._hasher, sessions._DUMMY_HASH
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    # Unknown usernames are checked against a dummy hash of the same cost as real ones.
    sessions._DUMMY_HASH = accounts._hasher.hash("plateward-no-such-user")
    yield
    accounts._hasher, sessions._DUMMY_HASH = original, dummy


@pytest.fixture(scope="session")
def sqlite_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    path = tmp_path_factory.mktemp("sqlite")
    settings = make_settings(path, f"sqlite:///{path / 'test.db'}")
    engine = make_engine(settings.resolved_database_url)
    token, secrets = _seed(engine, settings)
    yield Backend("sqlite", engine, token, secrets)
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_backend() -> Iterator[Backend]:
    if not _pg_reachable():
        if os.environ.get("PLATEWARD_ALLOW_NO_POSTGRES") == "1":
            pytest.skip("PostgreSQL unreachable and PLATEWARD_ALLOW_NO_POSTGRES=1")
        pytest.fail(f"PostgreSQL is unreachable at {PG_URL}; the suite needs it", pytrace=False)
    engine = _pg_engine()
    token, secrets = _seed(engine, make_settings(Path("var-test"), PG_URL))
    yield Backend("postgresql", engine, token, secrets)
    engine.dispose()
    base = make_engine(PG_URL)
    with base.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.commit()
    base.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> Backend:
    backend: Backend = request.getfixturevalue(f"{request.param}_backend")
    return backend


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def settings(tmp_path: Path, backend: Backend) -> Settings:
    return make_settings(tmp_path, str(backend.engine.url.render_as_string(hide_password=False)))


@pytest.fixture
def db(backend: Backend, settings: Settings, clock: FrozenClock) -> Iterator[Database]:
    connection = backend.engine.connect()
    outer = connection.begin()
    try:
        yield Database.bound_to(connection, settings, clock)
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def operator() -> Actor:
    return Actor.system("tests")


@pytest.fixture
def client(db: Database, settings: Settings) -> Iterator[TestClient]:
    from plateward.web.app import create_app

    with TestClient(create_app(settings, db)) as test_client:
        yield test_client


@pytest.fixture
def ingest_token(backend: Backend) -> str:
    return backend.ingest_token


def totp_code(backend: Backend, username: str, at: datetime = NOW) -> str:
    return pyotp.TOTP(backend.totp[username]).at(at)


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def post_login(
    client: TestClient,
    username: str,
    *,
    password: str = PASSWORD,
    code: str = "",
    next_path: str = "/",
    csrf: str | None = None,
) -> Response:
    """Submit the sign-in form as a browser would: fetch it for its CSRF token, then post."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "code": code,
            "csrf_token": csrf_from(page.text) if csrf is None else csrf,
            "next": next_path,
        },
        follow_redirects=False,
    )


def sign_in(
    client: TestClient, backend: Backend, username: str, *, acknowledge: bool = True
) -> TestClient:
    """Sign in with password and code, then accept the restriction statement (unless told not)."""
    # A code is accepted once (no replay): each sign-in moves the frozen clock to a fresh step.
    clock = client.app.state.database.clock  # type: ignore[attr-defined]
    clock.advance(timedelta(seconds=30))
    response = post_login(client, username, code=totp_code(backend, username, clock.now()))
    assert response.status_code == 303, response.text
    if acknowledge:
        accept_statement(client)
    return client


def accept_statement(client: TestClient) -> None:
    page = client.get("/acknowledge")
    assert page.status_code == 200, page.text
    version = re.search(r'name="version" value="([^"]+)"', page.text)
    assert version
    response = client.post(
        "/acknowledge",
        data={"csrf_token": csrf_from(page.text), "version": version.group(1), "accept": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def native_read(
    camera: str = "SJ-FX-001", minutes_ago: int = 5, plate: str = "7ABC123", **extra: object
) -> dict[str, object]:
    captured = NOW - timedelta(minutes=minutes_ago)
    return {
        "camera": camera,
        "captured_at": captured.isoformat(),
        "plate": plate,
        "plate_state": "CA",
        **extra,
    }


@pytest.fixture
def camera_codes(db: Database, operator: Actor) -> list[str]:
    with db.unit_of_work() as uow:
        return [c.code for c in cameras.list_cameras(uow, operator) if c.status == "active"]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory for the `plateward` command, free of the environment's settings."""
    for name in (
        "PLATEWARD_DATABASE_URL",
        "PLATEWARD_DATA_DIR",
        "PLATEWARD_AUDIT_SIGNING_KEY_FILE",
        "PLATEWARD_AUDIT_WITNESS_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "var"


def run_cli(*args: str) -> str:
    """Run `plateward ARGS` as an operator would; it must succeed. Its output."""
    from typer.testing import CliRunner

    from plateward.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def fresh_postgresql() -> Iterator[Engine]:
    """A PostgreSQL schema of its own, migrated and committed to, dropped at the end: for tests
    that need real concurrent transactions or a second process, outside the rolled-back ones."""
    schema = f"plateward_fresh_{os.getpid()}"
    base = make_engine(PG_URL)
    with base.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
        conn.commit()
    engine = create_engine(base.url.set(query={"options": f"-csearch_path={schema},public"}))
    upgrade(engine)
    yield engine
    engine.dispose()
    with base.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        conn.commit()
    base.dispose()

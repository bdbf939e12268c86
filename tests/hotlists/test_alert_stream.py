"""Live alerts over server-sent events, against a real server on a loopback port: an officer with
the stream open receives the alert of a read ingested after it opened, on SQLite and PostgreSQL
(whose database is committed to here, outside the rolled-back test transactions)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx2
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from plateward.core.clock import FrozenClock
from plateward.core.database import Database, make_engine
from plateward.hotlists.wiring import stop_matching
from plateward.web.app import create_app
from tests.conftest import (
    NOW,
    PASSWORD,
    Backend,
    _seed,
    accept_statement,
    make_settings,
    post_login,
    totp_code,
)
from tests.hotlists.conftest import decide, propose, proposed_id, read_of


@dataclass
class Server:
    """One server process's app on a loopback port (several may share one database)."""

    app: FastAPI
    url: str
    uvicorn: uvicorn.Server
    thread: threading.Thread
    listener: socket.socket

    def stop(self) -> None:
        self.uvicorn.should_exit = True
        self.thread.join(timeout=15)
        assert not self.thread.is_alive(), "the server did not stop"
        self.listener.close()


def _serve(db: Database) -> Server:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    app = create_app(db.settings, db)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    return Server(app, url, server, thread, listener)


@dataclass
class Live:
    db: Database
    backend: Backend
    clock: FrozenClock
    servers: list[Server] = field(default_factory=list)
    clients: list[httpx2.Client] = field(default_factory=list)

    def serve(self) -> Server:
        self.servers.append(_serve(self.db))
        return self.servers[-1]

    def client(self, server: Server | None = None) -> httpx2.Client:
        url = (server or self.servers[0]).url
        client = httpx2.Client(base_url=url, timeout=60)
        self.clients.append(client)
        return client

    def person(self, username: str, server: Server | None = None) -> httpx2.Client:
        client = self.client(server)
        self.clock.advance(timedelta(seconds=30))  # a fresh authenticator step for each sign-in
        code = totp_code(self.backend, username, self.clock.now())
        response = post_login(client, username, password=PASSWORD, code=code)  # type: ignore[arg-type]
        assert response.status_code == 303, response.text
        accept_statement(client)  # type: ignore[arg-type]
        return client


def _engine(name: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Engine, str]:
    if name == "postgresql":
        engine: Engine = request.getfixturevalue("fresh_postgresql")
        return engine, engine.url.render_as_string(hide_password=False)
    url = f"sqlite:///{tmp_path / 'live.db'}"
    return make_engine(url), url


@pytest.fixture(params=["sqlite", "postgresql"])
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Live]:
    engine, url = _engine(request.param, tmp_path, request)
    settings = make_settings(tmp_path, url)
    token, secrets = _seed(engine, settings)
    clock = FrozenClock(NOW)
    db = Database(engine, settings, clock, sessionmaker(engine, expire_on_commit=False))
    live = Live(db, Backend(request.param, engine, token, secrets), clock)
    live.serve()
    try:
        yield live
    finally:
        for client in live.clients:
            client.close()  # an open stream would hold the server's shutdown
        for server in live.servers:
            server.stop()
        if request.param == "sqlite":
            engine.dispose()


def _events(response: httpx2.Response) -> Iterator[dict[str, str]]:
    event: dict[str, str] = {}
    for line in response.iter_lines():
        if not line:
            if event:
                yield event
            event = {}
            continue
        field, _, value = line.partition(":")
        event[field] = event.get(field, "") + value.removeprefix(" ")


def _alert_after_ingest(
    officer: httpx2.Client, camera: httpx2.Client, token: str
) -> dict[str, str]:
    """Open the officer's stream, wait until it is live, ingest a listed plate: its alert event."""
    with officer.stream("GET", "/alerts/stream?seconds=30") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = _events(response)
        assert next(events)["event"] == "ready"  # caught up: what follows is live
        stored = camera.post(
            "/api/v1/reads",
            json={"reads": [read_of("7STL123")]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert stored.status_code == 200, stored.text
        return next(e for e in events if e.get("event") == "alert")


def test_an_open_stream_receives_the_alert_of_a_read_ingested_after_it_opened(live: Live) -> None:
    entry_id = proposed_id(propose(live.person("investigator")))  # type: ignore[arg-type]
    assert decide(live.person("lieutenant"), entry_id).status_code == 303  # type: ignore[arg-type]
    officer = live.person("officer")
    camera = live.client()

    event = _alert_after_ingest(officer, camera, live.backend.ingest_token)

    assert "7STL123" in event["data"] and "26-004211" in event["data"]
    assert event["id"].isdigit()
    # An investigator holds no alerts:receive: the stream refuses them.
    assert live.person("investigator").get("/alerts/stream?seconds=0").status_code == 403


def test_an_alert_stored_by_another_server_process_reaches_the_officers_stream(
    live: Live,
) -> None:
    """Fan-out across processes: the database is the source of truth. The officer's server has
    no matcher of its own here, so only its alert bus's look at the hits table can wake it."""
    officers_server, cameras_server = live.servers[0], live.serve()
    stop_matching(officers_server.app)
    entry_id = proposed_id(propose(live.person("investigator", cameras_server)))  # type: ignore[arg-type]
    assert decide(live.person("lieutenant", cameras_server), entry_id).status_code == 303  # type: ignore[arg-type]
    officer = live.person("officer", officers_server)
    camera = live.client(cameras_server)

    event = _alert_after_ingest(officer, camera, live.backend.ingest_token)

    assert "7STL123" in event["data"]

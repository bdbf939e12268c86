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
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from plateward.core.clock import FrozenClock
from plateward.core.database import Database, make_engine
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
class Live:
    url: str
    backend: Backend
    clock: FrozenClock
    clients: list[httpx2.Client] = field(default_factory=list)

    def client(self) -> httpx2.Client:
        client = httpx2.Client(base_url=self.url, timeout=20)
        self.clients.append(client)
        return client

    def person(self, username: str) -> httpx2.Client:
        client = self.client()
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
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(settings, db), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    live = Live("", Backend(request.param, engine, token, secrets), clock)
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        port = listener.getsockname()[1]
        live.url = f"http://127.0.0.1:{port}"
        yield live
    finally:
        for client in live.clients:
            client.close()  # an open stream would hold the server's shutdown
        server.should_exit = True
        thread.join(timeout=15)
        assert not thread.is_alive(), "the server did not stop"
        listener.close()
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


def test_an_open_stream_receives_the_alert_of_a_read_ingested_after_it_opened(live: Live) -> None:
    entry_id = proposed_id(propose(live.person("investigator")))  # type: ignore[arg-type]
    assert decide(live.person("lieutenant"), entry_id).status_code == 303  # type: ignore[arg-type]
    officer = live.person("officer")
    camera = live.client()

    with officer.stream("GET", "/alerts/stream?seconds=30") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        stored = camera.post(
            "/api/v1/reads",
            json={"reads": [read_of("7STL123")]},
            headers={"Authorization": f"Bearer {live.backend.ingest_token}"},
        )
        assert stored.status_code == 200, stored.text
        event = next(e for e in _events(response) if e.get("event") == "alert")

    assert "7STL123" in event["data"] and "SJ-2026-004211" in event["data"]
    assert event["id"].isdigit()
    # An investigator holds no alerts:receive: the stream refuses them.
    assert live.person("investigator").get("/alerts/stream?seconds=0").status_code == 403

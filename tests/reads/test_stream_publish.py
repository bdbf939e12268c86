"""POST /api/v1/reads with a broker: the same verdict per row, the answer after JetStream's ack."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import nats
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from plateward.core import broker
from plateward.core.database import Database
from plateward.core.settings import Settings
from plateward.reads.models import QuarantinedRow, Read
from tests.conftest import Backend, make_settings, native_read
from tests.reads.stream_support import NatsCluster, free_port


@pytest.fixture
def settings(tmp_path: Path, backend: Backend, nats_server: NatsCluster) -> Settings:
    url = str(backend.engine.url.render_as_string(hide_password=False))
    namespace = f"p{uuid.uuid4().hex[:10]}"
    chosen = make_settings(tmp_path, url).with_overrides(
        nats_url=nats_server.url, nats_namespace=namespace
    )
    asyncio.run(broker.setup(chosen))
    return chosen


def _push(client: TestClient, token: str, body: object):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/reads", json=body, headers={"Authorization": f"Bearer {token}"})


def _count(db: Database, model: type) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _in_stream(settings: Settings) -> list[tuple[str, str]]:
    """(subject, Nats-Msg-Id) of every message the reads stream holds."""

    async def look() -> list[tuple[str, str]]:
        nc = await nats.connect(settings.nats_url)
        try:
            js = nc.jetstream()
            names = broker.subjects(settings)
            state = (await js.stream_info(names.reads_stream)).state
            found = []
            for seq in range(state.first_seq, state.last_seq + 1):
                msg = await js.get_msg(names.reads_stream, seq)
                found.append((msg.subject, (msg.headers or {}).get("Nats-Msg-Id", "")))
            return found if state.messages else []
        finally:
            await nc.close()

    return asyncio.run(look())


def test_reads_are_held_by_jetstream_before_the_answer(
    client: TestClient, ingest_token: str, db: Database, settings: Settings
) -> None:
    good = [native_read(minutes_ago=n, plate=f"7ABC{100 + n}") for n in range(1, 4)]
    bad = native_read(camera="NO-SUCH-CAMERA")
    response = _push(client, ingest_token, {"reads": [*good, bad]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["stream"], body["stored"], body["duplicates"]) == (True, 3, 0)
    assert [r["reason"] for r in body["rejected"]] == ["unknown camera 'NO-SUCH-CAMERA'"]
    held = _in_stream(settings)
    assert len(held) == 3
    agency = held[0][0].split(".")[2]
    assert {subject for subject, _ in held} == {
        f"{settings.nats_namespace}.reads.{agency}.SJ-FX-001"
    }
    assert all(uuid.UUID(msg_id) for _, msg_id in held)
    # The web node stores nothing itself (a worker does); the bad row is quarantined as ever.
    assert _count(db, Read) == 0
    assert _count(db, QuarantinedRow) == 1


def test_a_resent_batch_is_held_once(
    client: TestClient, ingest_token: str, settings: Settings
) -> None:
    reads = [native_read(read_id=f"cam-9-{n}", minutes_ago=n) for n in range(1, 5)]
    assert _push(client, ingest_token, {"reads": reads}).json()["stored"] == 4
    again = _push(client, ingest_token, {"reads": reads}).json()
    assert (again["stored"], again["duplicates"]) == (0, 4)
    assert len(_in_stream(settings)) == 4


def test_an_unreachable_broker_is_a_503_that_quarantines_nothing(
    backend: Backend, db: Database, ingest_token: str, settings: Settings
) -> None:
    from plateward.web.app import create_app

    away = settings.with_overrides(nats_url=f"nats://127.0.0.1:{free_port()}")
    gone = Database(db.engine, away, db.clock, db._sessions)
    with TestClient(create_app(away, gone)) as client:
        reads = [native_read(), native_read(camera="NO-SUCH-CAMERA")]
        response = _push(client, ingest_token, {"reads": reads})
        assert response.status_code == 503, response.text
        assert "broker" in response.json()["detail"]
        # Rolled back: the sender retries the whole batch, and its bad row is then quarantined once.
        assert _count(gone, QuarantinedRow) == 0
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").json()["broker"] == "disconnected"

"""POST /api/v1/reads with a broker: the same verdict per row, the answer after JetStream's ack."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import nats
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select

from plateward.core import broker
from plateward.core.database import Database
from plateward.core.settings import Settings
from plateward.reads.models import QuarantinedRow, Read
from tests.conftest import Backend, make_settings, native_read
from tests.reads.stream_support import NatsCluster, free_port


@pytest.fixture
def settings(
    request: pytest.FixtureRequest, tmp_path: Path, backend: Backend, nats_server: NatsCluster
) -> Settings:
    url = str(backend.engine.url.render_as_string(hide_password=False))
    namespace = f"p{uuid.uuid4().hex[:10]}"
    marker = request.node.get_closest_marker("bundle_reads")
    chosen = make_settings(tmp_path, url).with_overrides(
        nats_url=nats_server.url,
        nats_namespace=namespace,
        nats_bundle_reads=marker.args[0] if marker else 200,
    )
    asyncio.run(broker.setup(chosen))
    return chosen


def _push(client: TestClient, token: str, body: object):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/reads", json=body, headers={"Authorization": f"Bearer {token}"})


def _count(db: Database, model: type) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _held(settings: Settings) -> list[tuple[str, dict[str, str], bytes]]:
    """(subject, headers, body) of every message the reads stream holds."""

    async def look() -> list[tuple[str, dict[str, str], bytes]]:
        nc = await nats.connect(settings.nats_url)
        try:
            js = nc.jetstream()
            names = broker.subjects(settings)
            state = (await js.stream_info(names.reads_stream)).state
            found = []
            for seq in range(state.first_seq, state.last_seq + 1):
                msg = await js.get_msg(names.reads_stream, seq)
                found.append((msg.subject, dict(msg.headers or {}), msg.data or b""))
            return found if state.messages else []
        finally:
            await nc.close()

    return asyncio.run(look())


def _in_stream(settings: Settings) -> list[tuple[str, str]]:
    """(subject, Nats-Msg-Id) of every message the reads stream holds."""
    return [(subject, headers.get("Nats-Msg-Id", "")) for subject, headers, _ in _held(settings)]


ONE_A_MESSAGE = pytest.mark.bundle_reads(1)  # the web node publishes one message per read


@ONE_A_MESSAGE
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


@ONE_A_MESSAGE
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


def test_a_batch_goes_in_bundles_each_read_still_screened_on_its_own(
    client: TestClient, ingest_token: str, db: Database, settings: Settings
) -> None:
    good = [native_read(minutes_ago=n, plate=f"7BND{100 + n}") for n in range(1, 6)]
    good[4]["camera"] = "  SJ-FX-001 "  # trimmed by validation, and in the record
    repeated = dict(good[0])
    bad = native_read(camera="NO-SUCH-CAMERA")
    response = _push(client, ingest_token, {"reads": [*good, bad, repeated]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["stored"], body["duplicates"]) == (5, 1)
    assert [r["reason"] for r in body["rejected"]] == ["unknown camera 'NO-SUCH-CAMERA'"]
    ((subject, headers, data),) = _held(settings)
    assert subject.endswith("._bundle")
    assert headers[broker.BUNDLE_HEADER] == "5"
    assert headers["Nats-Msg-Id"].startswith("bundle-")
    # Sealed by the web node (subject and body), under the deployment's key only.
    key = broker.seal_key(settings)
    assert broker.sealed_by(key, subject, data, headers[broker.SEAL_HEADER])
    other = broker.seal_key(settings.with_overrides(secret_key=SecretStr("c" * 32)))
    assert not broker.sealed_by(other, subject, data, headers[broker.SEAL_HEADER])
    assert not broker.sealed_by(
        key, subject.replace(".reads.", ".reads.9"), data, headers[broker.SEAL_HEADER]
    )
    # The bundle carries the five reads as validation made them, in order (the plate as sent,
    # then as stored); the bad row stayed behind.
    records = json.loads(data)
    assert [(r[5], r[6]) for r in records] == [(r["plate"], r["plate"]) for r in good]
    assert {r[2] for r in records} == {"SJ-FX-001"}  # the code a worker looks up
    assert _count(db, QuarantinedRow) == 1
    # The same batch again makes the same bundle: the stream's duplicate window holds it once.
    again = _push(client, ingest_token, {"reads": [*good, bad, repeated]}).json()
    assert (again["stored"], again["duplicates"]) == (0, 6)
    assert len(_held(settings)) == 1


@pytest.mark.bundle_reads(2)
def test_bundles_close_at_the_setting_and_a_read_left_alone_goes_as_a_read(
    client: TestClient, ingest_token: str, settings: Settings
) -> None:
    reads = [native_read(minutes_ago=n, plate=f"7SPL{100 + n}") for n in range(1, 6)]
    assert _push(client, ingest_token, {"reads": reads}).json()["stored"] == 5
    held = _held(settings)
    assert [h[1].get(broker.BUNDLE_HEADER) for h in held] == ["2", "2", None]
    last_subject, last_headers, last_body = held[-1]
    assert last_subject.endswith(".SJ-FX-001")
    assert uuid.UUID(last_headers["Nats-Msg-Id"])
    assert json.loads(last_body)["plate"] == reads[-1]["plate"]

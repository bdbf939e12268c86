"""`plateward broker setup`: the reads stream and the workers' consumer, created idempotently."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import nats
from nats.js.api import RetentionPolicy, StreamInfo
from typer.testing import CliRunner

from plateward.cli import app
from plateward.core import broker
from plateward.core.settings import Settings
from tests.reads.stream_support import NatsCluster


def _settings(tmp_path: Path, server: NatsCluster, **changes: object) -> Settings:
    namespace = f"t{uuid.uuid4().hex[:10]}"
    return Settings(
        data_dir=tmp_path, nats_url=server.url, nats_namespace=namespace
    ).with_overrides(**changes)


def _info(settings: Settings) -> StreamInfo:
    async def look() -> StreamInfo:
        nc = await nats.connect(settings.nats_url)
        try:
            return await nc.jetstream().stream_info(broker.subjects(settings).reads_stream)
        finally:
            await nc.close()

    return asyncio.run(look())


def test_subjects_name_the_agency_and_the_camera() -> None:
    names = broker.Subjects("plateward")
    assert names.read(3, "SJ-FX-001") == "plateward.reads.3.SJ-FX-001"
    # A camera code holding subject syntax cannot reach another subject.
    assert names.read(3, "gate.*.> 7") == "plateward.reads.3.gate_____7"
    assert names.alerts(3) == "plateward.alerts.3"
    assert names.reads_stream == "PLATEWARD_READS"


def test_setup_creates_the_stream_from_the_policy_once(
    tmp_path: Path, nats_server: NatsCluster
) -> None:
    settings = _settings(tmp_path, nats_server)
    first = asyncio.run(broker.setup(settings))
    again = asyncio.run(broker.setup(settings))
    assert (first.created, again.created, again.updated) == (True, False, False)
    config = _info(settings).config
    assert config.subjects == [f"{settings.nats_namespace}.reads.>"]
    # DUP update 2026: 30 days; a read never outlives retention in the broker either.
    assert config.max_age == 30 * 86_400
    assert config.duplicate_window == 600
    assert config.retention == RetentionPolicy.WORK_QUEUE


def test_setup_follows_a_changed_retention(tmp_path: Path, nats_server: NatsCluster) -> None:
    settings = _settings(tmp_path, nats_server)
    asyncio.run(broker.setup(settings))
    shorter = settings.with_overrides(retention_days=7)
    report = asyncio.run(broker.setup(shorter))
    assert report.updated
    assert _info(shorter).config.max_age == 7 * 86_400


def test_the_command_sets_up_and_refuses_without_a_broker(
    tmp_path: Path, nats_server: NatsCluster
) -> None:
    runner = CliRunner()
    namespace = f"c{uuid.uuid4().hex[:10]}"
    env = {"PLATEWARD_NATS_URL": nats_server.url, "PLATEWARD_NATS_NAMESPACE": namespace}
    done = runner.invoke(app, ["broker", "setup", "--data-dir", str(tmp_path)], env=env)
    assert done.exit_code == 0, done.output
    assert f"Stream {namespace.upper()}_READS: created" in done.output
    again = runner.invoke(app, ["broker", "setup", "--data-dir", str(tmp_path)], env=env)
    assert "up to date" in again.output
    refused = runner.invoke(
        app, ["broker", "setup", "--data-dir", str(tmp_path)], env={"PLATEWARD_NATS_URL": ""}
    )
    assert refused.exit_code == 2
    assert "no broker is configured" in refused.output

"""Reads in: one ingest service returns the stored ids and runs an after-commit hook.

The guarantee (reads/outbox.py, docs/architecture.md): each committed batch that stored reads is
announced at least once, with exactly the ids it stored; a batch that rolled back never is.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

from plateward.cli import app
from plateward.core.clock import FrozenClock
from plateward.core.database import Database, UnitOfWork, make_engine
from plateward.core.migrate import upgrade
from plateward.core.permissions import Actor
from plateward.core.settings import Settings
from plateward.demo.build import _register_places
from plateward.reads import service as reads
from plateward.reads.models import IngestOutbox, Read
from plateward.reads.outbox import CLAIM_LEASE
from plateward.reads.rules import RawRow
from tests.conftest import NOW, make_settings, native_read

OPERATOR = Actor.system("tests")


class Heard:
    """A callback that records what it hears; it can be told to fail."""

    def __init__(self) -> None:
        self.batches: list[reads.StoredBatch] = []
        self.failures_left = 0

    def __call__(self, uow: UnitOfWork, batch: reads.StoredBatch) -> None:
        del uow
        if self.failures_left:
            self.failures_left -= 1
            raise RuntimeError("matcher unavailable")
        self.batches.append(batch)


@pytest.fixture
def heard() -> Iterator[Heard]:
    callback = Heard()
    remove = reads.on_reads_stored(callback)
    yield callback
    remove()


def _rows(*reads_: dict[str, object]) -> list[RawRow]:
    return [RawRow.of(f"row {n}", r) for n, r in enumerate(reads_)]


def _ingest(db: Database, *reads_: dict[str, object]) -> reads.IngestReport:
    with db.unit_of_work() as uow:
        return reads.ingest(uow, OPERATOR, _rows(*reads_), "api")


def _outbox(db: Database, batch_id: str) -> IngestOutbox | None:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(IngestOutbox).where(IngestOutbox.batch_id == batch_id))


def test_ingest_returns_the_ids_of_the_reads_it_stored(db: Database) -> None:
    first = _ingest(db, native_read(plate="7XDS001", read_id="ids-1"))
    second = _ingest(
        db,
        native_read(plate="7XDS001", read_id="ids-1"),  # already stored
        native_read(plate="7XDS002", read_id="ids-2", minutes_ago=3),
        native_read(plate="7XDS002", read_id="ids-2", minutes_ago=3),  # repeated in the batch
    )

    with db.unit_of_work() as uow:
        ids = dict(uow.session.execute(select(Read.plate, Read.id)).all())
    assert first.read_ids == (ids["7XDS001"],)
    assert second.read_ids == (ids["7XDS002"],)
    assert (second.stored, second.duplicates) == (1, 2)


def test_the_hook_hears_the_stored_ids_only(db: Database, heard: Heard) -> None:
    first = _ingest(db, native_read(plate="7HK0001"))
    second = _ingest(db, native_read(plate="7HK0001"), native_read(plate="7HK0002"))

    assert [b.read_ids for b in heard.batches] == [first.read_ids, second.read_ids]
    assert len(second.read_ids) == 1
    assert set(first.read_ids).isdisjoint(second.read_ids)
    assert [b.batch_id for b in heard.batches] == [first.batch_id, second.batch_id]


def test_the_outbox_row_holds_the_stored_ids(db: Database, heard: Heard) -> None:
    report = _ingest(db, native_read(plate="7MBX001"), native_read(plate="7MBX002", minutes_ago=2))

    row = _outbox(db, report.batch_id)
    assert row is not None
    assert [uuid.UUID(i) for i in row.read_ids] == list(report.read_ids)
    assert row.channel == "api"
    assert row.processed_at is not None  # the inline dispatch finished it
    assert heard.batches


def test_a_batch_that_stores_nothing_fires_no_hook(db: Database, heard: Heard) -> None:
    _ingest(db, native_read(plate="7NAN001"))
    heard.batches.clear()

    again = _ingest(db, native_read(plate="7NAN001"), native_read(camera="NO-SUCH-CAM"))

    assert again.read_ids == ()
    assert heard.batches == []
    assert _outbox(db, again.batch_id) is None


def test_the_hook_does_not_fire_for_a_batch_that_rolled_back(
    db: Database, heard: Heard, clock: FrozenClock
) -> None:
    with db.unit_of_work() as uow:
        report = reads.store_batch(uow, OPERATOR, _rows(native_read(plate="7RBK001")), "api")
        assert report.stored == 1
        uow.rollback()

    clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    with db.unit_of_work() as uow:
        assert reads.dispatch_pending(uow) == 0

    assert heard.batches == []
    assert _outbox(db, report.batch_id) is None


def test_a_failing_hook_leaves_the_batch_to_the_job(
    db: Database, heard: Heard, clock: FrozenClock
) -> None:
    heard.failures_left = 1

    report = _ingest(db, native_read(plate="7FAL001"))

    assert report.stored == 1  # the reads are stored whatever a callback does
    row = _outbox(db, report.batch_id)
    assert row is not None
    assert row.processed_at is None
    with db.unit_of_work() as uow:
        assert reads.dispatch_pending(uow) == 0  # the inline claim is still fresh
    clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    with db.unit_of_work() as uow:
        assert reads.dispatch_pending(uow) == 1
        assert reads.dispatch_pending(uow) == 0  # done once, not again

    assert [b.read_ids for b in heard.batches] == [report.read_ids]
    finished = _outbox(db, report.batch_id)
    assert finished is not None
    assert finished.processed_at is not None


def test_a_batch_committed_without_its_dispatch_is_finished_by_the_job(
    db: Database, heard: Heard, clock: FrozenClock
) -> None:
    # A process that dies between the commit and the hook: the job finishes the batch.
    with db.unit_of_work() as uow:
        report = reads.store_batch(uow, OPERATOR, _rows(native_read(plate="7CRS001")), "api")
        uow.commit()
    assert heard.batches == []

    clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    with db.unit_of_work() as uow:
        assert reads.dispatch_pending(uow) == 1

    assert [b.read_ids for b in heard.batches] == [report.read_ids]


def test_processed_outbox_rows_are_pruned_after_a_day(
    db: Database, heard: Heard, clock: FrozenClock
) -> None:
    report = _ingest(db, native_read(plate="7PRN001"))
    clock.advance(timedelta(hours=23))
    with db.unit_of_work() as uow:
        reads.dispatch_pending(uow)
    assert _outbox(db, report.batch_id) is not None

    clock.advance(timedelta(hours=2))
    with db.unit_of_work() as uow:
        reads.dispatch_pending(uow)

    assert _outbox(db, report.batch_id) is None


# --- after the commit, really: a database of its own that commits --------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def committed_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database whose commits are real (not the tests' savepoints), seeded with cameras."""
    engine: Engine
    if request.param == "sqlite":
        settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'committed.db'}")
        engine = make_engine(settings.resolved_database_url)
        upgrade(engine)
    else:
        engine = request.getfixturevalue("fresh_postgresql")
        settings = make_settings(tmp_path, engine.url.render_as_string(hide_password=False))
    db = Database(engine, settings, FrozenClock(NOW), sessionmaker(engine, expire_on_commit=False))
    _register_places(db, OPERATOR)
    yield db
    if request.param == "sqlite":
        engine.dispose()


def _count_elsewhere(settings: Settings, engine: Engine, ids: tuple[uuid.UUID, ...]) -> int:
    """Count the reads from another connection: it sees only what is committed."""
    other = create_engine(engine.url) if settings.is_sqlite else engine
    with other.connect() as conn:
        return len(conn.execute(select(Read.id).where(Read.id.in_(ids))).all())


def test_the_hook_runs_after_the_reads_are_committed(committed_db: Database) -> None:
    seen_committed: list[int] = []

    def callback(uow: UnitOfWork, batch: reads.StoredBatch) -> None:
        del uow
        engine = committed_db.engine
        assert isinstance(engine, Engine)
        seen_committed.append(_count_elsewhere(committed_db.settings, engine, batch.read_ids))

    remove = reads.on_reads_stored(callback)
    try:
        report = _ingest(committed_db, native_read(plate="7CMT001"), native_read(plate="7CMT002"))
    finally:
        remove()

    assert report.stored == 2
    assert seen_committed == [2]


# --- every driver goes through the one service ------------------------------------------------


def test_the_http_api_goes_through_the_ingest_service(
    client: TestClient, ingest_token: str, heard: Heard
) -> None:
    response = client.post(
        "/api/v1/reads",
        json={"reads": [native_read(plate="7DRV001")]},
        headers={"Authorization": f"Bearer {ingest_token}"},
    )

    assert response.status_code == 200, response.text
    assert [(b.channel, len(b.read_ids)) for b in heard.batches] == [("api", 1)]


def test_the_demo_and_the_cli_go_through_the_ingest_service(
    tmp_path: Path, heard: Heard, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PLATEWARD_DATABASE_URL", "PLATEWARD_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    data_dir = tmp_path / "var"
    demo = runner.invoke(app, ["demo", "--no-serve", "--reads", "40", "--data-dir", str(data_dir)])
    assert demo.exit_code == 0, demo.output
    assert sum(len(b.read_ids) for b in heard.batches if b.channel == "demo") == 40

    # A read from a camera the demo registered, captured just now (the CLI runs on real time).
    read = '{"camera": "SJ-FX-001", "captured_at": "%s", "plate": "7CLA001"}'
    file = tmp_path / "reads.ndjson"
    file.write_text(read % datetime.now(UTC).isoformat() + "\n")
    imported = runner.invoke(app, ["ingest", str(file), "--data-dir", str(data_dir)])

    assert imported.exit_code == 0, imported.output
    assert [len(b.read_ids) for b in heard.batches if b.channel == "file"] == [1]


def test_a_batch_stored_where_no_callback_listens_is_left_to_the_job(db: Database) -> None:
    report = _ingest(db, native_read(plate="7JBX001"))
    row = _outbox(db, report.batch_id)
    assert row is not None
    assert (row.claimed_at, row.processed_at) == (None, None)

    # The job runs in a process that has the callbacks (matching), and takes the batch at once.
    callback = Heard()
    remove = reads.on_reads_stored(callback)
    try:
        with db.unit_of_work() as uow:
            assert reads.dispatch_pending(uow) == 1
    finally:
        remove()

    assert [b.read_ids for b in callback.batches] == [report.read_ids]

"""Where hot lists join a process: `plateward jobs run` matches the batches it finishes while it
runs, and leaves no matcher behind when it stops (one process may run it more than once)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from plateward.reads import outbox
from tests.conftest import run_cli
from tests.hotlists.conftest import People, listed


def test_jobs_run_registers_a_matcher_only_while_it_runs(data_dir: Path) -> None:
    run_cli("db", "upgrade", "--data-dir", str(data_dir))
    before = outbox.has_callbacks()

    output = run_cli("jobs", "run", "--once", "--data-dir", str(data_dir))

    assert "hotlist-feeds" in output and "hotlist-expiry" in output
    assert outbox.has_callbacks() == before


def test_a_server_holds_the_hot_lists_before_the_first_read_arrives(
    people: People, client: TestClient
) -> None:
    listed(people)

    with TestClient(client.app) as restarted:  # a server starting over this database
        index = restarted.app.state.matcher.index  # type: ignore[attr-defined]

        # Loaded at start-up: the first batch (and its alert) does not wait for the load.
        assert len(index) == 1

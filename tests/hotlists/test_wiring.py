"""Where hot lists join a process: `plateward jobs run` matches the batches it finishes while it
runs, and leaves no matcher behind when it stops (one process may run it more than once)."""

from __future__ import annotations

from pathlib import Path

from plateward.reads import outbox
from tests.conftest import run_cli


def test_jobs_run_registers_a_matcher_only_while_it_runs(data_dir: Path) -> None:
    run_cli("db", "upgrade", "--data-dir", str(data_dir))
    before = outbox.has_callbacks()

    output = run_cli("jobs", "run", "--once", "--data-dir", str(data_dir))

    assert "hotlist-feeds" in output and "hotlist-expiry" in output
    assert outbox.has_callbacks() == before

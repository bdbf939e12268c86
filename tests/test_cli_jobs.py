"""`plateward jobs`, run as an operator would, on a fresh SQLite data directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plateward.cli import app
from plateward.core.settings import Settings
from plateward.jobs_catalog import catalog

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("PLATEWARD_DATABASE_URL", "PLATEWARD_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    yield tmp_path / "var"


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_jobs_run_once_runs_every_job_on_a_fresh_data_directory(data_dir: Path) -> None:
    _run("db", "upgrade", "--data-dir", str(data_dir))
    output = _run("jobs", "run", "--once", "--data-dir", str(data_dir))
    assert "audit-checkpoint" in output
    assert "partitions" in output
    assert f"{len(catalog(Settings()))} job(s) ran." in output  # every job in the catalogue
    # Run again at once: nothing is due.
    assert "0 job(s) ran." in _run("jobs", "run", "--once", "--data-dir", str(data_dir))


def test_jobs_status_shows_each_jobs_last_outcome(data_dir: Path) -> None:
    _run("db", "upgrade", "--data-dir", str(data_dir))
    assert "No job has run yet" in _run("jobs", "status", "--data-dir", str(data_dir))
    _run("jobs", "run", "--once", "--data-dir", str(data_dir))
    output = _run("jobs", "status", "--data-dir", str(data_dir))
    assert "audit-checkpoint  every 15 min  ok  runs 1, failed 0" in output
    assert "partitions  every 60 min  ok  runs 1, failed 0" in output
    assert "signed the trail up to entry" in output

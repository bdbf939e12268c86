"""`plateward jobs`, run as an operator would, on a fresh SQLite data directory."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from plateward.core.settings import Settings
from plateward.jobs_catalog import catalog
from tests.conftest import run_cli

runner = CliRunner()


def test_jobs_run_once_runs_every_job_on_a_fresh_data_directory(data_dir: Path) -> None:
    run_cli("db", "upgrade", "--data-dir", str(data_dir))
    output = run_cli("jobs", "run", "--once", "--data-dir", str(data_dir))
    assert "audit-checkpoint" in output
    assert "partitions" in output
    assert f"{len(catalog(Settings()))} job(s) ran." in output  # every job in the catalogue
    # Run again at once: nothing is due.
    assert "0 job(s) ran." in run_cli("jobs", "run", "--once", "--data-dir", str(data_dir))


def test_jobs_status_shows_each_jobs_last_outcome(data_dir: Path) -> None:
    run_cli("db", "upgrade", "--data-dir", str(data_dir))
    assert "No job has run yet" in run_cli("jobs", "status", "--data-dir", str(data_dir))
    run_cli("jobs", "run", "--once", "--data-dir", str(data_dir))
    output = run_cli("jobs", "status", "--data-dir", str(data_dir))
    assert "audit-checkpoint  every 15 min  ok  runs 1, failed 0" in output
    assert "partitions  every 60 min  ok  runs 1, failed 0" in output
    assert "signed the trail up to entry" in output


def test_jobs_run_job_runs_one_job_now_even_when_it_is_not_due(data_dir: Path) -> None:
    run_cli("db", "upgrade", "--data-dir", str(data_dir))
    run_cli("jobs", "run", "--once", "--data-dir", str(data_dir))  # every job ran: none is due

    output = run_cli("jobs", "run", "--job", "misuse-signals", "--data-dir", str(data_dir))

    assert "misuse-signals" in output and "1 job(s) ran." in output
    assert "partitions" not in output  # only the job asked for
    status = run_cli("jobs", "status", "--data-dir", str(data_dir))
    assert "misuse-signals  every 1440 min  ok  runs 2, failed 0" in status


def test_jobs_run_job_refuses_a_job_that_does_not_exist(data_dir: Path) -> None:
    run_cli("db", "upgrade", "--data-dir", str(data_dir))

    from plateward.cli import app

    result = runner.invoke(app, ["jobs", "run", "--job", "misuse", "--data-dir", str(data_dir)])

    assert result.exit_code == 2, result.output
    output = " ".join(result.output.split())
    assert "No job is called 'misuse'" in output and "misuse-signals" in output

"""`plateward purge` and `plateward backup`, run as an operator would on a fresh data directory."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def test_purge_runs_the_claimed_job_and_says_what_it_did(data_dir: Path) -> None:
    run_cli("db", "upgrade", "--data-dir", str(data_dir))

    output = run_cli("purge", "--data-dir", str(data_dir))

    assert "Nothing past retention to purge." in output
    status = run_cli("jobs", "status", "--data-dir", str(data_dir))
    assert "purge  every 1440 min  ok  runs 1, failed 0" in status


def test_purge_with_vacuum_runs_on_sqlite(data_dir: Path) -> None:
    run_cli("db", "upgrade", "--data-dir", str(data_dir))

    output = run_cli("purge", "--vacuum", "--data-dir", str(data_dir))

    assert "Nothing past retention to purge." in output


def test_backup_create_then_restore_round_trips_and_keeps_the_key_out(
    data_dir: Path, tmp_path: Path
) -> None:
    run_cli("db", "upgrade", "--data-dir", str(data_dir))
    path = tmp_path / "one.backup"

    created = run_cli("backup", "create", str(path), "--data-dir", str(data_dir))
    restored = run_cli("backup", "restore", str(path), "--data-dir", str(data_dir))

    assert "Backup written to" in created and path.is_file()
    assert "Restored 0 read(s)" in " ".join(restored.split())
    master = (data_dir / "keys" / "backup-master.key").read_text().strip()
    assert master not in path.read_text()

"""The `plateward` command, run as a person would, on a fresh SQLite data directory."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plateward.cli import app

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


def test_help_explains_every_command() -> None:
    output = _run("--help")
    for command in ("demo", "serve", "db", "ingest", "totp", "audit"):
        assert command in output
    assert "--reads" in _run("demo", "--help")
    assert "--data-dir" in _run("serve", "--help")


def test_db_upgrade_creates_the_embedded_database(data_dir: Path) -> None:
    output = _run("db", "upgrade", "--data-dir", str(data_dir))
    assert "up to date" in output
    tables = {
        r[0]
        for r in sqlite3.connect(data_dir / "plateward.db").execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    }
    assert {"reads", "audit_entries", "cameras"} <= tables
    _run("db", "upgrade", "--data-dir", str(data_dir))  # a second run is a no-op


@pytest.fixture
def demo_dir(data_dir: Path) -> Path:
    output = _run("demo", "--no-serve", "--reads", "800", "--data-dir", str(data_dir))
    assert "Reads stored: 800" in output
    return data_dir


def test_demo_builds_the_city_and_prints_the_accounts(demo_dir: Path) -> None:
    accounts = json.loads((demo_dir / "demo-accounts.json").read_text())["accounts"]
    assert {a["username"] for a in accounts} >= {"admin", "officer", "auditor", "dpo"}
    assert (demo_dir / "demo-accounts.json").stat().st_mode & 0o077 == 0
    again = _run("demo", "--no-serve", "--reads", "800", "--data-dir", str(demo_dir))
    assert "Reads stored: 800" in again  # a second run keeps the same city
    assert accounts[0]["password"] in again


def test_totp_prints_a_code_for_a_demo_account(demo_dir: Path) -> None:
    code = _run("totp", "admin", "--data-dir", str(demo_dir)).strip()
    assert code.isdigit()
    assert len(code) == 6


def test_totp_refuses_outside_demo_mode(data_dir: Path) -> None:
    _run("db", "upgrade", "--data-dir", str(data_dir))
    result = runner.invoke(app, ["totp", "admin", "--data-dir", str(data_dir)])
    assert result.exit_code == 2
    assert "Refused" in result.output


def test_ingest_imports_a_file_and_reports_rejected_rows(demo_dir: Path, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "camera": "SJ-FX-001",
            "captured_at": (now - timedelta(minutes=n)).isoformat(),
            "plate": f"9ZZZ{n:03d}",
            "plate_state": "CA",
            "read_id": f"file-{n}",
        }
        for n in range(25)
    ]
    path = tmp_path / "reads.ndjson"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n")
    output = _run("ingest", str(path), "--data-dir", str(demo_dir))
    assert "26 rows: 25 stored, 0 already stored, 1 quarantined" in output
    assert "line 26" in output
    output = _run("ingest", str(path), "--data-dir", str(demo_dir))
    assert "0 stored, 25 already stored" in output


def test_ingest_reads_csv(demo_dir: Path, tmp_path: Path) -> None:
    now = datetime.now(UTC) - timedelta(minutes=2)
    path = tmp_path / "reads.csv"
    path.write_text(
        f"camera,captured_at,plate,plate_state\nSJ-FX-002,{now.isoformat()},8ABC777,CA\n"
    )
    assert "1 stored" in _run("ingest", str(path), "--data-dir", str(demo_dir))


def test_audit_verify_passes_on_an_intact_trail_and_fails_on_a_tampered_one(demo_dir: Path) -> None:
    assert "Audit chain intact" in _run("audit", "verify", "--data-dir", str(demo_dir))
    conn = sqlite3.connect(demo_dir / "plateward.db")
    conn.execute("DROP TRIGGER audit_entries_no_update")
    conn.execute("UPDATE audit_entries SET actor_name = 'someone else' WHERE seq = 3")
    conn.commit()
    conn.close()
    result = runner.invoke(app, ["audit", "verify", "--data-dir", str(demo_dir)])
    assert result.exit_code == 1
    assert "entry 3" in result.output


def test_cameras_import_registers_the_good_rows_and_lists_the_bad_ones(demo_dir: Path) -> None:
    samples = Path(__file__).parent / "cameras" / "samples"

    result = runner.invoke(
        app, ["cameras", "import", str(samples / "cameras.csv"), "--data-dir", str(demo_dir)]
    )

    assert result.exit_code == 1, result.output  # some rows were refused
    assert "5 cameras: 3 registered, 0 updated, 0 unchanged, 2 refused" in result.output
    assert "refused line 5: fixed camera 'IMP-FX-003' needs a latitude and longitude" in (
        result.output
    )
    again = runner.invoke(
        app, ["cameras", "import", str(samples / "cameras.geojson"), "--data-dir", str(demo_dir)]
    )
    assert "4 cameras: 2 registered" in again.output

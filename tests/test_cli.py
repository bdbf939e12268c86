"""The `plateward` command, run as a person would, on a fresh SQLite data directory."""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plateward.cli import app
from tests.conftest import run_cli

runner = CliRunner()


def test_help_explains_every_command() -> None:
    output = run_cli("--help")
    for command in ("demo", "serve", "db", "ingest", "totp", "audit"):
        assert command in output
    assert "--reads" in run_cli("demo", "--help")
    assert "--data-dir" in run_cli("serve", "--help")


def test_db_upgrade_creates_the_embedded_database(data_dir: Path) -> None:
    output = run_cli("db", "upgrade", "--data-dir", str(data_dir))
    assert "up to date" in output
    tables = {
        r[0]
        for r in sqlite3.connect(data_dir / "plateward.db").execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    }
    assert {"reads", "audit_entries", "cameras"} <= tables
    run_cli("db", "upgrade", "--data-dir", str(data_dir))  # a second run is a no-op


@pytest.fixture
def demo_dir(data_dir: Path) -> Path:
    output = run_cli("demo", "--no-serve", "--reads", "800", "--data-dir", str(data_dir))
    assert "Reads stored: 800" in output
    return data_dir


def test_demo_builds_the_city_and_prints_the_accounts(demo_dir: Path) -> None:
    accounts = json.loads((demo_dir / "demo-accounts.json").read_text())["accounts"]
    assert {a["username"] for a in accounts} >= {"admin", "officer", "auditor", "dpo"}
    assert (demo_dir / "demo-accounts.json").stat().st_mode & 0o077 == 0
    again = run_cli("demo", "--no-serve", "--reads", "800", "--data-dir", str(demo_dir))
    assert "Reads stored: 800" in again  # a second run keeps the same city
    assert accounts[0]["password"] in again


def test_totp_prints_a_code_for_a_demo_account(demo_dir: Path) -> None:
    code = run_cli("totp", "admin", "--data-dir", str(demo_dir)).strip()
    assert code.isdigit()
    assert len(code) == 6


def test_totp_refuses_outside_demo_mode(data_dir: Path) -> None:
    run_cli("db", "upgrade", "--data-dir", str(data_dir))
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
    output = run_cli("ingest", str(path), "--data-dir", str(demo_dir))
    assert "26 rows: 25 stored, 0 already stored, 1 quarantined" in output
    assert "line 26" in output
    output = run_cli("ingest", str(path), "--data-dir", str(demo_dir))
    assert "0 stored, 25 already stored" in output


def test_ingest_reads_csv(demo_dir: Path, tmp_path: Path) -> None:
    now = datetime.now(UTC) - timedelta(minutes=2)
    path = tmp_path / "reads.csv"
    path.write_text(
        f"camera,captured_at,plate,plate_state\nSJ-FX-002,{now.isoformat()},8ABC777,CA\n"
    )
    assert "1 stored" in run_cli("ingest", str(path), "--data-dir", str(demo_dir))


def test_audit_verify_passes_on_an_intact_trail_and_fails_on_a_tampered_one(demo_dir: Path) -> None:
    assert "Audit chain intact" in run_cli("audit", "verify", "--data-dir", str(demo_dir))
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


def test_the_demo_prints_commands_that_work_as_printed(data_dir: Path) -> None:
    from fastapi.testclient import TestClient

    from plateward.core.database import Database
    from plateward.core.settings import Settings
    from plateward.web.app import create_app

    output = run_cli(
        "demo", "--no-serve", "--reads", "50", "--port", "8123", "--data-dir", str(data_dir)
    )
    [totp_line] = [line for line in output.splitlines() if "plateward totp" in line]
    assert f"--data-dir {data_dir.resolve()}" in totp_line
    command = shlex.split(totp_line.split(":", 1)[1].replace("USERNAME", "officer"))
    code = run_cli(*command[1:]).strip()
    assert code.isdigit()
    assert len(code) == 6

    [curl] = [shlex.split(line) for line in output.splitlines() if "curl" in line]
    assert "http://127.0.0.1:8123/api/v1/reads" in curl
    body = Path(curl[curl.index("-d") + 1].removeprefix("@"))
    assert body.parent == data_dir.resolve()
    token = curl[curl.index("-H") + 1].removeprefix("Authorization: Bearer ")
    # What curl would send, sent to the demo's own app: the sample reads are stored.
    settings = Settings(data_dir=data_dir)
    db = Database.from_settings(settings)
    try:
        with TestClient(create_app(settings, db)) as client:
            answer = client.post(
                "/api/v1/reads",
                content=body.read_bytes(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
    finally:
        db.dispose()
    assert answer.status_code == 200, answer.text
    assert answer.json()["stored"] == len(json.loads(body.read_text())["reads"]) > 0


COMMANDS_ON_A_DATABASE = [
    ["serve"],
    ["ingest", "READS"],
    ["totp", "admin"],
    ["audit", "verify"],
    ["audit", "checkpoint"],
    ["jobs", "run", "--once"],
    ["jobs", "status"],
    ["cameras", "import", "CAMERAS"],
]


@pytest.mark.parametrize("command", COMMANDS_ON_A_DATABASE, ids=" ".join)
def test_commands_refuse_a_data_directory_without_a_database(
    data_dir: Path, tmp_path: Path, command: list[str]
) -> None:
    files = {"READS": tmp_path / "reads.ndjson", "CAMERAS": tmp_path / "cameras.csv"}
    for path in files.values():
        path.write_text("")
    args = [str(files[a]) if a in files else a for a in command]
    result = runner.invoke(app, [*args, "--data-dir", str(data_dir)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Refused: no Plateward database in")
    assert "plateward db upgrade" in result.output
    assert result.output.count("\n") == 1  # one line, no traceback
    assert not data_dir.exists()  # nothing was created on the way


def test_commands_refuse_a_postgresql_schema_that_was_never_migrated(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from plateward.core.database import make_engine
    from tests.conftest import PG_URL

    schema = f"plateward_unmigrated_{os.getpid()}"
    base = make_engine(PG_URL)
    with base.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
        conn.commit()
    url = base.url.set(drivername="postgresql", query={"options": f"-csearch_path={schema}"})
    monkeypatch.setenv("PLATEWARD_DATABASE_URL", url.render_as_string(hide_password=False))
    try:
        result = runner.invoke(app, ["audit", "verify", "--data-dir", str(data_dir)])
        with base.connect() as conn:
            tables = conn.execute(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = :s"), {"s": schema}
            ).scalar_one()
        assert tables == 0  # nothing was created in the empty schema
    finally:
        with base.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            conn.commit()
        base.dispose()
    assert result.exit_code == 2, result.output
    assert "has no Plateward schema" in result.output
    assert result.output.count("\n") == 1

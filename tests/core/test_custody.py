"""Key custody and files at rest: the server cannot vouch for a trail it could re-sign (DUP §9),
and other local accounts cannot read the embedded data (DUP §12)."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from plateward.cli import app
from plateward.core.custody import key_custody_problems, loose_files
from plateward.core.database import Database
from plateward.core.settings import Settings
from tests.conftest import run_cli

KEY = "11" * 32 + "\n"
OTHER_ACCOUNT = 4242  # an euid that owns nothing here


def _key(path: Path, mode: int = 0o440) -> Path:
    path.write_text(KEY)
    path.chmod(mode)
    return path


def test_a_key_inside_the_data_directory_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    settings = Settings(data_dir=data_dir, audit_signing_key_file=_key(data_dir / "k.key"))
    problems = key_custody_problems(settings, euid=OTHER_ACCOUNT)
    assert any("inside the data directory" in p for p in problems)


def test_the_generated_demo_key_beside_the_data_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    _ = settings.audit_signing_key  # generated into the data directory, as the demo does
    assert any("inside" in p for p in key_custody_problems(settings, euid=OTHER_ACCOUNT))


def test_a_key_the_server_account_owns_is_refused(tmp_path: Path) -> None:
    key = _key(tmp_path / "audit.key")
    settings = Settings(data_dir=tmp_path / "var", audit_signing_key_file=key)
    problems = key_custody_problems(settings, euid=key.stat().st_uid or 1)
    if key.stat().st_uid == 0:  # running as root: root is refused for its own reason
        problems = key_custody_problems(settings, euid=0)
        assert any("root" in p for p in problems)
    else:
        assert any("belongs to the account" in p for p in problems)


def test_a_group_writable_key_is_refused(tmp_path: Path) -> None:
    key = _key(tmp_path / "audit.key", 0o660)
    settings = Settings(data_dir=tmp_path / "var", audit_signing_key_file=key)
    assert any("writable" in p for p in key_custody_problems(settings, euid=OTHER_ACCOUNT))


def test_a_key_held_by_another_account_outside_the_data_passes(tmp_path: Path) -> None:
    key = _key(tmp_path / "audit.key")
    settings = Settings(data_dir=tmp_path / "var", audit_signing_key_file=key)
    assert key_custody_problems(settings, euid=OTHER_ACCOUNT) == []


def test_serve_refuses_to_start_with_the_key_beside_the_data(data_dir: Path) -> None:
    run_cli("db", "upgrade", "--data-dir", str(data_dir))
    result = CliRunner().invoke(app, ["serve", "--data-dir", str(data_dir)])
    assert result.exit_code == 2, result.output
    assert "Refused" in result.output
    assert "inside the data directory" in result.output


def test_the_data_directory_and_database_are_created_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    db = Database.from_settings(settings)
    try:
        with db.unit_of_work() as uow:
            uow.session.connection().exec_driver_sql("CREATE TABLE t (x INTEGER)")
            uow.commit()
        files = [settings.data_dir, *settings.data_dir.glob("plateward.db*")]
        assert len(files) >= 2
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
        assert loose_files(settings) == []
    finally:
        db.dispose()


def test_loose_files_are_reported(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    Database.from_settings(settings).dispose()
    (settings.data_dir / "plateward.db").chmod(0o644)
    assert any("plateward.db is mode 0644" in p for p in loose_files(settings))


def test_sqlite_gives_its_wal_the_database_files_mode(tmp_path: Path) -> None:
    """What the 0600 database file relies on, checked in a child process with a loose umask."""
    script = (
        "import os, sqlite3, sys; os.umask(0o022); p = sys.argv[1];"
        "os.close(os.open(p, os.O_WRONLY | os.O_CREAT, 0o600));"
        "c = sqlite3.connect(p); c.execute('PRAGMA journal_mode=WAL');"
        "c.execute('CREATE TABLE t (x)'); c.execute('INSERT INTO t VALUES (1)'); c.commit();"
        "print(oct(os.stat(p + '-wal').st_mode & 0o777))"
    )
    path = str(tmp_path / "x.db")
    out = subprocess.run([sys.executable, "-c", script, path], capture_output=True, check=True)
    assert out.stdout.decode().strip() == oct(0o600)


def test_a_key_in_a_folder_the_server_can_write_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    key = _key(folder / "audit.key")
    settings = Settings(data_dir=tmp_path / "var", audit_signing_key_file=key)
    assert any("folder" in p for p in key_custody_problems(settings, euid=OTHER_ACCOUNT))


def test_a_witness_beside_the_data_is_warned_about(tmp_path: Path) -> None:
    from plateward.core.custody import witness_warnings

    assert witness_warnings(Settings(data_dir=tmp_path / "var"))
    elsewhere = Settings(data_dir=tmp_path / "var", audit_witness_file=tmp_path / "w.jsonl")
    assert witness_warnings(elsewhere) == []


def test_the_demo_keeps_every_file_it_writes_private(data_dir: Path) -> None:
    run_cli("demo", "--no-serve", "--reads", "50", "--data-dir", str(data_dir))
    loose = [p.name for p in data_dir.iterdir() if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert loose == []

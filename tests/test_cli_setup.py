"""A real department's first steps at the host: `plateward init`, then `plateward people add`."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from plateward.accounts.models import User
from plateward.cli import app
from plateward.core.audit import AuditEntry
from plateward.core.database import Database
from plateward.core.settings import Settings
from plateward.sharing import service as agencies

runner = CliRunner()
ORI = "CA0431300"


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _init(data_dir: Path) -> str:
    code, output = _invoke(
        "init", "--ori", ORI, "--name", "San José Police Department", "--data-dir", str(data_dir)
    )
    assert code == 0, output
    return output


def test_init_creates_the_database_and_the_home_agency(data_dir: Path) -> None:
    output = _init(data_dir)
    assert "San José Police Department (CA0431300)" in output
    assert "plateward people add" in output
    db = Database.from_settings(Settings(data_dir=data_dir))
    try:
        with db.unit_of_work() as uow:
            assert agencies.home_agency(uow).ori == ORI
            entry = uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "agency.registered")
            ).one()
        assert entry.actor_username == "cli:init"
    finally:
        db.dispose()


def test_init_refuses_a_second_different_home_agency(data_dir: Path) -> None:
    _init(data_dir)
    _init(data_dir)  # the same again is harmless
    code, output = _invoke(
        "init", "--ori", "CA0019900", "--name", "Other PD", "--data-dir", str(data_dir)
    )
    assert code == 1
    assert "already San José Police Department" in output


def test_init_refuses_a_malformed_ori(data_dir: Path) -> None:
    code, output = _invoke("init", "--ori", "SJPD", "--name", "X", "--data-dir", str(data_dir))
    assert code == 1
    assert "9 letters and digits" in output


def test_people_add_creates_the_first_administrator_who_can_sign_in(data_dir: Path) -> None:
    _init(data_dir)
    code, output = _invoke(
        "people", "add", "dwhitfield", "--role", "administrator", "--full-name", "Dana Whitfield",
        "--unit", "Technology Services Unit", "--trained-until", "2099-01-01",
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert code == 0, output
    password = re.search(r"Initial password \(shown once[^)]*\): (\S+)", output)
    assert password and len(password.group(1)) >= 12
    db = Database.from_settings(Settings(data_dir=data_dir))
    try:
        with db.unit_of_work() as uow:
            user = uow.session.scalars(select(User).where(User.username == "dwhitfield")).one()
            assert user.role == "administrator" and user.totp_confirmed_at is None
            actions = set(uow.session.scalars(select(AuditEntry.action)))
        assert {"account.created", "training.recorded"} <= actions
    finally:
        db.dispose()


def test_people_add_needs_a_home_agency_and_a_database(data_dir: Path) -> None:
    code, output = _invoke(
        "people", "add", "x", "--role", "officer", "--full-name", "X", "--unit", "U",
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert code == 2
    assert "no Plateward database" in output
    _invoke("db", "upgrade", "--data-dir", str(data_dir))
    code, output = _invoke(
        "people", "add", "x", "--role", "officer", "--full-name", "X", "--unit", "U",
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert code == 1
    assert "plateward init" in output

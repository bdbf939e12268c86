"""Configuration defaults and the limits the policy puts on them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from plateward.core.settings import Settings


def test_default_retention_is_thirty_days(monkeypatch: pytest.MonkeyPatch) -> None:
    # DUP update, March 2026: the default changed from one year to 30 days.
    monkeypatch.delenv("PLATEWARD_RETENTION_DAYS", raising=False)
    assert Settings().retention_days == 30


def test_audit_retention_cannot_go_below_two_years() -> None:
    with pytest.raises(ValidationError, match="at least 730 days"):
        Settings(audit_retention_days=365)
    assert Settings(audit_retention_days=1000).audit_retention_days == 1000


def test_settings_come_from_plateward_environment_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PLATEWARD_RETENTION_DAYS", "14")
    monkeypatch.setenv("PLATEWARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PLATEWARD_PLATE_FOLD_STATES", "ca, nv")
    settings = Settings()
    assert settings.retention_days == 14
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'plateward.db'}"
    assert settings.plate_fold_states == frozenset({"CA", "NV"})


def test_the_default_database_is_sqlite_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLATEWARD_DATA_DIR", raising=False)
    monkeypatch.delenv("PLATEWARD_DATABASE_URL", raising=False)
    assert Settings().resolved_database_url == "sqlite:///var/plateward.db"


def test_a_generated_secret_key_stays_private_to_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    key = settings.signing_key
    assert len(key) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert Settings(data_dir=tmp_path).signing_key == key


def test_a_secret_key_can_come_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "key"
    path.write_text("from-a-file\n")
    assert Settings(data_dir=tmp_path, secret_key_file=path).signing_key == b"from-a-file"


def test_retention_must_be_at_least_a_day() -> None:
    with pytest.raises(ValidationError):
        Settings(retention_days=0)

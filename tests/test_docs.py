"""Every setting, permission, audit action and CLI command is documented (fails when one is not)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.main import get_command

from plateward.cli import app
from plateward.core.audit import AuditAction
from plateward.core.permissions import Permission
from plateward.core.settings import Settings

DOCS = Path(__file__).resolve().parent.parent / "docs"
README = DOCS.parent / "README.md"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in (DOCS / "configuration.md").read_text()


@pytest.mark.parametrize("action", sorted(AuditAction))
def test_every_audit_action_is_documented(action: AuditAction) -> None:
    assert f"`{action.value}`" in (DOCS / "audit.md").read_text()


@pytest.mark.parametrize("permission", sorted(Permission))
def test_every_permission_is_documented(permission: Permission) -> None:
    assert f"`{permission.value}`" in (DOCS / "permissions.md").read_text()


def _commands() -> list[str]:
    root = get_command(app)
    names = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        names += [f"{name} {sub}" for sub in subcommands] if subcommands else [name]
    return sorted(names)


@pytest.mark.parametrize("command", _commands())
def test_every_cli_command_is_documented(command: str) -> None:
    assert f"plateward {command}" in (DOCS / "cli.md").read_text()


def test_the_readme_starts_with_the_two_commands() -> None:
    head = README.read_text().split("\n\n", 3)[:3]
    assert any("make run" in part and "make test" in part for part in head)


_PROOF = re.compile(r"(tests/[\w/]+\.py)::(test_\w+)")


@pytest.mark.parametrize(
    "proof", sorted(set(_PROOF.findall((DOCS / "policy-matrix.md").read_text()))), ids=str
)
def test_every_test_the_policy_matrix_names_exists(proof: tuple[str, str]) -> None:
    path, name = proof
    source = DOCS.parent / path
    assert source.is_file(), path
    assert re.search(rf"^def {name}\(", source.read_text(), re.MULTILINE), f"{path}::{name}"

"""The audit modules import one way: models <- signing <- audit <- checkpoints (no cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

import plateward.core

CORE = Path(plateward.core.__file__).parent
ORDER = ["audit_models", "audit_signing", "audit", "checkpoints"]


def _imports(module: str) -> set[str]:
    tree = ast.parse((CORE / f"{module}.py").read_text())
    found: set[str] = set()
    for node in ast.walk(tree):  # lazy imports inside functions count too
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_audit_module_imports_one_above_it() -> None:
    for position, module in enumerate(ORDER):
        above = {f"plateward.core.{name}" for name in ORDER[position + 1 :]}
        assert not _imports(module) & above, module

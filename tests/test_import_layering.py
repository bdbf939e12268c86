"""Every module imports on its own: no import cycle that only works in one order.

A cycle between capabilities (cameras ↔ reads came back once through the camera health check)
crashes whichever module a process happens to import first; this imports each module first, in a
clean interpreter.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "plateward"

_SCRIPT = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "plateward" or m.startswith("plateward.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ImportError as exc:
        failed.append(f"{name}: {exc}")
print("\\n".join(failed))
"""


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_module_imports_first_without_a_cycle() -> None:
    modules = _modules()
    assert "plateward.reads.visibility" in modules and "plateward.cameras.service" in modules
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", _SCRIPT, *modules],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert done.stdout.strip() == "", done.stdout

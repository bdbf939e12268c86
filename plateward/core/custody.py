"""Custody of what sits on the host's disk: the audit signing key and the embedded database.

DUP §9 — the trail must convince a unit other than the one whose use it records. A signing key
that the server's own account can rewrite proves nothing: whoever controls the data directory
could rewrite an entry, recompute every hash and re-sign the checkpoints. So outside the demo the
server refuses to start while the key lies inside the data directory or can be written by the
account that runs it. The key belongs to another account (readable by the server's group only),
a mounted read-only secret, or a KMS/HSM behind ``Signer`` (docs/security.md).

DUP §12 — ALPR data at rest is kept from other local accounts: the data directory is created
0700 and the SQLite file 0600 (SQLite gives its WAL and shared-memory files the database file's
mode), and ``plateward serve`` warns when they are looser.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from plateward.core.settings import Settings

PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


def key_path(settings: Settings) -> Path:
    """Where the audit signing key is read from (the generated default inside the data dir)."""
    return settings.audit_signing_key_file or settings.data_dir / "audit-signing.key"


def _inside(path: Path, directory: Path) -> bool:
    return path.resolve().is_relative_to(directory.resolve())


def key_custody_problems(settings: Settings, euid: int | None = None) -> list[str]:
    """Why the signing key's custody cannot convince an auditor; empty when it can."""
    euid = os.geteuid() if euid is None else euid
    path = key_path(settings)
    problems: list[str] = []
    if _inside(path, settings.data_dir):
        problems.append(
            f"the audit signing key {path} lies inside the data directory {settings.data_dir}"
        )
    if not path.exists():
        return [*problems, f"the audit signing key {path} does not exist"]
    mode = path.stat()
    if mode.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        problems.append(f"the audit signing key {path} is writable by its group or by others")
    folder = path.parent.stat()
    if folder.st_uid == euid or folder.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        # Whoever can write the folder can replace the key file, whatever the file's own mode.
        problems.append(f"the folder {path.parent} holding the audit signing key can be written")
    if euid == 0:
        problems.append("the server runs as root, which can rewrite any key file")
    elif mode.st_uid == euid:
        problems.append(f"the audit signing key {path} belongs to the account that runs the server")
    return problems


def witness_warnings(settings: Settings) -> list[str]:
    """A witness kept beside the data protects nothing against whoever controls the data."""
    if _inside(settings.audit_witness_path, settings.data_dir):
        return [
            f"the audit witness {settings.audit_witness_path} lies inside the data directory; "
            "set PLATEWARD_AUDIT_WITNESS_FILE to storage the auditors hold, or ship copies off "
            "the host"
        ]
    return []


def loose_files(settings: Settings) -> list[str]:
    """The data directory and embedded database files that other local accounts could read."""
    if not settings.is_sqlite or not settings.data_dir.exists():
        return []
    found = []
    candidates = [settings.data_dir, *settings.data_dir.glob("plateward.db*")]
    for path in candidates:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            found.append(f"{path} is mode {mode:04o}; it should be private (chmod go-rwx)")
    return found


def create_private_database(settings: Settings) -> None:
    """Make the data directory (0700) and an empty SQLite file (0600) before SQLite opens it."""
    settings.data_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    database = Path(settings.resolved_database_url.removeprefix("sqlite:///"))
    if database.parent.resolve() == settings.data_dir.resolve():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))

"""Backup keys that can be forgotten: one AES-256 data key per capture day and per legal hold.

DUP §7 — expired data is purged "entirely from all active and backup systems". A backup already
written cannot be edited, so each capture day's reads and images are encrypted in it with that
day's own data key (AES-256-GCM); the purge destroys the key, and every copy of that day in every
backup becomes unreadable at once (crypto-shredding). Held reads are encrypted under their hold's
key, destroyed when the hold is released.

Data keys are stored in ``data_keys`` wrapped (RFC 3394 AES key wrap) by a master key that is
kept outside the database: the file ``retention_master_key_file``, by default
``<data_dir>/keys/backup-master.key`` (created owner-only on first use). A backup file holds
ciphertext and key labels, never a key; restoring it needs this database's live key table and
the master key. docs/retention.md says what an operator must and must not do with them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from plateward.core.database import UnitOfWork
from plateward.core.settings import Settings
from plateward.retention.models import DataKey

DAY, HOLD = "day", "hold"
NONCE_BYTES = 12


class KeyDestroyed(Exception):
    """The data key was destroyed by the purge (or a hold's release): the data is gone."""


def master_key_path(settings: Settings) -> Path:
    return settings.retention_master_key_file or settings.data_dir / "keys" / "backup-master.key"


def master_key(settings: Settings) -> bytes:
    """The 32-byte master key, from its file; generated owner-only on first use."""
    path = master_key_path(settings)
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_hex(32) + "\n")
    try:
        key = bytes.fromhex(path.read_text().strip())
    except ValueError:
        key = b""
    if len(key) != 32:
        msg = f"the backup master key {path} must hold 64 hex characters"
        raise ValueError(msg)
    return key


def _row(uow: UnitOfWork, scope: str, label: str) -> DataKey | None:
    return uow.session.scalar(select(DataKey).where(DataKey.scope == scope, DataKey.label == label))


def data_key(uow: UnitOfWork, scope: str, label: str, *, create: bool) -> bytes:
    """The unwrapped data key for (scope, label); made when missing and ``create``.

    ``KeyDestroyed`` when it was destroyed, or never existed and may not be made now.
    """
    row = _row(uow, scope, label)
    if row is None and create:
        insert = pg_insert if uow.dialect == "postgresql" else sqlite_insert
        wrapped = aes_key_wrap(master_key(uow.settings), AESGCM.generate_key(bit_length=256))
        uow.session.execute(
            insert(DataKey)
            .values(scope=scope, label=label, wrapped=wrapped, created_at=uow.now())
            .on_conflict_do_nothing(index_elements=["scope", "label"])
        )
        row = _row(uow, scope, label)
    if row is None or row.wrapped is None:
        raise KeyDestroyed(f"{scope} {label}")
    return aes_key_unwrap(master_key(uow.settings), row.wrapped)


def destroy(uow: UnitOfWork, scope: str, label: str) -> bool:
    """Forget the key for (scope, label) for good; True when a live key was destroyed.

    A row is kept (wrapped NULL, ``destroyed_at`` set) so the key is never made again.
    """
    row = _row(uow, scope, label)
    if row is None:
        uow.session.add(
            DataKey(
                scope=scope, label=label, wrapped=None, created_at=uow.now(), destroyed_at=uow.now()
            )
        )
        uow.session.flush()
        return False
    if row.wrapped is None:
        return False
    uow.session.execute(
        update(DataKey)
        .where(DataKey.id == row.id)
        .values(wrapped=None, destroyed_at=uow.now())
        .execution_options(synchronize_session="fetch")
    )
    return True


def seal(key: bytes, context: str, plaintext: bytes) -> bytes:
    """AES-256-GCM with a fresh nonce; ``context`` (scope and label) is authenticated with it."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context.encode())


def unseal(key: bytes, context: str, sealed: bytes) -> bytes:
    return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context.encode())

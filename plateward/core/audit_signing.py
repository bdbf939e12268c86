"""Signing the audit chain's head: the one primitive ``audit`` and ``checkpoints`` both need.

DUP §9 — a checkpoint states that the chain up to entry ``last_seq`` ended in ``last_hash``,
signed with an Ed25519 key kept outside the database (``Settings.audit_signing_key``). The signed
bytes are the UTF-8 text ``plateward-audit-checkpoint/1:{last_seq}:{last_hash}``. This module
writes the checkpoint row only; the entry recording it is appended by ``audit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plateward.core.audit_models import AuditCheckpoint
from plateward.core.database import UnitOfWork

SIGNED_PREFIX = "plateward-audit-checkpoint/1"


@dataclass(frozen=True)
class Checkpoint:
    id: int
    at: datetime
    last_seq: int
    last_hash: str
    public_key: str
    signature: str


def signed_message(last_seq: int, last_hash: str) -> bytes:
    """The exact bytes a checkpoint signs."""
    return f"{SIGNED_PREFIX}:{last_seq}:{last_hash}".encode()


def public_key_hex(private_key: bytes) -> str:
    """The hex public key of a raw Ed25519 private key: what verification trusts."""
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    return key.public_key().public_bytes_raw().hex()


def view(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(row.id, row.at, row.last_seq, row.last_hash, row.public_key, row.signature)


def sign(uow: UnitOfWork, private_key: bytes, last_seq: int, last_hash: str) -> Checkpoint:
    """Sign (last_seq, last_hash) and store the checkpoint row in the caller's transaction."""
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    row = AuditCheckpoint(
        at=uow.now(),
        last_seq=last_seq,
        last_hash=last_hash,
        public_key=key.public_key().public_bytes_raw().hex(),
        signature=key.sign(signed_message(last_seq, last_hash)).hex(),
    )
    uow.session.add(row)
    uow.session.flush()
    checkpoint = view(row)
    # DUP §9 — and outside the database, once this transaction commits (core/witness.py).
    from plateward.core import witness

    witness.expect(uow.session, uow.settings.audit_witness_path, checkpoint)
    return checkpoint

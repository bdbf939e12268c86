"""The witness: every signed checkpoint, appended to a file outside the database.

DUP §9 — the trail must convince a unit other than the one it records. Checkpoints inside the
database can be removed together with the newest entries, or re-signed after a rewrite by whoever
holds the key; a copy outside the database cannot be reached by the same hand. Each checkpoint is
appended as one JSON line **after its transaction commits** (a rolled-back checkpoint is never
witnessed), and ``plateward audit verify --witness FILE`` checks the trail against any copy of that
file: every witnessed checkpoint must still be signed by the trusted key and still name an entry of
the trail with the same hash. The witness holds sequence numbers and hashes only, never data.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import event
from sqlalchemy.orm import Session

from plateward.core.audit_signing import Checkpoint, signed_message

_PENDING = "audit_witness_pending"


@dataclass(frozen=True)
class WitnessedCheckpoint:
    at: str
    last_seq: int
    last_hash: str
    public_key: str
    signature: str

    @classmethod
    def of(cls, checkpoint: Checkpoint) -> WitnessedCheckpoint:
        return cls(
            checkpoint.at.isoformat(),
            checkpoint.last_seq,
            checkpoint.last_hash,
            checkpoint.public_key,
            checkpoint.signature,
        )


def expect(session: Session, path: Path, checkpoint: Checkpoint) -> None:
    """Witness ``checkpoint`` in ``path`` once the session's transaction commits."""
    session.info.setdefault(_PENDING, []).append((path, WitnessedCheckpoint.of(checkpoint)))


def append(path: Path, checkpoint: WitnessedCheckpoint) -> None:
    """One line, appended and synced; the file is created private if it does not exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(checkpoint), sort_keys=True) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for path, checkpoint in session.info.pop(_PENDING, []):
        append(path, checkpoint)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def read(path: Path) -> list[WitnessedCheckpoint]:
    """Every checkpoint in a witness file; a line that is not one is reported by its number."""
    witnessed = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            witnessed.append(WitnessedCheckpoint(**json.loads(line)))
        except (TypeError, ValueError) as exc:
            msg = f"line {number} of {path} is not a witnessed checkpoint"
            raise ValueError(msg) from exc
    return witnessed


def problems(
    witnessed: Iterable[WitnessedCheckpoint], hashes: Mapping[int, str], trusted_key: str
) -> list[tuple[int, str]]:
    """(entry, problem) for each witnessed checkpoint the trail no longer matches (pure).

    ``hashes`` maps each witnessed sequence number to the trail's hash of that entry, when the
    entry still exists.
    """
    found = []
    trusted = Ed25519PublicKey.from_public_bytes(bytes.fromhex(trusted_key))
    for w in witnessed:
        label = f"the witnessed checkpoint of entry {w.last_seq} ({w.at})"
        if w.public_key != trusted_key:
            found.append((w.last_seq, f"{label} was signed by a different key"))
            continue
        try:
            trusted.verify(bytes.fromhex(w.signature), signed_message(w.last_seq, w.last_hash))
        except (InvalidSignature, ValueError):
            found.append((w.last_seq, f"{label} has an invalid signature"))
            continue
        if w.last_seq == 0:
            continue
        current = hashes.get(w.last_seq)
        if current is None:
            found.append((w.last_seq, f"entries from {w.last_seq} were removed: {label} covers it"))
        elif current != w.last_hash:
            found.append(
                (
                    w.last_seq,
                    f"the trail up to entry {w.last_seq} was rewritten: it differs from {label}",
                )
            )
    return found

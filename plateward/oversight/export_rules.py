"""The audit trail's open export format, and its offline verification (pure: hashlib, json and
an Ed25519 check; no database, no Plateward installation needed beyond this file's logic).

Format ``plateward-audit-export/1``: UTF-8 JSON Lines.

1. a header: ``{"format": "plateward-audit-export/1", "exported_at": ..., "entries": N,
   "first_seq": ..., "last_seq": ..., "genesis": "000…0"}``;
2. one line per entry, in order:
   ``{"entry": {<every hashed field>, "prev_hash": ..., "hash": ...}}``, where the JSON
   fields (query_terms, purpose, result_ids, details) are their canonical text and
   ``at`` is the ISO time with microseconds, exactly as hashed;
3. one line per signed checkpoint: ``{"checkpoint": {"id", "at", "last_seq", "last_hash",
   "public_key", "signature"}}``.

An entry's hash is SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of its hashed
fields plus ``prev_hash``; the first entry's ``prev_hash`` is the genesis (64 zeros). A checkpoint
signs the bytes ``plateward-audit-checkpoint/1:{last_seq}:{last_hash}`` with Ed25519.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "plateward-audit-export/1"
GENESIS = "0" * 64
SIGNED_PREFIX = "plateward-audit-checkpoint/1"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical({**fields, "prev_hash": prev_hash}).encode()).hexdigest()


@dataclass(frozen=True)
class ExportCheck:
    ok: bool
    entries: int
    checkpoints: int
    problem: str | None = None
    first_bad_seq: int | None = None


def _signature_ok(checkpoint: dict[str, Any]) -> bool:
    message = f"{SIGNED_PREFIX}:{checkpoint['last_seq']}:{checkpoint['last_hash']}".encode()
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(checkpoint["public_key"]))
        key.verify(bytes.fromhex(checkpoint["signature"]), message)
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return False
    return True


@dataclass
class _Walk:
    """What the verification has seen so far."""

    trusted_key: str | None
    prev: str = GENESIS
    entries: int = 0
    checkpoints: int = 0
    hashes: dict[int, str] | None = None

    def entry(self, fields: dict[str, Any]) -> tuple[str, int | None] | None:
        """The problem with the next entry (and its number), or None when it holds."""
        hashes = self.hashes if self.hashes is not None else {}
        expected = self.entries + 1
        seq, stated = fields.get("seq"), fields.pop("hash", None)
        linked = fields.pop("prev_hash", None)
        if seq != expected:
            return f"entry {expected} is missing (found {seq})", expected
        if linked != self.prev:
            return f"entry {seq} does not link to the one before", expected
        if entry_hash(fields, self.prev) != stated:
            return f"entry {seq} was changed after it was written", expected
        hashes[expected], self.prev, self.hashes = str(stated), str(stated), hashes
        self.entries += 1
        return None

    def checkpoint(self, checkpoint: dict[str, Any]) -> tuple[str, int | None] | None:
        seq = checkpoint.get("last_seq")
        label = f"the checkpoint of entry {seq}"
        if self.trusted_key is not None and checkpoint.get("public_key") != self.trusted_key:
            return f"{label} was signed by another key than the one trusted", seq
        if not _signature_ok(checkpoint):
            return f"{label} has a bad signature", seq
        if seq and (self.hashes or {}).get(seq) != checkpoint.get("last_hash"):
            return f"entry {seq} is not the entry its checkpoint signed", seq
        self.checkpoints += 1
        return None


def verify(lines: Iterable[str], trusted_key: str | None = None) -> ExportCheck:
    """Walk an export: every entry's hash and link, every checkpoint's signature and the hash it
    signed, and the header's counts. ``trusted_key``: the public key checkpoints must be signed
    with (the one the portal publishes); without it any valid signature is accepted."""
    rows = iter(lines)
    try:
        header = json.loads(next(rows))
    except (StopIteration, ValueError):
        return ExportCheck(False, 0, 0, "the file has no export header")
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return ExportCheck(False, 0, 0, f"not a {FORMAT} file")
    walk = _Walk(trusted_key)
    for number, line in enumerate(rows, start=2):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if isinstance(record, dict) and isinstance(record.get("entry"), dict):
            problem = walk.entry(dict(record["entry"]))
        elif isinstance(record, dict) and isinstance(record.get("checkpoint"), dict):
            problem = walk.checkpoint(record["checkpoint"])
        else:
            problem = (f"line {number} is neither an entry nor a checkpoint", None)
        if problem is not None:
            return ExportCheck(False, walk.entries, walk.checkpoints, *problem)
    if walk.entries != header.get("entries"):
        stated = header.get("entries")
        problem_text = f"the header says {stated} entries; the file holds {walk.entries}"
        return ExportCheck(False, walk.entries, walk.checkpoints, problem_text)
    return ExportCheck(True, walk.entries, walk.checkpoints)

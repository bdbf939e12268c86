"""The audit trail's tables and its canonical hashing: what ``audit`` and ``checkpoints`` share.

Both modules import from here and never from each other's direction upward: ``audit`` appends
(``audit_verify`` walks the chain), ``checkpoints`` signs it (and appends its own entry through
``audit``).

The structured fields (query terms, purpose, result ids, details) are JSON columns (JSONB on
PostgreSQL) so auditors can query them. The hash still covers the same canonical *text* as when
they were stored as text (migration 0003): ``canonical`` dumps a value with sorted keys, and what
is stored is what that text loads back to (on PostgreSQL the database parses it from the very
text it hashes), so dumping the stored value again gives the text that was hashed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Dialect, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

from plateward.core.database import Base

GENESIS_HASH = "0" * 64


def canonical(value: Any) -> str:
    """The one text form of a value: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class StructuredJSON(TypeDecorator[Any]):
    """JSONB on PostgreSQL (queryable, indexable); on SQLite the canonical JSON text itself.

    SQLite's JSON functions read text columns, and storing the canonical text there means the
    database holds exactly the text each entry's hash covers.
    """

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB(none_as_null=True))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return canonical(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, str) and dialect.name != "postgresql":
            return json.loads(value)
        return value


def _json() -> StructuredJSON:
    return StructuredJSON()


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_at", "at"),
        Index("ix_audit_entries_actor_username", "actor_username"),
        Index("ix_audit_entries_actor_id", "actor_id"),
        Index("ix_audit_entries_case_number", "case_number"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    actor_username: Mapped[str] = mapped_column(String(120))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_badge: Mapped[str | None] = mapped_column(String(40))
    actor_unit: Mapped[str | None] = mapped_column(String(120))
    actor_agency: Mapped[str | None] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(40))
    client_address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(80), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    query_terms: Mapped[dict[str, Any]] = mapped_column(_json())
    purpose: Mapped[dict[str, Any] | None] = mapped_column(_json())
    result_count: Mapped[int | None]
    # "Who saw record X": on PostgreSQL the GIN index ix_audit_entries_result_ids (jsonb_path_ops,
    # migration 0011), declared there only: on SQLite it would be a plain, useless index.
    result_ids: Mapped[list[Any]] = mapped_column(_json())
    details: Mapped[dict[str, Any]] = mapped_column(_json())
    # The purpose's case number, copied out so "every access under case X" is an index look-up.
    # Not hashed itself: the full verification checks it against the hashed purpose.
    case_number: Mapped[str | None] = mapped_column(String(120))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditCheckpoint(Base):
    """A signed statement that the chain up to ``last_seq`` ended in ``last_hash``.

    Signed with an Ed25519 key kept outside the database, so truncating the trail or rewriting
    it wholesale (recomputing every hash) is detected.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    last_seq: Mapped[int] = mapped_column(Integer, index=True)
    last_hash: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))


HASHED_FIELDS = (
    "seq",
    "at",
    "actor_kind",
    "actor_id",
    "actor_username",
    "actor_name",
    "actor_badge",
    "actor_unit",
    "actor_agency",
    "actor_role",
    "client_address",
    "action",
    "outcome",
    "reason",
    "query_terms",
    "purpose",
    "result_count",
    "result_ids",
    "details",
)
# Hashed as their canonical text, exactly as they were hashed when stored as text (migration 0003).
JSON_FIELDS = ("query_terms", "purpose", "result_ids", "details")


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """The definition: SHA-256 of the canonical text of the hashed fields and ``prev_hash``."""
    return hashlib.sha256(canonical({**fields, "prev_hash": prev_hash}).encode()).hexdigest()


# The hashed text's keys in canonical (sorted) order fall in three runs around the two values only
# the chain knows: the keys before "prev_hash", those between it and "seq", and "seq" (the last).
_BEFORE_PREV = tuple(sorted(k for k in HASHED_FIELDS if k < "prev_hash"))
_BEFORE_SEQ = tuple(sorted(k for k in HASHED_FIELDS if "prev_hash" < k < "seq"))
assert max(HASHED_FIELDS) == "seq"  # noqa: S101 — the split below relies on it


@dataclass(frozen=True)
class HashedText:
    """An entry's hashed text, less the previous hash and its number: ``head`` + prev_hash +
    ``middle`` + seq + ``}`` is exactly ``canonical({**fields, "prev_hash": prev_hash})``.

    So an entry can be chained by whoever holds the append lock (the database, on PostgreSQL)
    without serializing it again; ``entry_hash`` stays the definition verification uses.
    """

    head: str
    middle: str

    def text(self, prev_hash: str, seq: int) -> str:
        return f"{self.head}{prev_hash}{self.middle}{seq}}}"

    def hash(self, prev_hash: str, seq: int) -> str:
        return hashlib.sha256(self.text(prev_hash, seq).encode()).hexdigest()


def hashed_text(fields: dict[str, Any]) -> HashedText:
    """``fields``: every hashed field but ``seq``, in canonical form (as ``hashed_fields``)."""
    before = canonical({k: fields[k] for k in _BEFORE_PREV})
    between = canonical({k: fields[k] for k in _BEFORE_SEQ})
    return HashedText(before[:-1] + ',"prev_hash":"', '",' + between[1:-1] + ',"seq":')


def hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    """The values an entry's hash covers, in their canonical form."""
    fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
    fields["at"] = entry.at.isoformat(timespec="microseconds")
    for name in JSON_FIELDS:
        value = fields[name]
        fields[name] = None if value is None else canonical(value)
    return fields

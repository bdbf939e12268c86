"""A public-records package (California Public Records Act requests about the program): what it
holds and how people and plates are disguised in it (pure).

Plates are replaced by a keyed hash and officers by a stable pseudonym, both with a salt of this
release only: within one release the same plate or officer reads the same everywhere (so the
records can be analysed), across releases they cannot be linked, and neither can be reversed.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from plateward.core.errors import InvalidInput

# Query terms that name a plate (search terms, hot-list entries).
PLATE_TERMS = frozenset({"plate", "plates"})
CSV_COLUMNS = (
    "seq",
    "at",
    "action",
    "outcome",
    "officer",
    "unit",
    "agency",
    "purpose_category",
    "crime_type",
    "terms",
    "result_count",
)
# The policy documents in force, newest first (docs/policy-matrix.md names their clauses).
POLICY_VERSIONS = (
    ("ALPR Policy and Data Usage Protocol Update (City Council item 4.1)", "2026-03-10"),
    ("Data Usage Protocol for ALPR Technology", "2022-08-22"),
)


def _keyed(salt: str, value: str) -> str:
    return hmac.new(salt.encode(), value.encode(), hashlib.sha256).hexdigest()


def pseudonym(salt: str, username: str) -> str:
    return "officer-" + _keyed(salt, "person:" + username)[:10]


def plate_hash(salt: str, plate: str) -> str:
    return "plate-" + _keyed(salt, "plate:" + plate.upper())[:16]


def scrubbed_terms(salt: str, terms: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in terms.items():
        if key in PLATE_TERMS and isinstance(value, str):
            out[key] = plate_hash(salt, value)
        elif key in PLATE_TERMS and isinstance(value, list):
            out[key] = [plate_hash(salt, str(v)) for v in value]
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class TrailRow:
    seq: int
    at: str
    action: str
    outcome: str
    username: str
    unit: str | None
    agency: str | None
    purpose: Mapping[str, Any] | None
    terms: Mapping[str, Any]
    result_count: int | None


def audit_csv(salt: str, rows: Iterable[TrailRow]) -> str:
    """The trail's accesses, officers pseudonymized and plates hashed; no justification text (it
    may name people), no record ids."""
    import json

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        purpose = r.purpose or {}
        writer.writerow(
            [
                r.seq,
                r.at,
                r.action,
                r.outcome,
                pseudonym(salt, r.username),
                r.unit or "",
                r.agency or "",
                purpose.get("category", ""),
                purpose.get("crime_type", ""),
                json.dumps(scrubbed_terms(salt, r.terms), sort_keys=True),
                "" if r.result_count is None else r.result_count,
            ]
        )
    return out.getvalue()


def request_ref(value: str) -> str:
    text = " ".join(value.split())
    if not text or len(text) > 100:
        raise InvalidInput("name the request (its reference), up to 100 characters")
    return text


def period(start: str, end: str) -> tuple[date, date]:
    try:
        first, last = date.fromisoformat(start.strip()), date.fromisoformat(end.strip())
    except ValueError:
        raise InvalidInput("dates are written YYYY-MM-DD") from None
    if first > last:
        raise InvalidInput("the 'from' date is after the 'to' date")
    return first, last

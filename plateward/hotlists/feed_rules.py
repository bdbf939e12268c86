"""External hot lists as pure rules: feed records, the file formats, and the category firewall.

DUP §4.6 — lists managed by an external source (the Stolen Vehicle System, NCIC, CLETS, BOLOs)
are kept synchronized. DUP §3 and SB 54 — a list category that serves a prohibited use (the NCIC
Immigration Violator File, any category about immigration status) can never be subscribed to or
imported, whatever an administrator configures.

Formats (docs/hotlists.md, "External hot lists"):

- NDJSON, one object per line, or CSV with a header: ``plate``, ``state``, ``list``, ``code``
  (NCIC-style file code), ``reason``, ``entry_date`` (YYYY-MM-DD), optional ``key`` (the source's
  record id; plate and state when absent) and ``removed`` (true: the source took it out).
- California DOJ fixed-width extracts (``svs.tbl``, ``sfr.tbl``, ``slr.tbl`` style): records
  ``01`` + plate (8) + state (2) + file code (4) + entry date YYYYMMDD (8) + record id (20) +
  reason (up to 60); a trailer ``99`` + the record count (8 digits). A file whose count does not
  match its records, or without a trailer, is rejected whole.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date

from plateward.plates.rules import InvalidPlate, normalize_plate, normalize_state


class FeedRejected(ValueError):
    """The whole delivery is refused (nothing of it is applied); the message says why."""


@dataclass(frozen=True)
class FeedRecord:
    key: str
    plate: str
    plate_state: str
    code: str  # NCIC-style file code, e.g. "V" (vehicle), "SVS", "IVF"
    list_name: str
    reason: str
    entry_date: date | None
    removed: bool = False


# The category firewall: file codes and words that mark a list about immigration status.
PROHIBITED_CODES = frozenset({"IVF", "IMM", "ICE", "ICS", "DHS"})
PROHIBITED_WORDS = ("immigra", "deport", "alien", "ice detainer", "removal order", "visa overstay")
FIREWALL_REASON = (
    "This list category concerns immigration status: it can never be subscribed to or imported "
    "(DUP §3; SB 54, SB 34)."
)


def firewall_refusal(*labels: str | None) -> str | None:
    """Why a category (its code, name or reason text) may not be subscribed or imported."""
    for label in labels:
        text = (label or "").strip().lower()
        if not text:
            continue
        if text.upper() in PROHIBITED_CODES or any(w in text for w in PROHIBITED_WORDS):
            return FIREWALL_REASON
    return None


def record(
    raw: dict[str, object], default_list: str, fold_states: frozenset[str] = frozenset({"CA"})
) -> FeedRecord:
    """One record from its fields; ``FeedRejected`` names what is wrong (the line is given by
    the caller)."""
    try:
        state = normalize_state(str(raw.get("state") or "")) or ""
        plate = normalize_plate(str(raw.get("plate") or ""), state, fold_states)
    except InvalidPlate as exc:
        raise FeedRejected(str(exc)) from None
    if not plate or not state:
        raise FeedRejected("a record needs a plate and its state")
    day = str(raw.get("entry_date") or "").strip()
    try:
        entry_date = date.fromisoformat(day) if day else None
    except ValueError:
        raise FeedRejected(f"entry date '{day[:20]}' is not YYYY-MM-DD") from None
    removed = str(raw.get("removed", "")).strip().lower() in ("true", "1", "yes")
    return FeedRecord(
        key=str(raw.get("key") or f"{plate}:{state}")[:60],
        plate=plate,
        plate_state=state,
        code=str(raw.get("code") or "").strip().upper()[:8],
        list_name=str(raw.get("list") or default_list).strip()[:40] or default_list,
        reason=" ".join(str(raw.get("reason") or "").split())[:300],
        entry_date=entry_date,
        removed=removed,
    )


def _numbered(records: list[dict[str, object]], default_list: str) -> list[FeedRecord]:
    parsed = []
    for n, raw in enumerate(records, start=1):
        try:
            parsed.append(record(raw, default_list))
        except FeedRejected as exc:
            raise FeedRejected(f"record {n}: {exc}") from None
    return parsed


def parse_ndjson(text: str, default_list: str) -> list[FeedRecord]:
    """Every line one JSON object; one bad line rejects the delivery (it may be cut short)."""
    raws: list[dict[str, object]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            raise FeedRejected(f"line {n} is not JSON") from None
        if not isinstance(value, dict):
            raise FeedRejected(f"line {n} is not an object")
        raws.append(value)
    return _numbered(raws, default_list)


def parse_csv(text: str, default_list: str) -> list[FeedRecord]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"plate", "state"} <= set(reader.fieldnames):
        raise FeedRejected("the CSV needs a header with at least plate and state")
    return _numbered([dict(row) for row in reader], default_list)


# Fixed-width layout of a DOJ extract record (start, end) after the two-character record type.
_DOJ_FIELDS = {
    "plate": (2, 10),
    "state": (10, 12),
    "code": (12, 16),
    "entry_date": (16, 24),
    "key": (24, 44),
    "reason": (44, 104),
}


def _doj_date(text: str) -> str:
    text = text.strip()
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}" if len(text) == 8 and text.isdigit() else text


def parse_doj(text: str, default_list: str) -> list[FeedRecord]:
    """A DOJ fixed-width extract; its trailer's count must match its records, or none is kept."""
    lines = [line.rstrip("\r\n") for line in text.splitlines() if line.strip()]
    if not lines or not lines[-1].startswith("99"):
        raise FeedRejected("the extract has no trailer record (99): it may be cut short")
    trailer = lines[-1][2:].strip()
    if not trailer.isdigit():
        raise FeedRejected("the trailer's record count is not a number")
    body = lines[:-1]
    if int(trailer) != len(body):
        raise FeedRejected(
            f"the trailer counts {int(trailer)} records but the extract holds {len(body)}: "
            "the whole file is rejected"
        )
    raws: list[dict[str, object]] = []
    for n, line in enumerate(body, start=1):
        if not line.startswith("01"):
            raise FeedRejected(f"record {n} is not a vehicle record (01)")
        raw: dict[str, object] = {k: line[a:b].strip() for k, (a, b) in _DOJ_FIELDS.items()}
        raw["entry_date"] = _doj_date(str(raw["entry_date"]))
        raws.append(raw)
    return _numbered(raws, default_list)


def doj_line(rec: FeedRecord) -> str:
    """A record in the extract layout (for the demo's and the tests' files)."""
    day = rec.entry_date.strftime("%Y%m%d") if rec.entry_date else ""
    return (
        f"01{rec.plate:<8}{rec.plate_state:<2}{rec.code:<4}{day:<8}{rec.key:<20}"
        f"{rec.reason[:60]:<60}"
    )

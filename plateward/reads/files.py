"""Reading a file of reads for ``plateward ingest FILE``: NDJSON, CSV or one JSON document.

NDJSON and CSV are streamed a line at a time, so a file of any size reads in constant memory;
a JSON file is one document and is parsed whole, then expanded by ``adapters.to_raw_rows``.

A problem with one row becomes a ``RawRow`` with ``data=None`` and a reason, and reading goes
on. Only a problem with the file as a whole (its name, its CSV header, a JSON file that does
not parse) raises ``InvalidInput``, and it does so when ``iter_raw_rows`` is called, before
any row is read.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

from plateward.core.errors import InvalidInput
from plateward.reads.adapters import to_raw_rows
from plateward.reads.rules import RAW_TEXT_LIMIT, RawRow, ReadIn

NATIVE_FIELDS = frozenset(ReadIn.model_fields)
REQUIRED_COLUMNS = tuple(name for name, field in ReadIn.model_fields.items() if field.is_required())
# A JSON line holding any of these is a whole payload (ours or a vendor's), not one read.
_PAYLOAD_KEYS = frozenset({"reads", "data_type", "results", "hook"})
_NOT_UTF8 = "not valid UTF-8 text"


class FileFormat(StrEnum):
    NDJSON = "ndjson"
    CSV = "csv"
    JSON = "json"


_SUFFIXES = {
    ".ndjson": FileFormat.NDJSON,
    ".jsonl": FileFormat.NDJSON,
    ".csv": FileFormat.CSV,
    ".json": FileFormat.JSON,
}


def detect_file_format(path: Path) -> FileFormat:
    """Tell the format from the file's suffix."""
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(
            f"cannot tell the format of '{path.name}' from its name: use .ndjson or .jsonl "
            "(one JSON read per line), .csv (a header row of field names) or .json (one "
            "JSON document)"
        )
    return fmt


def iter_raw_rows(path: Path, fmt: FileFormat | None = None) -> Iterator[RawRow]:
    """The rows of ``path`` in file order, detecting the format from the suffix when not given."""
    fmt = detect_file_format(path) if fmt is None else fmt
    if fmt is FileFormat.JSON:
        return iter(to_raw_rows(_load_json(path)))
    if fmt is FileFormat.CSV:
        _csv_columns(path)  # a bad header fails now, not after the caller starts reading
        return _csv_rows(path)
    return _ndjson_rows(path)


def _clip(text: str) -> str:
    return text.rstrip("\r\n")[:RAW_TEXT_LIMIT]


@dataclass(frozen=True)
class _Line:
    number: int
    text: str
    utf8: bool


def _lines(handle: BinaryIO) -> Iterator[_Line]:
    """Physical lines, decoded one at a time so a bad byte spoils only its own line."""
    for number, data in enumerate(handle, start=1):
        chunk = data.removeprefix(codecs.BOM_UTF8) if number == 1 else data
        try:
            yield _Line(number, chunk.decode("utf-8"), utf8=True)
        except UnicodeDecodeError:
            yield _Line(number, chunk.decode("utf-8", errors="replace"), utf8=False)


# --- JSON -----------------------------------------------------------------------------------


def _parse_json(text: str) -> Any:
    """``json.loads``; a too-deeply nested document is reported as invalid JSON too."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def _load_json(path: Path) -> Any:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"'{path.name}' is {_NOT_UTF8}") from None
    try:
        return _parse_json(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"'{path.name}' is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None


# --- NDJSON ---------------------------------------------------------------------------------


def _ndjson_rows(path: Path) -> Iterator[RawRow]:
    with path.open("rb") as handle:
        for line in _lines(handle):
            if line.text.strip():
                yield from _ndjson_line(line)


def _ndjson_line(line: _Line) -> list[RawRow]:
    position, raw = f"line {line.number}", _clip(line.text)
    if not line.utf8:
        return [RawRow(position, None, raw, _NOT_UTF8)]
    try:
        value = _parse_json(line.text)
    except json.JSONDecodeError as exc:
        return [RawRow(position, None, raw, f"not valid JSON ({exc.msg})")]
    if isinstance(value, dict) and _PAYLOAD_KEYS.isdisjoint(value):
        return [RawRow(position, value, raw)]
    if not isinstance(value, dict | list):
        return [RawRow(position, None, raw, "a line must hold a JSON object")]
    try:
        rows = to_raw_rows(value)
    except InvalidInput as exc:
        return [RawRow(position, None, raw, exc.detail)]
    return [replace(row, position=f"{position} {row.position}") for row in rows]


# --- CSV ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    line: int  # where the record starts; a quoted cell may run over several lines
    cells: list[str]
    text: str
    utf8: bool


def _csv_records(handle: BinaryIO) -> Iterator[_Record]:
    """Non-blank CSV records, each with the exact text it came from."""
    taken: list[_Line] = []

    def feed() -> Iterator[str]:
        for line in _lines(handle):
            taken.append(line)
            yield line.text

    reader = csv.reader(feed())
    while True:
        start = taken[-1].number + 1 if taken else 1
        taken.clear()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInput(f"line {start}: not valid CSV ({exc})") from None
        if any(cell.strip() for cell in cells):
            text = "".join(line.text for line in taken)
            yield _Record(start, cells, text, all(line.utf8 for line in taken))


def _header(record: _Record | None, path: Path) -> list[str]:
    if record is None:
        raise InvalidInput(
            f"'{path.name}' is empty: expected a header row naming the columns "
            f"({', '.join(REQUIRED_COLUMNS)}, ...)"
        )
    if not record.utf8:
        raise InvalidInput(f"'{path.name}' line {record.line}: {_NOT_UTF8}")
    columns = [cell.strip().lower() for cell in record.cells]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        raise InvalidInput(
            f"'{path.name}' has no {names} column{'s' if len(missing) > 1 else ''}: the header "
            f"row must name {', '.join(REQUIRED_COLUMNS)}"
        )
    for name in NATIVE_FIELDS:
        if columns.count(name) > 1:
            raise InvalidInput(f"'{path.name}' names the column '{name}' more than once")
    return columns


def _csv_columns(path: Path) -> list[str]:
    with path.open("rb") as handle:
        return _header(next(_csv_records(handle), None), path)


def _csv_rows(path: Path) -> Iterator[RawRow]:
    with path.open("rb") as handle:
        records = _csv_records(handle)
        columns = _header(next(records, None), path)
        for record in records:
            yield _csv_row(record, columns)


def _csv_row(record: _Record, columns: list[str]) -> RawRow:
    position, raw = f"line {record.line}", _clip(record.text)
    if not record.utf8:
        return RawRow(position, None, raw, _NOT_UTF8)
    if any(cell.strip() for cell in record.cells[len(columns) :]):
        reason = f"{len(record.cells)} cells but the header names {len(columns)} columns"
        return RawRow(position, None, raw, reason)
    data = {
        name: cell.strip()
        for name, cell in zip(columns, record.cells, strict=False)
        if name in NATIVE_FIELDS and cell.strip()
    }
    return RawRow(position, data, raw)

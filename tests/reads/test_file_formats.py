"""Files for ``plateward ingest FILE``: NDJSON and CSV streamed row by row, JSON as one document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plateward.core.errors import InvalidInput
from plateward.reads.files import FileFormat, detect_file_format, iter_raw_rows
from plateward.reads.rules import RAW_TEXT_LIMIT

SAMPLES = Path(__file__).parent / "samples"
READ = {"camera": "north-gate", "captured_at": "2026-11-24T17:03:05.120Z", "plate": "7ABC123"}


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def sample_line(name: str) -> str:
    return json.dumps(json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8")))


# --- format ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("reads.ndjson", FileFormat.NDJSON),
        ("reads.jsonl", FileFormat.NDJSON),
        ("READS.JSONL", FileFormat.NDJSON),
        ("export.2026-11-24.csv", FileFormat.CSV),
        ("webhook.json", FileFormat.JSON),
    ],
)
def test_the_format_comes_from_the_suffix(name: str, expected: FileFormat) -> None:
    assert detect_file_format(Path(name)) is expected


@pytest.mark.parametrize("name", ["reads.txt", "reads", "reads.csv.gz", "reads.xlsx"])
def test_an_unknown_suffix_is_refused_naming_the_ones_understood(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        detect_file_format(Path(name))
    assert name in caught.value.detail
    for suffix in (".ndjson", ".jsonl", ".csv", ".json"):
        assert suffix in caught.value.detail


def test_a_format_given_outright_overrides_the_suffix(tmp_path: Path) -> None:
    path = write(tmp_path / "reads.txt", json.dumps(READ) + "\n")
    rows = list(iter_raw_rows(path, FileFormat.NDJSON))
    assert [(row.position, row.data) for row in rows] == [("line 1", READ)]


# --- NDJSON ---------------------------------------------------------------------------------


def test_ndjson_lines_become_reads_positioned_by_line(tmp_path: Path) -> None:
    second = {**READ, "plate": "8XYZ901", "read_id": "r-2"}
    path = write(tmp_path / "reads.ndjson", f"{json.dumps(READ)}\n{json.dumps(second)}\n")
    rows = list(iter_raw_rows(path))
    assert [(row.position, row.data, row.error) for row in rows] == [
        ("line 1", READ, None),
        ("line 2", second, None),
    ]
    assert rows[1].raw == json.dumps(second)


def test_a_bad_ndjson_line_does_not_sink_the_file(tmp_path: Path) -> None:
    lines = [json.dumps({**READ, "plate": f"P{n}"}) for n in range(1, 15)]
    lines[11] = '{"camera": "north-gate" "plate": "7ABC123"}'
    path = write(tmp_path / "reads.jsonl", "\n".join(lines) + "\n")
    rows = list(iter_raw_rows(path))
    assert len(rows) == 14
    bad = rows[11]
    assert (bad.position, bad.data) == ("line 12", None)
    assert bad.error == "not valid JSON (Expecting ',' delimiter)"
    assert bad.raw == lines[11]
    assert [row.data["plate"] for row in rows if row.data] == [
        f"P{n}" for n in range(1, 15) if n != 12
    ]


def test_blank_lines_are_skipped_but_still_counted(tmp_path: Path) -> None:
    text = f"\n{json.dumps(READ)}\n   \n\t\r\n{json.dumps(READ)}\r\n\n"
    rows = list(iter_raw_rows(write(tmp_path / "reads.ndjson", text)))
    assert [row.position for row in rows] == ["line 2", "line 5"]
    assert all(row.data == READ for row in rows)
    assert rows[1].raw == json.dumps(READ)


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("[1, 2", "not valid JSON (Expecting ',' delimiter)"),
        ('"7ABC123"', "a line must hold a JSON object"),
        ("42", "a line must hold a JSON object"),
        ("[" * 100_000, "not valid JSON (nested too deeply)"),
    ],
)
def test_a_line_that_is_not_a_read_is_a_reason(tmp_path: Path, line: str, error: str) -> None:
    path = write(tmp_path / "reads.ndjson", f"{line}\n{json.dumps(READ)}\n")
    rows = list(iter_raw_rows(path))
    assert [(row.position, row.error) for row in rows] == [("line 1", error), ("line 2", None)]
    assert rows[0].raw == line[:RAW_TEXT_LIMIT]


def test_a_line_that_is_not_utf8_is_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "reads.ndjson"
    path.write_bytes(b'{"plate": "7ABC\xff123"}\n' + json.dumps(READ).encode())
    rows = list(iter_raw_rows(path))
    assert [(row.position, row.error) for row in rows] == [
        ("line 1", "not valid UTF-8 text"),
        ("line 2", None),
    ]


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "reads.ndjson"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(READ).encode() + b"\n")
    assert [row.data for row in iter_raw_rows(path)] == [READ]


def test_a_vendor_payload_line_is_expanded_into_its_reads(tmp_path: Path) -> None:
    lines = [
        json.dumps(READ),
        sample_line("openalpr_alpr_results"),
        sample_line("platerecognizer_stream"),
        json.dumps({"reads": [READ, 5]}),
        sample_line("openalpr_alpr_group"),
    ]
    rows = list(iter_raw_rows(write(tmp_path / "mixed.ndjson", "\n".join(lines))))
    assert [(row.position, row.error) for row in rows] == [
        ("line 1", None),
        ("line 2 results[0]", None),
        ("line 2 results[1]", None),
        ("line 3 results[0]", None),
        ("line 4 reads[0]", None),
        ("line 4 reads[1]", "read must be a JSON object"),
        ("line 5 alpr_group", None),
    ]
    plates = [row.data["plate"] for row in rows if row.data]
    assert plates == ["7ABC123", "7ABC123", "8XYZ901", "8DFG527", "7ABC123", "6TRJ244"]
    assert rows[1].data is not None
    assert rows[1].data["captured_at"] == "2026-11-24T17:03:05.120Z"


def test_an_unrecognised_payload_line_is_a_reason_not_the_end(tmp_path: Path) -> None:
    lines = [json.dumps({"data_type": "heartbeat", "results": []}), json.dumps(READ)]
    rows = list(iter_raw_rows(write(tmp_path / "reads.ndjson", "\n".join(lines))))
    assert rows[0].position == "line 1"
    assert rows[0].data is None
    assert rows[0].error is not None
    assert rows[0].error.startswith("unrecognised payload")
    assert rows[1].data == READ


@pytest.mark.parametrize(
    ("name", "header", "line"),
    [
        ("reads.ndjson", "", json.dumps(READ)),
        ("reads.csv", "camera,captured_at,plate\n", "north-gate,2026-11-24T17:03:05.120Z,7ABC123"),
    ],
)
def test_a_big_file_is_streamed_not_loaded_whole(
    tmp_path: Path, name: str, header: str, line: str
) -> None:
    path = write(tmp_path / name, header + f"{line}\n" * 20_000)
    rows = iter_raw_rows(path)
    assert next(rows).data == READ
    path.write_bytes(b"")  # what was not read yet is gone: only a buffer's worth was in memory
    assert len(list(rows)) < 1_000


# --- CSV ------------------------------------------------------------------------------------


def test_csv_rows_map_to_native_reads_by_header(tmp_path: Path) -> None:
    text = (
        "plate,camera,captured_at,plate_state,confidence,latitude,longitude,lane,vehicle_color\r\n"
        "7ABC123,north-gate,2026-11-24T17:03:05.120Z,CA,0.94,37.77493,-122.41942,2,silver\r\n"
        "8XYZ901, north-gate ,2026-11-24T17:04:00Z,,,,,,\r\n"
    )
    rows = list(iter_raw_rows(write(tmp_path / "export.csv", text)))
    assert [(row.position, row.error) for row in rows] == [("line 2", None), ("line 3", None)]
    assert rows[0].data == {
        "plate": "7ABC123",
        "camera": "north-gate",
        "captured_at": "2026-11-24T17:03:05.120Z",
        "plate_state": "CA",
        "confidence": "0.94",
        "latitude": "37.77493",
        "longitude": "-122.41942",
        "vehicle_color": "silver",
    }
    assert rows[1].data == {
        "plate": "8XYZ901",
        "camera": "north-gate",
        "captured_at": "2026-11-24T17:04:00Z",
    }
    assert rows[1].raw == "8XYZ901, north-gate ,2026-11-24T17:04:00Z,,,,,,"


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("plate,captured_at,confidence", "'camera'"),
        ("camera,plate", "'captured_at'"),
        ("camera,captured_at,plate_number", "'plate'"),
        ("read_id,confidence", "'camera', 'captured_at', 'plate'"),
    ],
)
def test_a_csv_missing_a_required_column_is_refused_naming_it(
    tmp_path: Path, header: str, missing: str
) -> None:
    path = write(tmp_path / "export.csv", f"{header}\nx,y,z\n")
    with pytest.raises(InvalidInput) as caught:
        iter_raw_rows(path)  # at once, before the caller reads a row
    assert f"no {missing} column" in caught.value.detail
    assert "export.csv" in caught.value.detail


def test_an_empty_csv_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        iter_raw_rows(write(tmp_path / "export.csv", "\n\n"))


def test_a_csv_naming_a_column_twice_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", "camera,captured_at,plate,plate\n")
    with pytest.raises(InvalidInput, match="'plate' more than once"):
        iter_raw_rows(path)


def test_csv_header_is_forgiving_about_case_spaces_and_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(
        b"\xef\xbb\xbfCamera , Captured_At,PLATE\n north-gate,2026-11-24T17:03:05.120Z,7ABC123\n"
    )
    assert [row.data for row in iter_raw_rows(path)] == [READ]


def test_csv_positions_count_the_header_as_line_1_and_skip_blank_lines(tmp_path: Path) -> None:
    text = (
        "camera,captured_at,plate,vehicle_model\n"
        "north-gate,2026-11-24T17:03:05.120Z,7ABC123,\n"
        "\n"
        ",,,\n"
        'north-gate,2026-11-24T17:03:06Z,8XYZ901,"Model\nS"\n'
        "north-gate,2026-11-24T17:03:07Z,9DEF456,\n"
    )
    rows = list(iter_raw_rows(write(tmp_path / "export.csv", text)))
    assert [row.position for row in rows] == ["line 2", "line 5", "line 7"]
    assert rows[1].data is not None
    assert rows[1].data["vehicle_model"] == "Model\nS"
    assert rows[1].raw == 'north-gate,2026-11-24T17:03:06Z,8XYZ901,"Model\nS"'


def test_a_csv_row_with_too_many_cells_is_a_reason(tmp_path: Path) -> None:
    text = (
        "camera,captured_at,plate\n"
        "north-gate,2026-11-24T17:03:05.120Z,7ABC123,, \n"
        "north-gate,2026-11-24T17:03:05.120Z,7ABC,123\n"
        "north-gate,2026-11-24T17:03:05.120Z\n"
    )
    rows = list(iter_raw_rows(write(tmp_path / "export.csv", text)))
    assert [(row.position, row.error) for row in rows] == [
        ("line 2", None),
        ("line 3", "4 cells but the header names 3 columns"),
        ("line 4", None),
    ]
    assert rows[0].data == READ
    assert rows[1].data is None
    assert rows[2].data == {"camera": "north-gate", "captured_at": "2026-11-24T17:03:05.120Z"}


def test_a_csv_row_that_is_not_utf8_is_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(
        b"camera,captured_at,plate\n"
        b"north-gate,2026-11-24T17:03:05.120Z,7AB\xe9123\n"
        b"north-gate,2026-11-24T17:03:05.120Z,7ABC123\n"
    )
    rows = list(iter_raw_rows(path))
    assert [(row.position, row.data, row.error) for row in rows] == [
        ("line 2", None, "not valid UTF-8 text"),
        ("line 3", READ, None),
    ]


# --- JSON -----------------------------------------------------------------------------------


def test_a_json_file_goes_through_the_vendor_adapters(tmp_path: Path) -> None:
    path = tmp_path / "webhook.json"
    path.write_bytes(b"\xef\xbb\xbf" + (SAMPLES / "platerecognizer_snapshot.json").read_bytes())
    rows = list(iter_raw_rows(path))
    assert [row.position for row in rows] == ["results[0]", "results[1]"]
    assert [row.data["plate"] for row in rows if row.data] == ["7ABC123", "4PQR812"]


def test_a_json_file_of_native_reads_keeps_their_positions(tmp_path: Path) -> None:
    path = write(tmp_path / "reads.json", json.dumps({"reads": [READ, READ]}, indent=2))
    assert [(row.position, row.data) for row in iter_raw_rows(path)] == [
        ("reads[0]", READ),
        ("reads[1]", READ),
    ]


def test_a_json_file_of_a_bare_array_is_a_batch_of_native_reads(tmp_path: Path) -> None:
    path = write(tmp_path / "reads.json", json.dumps([READ, READ]))
    assert [(row.position, row.data) for row in iter_raw_rows(path)] == [
        ("[0]", READ),
        ("[1]", READ),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"reads": [\n  {"plate": 1,}\n]}', "'reads.json' is not valid JSON"),
        ('"7ABC123"', "unrecognised payload"),
        ("", "'reads.json' is not valid JSON"),
    ],
)
def test_a_json_file_that_is_not_a_payload_is_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        iter_raw_rows(write(tmp_path / "reads.json", text))

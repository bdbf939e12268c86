"""A sealed bundle's records (reads/rules.py): the read as validation made it, taken as it is
only when vouched for, and otherwise validated in full as the native read it stands for, with
the same result either way. What may have changed since the web node validated it (retention,
the camera) is checked again even when vouched for."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from plateward.cameras.rules import CameraRef
from plateward.reads.rules import (
    IngestPolicy,
    RawRow,
    ReadCandidate,
    Rejection,
    validate_row,
    vouched_record,
    vouched_rows,
)

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
CAMERAS = {
    "SJ-FX-001": CameraRef(
        1, "SJ-FX-001", is_fixed=True, active=True, latitude=37.3, longitude=-121.9
    ),
    "SJ-MOB-7": CameraRef(
        2, "SJ-MOB-7", is_fixed=False, active=True, latitude=None, longitude=None
    ),
}
POLICY = IngestPolicy(NOW, 30, timedelta(minutes=5), frozenset({"CA"}))

reads = st.fixed_dictionaries(
    {
        "camera": st.sampled_from(["SJ-FX-001", " SJ-FX-001 ", "SJ-MOB-7"]),
        "captured_at": st.integers(min_value=1, max_value=29 * 24 * 60).map(
            lambda m: (NOW - timedelta(minutes=m)).astimezone().isoformat()
        ),
        "plate": st.sampled_from(
            ["7abc123", " 7ABC-123 ", "O1IO", "8xyz 901", "\uff21\uff22\uff23\uff11\uff12\uff13"]
        ),
    },
    optional={
        "read_id": st.one_of(st.integers(0, 10**6), st.text("abc-123", min_size=1, max_size=8)),
        "plate_state": st.sampled_from(["ca", "US-NV", None, "  "]),
        "confidence": st.floats(0, 1),
        "vehicle_make": st.sampled_from(["Honda", " Ford ", None]),
        "image_ref": st.sampled_from(["img/1.jpg", None]),
    },
)


def _sealed(candidate: ReadCandidate, camera: str, *, trusted: bool) -> RawRow:
    body = orjson.dumps([vouched_record(candidate, camera)])
    (row,) = vouched_rows(orjson.loads(body), "stream:7", trusted=trusted)
    return row


# A position given with the read (both coordinates, or none: the camera's own, if fixed).
positioned = st.tuples(reads, st.booleans()).map(
    lambda pair: {**pair[0], **({"latitude": 37.0, "longitude": -121.0} if pair[1] else {})}
)


@given(positioned)
def test_a_record_is_the_read_validation_made_vouched_for_or_not(read: dict[str, object]) -> None:
    validated = validate_row(RawRow.of("1", read), CAMERAS, POLICY)
    assert isinstance(validated, ReadCandidate), validated  # every generated read is valid
    camera = str(read["camera"]).strip()
    vouched = _sealed(validated, camera, trusted=True)
    assert vouched.vouched == validated
    assert validate_row(vouched, CAMERAS, POLICY) == validated
    # Not vouched for (a seal that did not verify): validated in full, to the same read.
    doubted = _sealed(validated, camera, trusted=False)
    assert doubted.vouched is None
    assert validate_row(doubted, CAMERAS, POLICY) == validated


def _candidate(**changes: object) -> ReadCandidate:
    read = validate_row(
        RawRow.of("1", {"camera": "SJ-FX-001", "captured_at": NOW.isoformat(), "plate": "7ABC123"}),
        CAMERAS,
        POLICY,
    )
    assert isinstance(read, ReadCandidate)
    return read._replace(**changes)


@pytest.mark.parametrize(
    ("cameras", "policy", "reason"),
    [
        (
            {**CAMERAS, "SJ-FX-001": replace(CAMERAS["SJ-FX-001"], active=False)},
            POLICY,
            "camera 'SJ-FX-001' is not active",
        ),
        (
            {k: v for k, v in CAMERAS.items() if k != "SJ-FX-001"},
            POLICY,
            "unknown camera 'SJ-FX-001'",
        ),
        (
            CAMERAS,
            IngestPolicy(NOW + timedelta(days=31), 30, timedelta(minutes=5), frozenset({"CA"})),
            "captured_at is older than the 30-day retention window",
        ),
    ],
    ids=["camera-deactivated", "camera-gone", "expired-since"],
)
def test_a_vouched_read_is_judged_again_on_what_may_have_changed(
    cameras: dict[str, CameraRef], policy: IngestPolicy, reason: str
) -> None:
    row = _sealed(_candidate(), "SJ-FX-001", trusted=True)
    verdict = validate_row(row, cameras, policy)
    assert isinstance(verdict, Rejection)
    assert verdict.reason == reason


def test_a_record_that_is_no_record_is_quarantined_as_unreadable() -> None:
    native = {"camera": "SJ-FX-001", "captured_at": NOW.isoformat(), "plate": "7ABC123"}
    rows = vouched_rows([["too", "short"], 42, native], "stream:9", trusted=True)
    verdicts = [validate_row(r, CAMERAS, POLICY) for r in rows]
    assert [(v.position, v.reason) for v in verdicts if isinstance(v, Rejection)] == [
        ("stream:9.0", "a sealed bundle's read is not a read record"),
        ("stream:9.1", "a sealed bundle's read is not a read record"),
    ]
    # A native read where a record was expected is judged as the read it is, never vouched for.
    assert rows[2].vouched is None
    assert validate_row(rows[2], CAMERAS, POLICY) == _candidate()
    (whole,) = vouched_rows({"not": "a list"}, "stream:10", trusted=True)
    assert isinstance(validate_row(whole, CAMERAS, POLICY), Rejection)


def test_a_vouched_record_with_a_field_out_of_shape_is_validated_in_full() -> None:
    record = list(orjson.loads(orjson.dumps(vouched_record(_candidate(), "SJ-FX-001"))))
    record[0] = "not hex"  # the read id
    (row,) = vouched_rows([record], "stream:11", trusted=True)
    assert row.vouched is None
    assert validate_row(row, CAMERAS, POLICY) == _candidate()


def test_a_seal_key_of_its_own_frees_workers_from_the_secret_key(tmp_path: Path) -> None:
    """With PLATEWARD_NATS_SEAL_KEY set, web nodes and workers agree on seals whatever their
    secret keys (a worker need not hold the key that guards sessions); without it, the seal
    key follows the secret key."""
    from plateward.core import broker
    from plateward.core.settings import Settings

    def key(**given: str) -> bytes:
        return broker.seal_key(Settings(data_dir=tmp_path, **given))  # type: ignore[arg-type]

    shared = "s" * 32
    assert key(nats_seal_key=shared, secret_key="a" * 32) == key(
        nats_seal_key=shared, secret_key="b" * 32
    )
    assert key(secret_key="a" * 32) != key(secret_key="b" * 32)
    assert shared.encode() not in key(nats_seal_key=shared)  # derived (HKDF), never the raw key
    with pytest.raises(ValueError, match="at least 32"):
        Settings(data_dir=tmp_path, nats_seal_key="short")  # type: ignore[arg-type]

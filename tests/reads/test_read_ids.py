"""A read's id is uuid5 of its camera and source id (or camera, time and plate): the same read
sent twice gets the same id, so it is stored once (reads/rules.read_uuid)."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from plateward.reads.rules import _READ_NAMESPACE, read_uuid

# Hypothesis takes naive bounds and adds the time zone itself.
times = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(
    camera=st.integers(min_value=1, max_value=2**31),
    captured_at=times,
    plate=st.text(min_size=1, max_size=32),
    source=st.none() | st.text(min_size=1, max_size=100),
)
def test_a_read_id_is_the_standard_uuid5_of_its_key(
    camera: int, captured_at: datetime, plate: str, source: str | None
) -> None:
    key = f"id:{camera}:{source}" if source else f"k:{camera}:{captured_at.isoformat()}:{plate}"
    expected = uuid.uuid5(_READ_NAMESPACE, key)
    made = read_uuid(camera, captured_at, plate, source)
    assert made == expected
    assert (made.int, made.version, made.variant, made.is_safe) == (
        expected.int,
        5,
        uuid.RFC_4122,
        expected.is_safe,
    )
    assert (str(made), hash(made), made.bytes) == (str(expected), hash(expected), expected.bytes)
    assert copy.deepcopy(made) == expected  # the state pickling and copying go through
    assert {made: 1}[expected] == 1

"""The pure health rule: a camera is silent when quiet for longer than expected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from plateward.cameras.rules import (
    LEARNING_MIN_GAPS,
    SILENCE_FLOOR,
    Health,
    assess,
    expected_interval,
    learned_interval,
)

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
REGISTERED = NOW - timedelta(days=30)
gaps = st.lists(
    st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(hours=12)),
    min_size=LEARNING_MIN_GAPS,
    max_size=200,
)


@given(gaps)
def test_the_learned_interval_is_never_below_the_floor_nor_the_usual_gap(
    seen: list[timedelta],
) -> None:
    learned = learned_interval(seen)

    assert learned is not None
    assert learned >= SILENCE_FLOOR
    assert learned >= sorted(seen)[len(seen) // 2]  # at least the median gap


def test_too_few_reads_teach_nothing() -> None:
    assert learned_interval([timedelta(minutes=1)] * (LEARNING_MIN_GAPS - 1)) is None


def test_a_configured_interval_wins_over_the_traffic() -> None:
    assert expected_interval(5, [timedelta(hours=3)] * 50) == timedelta(minutes=5)


@given(
    st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=3)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=6)),
)
def test_a_camera_is_flagged_exactly_when_silent_longer_than_expected(
    expected: timedelta, quiet: timedelta
) -> None:
    health = assess("active", NOW - quiet, REGISTERED, expected, NOW)

    assert health.flagged == (quiet > expected)


def test_a_retired_camera_is_never_flagged() -> None:
    health = assess("inactive", NOW - timedelta(days=5), REGISTERED, timedelta(minutes=5), NOW)

    assert health.state is Health.RETIRED
    assert not health.flagged


def test_a_camera_that_never_read_is_silent_since_registration() -> None:
    fresh = assess("active", None, NOW - timedelta(minutes=10), timedelta(minutes=30), NOW)
    dead = assess("active", None, NOW - timedelta(hours=2), timedelta(minutes=30), NOW)

    assert fresh.state is Health.NO_READS
    assert dead.flagged


def test_without_an_interval_a_camera_is_learning() -> None:
    assert assess("active", NOW, REGISTERED, None, NOW).state is Health.LEARNING

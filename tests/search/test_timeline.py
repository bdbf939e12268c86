"""The results page's timeline counts reads per local hour or day across the search window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from plateward.search.timeline import timeline

ZONE = "America/Los_Angeles"
END = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 10:00 PST


def test_a_week_is_drawn_per_local_day() -> None:
    start = END - timedelta(days=7)
    # 07:30 UTC on the 24th is 23:30 on the 23rd in San José: it counts for the 23rd.
    moments = [datetime(2026, 11, 24, 7, 30, tzinfo=UTC), END - timedelta(hours=1)]

    drawn = timeline(start, END, moments, ZONE)

    assert drawn.unit == "day"
    assert len(drawn.bars) == 8  # the 17th (from 10:00) to the 24th (until 10:00)
    by_day = {b.start.day: b.count for b in drawn.bars}
    assert by_day[23] == 1 and by_day[24] == 1
    assert drawn.total == 2 and drawn.peak == 1


def test_a_day_is_drawn_per_hour_and_the_tallest_bar_fills_the_plot() -> None:
    start = END - timedelta(hours=24)
    moments = [END - timedelta(minutes=30)] * 3 + [END - timedelta(hours=5)]

    drawn = timeline(start, END, moments, ZONE)

    assert drawn.unit == "hour"
    assert len(drawn.bars) == 24
    tallest = max(drawn.bars, key=lambda b: b.height)
    assert tallest.count == 3 and tallest.y == 8.0
    assert "3 reads" in tallest.title
    assert [b.count for b in drawn.bars if b.count] == [1, 3]


def test_reads_outside_the_window_are_not_counted() -> None:
    start = END - timedelta(days=3)
    drawn = timeline(start, END, [start - timedelta(hours=1), END], ZONE)
    assert drawn.total == 0
    assert all(b.height == 0 for b in drawn.bars)


def test_a_day_bar_is_a_local_day_across_the_change_of_time() -> None:
    # 1 November 2026: PDT ends; that local day lasts 25 hours.
    start = datetime(2026, 10, 31, 7, 0, tzinfo=UTC)  # Oct 31 00:00 PDT
    end = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)  # Nov 3 00:00 PST
    late = datetime(2026, 11, 2, 7, 30, tzinfo=UTC)  # Nov 1 23:30 PST

    drawn = timeline(start, end, [late], ZONE)

    assert [b.start.day for b in drawn.bars] == [31, 1, 2]
    assert [b.count for b in drawn.bars] == [0, 1, 0]

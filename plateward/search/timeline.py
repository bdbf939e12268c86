"""The results page's timeline: reads per hour or per day across the search window (pure).

Drawn by the server as an inline SVG histogram, so the page needs no chart library and loads
nothing from outside (police networks are closed). Bins follow the local calendar (invariant 7:
times are shown in the city's zone), so a day bar is a local day even across a DST change.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

HOURLY_UP_TO = timedelta(days=2)  # longer windows are drawn per day
WIDTH, HEIGHT = 720.0, 120.0  # the SVG's own units; the page scales it to its width
PLOT_TOP, PLOT_BOTTOM = 8.0, 96.0
MAX_LABELS = 12


@dataclass(frozen=True)
class Bar:
    start: datetime  # local time the bin begins
    count: int
    x: float
    y: float
    width: float
    height: float
    title: str  # the bar's tooltip: when, and how many


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    unit: str  # "hour" or "day"
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    total: int
    peak: int
    width: float = WIDTH
    height: float = HEIGHT
    baseline: float = PLOT_BOTTOM


def _bin_starts(start: datetime, end: datetime, zone: ZoneInfo, hourly: bool) -> list[datetime]:
    """The local start of each bin covering [start, end), as aware local datetimes."""
    if hourly:
        first = start.replace(minute=0, second=0, microsecond=0)
        count = int((end - first) / timedelta(hours=1)) + 1
        bins = [(first + timedelta(hours=n)).astimezone(zone) for n in range(count)]
    else:
        day = start.astimezone(zone).date()
        last = (end - timedelta(microseconds=1)).astimezone(zone).date()
        bins = []
        while day <= last:
            bins.append(datetime.combine(day, time(), zone))
            day += timedelta(days=1)
    return [b for b in bins if b < end]


def _index(moment: datetime, starts: list[datetime]) -> int | None:
    position = bisect.bisect_right(starts, moment) - 1
    return position if position >= 0 else None


def _ticks(starts: list[datetime], slot: float, hourly: bool) -> tuple[Tick, ...]:
    step = max(1, -(-len(starts) // MAX_LABELS))
    label = "%a %H:%M" if hourly else "%b %d"
    return tuple(
        Tick(round(n * slot, 2), begins.strftime(label))
        for n, begins in enumerate(starts)
        if n % step == 0
    )


def timeline(start: datetime, end: datetime, moments: Iterable[datetime], zone: str) -> Timeline:
    """Count ``moments`` (aware datetimes) per hour or day of the window [start, end)."""
    tz = ZoneInfo(zone)
    hourly = end - start <= HOURLY_UP_TO
    starts = _bin_starts(start, end, tz, hourly) or [start.astimezone(tz)]
    counts = [0] * len(starts)
    for moment in moments:
        n = _index(moment, starts)
        if n is not None and start <= moment < end:
            counts[n] += 1
    peak = max(counts)
    slot = WIDTH / len(starts)
    plot = PLOT_BOTTOM - PLOT_TOP
    bars: list[Bar] = []
    for begins, count in zip(starts, counts, strict=True):
        height = plot * count / peak if peak else 0.0
        when = begins.strftime("%Y-%m-%d %H:00" if hourly else "%Y-%m-%d")
        bars.append(
            Bar(
                start=begins,
                count=count,
                x=round(len(bars) * slot, 2),
                y=round(PLOT_BOTTOM - height, 2),
                width=round(max(slot - 1.0, 0.5), 2),
                height=round(height, 2),
                title=f"{when}: {count} read{'s' if count != 1 else ''}",
            )
        )
    return Timeline(
        unit="hour" if hourly else "day",
        bars=tuple(bars),
        ticks=_ticks(starts, slot, hourly),
        total=sum(counts),
        peak=peak,
    )

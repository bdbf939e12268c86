"""Quarterly figures for the auditor: how well searches stated their purpose (pure).

DUP §9 — periodic audits by a unit other than CDIC; the DUP update of March 2026 makes the crime
type, the case number and the justification required fields. Per quarter, the share of searches
whose justification is boilerplate, reused for another case, or that lack a real case number:
a figure that should fall as the required fields are taken seriously.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from plateward.search.misuse_records import (
    SearchRecord,
    is_generic,
    lacks_case_number,
    reused_seqs,
)


@dataclass(frozen=True)
class QuarterFigures:
    """DUP §9 quarterly audits: how many searches stated their purpose poorly."""

    year: int
    quarter: int
    searches: int
    boilerplate: int  # a generic justification
    reused: int  # the same text given by the same person for another case
    no_case: int  # no valid case number
    flagged: int  # any of the three
    computed_at: datetime | None = None  # when the job counted it (None: counted just now)

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"

    @property
    def percent(self) -> float:
        return 100 * self.flagged / self.searches if self.searches else 0.0


def quarter_of(moment: datetime | date, zone: tzinfo | None = None) -> tuple[int, int]:
    day = moment.astimezone(zone) if isinstance(moment, datetime) else moment
    return day.year, (day.month - 1) // 3 + 1


def quarters_ending(year: int, quarter: int, count: int) -> list[tuple[int, int]]:
    """The ``count`` quarters up to and including (year, quarter), oldest first."""
    index = year * 4 + quarter - 1
    return [((i // 4), i % 4 + 1) for i in range(index - count + 1, index + 1)]


def quarterly_figures(
    searches: Iterable[SearchRecord],
    quarters: Sequence[tuple[int, int]],
    zone: tzinfo,
    pattern: str | None = None,
) -> list[QuarterFigures]:
    """Per quarter (local time), the searches whose justification is boilerplate, reused or
    lacks a case number. Reuse is judged within the quarter."""
    grouped: dict[tuple[int, int], list[SearchRecord]] = defaultdict(list)
    for s in searches:
        grouped[quarter_of(s.at, zone)].append(s)
    figures = []
    for year, quarter in quarters:
        inside = grouped.get((year, quarter), [])
        reused = reused_seqs(inside, pattern)
        counts: Counter[str] = Counter()
        for s in inside:
            marks = {
                "boilerplate": is_generic(s.justification),
                "reused": s.seq in reused,
                "no_case": lacks_case_number(s.case_number, pattern),
            }
            counts.update(name for name, hit in marks.items() if hit)
            counts["flagged"] += any(marks.values())
        figures.append(
            QuarterFigures(
                year,
                quarter,
                len(inside),
                counts["boilerplate"],
                counts["reused"],
                counts["no_case"],
                counts["flagged"],
            )
        )
    return figures

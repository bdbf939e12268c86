"""The searches ``bench/search.py`` runs, as investigators would type them.

Five cases, each with its own purpose (a justification copied from another case would be
refused); plates drawn from the reads themselves (the vehicles on the road, the busiest most
often), one in ten a plate no camera read; each kind typed from such a plate (``7AB*`` or
``*123``, ``7A?C123``, a misread for fuzzy); windows of a day, a week or the whole month.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import bigcity
from sqlalchemy import text

from plateward.core.database import Database
from plateward.core.purpose import Purpose, purpose
from plateward.demo import city
from plateward.search.rules import SearchQuery, search_query

KINDS = ("exact", "partial", "wildcard", "fuzzy")
WINDOW_DAYS = (1, 7, 30)
ABSENT_SHARE = 0.1  # searches for a plate no camera read


_CASES = (
    ("PC 211", "Armed robbery at a Story Rd market, report {n}; the suspect vehicle drove east."),
    ("PC 459", "Commercial burglary on Monterey Rd, case {n}; a car waited outside at 2 am."),
    ("VC 10851", "Stolen vehicle report {n}: the owner's car, taken from a driveway overnight."),
    ("PC 245", "Assault with a deadly weapon {n}; witnesses gave a partial plate of the car."),
    ("VC 20001", "Hit and run with injury {n} at Tully Rd; find the vehicle that drove off."),
)


def _purposes() -> list[Purpose]:
    """Five cases, each with its own justification (a copied one would be refused)."""
    return [
        purpose("criminal_investigation", crime, f"26-{4100 + n:06d}", why.format(n=n + 1))
        for n, (crime, why) in enumerate(_CASES)
    ]


@dataclass(frozen=True)
class Planned:
    kind: str
    query: SearchQuery
    purpose: Purpose


def plan(db: Database, reads_count: int, count: int, now: datetime) -> list[Planned]:
    """``count`` searches of each kind over plates read in the city, shuffled together."""
    rng = random.Random(f"{bigcity.SEED}:searches")
    wanted = count * len(KINDS)
    with db.unit_of_work() as uow:
        # The vehicles on the road, the busiest most often: plates of reads sampled at random.
        seen = list(
            uow.session.scalars(
                text(
                    "SELECT plate FROM reads TABLESAMPLE SYSTEM (:percent) "
                    "WHERE length(plate) >= 6 ORDER BY random() LIMIT :n"
                ),
                {"percent": min(100.0, 100 * 5 * wanted / max(reads_count, 1)), "n": wanted},
            )
        )
    absent = [p for p, _ in city.registered_plates(count, bigcity.SEED + 1)]
    purposes = _purposes()
    planned = []
    for kind in KINDS:
        for n in range(count):
            plate = rng.choice(absent) if rng.random() < ABSENT_SHARE or not seen else seen.pop()
            typed = _typed(kind, plate, rng)
            start, end = _window(rng, now)
            query = search_query(start=start, end=end, plate=typed, fuzzy=kind == "fuzzy")
            planned.append(Planned(kind, query, purposes[n % len(purposes)]))
    rng.shuffle(planned)
    return planned


def _typed(kind: str, plate: str, rng: random.Random) -> str:
    """What a person types for ``kind``, from a plate they half remember."""
    if kind == "partial":
        size = rng.choice((3, 4))
        return plate[:size] + "*" if rng.random() < 0.5 else "*" + plate[-size:]
    if kind == "wildcard":
        i = rng.randrange(1, len(plate) - 1)
        return plate[:i] + "?" + plate[i + 1 :]
    if kind == "fuzzy":
        # As a witness or another camera misread it: a look-alike swapped, or one character off.
        return city.misread_plate(plate, rng) if rng.random() < 0.5 else plate
    return plate


def _window(rng: random.Random, now: datetime) -> tuple[datetime, datetime]:
    days = rng.choice(WINDOW_DAYS)
    # Leave an hour at the retention edge so the data stays visible throughout the run.
    earliest = now - timedelta(days=bigcity.DAYS) + timedelta(hours=1)
    room = max(0.0, (now - earliest).total_seconds() - days * 86400)
    start = earliest + timedelta(seconds=rng.uniform(0, room))
    return start, min(start + timedelta(days=days), now)

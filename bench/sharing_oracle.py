"""Whether an ineligible requester can time the refusal to learn that data exists (DUP §10).

Builds a throwaway SQLite city with ``--reads`` reads of one plate and none of another, then
times a federal agent's refused searches through ``search.service.search_reads`` for the plate
that exists and for the one that does not, alternating round by round so drift on a loaded
machine (and the growing audit trail) falls on both. Prints the medians, their ratio, and a
control: an agency under an agreement, whose searches do reach the reads.
The last line printed is one JSON object; nothing here asserts.

    .venv/bin/python bench/sharing_oracle.py --reads 2000 --rounds 200
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from plateward.accounts import service as people
from plateward.accounts.models import User
from plateward.core.clock import FrozenClock
from plateward.core.database import Database, make_engine
from plateward.core.errors import PermissionDenied
from plateward.core.migrate import upgrade
from plateward.core.permissions import Actor
from plateward.core.purpose import purpose
from plateward.core.settings import Settings
from plateward.demo.build import _register_places
from plateward.reads import ingest
from plateward.reads.rules import RawRow
from plateward.search import service as search
from plateward.search.rules import search_query
from plateward.sharing import agreements

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
PLATE, ABSENT = "6ORC123", "6ORC999"


def _person(db: Database, username: str, ori: str) -> Actor:
    operator = Actor.system("bench")
    with db.unit_of_work() as uow:
        spec = people.PersonSpec(
            username, username, "external_agency", "Unit", ori, "long enough password", "1"
        )
        made = people.create_person(uow, operator, spec, pre_enrolled=True)
        if not isinstance(made, people.NewPerson):
            raise SystemExit("an outside account waits for a second person: unexpected")
        today = NOW.date()
        people.record_training(uow, operator, made.id, "ALPR", today, today + timedelta(days=90))
        uow.commit()
    return _actor(db, made.id)


def _search(db: Database, actor: Actor, plate: str) -> float:
    stated = purpose(
        "criminal_investigation",
        "PC 211",
        "SC26-1",
        "Armed robbery of a jewelry store; suspect car seen on US-101.",
    )
    query = search_query(start=NOW - timedelta(days=7), end=NOW, plate=plate)
    started = time.perf_counter()
    try:
        with db.unit_of_work() as uow:
            search.search_reads(uow, actor, stated, query)
    except PermissionDenied:
        pass
    return time.perf_counter() - started


def _ingest(db: Database, count: int) -> None:
    rows = [
        RawRow.of(
            f"bench[{i}]",
            {
                "camera": "SJ-FX-001",
                "captured_at": (NOW - timedelta(minutes=5 + i % 5000)).isoformat(),
                "plate": PLATE,
                "plate_state": "CA",
            },
        )
        for i in range(count)
    ]
    with db.unit_of_work() as uow:
        ingest.ingest(uow, Actor.system("bench"), rows, "bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=2000, help="reads of the plate ingested")
    parser.add_argument("--rounds", type=int, default=200, help="timed searches per condition")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="plateward-oracle-"))
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'b.db'}")
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    db = Database(engine, settings, FrozenClock(NOW), sessionmaker(engine, expire_on_commit=False))
    _register_places(db, Actor.system("bench"))
    agent = _person(db, "agent", "DC0011900")
    detective = _person(db, "detective", "CA0430000")
    with db.unit_of_work() as uow:
        agreements.create_agreement(
            uow,
            Actor.system("bench"),
            ori="CA0430000",
            reference="bench",
            effective_on=NOW.date(),
            expires_on=NOW.date() + timedelta(days=30),
            scopes=["search"],
        )
    detective = _actor(db, detective.id)
    _ingest(db, args.reads)
    for plate in (PLATE, ABSENT) * 5:
        _search(db, agent, plate)  # warm
    present, absent = [], []
    for _ in range(args.rounds):
        present.append(_search(db, agent, PLATE))
        absent.append(_search(db, agent, ABSENT))
    control_present, control_absent = [], []
    for _ in range(max(5, args.rounds // 10)):
        control_present.append(_search(db, detective, PLATE))
        control_absent.append(_search(db, detective, ABSENT))
    figures = {
        "bench": "sharing_oracle",
        "reads": args.reads,
        "rounds": args.rounds,
        "refused_median_ms_absent": round(statistics.median(absent) * 1000, 3),
        "refused_median_ms_present": round(statistics.median(present) * 1000, 3),
        "refused_ratio_present_to_absent": round(
            statistics.median(present) / statistics.median(absent), 3
        ),
        "control_median_ms_absent": round(statistics.median(control_absent) * 1000, 3),
        "control_median_ms_present": round(statistics.median(control_present) * 1000, 3),
    }
    print(
        f"refused (federal agent): median {figures['refused_median_ms_absent']} ms without the "
        f"plate, {figures['refused_median_ms_present']} ms for one with {args.reads} reads "
        f"(ratio {figures['refused_ratio_present_to_absent']})"
    )
    print(
        f"control (agency under agreement): {figures['control_median_ms_absent']} ms → "
        f"{figures['control_median_ms_present']} ms"
    )
    print(json.dumps(figures))


def _actor(db: Database, user_id: int | None) -> Actor:
    """The person as their next request sees them (what their agency's agreement opens now)."""
    with db.unit_of_work() as uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise SystemExit(f"no person {user_id}")
        version = people.current_statement(uow).version
        return people.actor_for(uow, user, acknowledged_version=version)


if __name__ == "__main__":
    main()

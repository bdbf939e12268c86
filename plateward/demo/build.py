"""Build the synthetic city into a database: agencies, cameras, people, a service token, reads.

Used by ``plateward demo`` and by tests. Demo passwords and TOTP secrets are generated per data
directory and kept in ``<data_dir>/demo-accounts.json`` (owner-only), never in the repository.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from pathlib import Path

from sqlalchemy import select

from plateward.accounts import service as accounts
from plateward.accounts import tokens
from plateward.accounts.models import User
from plateward.cameras import service as cameras
from plateward.cameras.service import AttestationIn, CameraSpec
from plateward.core.database import Database, UnitOfWork
from plateward.core.permissions import Actor
from plateward.demo import city
from plateward.demo.hotlists import seed_hotlist
from plateward.demo.sharing import OUTSIDE_PEOPLE, seed_sharing
from plateward.demo.sites import seed_red_light, seed_sites
from plateward.reads import service as reads
from plateward.reads.rules import RawRow
from plateward.sharing import service as agencies

DEMO_FILE = "demo-accounts.json"
BATCH = 10_000


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    name: str
    password: str
    totp_secret: str


@dataclass(frozen=True)
class DemoCity:
    accounts: list[DemoAccount]
    ingest_token: str
    reads_stored: int
    reads_total: int


def demo_file(data_dir: Path) -> Path:
    return data_dir / DEMO_FILE


def is_demo(data_dir: Path) -> bool:
    return demo_file(data_dir).exists()


def _register_places(db: Database, operator: Actor) -> None:
    with db.unit_of_work() as uow:
        for a in city.AGENCIES:
            agencies.register_agency(
                uow,
                ori=a.ori,
                name=a.name,
                state=a.state,
                kind=a.kind,
                is_home=a.ori == city.HOME_AGENCY_ORI,
            )
        for c in city.CAMERAS:
            spec = CameraSpec(
                code=c.code,
                name=c.name,
                kind=c.kind,
                location=c.location,
                vendor=c.vendor,
                agency_ori=c.agency_ori,
                latitude=c.latitude,
                longitude=c.longitude,
                heading=c.heading,
                status=c.status,
            )
            # DUP §3.1, §5 — each demo camera's placement was looked at from the street.
            cameras.register_camera(uow, operator, spec, _attestation(c))
        uow.commit()


def _attestation(camera: city.CameraSpec) -> AttestationIn:
    seen = (
        "mounted on the patrol car's roof, it reads plates on the public roadway around the car"
        if camera.kind == "mobile"
        else f"checked from the sidewalk at {camera.location}: it sees the public roadway only"
    )
    return AttestationIn(note=f"Demo city: {seen}.", photo_ref=f"demo/placement/{camera.code}.jpg")


def _people(db: Database, operator: Actor, data_dir: Path) -> list[DemoAccount]:
    path = demo_file(data_dir)
    known = (
        {a["username"]: DemoAccount(**a) for a in json.loads(path.read_text())["accounts"]}
        if path.exists()
        else {}
    )
    made: list[DemoAccount] = []
    with db.unit_of_work() as uow:
        for p in (*city.DEMO_PEOPLE, *OUTSIDE_PEOPLE):
            exists = uow.session.scalar(select(User.id).where(User.username == p.username))
            if exists and p.username in known:
                made.append(known[p.username])
                continue
            if exists:
                continue  # created outside this demo file: leave it alone
            password = secrets.token_urlsafe(12)
            spec = accounts.PersonSpec(
                p.username, p.full_name, p.role, p.unit, p.agency_ori, password, p.badge
            )
            # Demo accounts are enrolled already, so their secrets can be printed, and trained.
            new = accounts.create_person(uow, operator, spec, pre_enrolled=True)
            # The host operator bootstraps the installation: no second person is asked.
            assert isinstance(new, accounts.NewPerson)  # noqa: S101
            _train(uow, operator, new.id)
            made.append(
                DemoAccount(p.username, p.role, p.full_name, password, new.totp_secret or "")
            )
        uow.commit()
    return made


def _train(uow: UnitOfWork, operator: Actor, user_id: int) -> None:
    today = uow.now().date()
    accounts.record_training(
        uow,
        operator,
        user_id,
        "SJPD ALPR user training (demo)",
        today - timedelta(days=30),
        today + timedelta(days=335),
    )


def _save(data_dir: Path, people: list[DemoAccount], token: str) -> None:
    path = demo_file(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)  # a PostgreSQL install has no SQLite file there
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(
        json.dumps({"accounts": [a.__dict__ for a in people], "ingest_token": token}, indent=2)
    )


def _batches(rows: Iterator[dict[str, object]]) -> Iterator[list[RawRow]]:
    position = 0
    while chunk := list(islice(rows, BATCH)):
        yield [RawRow.of(f"demo[{position + i}]", r) for i, r in enumerate(chunk)]
        position += len(chunk)


def build_city(
    db: Database,
    data_dir: Path,
    reads_count: int,
    progress: Callable[[int], None] | None = None,
) -> DemoCity:
    """Idempotent: places and people are updated; reads are generated only into an empty store."""
    operator = Actor.system("demo")
    _register_places(db, operator)
    seed_sites(db, operator)  # sensitive sites, signs, city entrances (issue 17)
    seed_red_light(db, operator)  # a red-light device and violations waiting for review
    people = _people(db, operator, data_dir)
    with db.unit_of_work() as uow:
        token = tokens.issue_service_credential(
            uow, operator, "Demo camera network", city.HOME_AGENCY_ORI
        )
        reads.prepare_partitions(uow)
        uow.commit()
        already = reads.count_reads(uow, operator)
    _save(data_dir, people, token)
    stored = 0
    if already == 0:
        rows = city.generate_reads(reads_count, end=db.clock.now())
        for batch in _batches(rows):
            with db.unit_of_work() as uow:
                stored += reads.ingest(uow, operator, batch, "demo").stored
            if progress:
                progress(len(batch))
    seed_hotlist(db)  # approved entries whose plates the printed sample batch carries
    seed_sharing(db)  # issue 16: the Sheriff's Office under an agreement; Sunnyvale without
    with db.unit_of_work() as uow:
        total = reads.count_reads(uow, operator)
    return DemoCity(people, token, stored, total)


def demo_accounts(data_dir: Path) -> set[str]:
    """Usernames this data directory's demo created; empty outside demo mode."""
    path = demo_file(data_dir)
    if not path.exists():
        return set()
    return {a["username"] for a in json.loads(path.read_text())["accounts"]}

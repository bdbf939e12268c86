"""The demo's department hot list: a few entries the demo investigator proposed and the demo
lieutenant approved, whose plates the sample batch ``reads.json`` carries, so pushing it (the
curl line the demo prints) raises live alerts on the officer's Alerts page."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from plateward.accounts import service as accounts
from plateward.accounts.models import User
from plateward.core.database import Database, UnitOfWork
from plateward.core.permissions import Actor
from plateward.hotlists import feeds, rules
from plateward.hotlists import service as hotlists
from plateward.hotlists.adapters import DEMO_FEED

# plate, reason, crime type, case number, synopsis, vehicle
ENTRIES = (
    (
        "8DMO001",
        "stolen_vehicle",
        "10851 VC",
        "26-010851",
        "Silver Honda Civic taken overnight from a driveway on Curtner Ave (10851 VC).",
        "silver 2014 Honda Civic",
    ),
    (
        "8DMO002",
        "wanted_person",
        "245(a)(1) PC",
        "26-024501",
        "Registered owner wanted on a felony warrant for assault with a deadly weapon.",
        "black 2019 Ford F-150",
    ),
    (
        "8DMO003",
        "missing_person",
        "Amber Alert",
        "26-000777",
        "Amber Alert: a child taken by a non-custodial parent; endangered missing person.",
        "blue 2011 Toyota Sienna",
    ),
)


def person_as_signed_in(uow: UnitOfWork, username: str) -> Actor | None:
    user = uow.session.scalar(select(User).where(User.username == username))
    if user is None:
        return None
    # The demo acts for them as if they had signed in and accepted the restrictions.
    return replace(accounts.actor_for(uow, user), acknowledged=True)


def subscribe_demo_feed(db: Database) -> None:
    """The simulated Stolen Vehicle System (8SVS001-8SVS020), synced once now and every minute
    by the ``hotlist-feeds`` job while the demo serves (DUP §4.6)."""
    with db.unit_of_work() as uow:
        admin = person_as_signed_in(uow, "admin")
        if admin is None or feeds.feeds(uow, admin):
            return
        spec = feeds.FeedSpec("SVS", "simulated", DEMO_FEED, "stolen_vehicle", "V")
        feed = feeds.subscribe_feed(uow, admin, spec)
        feeds.sync_feed(uow, feed.id)


def seed_hotlist(db: Database) -> int:
    """Idempotent: enter and approve the demo entries once. Returns how many were added."""
    with db.unit_of_work() as uow:
        investigator = person_as_signed_in(uow, "investigator")
        lieutenant = person_as_signed_in(uow, "lieutenant")
        if investigator is None or lieutenant is None or hotlists.my_entries(uow, investigator):
            return 0
        today = uow.now().date()
        for plate, reason, crime, case, synopsis, vehicle in ENTRIES:
            spec = rules.entry_spec(
                plate=plate,
                plate_state="CA",
                vehicle_description=vehicle,
                reason=reason,
                crime_type=crime,
                case_numbers_text=case,
                synopsis=synopsis,
                priority="high",
                expires_on=today + timedelta(days=30),
                today=today,
            )
            entry = hotlists.propose_entry(uow, investigator, spec)
            hotlists.approve_entry(uow, lieutenant, entry.id, "Demo: approved at set-up")
    subscribe_demo_feed(db)
    return len(ENTRIES)

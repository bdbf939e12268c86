"""Where hot lists join a process: the matcher on the ingest hook, the alert bus, CLETS.

``plateward serve`` (through the app's start-up) and ``plateward jobs run`` each register one
matcher, so every batch is matched in whichever process finishes it (reads/outbox.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from plateward.core.database import Database
from plateward.core.settings import Settings
from plateward.hotlists.adapters import Clets, ManualClets, SimulatedClets
from plateward.hotlists.live import AlertBus
from plateward.hotlists.matcher import Matcher
from plateward.reads import service as reads

log = logging.getLogger(__name__)


def clets_for(settings: Settings) -> Clets:
    return SimulatedClets() if settings.clets_adapter == "simulated" else ManualClets()


def install(app: FastAPI, settings: Settings, db: Database) -> None:
    """What the alert pages use: the process's alert bus and the CLETS adapter."""
    app.state.alert_bus = AlertBus(db)
    app.state.clets = clets_for(settings)
    app.state.matchers = []  # the removers of the matchers this app's start-ups registered


def register_matcher(
    settings: Settings, on_hits: Callable[[int], None] | None = None
) -> Callable[[], None]:
    """Match every batch this process stores or finishes; returns the remover."""
    matcher = Matcher(settings.hotlist_max_substitutions)
    if on_hits is not None:
        matcher.on_hits(on_hits)
    return reads.on_reads_stored(matcher.on_reads_stored)


def start_matching(app: FastAPI, settings: Settings, db: Database) -> Callable[[], None]:
    """At the app's start-up: a matcher whose hits wake this process's live alert streams,
    holding the hot lists in memory before the first read arrives."""
    bus: AlertBus = app.state.alert_bus
    matcher = Matcher(settings.hotlist_max_substitutions)
    matcher.on_hits(bus.poke)
    _load(matcher, db)
    remove = reads.on_reads_stored(matcher.on_reads_stored)
    app.state.matchers.append(remove)
    app.state.matcher = matcher  # the latest start-up's (what its pages may ask of it)
    return remove


def _load(matcher: Matcher, db: Database) -> None:
    """Load the alerting entries now: left to the first batch, a large list would hold that
    batch (and its alert) for as long as the load takes, seconds for a million entries."""
    try:
        with db.unit_of_work() as uow:
            matcher.refresh(uow)
    except SQLAlchemyError:  # a database not migrated yet: the first batch loads it
        log.warning("the hot lists could not be loaded at start-up; the first batch will")


def stop_matching(app: FastAPI) -> None:
    """Take this app's matchers off the ingest hook (its live streams still work, through the
    alert bus's look at the hits table)."""
    for remove in app.state.matchers:
        remove()

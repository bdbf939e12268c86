"""Where hot lists join a process: the matcher on the ingest hook, the alert bus, CLETS.

``plateward serve`` (through the app's start-up) and ``plateward jobs run`` each register one
matcher, so every batch is matched in whichever process finishes it (reads/outbox.py).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from plateward.core.database import Database
from plateward.core.settings import Settings
from plateward.hotlists.adapters import Clets, ManualClets, SimulatedClets
from plateward.hotlists.live import AlertBus
from plateward.hotlists.matcher import Matcher
from plateward.reads import service as reads


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
    """At the app's start-up: a matcher whose hits wake this process's live alert streams."""
    del db
    bus: AlertBus = app.state.alert_bus
    remove = register_matcher(settings, bus.poke)
    app.state.matchers.append(remove)
    return remove


def stop_matching(app: FastAPI) -> None:
    """Take this app's matchers off the ingest hook (its live streams still work, through the
    alert bus's look at the hits table)."""
    for remove in app.state.matchers:
        remove()

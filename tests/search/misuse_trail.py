"""Searches written into the audit trail in the agreed shape (docs: SEARCH_SPEC), for the misuse
signal tests: what the search service records, without needing the search service."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.permissions import Actor, ActorKind, Role
from plateward.core.purpose import Purpose, PurposeCategory

_SEARCH_IDS = itertools.count(1000)
# Justifications of ordinary casework: each says why that search serves that case.
SCENES = (
    "burglary of the corner store on Main St, witness saw a grey sedan",
    "car prowl in the Oakridge garage, victim's laptop tracked nearby",
    "catalytic converter theft at the Tully Rd dealership, van on video",
    "armed robbery of a courier on Senter Rd, getaway pickup described",
    "hit and run on Alum Rock Ave, paint transfer matches a blue hatchback",
    "stolen trailer from the Berryessa yard, towing truck seen by guard",
    "assault outside the Willow St bar, suspect left in a white coupe",
    "vandalism spree at the Capitol station lot, scooter rider followed",
    "fraud ring cashing cheques at Bascom branches, driver waits outside",
    "shoplifting crew at Eastridge, same minivan at three stores",
    "residential burglary on Hillsdale Ave, neighbour camera caught a truck",
    "arson of a dumpster behind Julian St shops, motorcycle left the scene",
    "home invasion on Quimby Rd, victims describe a dark SUV",
    "armed carjacking at the Blossom Hill light rail lot, vehicle recovered",
    "mail theft from cluster boxes on Meridian Ave, sedan seen twice",
    "stolen construction tools on Branham Ln, flatbed spotted by foreman",
    "package thefts on Curtner Ave, delivery-van look-alike on doorbell video",
    "smash and grab at the Santana Row jeweller, two cars used",
    "bicycle shop burglary on First St, cargo van idling outside",
    "extortion calls to a Story Rd restaurant, courier's car photographed",
)


def person(username: str, role: Role = Role.INVESTIGATOR, person_id: int | None = None) -> Actor:
    return Actor(
        ActorKind.PERSON,
        person_id,
        username,
        f"{username.title()} Person",
        role,
        badge="4242",
        unit="Robbery Unit",
        agency_name="San José Police Department",
    )


def purpose(
    case_number: str = "26-004417",
    justification: str = "robbery at the Story Rd pharmacy, suspect car seen leaving the lot",
    crime_type: str = "PC 211",
) -> Purpose:
    return Purpose(PurposeCategory.CRIMINAL_INVESTIGATION, crime_type, case_number, justification)


def terms(
    plate: str | None = "7ABC123",
    *,
    end: datetime,
    hours: float = 24,
    plate_match: str | None = None,
    area: dict[str, Any] | None = None,
    area_km2: float | None = None,
    cameras: Sequence[str] = (),
) -> dict[str, Any]:
    """``SearchQuery.terms()``: the plate pattern, the window, cameras, area; None left out."""
    if plate_match is None and plate is not None:
        plate_match = "partial" if "*" in plate else "wildcard" if "?" in plate else "exact"
    found: dict[str, Any] = {
        "plate": plate,
        "plate_match": plate_match,
        "start": (end - timedelta(hours=hours)).isoformat(),
        "end": end.isoformat(),
        "cameras": list(cameras),
        "area": area,
        "area_km2": area_km2,
    }
    return {k: v for k, v in found.items() if v is not None}


def search_event(
    query: dict[str, Any],
    why: Purpose,
    *,
    search_id: int | None = None,
    page: int = 1,
    action: AuditAction = AuditAction.SEARCH_RUN,
) -> AuditEvent:
    return AuditEvent(
        action,
        Outcome.DENIED if action is AuditAction.SEARCH_BLOCKED else Outcome.ALLOWED,
        query_terms=query,
        purpose=why,
        result_count=2,
        result_ids=("11111111-2222-3333-4444-555555555555",),
        details={"search_id": next(_SEARCH_IDS) if search_id is None else search_id, "page": page},
    )


@dataclass
class Trail:
    """Writes entries at chosen times (the clock put back afterwards)."""

    db: Database
    clock: FrozenClock

    def record(self, actor: Actor, at: datetime, event: AuditEvent) -> int:
        saved, self.clock.current = self.clock.current, at
        try:
            with self.db.unit_of_work() as uow:
                seq = audit.record(uow, actor, event).seq
                uow.commit()
        finally:
            self.clock.current = saved
        return seq

    def search(
        self,
        actor: Actor,
        at: datetime,
        plate: str | None = "7ABC123",
        why: Purpose | None = None,
        search_id: int | None = None,
        **query: Any,
    ) -> int:
        """One search (page 1) by ``actor`` at ``at``; its audit entry's number."""
        found = terms(plate, end=at, **query)
        return self.record(actor, at, search_event(found, why or purpose(), search_id=search_id))

    def activity(self, actor: Actor, at: datetime, search_id: int = 1) -> int:
        """Other work in the session: the person opens a read from a search."""
        event = AuditEvent(
            AuditAction.READ_VIEWED,
            result_ids=("22222222-3333-4444-5555-666666666666",),
            details={"search_id": search_id},
        )
        return self.record(actor, at, event)

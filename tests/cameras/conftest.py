"""Personas and a camera description for the camera registry's tests."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from plateward.cameras.placement import AttestationIn
from plateward.cameras.rules import CameraSpec
from plateward.core.audit import AuditEntry
from plateward.core.database import Database
from plateward.core.permissions import Actor, ActorKind, Role


def person(role: Role, **extra: Any) -> Actor:
    return Actor(
        kind=ActorKind.PERSON, id=None, username=role.value, name=f"Test {role}", role=role, **extra
    )


@pytest.fixture
def admin() -> Actor:
    return person(Role.ADMINISTRATOR)


@pytest.fixture
def officer() -> Actor:
    return person(Role.OFFICER)


# DUP §3.1, §5 — a camera is activated only with a public-view attestation for its placement.
ATTESTED = AttestationIn(note="Checked from the sidewalk: it sees the public roadway only")


def a_camera(code: str = "NEW-CAM-1", **changes: Any) -> CameraSpec:
    fields: dict[str, Any] = {
        "code": code,
        "name": "Story & King, northbound",
        "kind": "fixed",
        "location": "Story Rd & S King Rd",
        "vendor": "Flock Safety",
        "agency_ori": "",
        "latitude": 37.3337,
        "longitude": -121.8453,
        "heading": 0,
        **changes,
    }
    return CameraSpec(**fields)


def entries(db: Database, action: str) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
            )
        )

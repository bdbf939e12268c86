"""The sign registry and the compliance warnings (DUP §6, §2.4; placement, update 2026).

Administrators (``cameras:manage``) record the notice signs posted and the city's major
entrances and exits; ``compliance`` lists what is missing: a fixed camera with no
designated-intersection sign near it, a city entrance/exit without its sign, a camera held for
its placement, an active camera whose attestation was made for an earlier placement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from plateward.cameras import placement
from plateward.cameras.models import Camera, CityGateway, Sign
from plateward.cameras.rules import CameraKind, CameraStatus
from plateward.cameras.signage_rules import (
    SIGN_LABELS,
    Place,
    PostedSign,
    SignageGap,
    SignKind,
    SignSpec,
    has_sign_within,
    sign_problem,
    signage_gaps,
)
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission


@dataclass(frozen=True)
class SignView:
    id: int
    kind: str
    name: str
    latitude: float
    longitude: float
    installed_on: date | None

    @property
    def kind_label(self) -> str:
        return SIGN_LABELS.get(SignKind(self.kind), self.kind)


@dataclass(frozen=True)
class GatewayView:
    id: int
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Compliance:
    signs: list[SignView]
    gateways: list[GatewayView]
    warnings: list[SignageGap]


def _signs(uow: UnitOfWork) -> list[SignView]:
    rows = uow.session.scalars(select(Sign).where(Sign.removed_at.is_(None)).order_by(Sign.id))
    return [SignView(s.id, s.kind, s.name, s.latitude, s.longitude, s.installed_on) for s in rows]


def _gateways(uow: UnitOfWork) -> list[GatewayView]:
    rows = uow.session.scalars(
        select(CityGateway).where(CityGateway.removed_at.is_(None)).order_by(CityGateway.id)
    )
    return [GatewayView(g.id, g.name, g.latitude, g.longitude) for g in rows]


def _posted(signs: list[SignView]) -> list[PostedSign]:
    return [PostedSign(s.kind, s.name, s.latitude, s.longitude) for s in signs]


def list_signs(uow: UnitOfWork, actor: Actor) -> tuple[list[SignView], list[GatewayView]]:
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    return _signs(uow), _gateways(uow)


def add_sign(uow: UnitOfWork, actor: Actor, spec: SignSpec) -> SignView:
    """Record a posted sign (audited)."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    problem = sign_problem(spec)
    if problem:
        raise InvalidInput(problem)
    sign = Sign(
        kind=spec.kind,
        name=spec.name.strip(),
        latitude=spec.latitude,
        longitude=spec.longitude,
        installed_on=spec.installed_on,
        added_at=uow.now(),
    )
    uow.session.add(sign)
    uow.session.flush()
    _record(uow, actor, AuditAction.SIGN_ADDED, sign_id=sign.id, kind=sign.kind, name=sign.name)
    uow.commit()
    return SignView(sign.id, sign.kind, sign.name, sign.latitude, sign.longitude, sign.installed_on)


def remove_sign(uow: UnitOfWork, actor: Actor, sign_id: int, reason: str) -> None:
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput("say why the sign is removed (at most 500 characters)")
    sign = uow.session.get(Sign, sign_id)
    if sign is None or sign.removed_at is not None:
        raise NotFound(f"no sign with the id {sign_id}")
    sign.removed_at = uow.now()
    _record(uow, actor, AuditAction.SIGN_REMOVED, sign_id=sign.id, name=sign.name, reason=reason)
    uow.commit()


def add_gateway(
    uow: UnitOfWork, actor: Actor, name: str, latitude: float, longitude: float
) -> None:
    """Record a major entrance into the city or exit from it (DUP §6), audited as a sign
    location that needs a city entrance/exit notice."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    name = name.strip()
    if not name or len(name) > 200 or not name.isprintable():
        raise InvalidInput("a city entrance/exit needs a name of at most 200 characters")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput("latitude must be between -90 and 90, longitude between -180 and 180")
    gateway = CityGateway(name=name, latitude=latitude, longitude=longitude, added_at=uow.now())
    uow.session.add(gateway)
    uow.session.flush()
    _record(
        uow, actor, AuditAction.SIGN_ADDED, gateway_id=gateway.id, kind="city_gateway", name=name
    )
    uow.commit()


def _record(uow: UnitOfWork, actor: Actor, action: AuditAction, **details: object) -> None:
    audit.record(uow, actor, AuditEvent(action, details=details))


def compliance(uow: UnitOfWork, actor: Actor) -> Compliance:
    """Every compliance warning: missing signs, held cameras, stale attestations."""
    authorize(uow, actor, Permission.CAMERAS_MANAGE)
    signs, gateways = _signs(uow), _gateways(uow)
    active_fixed = list(
        uow.session.scalars(
            select(Camera)
            .where(Camera.status == CameraStatus.ACTIVE, Camera.kind == CameraKind.FIXED)
            .order_by(Camera.code)
        )
    )
    places = [
        Place(f"Camera {c.code} ({c.name})", c.latitude, c.longitude)
        for c in active_fixed
        if c.latitude is not None and c.longitude is not None
    ]
    warnings = signage_gaps(
        places,
        [Place(g.name, g.latitude, g.longitude) for g in gateways],
        _posted(signs),
        uow.settings.signage_distance_m,
    )
    held = set(placement.open_holds(uow))
    for c in active_fixed:
        if c.code in held:
            warnings.append(
                SignageGap(
                    f"Camera {c.code}: held — its field of view reaches a sensitive site's "
                    "entrance or exit; its reads are withheld (DUP update 2026)",
                    c.latitude,
                    c.longitude,
                )
            )
        elif placement.current_attestation(uow, c) is None:
            warnings.append(
                SignageGap(
                    f"Camera {c.code}: no public-view attestation for where it stands now "
                    "(DUP §3.1, §5)",
                    c.latitude,
                    c.longitude,
                )
            )
    return Compliance(signs, gateways, warnings)


def red_light_notice_within(
    uow: UnitOfWork, latitude: float, longitude: float, metres: float
) -> bool:
    """Whether a red-light notice sign is recorded within ``metres`` (DUP §2.4)."""
    return has_sign_within(
        Place("device", latitude, longitude),
        _posted(_signs(uow)),
        SignKind.RED_LIGHT_NOTICE,
        metres,
    )

"""Agency registry use cases. Eligibility and agreements arrive with the sharing capability."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent
from plateward.core.authorization import authorize
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound
from plateward.core.permissions import Actor, Permission
from plateward.sharing.models import Agency, AgencyKind


@dataclass(frozen=True)
class AgencyView:
    id: int
    ori: str
    name: str
    state: str
    kind: str
    is_home: bool


def _view(agency: Agency) -> AgencyView:
    return AgencyView(agency.id, agency.ori, agency.name, agency.state, agency.kind, agency.is_home)


def register_agency(
    uow: UnitOfWork, *, ori: str, name: str, state: str, kind: str, is_home: bool = False
) -> AgencyView:
    """Idempotent by ORI: registering a known agency updates its details."""
    if kind not in set(AgencyKind):
        raise InvalidInput(f"unknown agency kind '{kind}'")
    agency = uow.session.scalar(select(Agency).where(Agency.ori == ori))
    if agency is None:
        agency = Agency(ori=ori)
        uow.session.add(agency)
    agency.name, agency.state, agency.kind, agency.is_home = name, state.upper(), kind, is_home
    uow.session.flush()
    return _view(agency)


def register_home_agency(
    uow: UnitOfWork, actor: Actor, *, ori: str, name: str, state: str, kind: str
) -> AgencyView:
    """The department that runs this installation (set once, at setup; audited)."""
    authorize(uow, actor, Permission.ACCOUNTS_MANAGE)
    ori, name = ori.strip().upper(), name.strip()
    if not (ori.isalnum() and len(ori) == 9):
        raise InvalidInput("an ORI is 9 letters and digits, e.g. CA0431300")
    if not name:
        raise InvalidInput("name the department")
    if len(state.strip()) != 2:
        raise InvalidInput("the state is its two-letter code, e.g. CA")
    current = uow.session.scalar(select(Agency).where(Agency.is_home.is_(True)).limit(1))
    if current is not None and current.ori != ori:
        raise Conflict(f"the home agency is already {current.name} ({current.ori})")
    agency = register_agency(uow, ori=ori, name=name, state=state, kind=kind, is_home=True)
    audit.record(
        uow,
        actor,
        AuditEvent(AuditAction.AGENCY_REGISTERED, details={"ori": ori, "name": name, "home": True}),
    )
    uow.commit()
    return agency


def home_agency(uow: UnitOfWork) -> AgencyView:
    agency = uow.session.scalar(select(Agency).where(Agency.is_home.is_(True)).limit(1))
    if agency is None:
        raise NotFound(
            "no home agency is registered; run `plateward init` (or `plateward demo` for the demo)"
        )
    return _view(agency)


def agency_by_ori(uow: UnitOfWork, ori: str) -> AgencyView:
    agency = uow.session.scalar(select(Agency).where(Agency.ori == ori))
    if agency is None:
        raise NotFound(f"no agency with ORI '{ori}'")
    return _view(agency)


def agency_by_id(uow: UnitOfWork, agency_id: int) -> AgencyView:
    agency = uow.session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"no agency with id {agency_id}")
    return _view(agency)


def list_agencies(uow: UnitOfWork) -> list[AgencyView]:
    return [_view(a) for a in uow.session.scalars(select(Agency).order_by(Agency.name))]

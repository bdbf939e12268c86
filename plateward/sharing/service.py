"""Agency registry use cases. Eligibility and agreements arrive with the sharing capability."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from plateward.core.database import UnitOfWork
from plateward.core.errors import InvalidInput, NotFound
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


def home_agency(uow: UnitOfWork) -> AgencyView:
    agency = uow.session.scalar(select(Agency).where(Agency.is_home.is_(True)).limit(1))
    if agency is None:
        raise NotFound("no home agency is registered; run `plateward demo` or register one")
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

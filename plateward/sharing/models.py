"""Agencies: the home department and the outside agencies that may (or may not) share data."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from plateward.core.database import Base


class AgencyKind(StrEnum):
    MUNICIPAL_POLICE = "municipal_police"
    SHERIFF = "sheriff"
    STATE_POLICE = "state_police"
    FEDERAL = "federal"
    OTHER = "other"


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    ori: Mapped[str] = mapped_column(String(9), unique=True)  # NCIC Originating Agency Identifier
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(32))
    is_home: Mapped[bool] = mapped_column(default=False)

"""The misuse signals recorded for auditors (migration 0010).

DUP §9 — audits by a unit other than CDIC. A signal is found by the daily ``misuse-signals`` job
from the audit trail, and stays until an auditor reviews it and records a finding. It names the
audit entries behind it (``entry_seqs``), never a plate: the entries hold the terms.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from plateward.core.database import Base


class MisuseSignal(Base):
    __tablename__ = "misuse_signals"
    __table_args__ = (Index("ix_misuse_signals_state_detected_at", "state", "detected_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # The same pattern of the same person as it gathers evidence (misuse_rules.Signal.series);
    # the fingerprint is this evidence exactly, so the daily job never records it twice.
    series: Mapped[str] = mapped_column(String(64), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    subject_person_id: Mapped[int | None]
    subject_username: Mapped[str | None] = mapped_column(String(120))
    case_number: Mapped[str | None] = mapped_column(String(120))
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    entry_seqs: Mapped[list[Any]] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(String(500))
    detected_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    reviewer: Mapped[str | None] = mapped_column(String(120))
    reviewed_at: Mapped[datetime | None]
    finding: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(40))


class MisuseQuarter(Base):
    """One quarter's purpose-quality figures (search/misuse_quarters.py), kept by the daily job so
    the auditor's page reads four rows instead of a year of searches. A quarter that had ended
    when it was counted is ``complete`` and never counted again: the trail only grows at its
    end, so a past quarter's searches cannot change."""

    __tablename__ = "misuse_quarter_figures"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    quarter: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    searches: Mapped[int]
    boilerplate: Mapped[int]
    reused: Mapped[int]
    no_case: Mapped[int]
    flagged: Mapped[int]
    complete: Mapped[bool]
    computed_at: Mapped[datetime]

"""The ``searches`` table: every search a person asked for, with its purpose and terms.

A search is stored before its results are shown, so each later page, read, image and export is
tied to it (DUP §9: the trail shows what was returned and what was opened, for which purpose).
A request the guard sends to supervisor review waits here for a lieutenant's decision (DUP update
2026), and a blocked one is kept with the rules that fired.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from plateward.core.database import Base


class SearchState(StrEnum):
    RUN = "run"  # ran (or may run again, page by page)
    PENDING_REVIEW = "pending_review"  # the guard asked for a supervisor; nothing ran
    APPROVED = "approved"  # a lieutenant approved it; the requester may run it
    REJECTED = "rejected"  # a lieutenant rejected it; it never runs
    BLOCKED = "blocked"  # the guard denied it; it never runs


class Search(Base):
    __tablename__ = "searches"
    __table_args__ = (Index("ix_searches_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    purpose: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Kept apart from the purpose so "this person's justifications for other cases" is one query.
    case_number: Mapped[str] = mapped_column(String(60))
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), index=True)
    guard_rules: Mapped[list[str]] = mapped_column(JSON)
    guard_message: Mapped[str | None] = mapped_column(String(1000))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    review_reason: Mapped[str | None] = mapped_column(String(500))
    result_count: Mapped[int | None]

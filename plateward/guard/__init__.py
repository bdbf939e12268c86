"""The prohibited-use guard: decides allow / deny / review on a whole request (pure).

Used by every search path, and later by hot-list entries, legal holds and outside-agency
requests. Importing it loads numpy and rapidfuzz only (the command-line check stays fast).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from plateward.guard.rules import check
from plateward.guard.types import NOTHING_SEARCHED, Decision, GuardRequest, Verdict

if TYPE_CHECKING:
    from plateward.core.purpose import Purpose

__all__ = ["NOTHING_SEARCHED", "Decision", "GuardRequest", "Verdict", "check", "check_purpose"]


def check_purpose(purpose: Purpose) -> Verdict:
    """``check`` over a validated ``core.purpose.Purpose``."""
    return check(
        GuardRequest(
            category=purpose.category.value,
            crime_type=purpose.crime_type,
            case_number=purpose.case_number,
            justification=purpose.justification,
            agency=purpose.beneficiary_agency,
        )
    )

"""What the public transparency portal says, and how it names what it counts (pure).

DUP §8 — raw ALPR data (photographs, plates, locations, hot-list data) is never public; aggregated
data is. U26 — the public portal states the legal limits on sharing in the words the City Council
approved (recommendation (c) of the March 2026 update).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

# U26 recommendation (c), word for word (the two footnote markers of the staff report left out).
SB54_SB34_STATEMENT = (
    "The San José Police Department only shares data with California law enforcement agencies "
    "subject to the California Values Act (Senate Bill 54, 2017) and Automated License Plate "
    "Recognition Systems: Use of Data (Senate Bill 34, 2015). These laws prohibit information "
    "sharing with federal immigration enforcement. Transmittal of Police Department Automated "
    "License Plate Reader data to federal agencies for immigration enforcement is illegal."
)

# The figures of the portal cover this many days back from now.
PORTAL_DAYS = 30
PORTAL_WINDOW = timedelta(days=PORTAL_DAYS)


@dataclass(frozen=True)
class PolicyPoint:
    clause: str
    text: str


# The Data Usage Protocol in short, as the software enforces it (docs/policy-matrix.md).
POLICY: tuple[PolicyPoint, ...] = (
    PolicyPoint(
        "DUP §2",
        "Plate reads are searched only for an authorized purpose: a stated crime type, case "
        "number and justification, checked before any search runs.",
    ),
    PolicyPoint(
        "DUP §3",
        "Prohibited: immigration enforcement, reproductive health care, First Amendment "
        "activity, harassment or intimidation, personal or commercial use, and automated "
        "enforcement without manual review. Such requests are refused and recorded.",
    ),
    PolicyPoint(
        "DUP §7 (2026)",
        "Reads are kept for the retention period below, then purged from live and backup "
        "systems unless tied to an active investigation.",
    ),
    PolicyPoint(
        "DUP §8",
        "Raw data (photographs, plates, locations, hot-list data) is never public; this portal "
        "and the Annual Data Usage Report give aggregated figures only.",
    ),
    PolicyPoint(
        "DUP §9",
        "Every access is logged with who, when, the terms and the purpose, in a tamper-evident "
        "trail kept at least two years and audited by a unit other than the Crime Data "
        "Intelligence Center; since 2026 the City's IT department audits access quarterly.",
    ),
    PolicyPoint(
        "DUP §10",
        "Data is shared only with California law enforcement agencies under an agreement; never "
        "with federal agencies, commercial or private entities, and never onward.",
    ),
    PolicyPoint(
        "DUP §11",
        "Anyone may comment or complain below; the Digital Privacy Officer investigates and "
        "decides a corrective action plan where needed.",
    ),
)

# How a refusal is counted on the portal and in the annual report: by the kind of rule that
# refused it, never by what was asked.
BLOCK_CATEGORIES = {
    "immigration": "Immigration enforcement",
    "reproductive": "Reproductive health care",
    "first_amendment": "First Amendment activity",
    "outside_public_view": "Places outside public view",
    "commercial": "Commercial use",
    "personal": "Personal use",
    "beneficiary": "Federal, out-of-state or unknown agency",
    "purpose": "Purpose outside authorized use or incomplete",
    "justification": "Justification missing or boilerplate",
    "permission": "Person without the permission, training or acknowledgment",
    "other": "Other refusals",
}


def block_category(action: str, rules: Sequence[str]) -> str:
    """The category of one refused request: a refused permission, or the gravest kind of rule
    the guard fired (a prohibited use before a federal beneficiary before an incomplete purpose:
    the order of ``BLOCK_CATEGORIES``)."""
    if action == "access.refused":
        return "permission"
    fired = {str(rule).split(".", 1)[0] for rule in rules}
    return next((key for key in BLOCK_CATEGORIES if key in fired), "other")


def block_tally(refusals: Iterable[tuple[str, Sequence[str]]]) -> list[tuple[str, int]]:
    """(label, count) for each category that occurred, most frequent first."""
    counts = Counter(block_category(action, rules) for action, rules in refusals)
    return [
        (BLOCK_CATEGORIES[key], count)
        for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def distinct_searches(details: Iterable[dict[str, object]]) -> int:
    """Searches, not pages: each search's pages share its ``search_id``."""
    ids = {d.get("search_id") for d in details}
    ids.discard(None)
    return len(ids)

"""The outside world of hot lists behind interfaces: CLETS verification.

DUP §4.3 — before acting on an alert the officer attempts to verify through CLETS that it is still
valid. A department connects Plateward to its CLETS message switch through an adapter with this
interface; until one is configured the officer records the result of the query made by radio or
mobile terminal (``ManualClets``: the page offers the result choices). ``SimulatedClets`` answers
for the demo and the tests, like the state's system would: "valid" unless the plate is cleared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from plateward.hotlists.rules import Verification


class CletsUnavailable(Exception):
    """The CLETS service did not answer; the attempt is still recorded (DUP §4.3)."""


@dataclass(frozen=True)
class CletsAnswer:
    result: Verification
    summary: str  # what the switch said, recorded with the step (no personal details)


class Clets(Protocol):
    """A CLETS verification service."""

    @property
    def automated(self) -> bool:
        """True when ``verify`` queries a system; False when the officer records the result."""
        ...

    def verify(self, plate: str, plate_state: str) -> CletsAnswer:
        """Whether the plate is still wanted; raises ``CletsUnavailable`` when no answer came."""
        ...


class ManualClets:
    """No CLETS connection: the officer queries by radio or terminal and records the result."""

    automated = False

    def verify(self, plate: str, plate_state: str) -> CletsAnswer:
        del plate, plate_state
        raise CletsUnavailable("no CLETS connection is configured: record the result by hand")


@dataclass
class SimulatedClets:
    """The demo's CLETS: every plate is still wanted unless cleared; can be taken offline."""

    cleared: set[str] = field(default_factory=set)
    online: bool = True
    automated: bool = True

    def verify(self, plate: str, plate_state: str) -> CletsAnswer:
        if not self.online:
            raise CletsUnavailable("simulated CLETS did not answer")
        if plate in self.cleared:
            return CletsAnswer(Verification.NOT_VALID, f"{plate_state}: no want on file (cleared)")
        return CletsAnswer(Verification.VALID, f"{plate_state}: record active, want confirmed")

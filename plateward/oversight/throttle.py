"""The public portal's rate limit: a sliding window of requests per client address.

The portal needs no sign-in, so it is open to scraping and floods. Each server process counts the
requests of each address over the last minute in memory: the portal's figures are cheap but not
free (they count rows of the trail), and a per-process limit is enough to keep one address from
monopolising a process. It holds no personal data beyond the address for a minute.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=1)
# Addresses kept at most: an attacker rotating addresses cannot grow the table without bound.
MAX_ADDRESSES = 10_000


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    first_refusal: bool  # the first refused request of a run: the one worth an audit entry


@dataclass
class PublicThrottle:
    limit: int
    _seen: dict[str, deque[datetime]] = field(default_factory=dict)
    _refusing: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, address: str, now: datetime) -> Verdict:
        """Count this request; whether it is within the limit for its address."""
        with self._lock:
            times = self._seen.get(address)
            if times is None:
                if len(self._seen) >= MAX_ADDRESSES:
                    self._forget(now)
                times = self._seen.setdefault(address, deque())
            while times and now - times[0] >= WINDOW:
                times.popleft()
            if len(times) >= self.limit:
                first = address not in self._refusing
                self._refusing.add(address)
                return Verdict(allowed=False, first_refusal=first)
            times.append(now)
            self._refusing.discard(address)
            return Verdict(allowed=True, first_refusal=False)

    def _forget(self, now: datetime) -> None:
        stale = [a for a, t in self._seen.items() if not t or now - t[-1] >= WINDOW]
        for address in stale:
            del self._seen[address]
            self._refusing.discard(address)
        if len(self._seen) >= MAX_ADDRESSES:  # all recent: drop the oldest half
            oldest = sorted(self._seen, key=lambda a: self._seen[a][-1])
            for address in oldest[: len(oldest) // 2]:
                del self._seen[address]

"""The rules that fired while one request was checked (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field

from plateward.guard.types import Decision


@dataclass
class Findings:
    """The rules that fired, by the decision each calls for, with the reason for the person."""

    deny: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)

    def add(self, decision: Decision, rule: str, reason: str) -> None:
        if decision is Decision.ALLOW:
            return
        bucket = self.deny if decision is Decision.DENY else self.review
        if rule not in bucket:
            bucket.append(rule)
            self.reasons.setdefault(rule, reason)

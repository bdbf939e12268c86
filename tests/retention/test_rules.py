"""The retention rules, pure: the period's legal bounds, whole days to purge, the hold's
lifecycle and its reviews."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from plateward.core.errors import InvalidInput
from plateward.retention import rules
from plateward.retention.rules import HoldStatus, RetentionRule


def test_the_default_period_is_thirty_days_as_the_2026_update_says() -> None:
    now = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)

    rule = RetentionRule()

    assert rule.days == 30
    assert rule.expired(now - timedelta(days=30, seconds=1), now)
    assert not rule.expired(now - timedelta(days=29, hours=23), now)


@pytest.mark.parametrize("days", [0, 31, 365])
def test_a_period_outside_the_protocol_is_refused(days: int) -> None:
    with pytest.raises(InvalidInput, match="between 1 and 30 days"):
        rules.check_retention_days(days)


def test_only_whole_days_past_the_cutoff_are_purged() -> None:
    cutoff = datetime(2026, 10, 25, 6, 0, tzinfo=UTC)
    stored = {date(2026, 10, 23), date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)}

    assert rules.purgeable_days(stored, cutoff) == [date(2026, 10, 23), date(2026, 10, 24)]


def test_a_hold_follows_its_case_forward_and_ends_by_release() -> None:
    assert rules.transition_refusal(HoldStatus.ACTIVE_INVESTIGATION, HoldStatus.CHARGED) is None
    assert rules.transition_refusal(HoldStatus.APPEAL_WINDOW, HoldStatus.RELEASED) is None
    assert rules.transition_refusal(HoldStatus.CHARGED, HoldStatus.ACTIVE_INVESTIGATION)
    assert rules.transition_refusal(HoldStatus.PENDING, HoldStatus.CHARGED) == (
        "A lieutenant must approve the hold first."
    )
    assert rules.transition_refusal(HoldStatus.RELEASED, HoldStatus.CHARGED)


def test_nobody_approves_their_own_hold_and_a_hold_is_decided_once() -> None:
    assert rules.approval_refusal(7, 7, HoldStatus.PENDING)
    assert rules.approval_refusal(7, 8, HoldStatus.ACTIVE_INVESTIGATION)
    assert rules.approval_refusal(7, 8, HoldStatus.PENDING) is None


def test_each_stage_has_its_review_date_and_an_ended_hold_none() -> None:
    day = date(2026, 11, 24)

    assert rules.review_due(HoldStatus.ACTIVE_INVESTIGATION, day) == day + timedelta(days=90)
    assert rules.review_due(HoldStatus.APPEAL_WINDOW, day) == day + timedelta(days=30)
    assert rules.review_due(HoldStatus.RELEASED, day) is None


def test_a_hold_names_distinct_reads_within_the_limit() -> None:
    assert rules.held_read_ids(["a", "a", " b "]) == ["a", "b"]
    with pytest.raises(InvalidInput):
        rules.held_read_ids([])
    with pytest.raises(InvalidInput):
        rules.held_read_ids([str(n) for n in range(rules.MAX_HELD_READS + 1)])

"""Eligibility is a rule, not a setting (DUP §10, SB 34): only California public law-enforcement
agencies; federal, out-of-state, commercial, private and tribal requesters never, whatever
agreements say."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plateward.core.permissions import Permission
from plateward.sharing.rules import (
    AgencyFacts,
    AgencyKind,
    AgreementFacts,
    AgreementStatus,
    Configuration,
    Scope,
    SharingSetting,
    agreement_permissions,
    drift,
    eligible,
    setting_refusal,
)

KINDS = st.sampled_from([k.value for k in AgencyKind] + ["municipal_police", "sheriff", "other"])
STATES = st.sampled_from(["CA", "NV", "OR", "AZ", "DC", "TX", "ca"])
ORIS = st.tuples(st.sampled_from(["CA", "NV", "DC", "OR"]), st.integers(0, 9_999_999)).map(
    lambda parts: f"{parts[0]}{parts[1]:07d}"
)
QUICK = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAYS = st.integers(min_value=-400, max_value=400)
TODAY = date(2026, 11, 24)


def agency(ori: str, state: str, kind: str) -> AgencyFacts:
    return AgencyFacts(7, ori, "Some agency", state, kind)


@QUICK
@given(ORIS, STATES, KINDS)
def test_only_california_public_law_enforcement_agencies_are_eligible(
    ori: str, state: str, kind: str
) -> None:
    expected = (
        state.upper() == "CA"
        and ori.startswith("CA")
        and kind in {"municipal", "county", "state", "municipal_police", "sheriff"}
    )
    assert eligible(agency(ori, state, kind)) is expected


@QUICK
@given(
    ORIS,
    STATES,
    st.sampled_from(["federal", "private", "commercial", "tribal"]),
    st.lists(
        st.tuples(
            st.sampled_from(list(AgreementStatus)), DAYS, DAYS, st.sets(st.sampled_from(Scope))
        ),
        max_size=4,
    ),
)
def test_no_agreement_ever_opens_anything_to_an_ineligible_agency(
    ori: str, state: str, kind: str, rows: list[tuple[AgreementStatus, int, int, set[Scope]]]
) -> None:
    facts = agency(ori, state, kind)
    agreements = [
        AgreementFacts(
            i, 7, status, TODAY + timedelta(days=a), TODAY + timedelta(days=b), frozenset(scopes)
        )
        for i, (status, a, b, scopes) in enumerate(rows)
    ]
    assert agreement_permissions(facts, agreements, TODAY) == frozenset()


@QUICK
@given(DAYS, DAYS, st.sampled_from(list(AgreementStatus)))
def test_an_agreement_opens_its_scopes_only_while_active_and_between_its_dates(
    start: int, end: int, status: AgreementStatus
) -> None:
    facts = agency("CA0430000", "CA", "county")
    effective, expires = TODAY + timedelta(days=start), TODAY + timedelta(days=end)
    one = AgreementFacts(1, 7, status, effective, expires, frozenset({Scope.SEARCH, Scope.ALERTS}))

    held = agreement_permissions(facts, [one], TODAY)

    in_force = status is AgreementStatus.ACTIVE and effective <= TODAY <= expires
    opened = frozenset({Permission.READS_SEARCH, Permission.ALERTS_RECEIVE})
    assert held == (opened if in_force else frozenset())
    assert Permission.READS_EXPORT not in held  # DUP §10: no bulk export, ever


@QUICK
@given(st.sampled_from(list(SharingSetting)), st.text(max_size=10))
def test_a_national_lookup_or_any_sharing_switch_can_only_be_off(
    setting: SharingSetting, value: str
) -> None:
    assert (setting_refusal(setting, value) is None) is (value == "off")


def test_the_conformance_rule_finds_each_kind_of_drift() -> None:
    ice = AgencyFacts(1, "DC0011900", "ICE", "DC", "federal")
    sheriff = AgencyFacts(2, "CA0430000", "Santa Clara County Sheriff", "CA", "county")
    expired = AgreementFacts(
        5, 2, "active", TODAY - timedelta(days=400), TODAY - timedelta(days=1), frozenset()
    )
    config = Configuration(
        (ice, sheriff),
        (AgreementFacts(4, 1, "active", TODAY, TODAY, frozenset()), expired),
        {"national_lookup": "on"},
        (),
    )
    from plateward.sharing.rules import AgreementUse

    used = Configuration(config.agencies, config.agreements, {}, (AgreementUse(2, TODAY, "SC-1"),))

    found = drift(config, TODAY)
    assert any("national_lookup" in f for f in found)
    assert any("ICE" in f and "federal" in f for f in found)
    assert any("no agreement in force" in f for f in drift(used, TODAY))
    covered = Configuration(config.agencies, (), {}, used.uses, frozenset({(2, "SC-1")}))
    assert drift(covered, TODAY) == []

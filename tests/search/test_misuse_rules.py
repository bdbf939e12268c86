"""Each misuse signal fires on the pattern it is modelled on, and not on ordinary casework.

DUP §9 — audits evaluate compliance; the 2025-26 stalking cases (one officer, 7 to 395 searches of
one plate, reasons "investigation" or "welfare") went unnoticed by routine audits. These are the
pure rules (search/misuse_rules.py) on searches as the audit trail records them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from plateward.search.misuse_records import Activity, SearchRecord, search_record
from plateward.search.misuse_rules import (
    Evidence,
    Signal,
    SignalKind,
    Thresholds,
    detect,
)
from plateward.search.sensitive_sites import shipped_sites
from tests.search.misuse_trail import SCENES

ZONE = ZoneInfo("America/Los_Angeles")
START = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
END = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
MONDAY_9AM = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)  # 09:00 PST
GOOD_REASON = "robbery at the Story Rd pharmacy, suspect car seen leaving the lot"
STORY_AND_KING = (37.3467, -121.8407)
FAR_FROM_SITES = (37.2300, -121.9900)  # the city's south-west corner: no sensitive site near

_seqs = iter(range(1, 1_000_000))


def search(
    username: str = "jdoe",
    at: datetime = MONDAY_9AM,
    plate: str | None = "7ABC123",
    case: str = "26-004417",
    justification: str = GOOD_REASON,
    **terms: object,
) -> SearchRecord:
    seq = next(_seqs)
    return search_record(
        seq=seq,
        at=at,
        username=username,
        person_id=None,
        name=username.title(),
        action="search.run",
        query_terms={
            "plate": plate,
            "plate_match": "exact" if plate and "*" not in plate else "partial",
            "start": (at - timedelta(days=1)).isoformat(),
            "end": at.isoformat(),
            **terms,
        },
        purpose={"case_number": case, "justification": justification, "crime_type": "PC 211"},
        details={"search_id": seq, "page": 1},
    )


def day(n: int, hour: float = 9) -> datetime:
    """Day n of November 2026 at a local (PST) hour."""
    return datetime(2026, 11, n, 8, 0, tzinfo=UTC) + timedelta(hours=hour)


def found(
    searches: list[SearchRecord],
    activity: list[Activity] | None = None,
    thresholds: Thresholds | None = None,
    history: list[SearchRecord] | None = None,
) -> list[Signal]:
    evidence = Evidence(
        START,
        END,
        tuple((history or []) + searches),
        tuple(activity or []),
        shipped_sites(),
    )
    return detect(evidence, thresholds or Thresholds(), ZONE)


def kinds(signals: list[Signal]) -> list[SignalKind]:
    return [s.kind for s in signals]


def busy(searches: list[SearchRecord]) -> list[Activity]:
    """Each search inside a working session: other work ten minutes later."""
    return [
        Activity(100_000 + s.seq, s.at + timedelta(minutes=10), s.username, "read.viewed", 1)
        for s in searches
    ]


def casework() -> list[SearchRecord]:
    """A robbery unit's ordinary month: a detective searches one plate ten times for one case;
    colleagues search their own cases, during the day, in sessions."""
    work = [search("jdoe", day(2 + i, 9 + i % 6)) for i in range(10)]
    for n, name in enumerate(("asmith", "bjones", "ckim", "dlopez", "enguyen")):
        for i in range(4):
            work.append(
                search(
                    name,
                    day(3 + 4 * i + n % 3, 10 + n),
                    plate=f"{n}XYZ{i}00",
                    case=f"26-00{n}{i}55",
                    justification=SCENES[4 * n + i],
                )
            )
    return work


def test_ordinary_casework_raises_no_signal() -> None:
    work = casework()

    assert found(work, busy(work)) == []


def test_one_plate_under_several_unrelated_cases_is_a_signal() -> None:
    stalking = [
        search("rroe", day(2 + 3 * i), plate="8STK123", case=f"26-00{i}{i}71", justification=why)
        for i, why in enumerate(["investigation", "welfare check", "investigation"] * 2 + ["inv"])
    ]

    (signal,) = [s for s in found(stalking, busy(stalking)) if s.kind == "plate_across_cases"]

    assert signal.username == "rroe"
    assert signal.seqs == tuple(s.seq for s in stalking)
    assert "7 times under 7 cases" in signal.explanation
    assert "8STK123" not in signal.explanation  # explanations are summarised, never a plate


def test_one_plate_again_and_again_without_a_case_is_a_signal() -> None:
    lookups = [
        search("rroe", day(5 + i), plate="8STK123", case=case, justification="welfare check on her")
        for i, case in enumerate(["N/A", "none", "000000"])
    ]

    signals = [s for s in found(lookups, busy(lookups)) if s.kind == "plate_across_cases"]

    assert len(signals) == 1
    assert "3 of them without a valid case number" in signals[0].explanation


def test_a_configured_case_format_makes_other_case_numbers_invalid() -> None:
    lookups = [search("rroe", day(5 + i), plate="8STK123", case=f"X{i}") for i in range(2)]
    strict = Thresholds(case_number_pattern=r"\d{2}-\d{6}")

    assert "plate_across_cases" not in kinds(found(lookups, busy(lookups)))
    assert "plate_across_cases" in kinds(found(lookups, busy(lookups), strict))


def test_a_partial_plate_under_several_cases_is_not_one_vehicle() -> None:
    partials = [search("jdoe", day(2 + i), plate="7AB*", case=f"26-00{i}417") for i in range(4)]

    assert "plate_across_cases" not in kinds(found(partials, busy(partials)))


def test_one_person_making_most_of_the_searches_is_a_signal() -> None:
    work = casework()
    heavy = [
        search("fwong", day(2 + i % 20, 9 + i % 7), plate=f"{i}HVY{i}", case=f"26-1{i:05d}")
        for i in range(40)
    ]

    signals = [s for s in found(work + heavy, busy(work + heavy)) if s.kind == "heavy_share"]

    assert [s.username for s in signals] == ["fwong"]
    assert "made 40 of the 70 searches (57%)" in signals[0].explanation


def test_generic_justifications_are_a_signal() -> None:
    lazy = [
        search("rroe", day(2 + i), plate=f"{i}ABC000", case=f"26-00{i}555", justification=why)
        for i, why in enumerate(["investigation", "Investigation purposes.", "follow up on case"])
    ]

    (signal,) = [s for s in found(lazy, busy(lazy)) if s.kind == "boilerplate_justification"]

    assert signal.username == "rroe"
    assert "3 searches with a generic justification" in signal.explanation


def test_one_text_copied_across_different_cases_is_a_signal() -> None:
    copied = [
        search(
            "rroe",
            day(2 + i),
            plate=f"{i}ABC000",
            case=f"26-00{i}555",
            justification=f"Subject vehicle associated with case 26-00{i}555, see report",
        )
        for i in range(3)
    ]

    (signal,) = [s for s in found(copied, busy(copied)) if s.kind == "boilerplate_justification"]

    assert "3 reusing one text across different cases" in signal.explanation


def test_the_same_justification_for_the_same_case_is_not_copying() -> None:
    same_case = [search("jdoe", day(2 + i)) for i in range(10)]

    assert "boilerplate_justification" not in kinds(found(same_case, busy(same_case)))


def test_many_people_searching_under_one_case_number_is_a_signal() -> None:
    borrowed = [
        search(name, day(3 + n), plate=f"{n}CAS000", case="26-009999")
        for n, name in enumerate(["a1", "b2", "c3", "d4", "e5", "f6", "g7"])
    ]

    (signal,) = [s for s in found(borrowed, busy(borrowed)) if s.kind == "case_volume"]

    assert signal.username is None
    assert signal.case_number == "26-009999"
    assert "7 searches on case 26-009999 by 7 people" in signal.explanation


def test_one_person_far_above_the_usual_on_one_case_is_a_signal() -> None:
    work = casework()
    heavy = [
        search("rroe", day(2 + i % 20, 9 + i % 6), plate=f"{i}ONE000", case="26-007777")
        for i in range(30)
    ]

    signals = [s for s in found(work + heavy, busy(work + heavy)) if s.kind == "case_volume"]

    assert [(s.username, s.case_number) for s in signals] == [("rroe", "26-007777")]


def test_an_area_search_near_a_sensitive_site_is_a_signal() -> None:
    clinic = (37.3521, -121.8395)  # Eastside Family Planning Clinic (the shipped demo sites)
    near = search("rroe", day(4), plate=None, area={"center": list(clinic), "radius_m": 100})
    around = [list(p) for p in ((37.349, -121.845), (37.349, -121.836), (37.355, -121.840))]
    polygon = search("rroe", day(5), plate="7ABC123", area={"polygon": around})
    far = search("jdoe", day(6), area={"center": list(FAR_FROM_SITES), "radius_m": 300})
    searches = [near, polygon, far]

    signals = [s for s in found(searches, busy(searches)) if s.kind == "sensitive_site"]

    assert [s.seqs for s in signals] == [(near.seq,), (polygon.seq,)]
    assert "Eastside Family Planning Clinic" in signals[0].explanation


def test_a_search_just_outside_the_distance_is_not_near() -> None:
    # A 300 m circle whose edge stays 200 m from the clinic (150 m is the default distance).
    lat = 37.3521 - (500 / 111_195)
    edge = search("jdoe", day(4), area={"center": [lat, -121.8395], "radius_m": 300})

    assert "sensitive_site" not in kinds(found([edge], busy([edge])))
    wider = Thresholds(sensitive_site_distance_m=250)
    assert "sensitive_site" in kinds(found([edge], busy([edge]), wider))


def test_sweeping_searches_are_signals() -> None:
    wide = search(
        "rroe", day(4), plate="7ABC123", area={"center": [37.33, -121.88], "radius_m": 2000}
    )
    no_plate_week = search("rroe", day(5), plate=None, cameras=["SJ-FX-001"])
    week = datetime(2026, 11, 5, 17, tzinfo=UTC)
    no_plate_week = SearchRecord(
        **{**no_plate_week.__dict__, "window_start": week - timedelta(days=7)}
    )
    hit_and_run = search(
        "jdoe", day(6), plate=None, area={"center": list(STORY_AND_KING), "radius_m": 200}
    )
    searches = [wide, no_plate_week, hit_and_run]

    signals = [s for s in found(searches, busy(searches)) if s.kind == "sweeping_area"]

    assert [s.seqs for s in signals] == [(wide.seq,), (no_plate_week.seq,)]
    assert "12.6 km²" in signals[0].explanation
    assert "no plate over 7.0 days" in signals[1].explanation


def test_a_night_search_outside_the_persons_usual_hours_is_a_signal() -> None:
    usual = [search("jdoe", day(2 + i % 20, 9 + i % 8)) for i in range(20)]
    at_night = search("jdoe", day(21, 2.5), plate="8STK123")

    signals = [
        s for s in found([*usual, at_night], busy([*usual, at_night])) if s.kind == "off_hours"
    ]

    assert [s.seqs for s in signals] == [(at_night.seq,)]
    assert "02:30 local time" in signals[0].explanation


def test_a_lone_night_search_says_there_are_no_usual_hours_to_compare() -> None:
    alone = search("newhire", day(21, 3.0), plate="8STK123")

    (signal,) = [s for s in found([alone], busy([alone])) if s.kind == "off_hours"]

    assert "only search" in signal.explanation
    assert "0%" not in signal.explanation


def test_a_night_shift_officers_night_searches_are_their_usual_hours() -> None:
    nights = [search("nshift", day(2 + i % 20, 22 + i % 6)) for i in range(21)]

    assert "off_hours" not in kinds(found(nights, busy(nights)))


def test_usual_hours_come_from_before_the_window_too() -> None:
    before = [search("nshift", day(1, 23) - timedelta(days=10 + i)) for i in range(20)]
    tonight = [search("nshift", day(10, 23.5))]

    assert "off_hours" in kinds(found(tonight, busy(tonight)))
    assert "off_hours" not in kinds(found(tonight, busy(tonight), history=before))


def test_a_habit_of_single_search_sessions_is_a_signal() -> None:
    alone = [search("rroe", day(2 + 3 * i, 13)) for i in range(5)]
    # Signing in and out around each search is not work in the session.
    framing = [
        Activity(200_000 + s.seq, s.at - timedelta(minutes=m), "rroe", action, None)
        for s in alone
        for m, action in ((2, "login.succeeded"), (-3, "logout"))
    ]

    (signal,) = [s for s in found(alone, framing) if s.kind == "isolated_session"]

    assert signal.seqs == tuple(s.seq for s in alone)
    assert "5 of 5 searches made alone" in signal.explanation


def test_paging_through_one_search_is_not_other_work() -> None:
    alone = [search("rroe", day(2 + 3 * i, 13)) for i in range(5)]
    pages = [
        Activity(300_000 + s.seq, s.at + timedelta(minutes=5), "rroe", "search.run", s.search_id)
        for s in alone
    ]

    assert "isolated_session" in kinds(found(alone, pages))
    assert "isolated_session" not in kinds(found(alone, busy(alone)))


def test_a_signals_fingerprint_is_its_evidence() -> None:
    lookups = [search("rroe", day(5 + i), plate="8STK123", case="N/A") for i in range(3)]
    (first,) = found(lookups[:2], busy(lookups[:2]))
    (again,) = found(lookups[:2], busy(lookups[:2]))
    (grown,) = found(lookups, busy(lookups))

    assert first.fingerprint == again.fingerprint
    assert grown.series == first.series
    assert grown.fingerprint != first.fingerprint
    assert "8STK123" not in first.series + first.fingerprint  # the plate is only hashed


def test_malformed_terms_are_read_as_absent() -> None:
    record = search_record(
        seq=1,
        at=MONDAY_9AM,
        username="x",
        person_id=None,
        name="X",
        action="search.run",
        query_terms={"plate": 7, "start": "yesterday", "area": {"center": ["a", 1]}, "cameras": 3},
        purpose=None,
        details={"search_id": "12", "page": True},
    )

    assert (record.plate, record.window_start, record.area, record.cameras) == (
        None,
        None,
        None,
        (),
    )
    assert (record.search_id, record.page) == (None, 1)
    assert found([record]) == []

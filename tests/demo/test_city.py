"""Behaviour of the synthetic San José used by the demo and by tests."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone

import pytest

from plateward.demo.city import (
    AGENCIES,
    CAMERAS,
    DEMO_PEOPLE,
    HOME_AGENCY_ORI,
    LAT_MAX,
    LAT_MIN,
    LON_MAX,
    LON_MIN,
    LOOKALIKES,
    PLATE_FORMATS,
    CameraSpec,
    generate_reads,
    is_gateway,
    misread_plate,
    plate_pool,
    pool_size_for,
    registered_plates,
    to_pacific,
    within_san_jose,
)

END = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)  # the window spans the March DST change
SAMPLE = 20_000
SEED = 11
KEYS = {
    "read_id",
    "camera",
    "captured_at",
    "plate",
    "plate_state",
    "confidence",
    "vehicle_make",
    "vehicle_model",
    "vehicle_color",
    "vehicle_type",
    "latitude",
    "longitude",
    "image_ref",
}
CA_PLATE = re.compile(r"^[1-9][A-HJ-NPR-Z]{3}[0-9]{3}$")


@pytest.fixture(scope="module")
def reads() -> list[dict[str, object]]:
    return list(generate_reads(SAMPLE, end=END, seed=SEED))


@pytest.fixture(scope="module")
def pool() -> set[str]:
    return set(plate_pool(pool_size_for(SAMPLE), SEED))


def _at(read: dict[str, object]) -> datetime:
    value = read["captured_at"]
    assert isinstance(value, datetime)
    return value


def _float(read: dict[str, object], key: str) -> float:
    value = read[key]
    assert isinstance(value, float)
    return value


# --- reads: shape and window ---


def test_yields_exactly_count_reads_with_unique_ids(reads: list[dict[str, object]]) -> None:
    assert len(reads) == SAMPLE
    assert len({r["read_id"] for r in reads}) == SAMPLE
    assert len(list(generate_reads(0, end=END))) == 0
    assert len(list(generate_reads(7, end=END))) == 7


def test_every_read_carries_the_native_fields(reads: list[dict[str, object]]) -> None:
    for read in reads:
        assert set(read) == KEYS
        assert read["image_ref"] == f"demo://images/{read['read_id']}.jpg"
        assert 0.0 <= _float(read, "confidence") <= 1.0
        assert isinstance(read["plate"], str) and read["plate"]
        assert all(isinstance(read[k], str) for k in ("vehicle_make", "vehicle_color"))


def test_capture_times_are_aware_utc_and_inside_the_window(
    reads: list[dict[str, object]],
) -> None:
    start = END - timedelta(days=30)
    for read in reads:
        at = _at(read)
        assert at.utcoffset() == timedelta(0)
        assert start < at < END


def test_window_follows_days_and_an_end_in_another_zone() -> None:
    end = datetime(2025, 7, 1, 9, 30, tzinfo=timezone(timedelta(hours=-7)))
    times = [_at(r) for r in generate_reads(3_000, end=end, days=2)]
    assert all(end - timedelta(days=2) < t < end for t in times)
    assert all(t.tzinfo == UTC for t in times)
    assert max(times) - min(times) > timedelta(days=1)


def test_only_active_cameras_read(reads: list[dict[str, object]]) -> None:
    active = {c.code for c in CAMERAS if c.status == "active"}
    seen = {r["camera"] for r in reads}
    assert seen <= active
    assert seen == active  # a big sample reaches every active camera, mobile units included


def test_custom_camera_list_is_respected() -> None:
    only = [c for c in CAMERAS if c.code in {"SJ-FX-001", "SJ-MB-002"}]
    assert {r["camera"] for r in generate_reads(500, end=END, cameras=only)} == {
        "SJ-FX-001",
        "SJ-MB-002",
    }


def test_rejects_naive_end_and_impossible_arguments() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_reads(10, end=datetime(2025, 1, 1))  # noqa: DTZ001 - naive on purpose
    with pytest.raises(ValueError):
        generate_reads(-1, end=END)
    with pytest.raises(ValueError):
        generate_reads(10, end=END, days=0)
    inactive = [c for c in CAMERAS if c.status != "active"]
    with pytest.raises(ValueError, match="no active camera"):
        generate_reads(10, end=END, cameras=inactive)


# --- traffic curve ---


def test_three_am_is_far_quieter_than_five_pm_local(reads: list[dict[str, object]]) -> None:
    hours = Counter(to_pacific(_at(r)).hour for r in reads)
    assert hours[3] * 8 < hours[17]
    assert hours[8] > 3 * hours[4]  # morning peak
    assert hours[17] > hours[13]  # evening peak above the midday plateau


def test_weekends_have_a_flatter_morning_than_weekdays(reads: list[dict[str, object]]) -> None:
    weekday: Counter[int] = Counter()
    weekend: Counter[int] = Counter()
    for read in reads:
        local = to_pacific(_at(read))
        (weekend if local.weekday() >= 5 else weekday)[local.hour] += 1
    weekday_share = weekday[8] / sum(weekday.values())
    weekend_share = weekend[8] / sum(weekend.values())
    assert weekday_share > 1.5 * weekend_share


def test_to_pacific_matches_the_time_zone_database() -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        los_angeles = zoneinfo.ZoneInfo("America/Los_Angeles")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time-zone database on this machine")
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    while moment < datetime(2026, 1, 1, tzinfo=UTC):
        ours, theirs = to_pacific(moment), moment.astimezone(los_angeles)
        assert ours.replace(tzinfo=None) == theirs.replace(tzinfo=None), moment
        moment += timedelta(minutes=30)


# --- vehicles and plates ---


def test_some_plates_recur_on_many_days_at_the_same_camera(
    reads: list[dict[str, object]],
) -> None:
    days: defaultdict[tuple[object, object], set[object]] = defaultdict(set)
    for read in reads:
        days[read["plate"], read["camera"]].add(to_pacific(_at(read)).date())
    regulars = [key for key, seen in days.items() if len(seen) >= 5]
    assert len(regulars) >= 20
    assert len({plate for plate, _ in regulars}) >= 10


def test_frequent_vehicles_mostly_pass_their_few_home_cameras(
    reads: list[dict[str, object]],
) -> None:
    cameras: defaultdict[object, Counter[object]] = defaultdict(Counter)
    for read in reads:
        cameras[read["plate"]][read["camera"]] += 1
    shares = sorted(
        sum(n for _, n in seen.most_common(3)) / seen.total()
        for seen in cameras.values()
        if seen.total() >= 40
    )
    assert len(shares) >= 20
    assert shares[0] > 0.6  # with no home cameras, three of 25 would see about a fifth
    assert shares[len(shares) // 2] > 0.8


def test_frequency_is_heavy_tailed(reads: list[dict[str, object]]) -> None:
    counts = sorted(Counter(r["plate"] for r in reads).values(), reverse=True)
    top_tenth = sum(counts[: len(counts) // 10])
    assert top_tenth > 0.2 * SAMPLE  # a tenth of the vehicles make well over a tenth of reads
    assert counts[0] < 0.05 * SAMPLE  # but no single vehicle dominates
    assert sum(1 for c in counts if c <= 3) > 0  # and a long tail of rare visitors


def test_each_vehicle_keeps_its_make_model_color_and_state(
    reads: list[dict[str, object]],
    pool: set[str],
) -> None:
    seen: dict[object, tuple[object, ...]] = {}
    for read in reads:
        if read["plate"] not in pool:
            continue
        attributes = tuple(
            read[k]
            for k in (
                "plate_state",
                "vehicle_make",
                "vehicle_model",
                "vehicle_color",
                "vehicle_type",
            )
        )
        assert seen.setdefault(read["plate"], attributes) == attributes


def test_plate_pool_is_unique_formatted_and_mostly_californian() -> None:
    plates = registered_plates(2_000, 3)
    assert len({p for p, _ in plates}) == 2_000
    assert [p for p, _ in plates] == plate_pool(2_000, 3)
    assert plate_pool(500, 3) == plate_pool(2_000, 3)[:500]  # a bigger pool only adds vehicles
    for plate, state in plates:
        assert len(plate) == len(PLATE_FORMATS[state])
        if state == "CA":
            assert CA_PLATE.match(plate), plate
    states = Counter(state for _, state in plates)
    assert states["CA"] > 0.85 * 2_000
    assert set(states) - {"CA"} <= {"NV", "OR", "AZ", "TX", "WA"}
    assert len(states) >= 4


def test_reads_are_mostly_california_with_some_visitors(reads: list[dict[str, object]]) -> None:
    states = Counter(r["plate_state"] for r in reads)
    assert 0.85 * SAMPLE < states["CA"] < 0.97 * SAMPLE
    assert {"NV", "OR", "AZ", "TX", "WA"} & set(states)


# --- misreads ---


def _could_come_from(misread: str, pool: set[str]) -> bool:
    for i, char in enumerate(misread):
        if char in LOOKALIKES and misread[:i] + LOOKALIKES[char] + misread[i + 1 :] in pool:
            return True
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return any(
        misread[:i] + char + misread[i:] in pool
        for i in range(len(misread) + 1)
        for char in alphabet
    )


def test_a_few_percent_are_misreads_with_lower_confidence(
    reads: list[dict[str, object]],
    pool: set[str],
) -> None:
    misreads = [r for r in reads if r["plate"] not in pool]
    correct = [r for r in reads if r["plate"] in pool]
    assert 0.015 * SAMPLE < len(misreads) < 0.05 * SAMPLE
    assert max(_float(r, "confidence") for r in misreads) <= 0.8
    assert min(_float(r, "confidence") for r in correct) >= 0.85
    for read in misreads:
        plate = read["plate"]
        assert isinstance(plate, str)
        assert _could_come_from(plate, pool), plate


def test_misread_swaps_one_lookalike_or_drops_one_character() -> None:
    rng = random.Random(1)
    swaps = drops = 0
    for _ in range(500):
        wrong = misread_plate("8BSD250", rng)
        assert wrong != "8BSD250"
        if len(wrong) == 6:
            drops += 1
        else:
            differences = [(a, b) for a, b in zip("8BSD250", wrong, strict=True) if a != b]
            assert len(differences) == 1
            assert LOOKALIKES[differences[0][0]] == differences[0][1]
            swaps += 1
    assert swaps > drops > 0
    assert len(misread_plate("KXT", rng)) == 2  # nothing to swap: a character is dropped


# --- positions ---


def test_fixed_reads_stay_near_their_camera_and_mobile_reads_inside_the_city(
    reads: list[dict[str, object]],
) -> None:
    by_code = {c.code: c for c in CAMERAS}
    mobile_points = set()
    for read in reads:
        camera = by_code[str(read["camera"])]
        lat, lon = _float(read, "latitude"), _float(read, "longitude")
        assert within_san_jose(lat, lon)
        if camera.latitude is not None and camera.longitude is not None:
            assert abs(lat - camera.latitude) < 0.001 and abs(lon - camera.longitude) < 0.001
        else:
            mobile_points.add((round(lat, 2), round(lon, 2)))
    assert len(mobile_points) > 10  # patrol units move along their routes


# --- agencies, cameras, people ---


def test_agencies_include_home_federal_and_out_of_state() -> None:
    assert AGENCIES[0].ori == HOME_AGENCY_ORI
    assert AGENCIES[0].name == "San José Police Department"
    assert any(a.kind == "federal" and a.state != "CA" for a in AGENCIES)
    assert any(a.kind != "federal" and a.state not in {"CA", "DC"} for a in AGENCIES)
    names = {a.name for a in AGENCIES}
    assert {"Santa Clara County Sheriff's Office", "California Highway Patrol"} <= names
    assert sum(a.state == "CA" for a in AGENCIES) >= 7


def test_agency_oris_are_unique_nine_character_codes() -> None:
    kinds = {"municipal", "county", "state", "federal", "tribal", "private", "commercial"}
    assert len({a.ori for a in AGENCIES}) == len(AGENCIES)
    for agency in AGENCIES:
        assert re.fullmatch(r"[A-Z]{2}\d{7}", agency.ori), agency.ori
        assert agency.ori.startswith(agency.state)
        assert agency.kind in kinds


def test_camera_codes_are_unique_and_fixed_cameras_lie_in_san_jose() -> None:
    assert len({c.code for c in CAMERAS}) == len(CAMERAS)
    fixed = [c for c in CAMERAS if c.kind == "fixed"]
    assert len(fixed) >= 20
    for camera in fixed:
        assert camera.latitude is not None and camera.longitude is not None
        assert LAT_MIN <= camera.latitude <= LAT_MAX
        assert LON_MIN <= camera.longitude <= LON_MAX
        assert camera.heading is not None and 0 <= camera.heading <= 359
    assert len({(c.latitude, c.longitude) for c in fixed}) == len(fixed)
    assert all(c.agency_ori == HOME_AGENCY_ORI for c in CAMERAS)
    assert 1 <= sum(c.status == "inactive" for c in CAMERAS) <= 2
    assert {c.status for c in CAMERAS} == {"active", "inactive"}
    assert len({c.vendor for c in CAMERAS}) >= 2


def test_there_are_gateway_cameras_and_mobile_units() -> None:
    gateways = [c for c in CAMERAS if is_gateway(c)]
    assert len(gateways) == 6
    assert all(c.code.startswith("SJ-GW-") and c.kind == "fixed" for c in gateways)
    assert all(c.location.startswith("City entrance/exit: ") for c in gateways)
    mobile = [c for c in CAMERAS if c.kind == "mobile"]
    assert len(mobile) == 3
    for unit in mobile:
        assert unit.code.startswith("SJ-MB-")
        assert (unit.latitude, unit.longitude, unit.heading) == (None, None, None)
        assert re.fullmatch(r"Patrol unit \d \(District [A-Z]\)", unit.location)
    assert any("Curtner Ave & Monterey Rd" in c.name for c in CAMERAS)


def test_demo_people_cover_every_role_once() -> None:
    roles = [p.role for p in DEMO_PEOPLE]
    assert sorted(roles) == sorted(
        {
            "administrator",
            "officer",
            "investigator",
            "lieutenant",
            "command",
            "auditor",
            "privacy_officer",
            "records_clerk",
            "it_auditor",
            "external_agency",
        }
    )
    assert len({p.username for p in DEMO_PEOPLE}) == len(DEMO_PEOPLE)
    people = {p.role: p for p in DEMO_PEOPLE}
    assert "Crime Data Intelligence Center" not in people["auditor"].unit
    assert people["privacy_officer"].badge is None
    assert people["privacy_officer"].username == "dpo"
    assert (people["records_clerk"].username, people["it_auditor"].username) == ("clerk", "itaudit")
    assert "Crime Data Intelligence Center" not in people["it_auditor"].unit
    external = people["external_agency"]
    assert external.agency_ori != HOME_AGENCY_ORI
    assert external.agency_ori in {a.ori for a in AGENCIES if a.kind == "county"}
    others = [p for p in DEMO_PEOPLE if p is not external]
    assert all(p.agency_ori == HOME_AGENCY_ORI for p in others)


# --- determinism and scale ---


def test_same_seed_gives_the_same_reads_and_another_seed_differs() -> None:
    first = list(generate_reads(2_000, end=END, seed=5))
    assert first == list(generate_reads(2_000, end=END, seed=5))
    other = list(generate_reads(2_000, end=END, seed=6))
    assert [r["plate"] for r in first] != [r["plate"] for r in other]


def test_a_large_run_completes_and_stays_consistent() -> None:
    count = 0
    plates = set()
    for read in generate_reads(40_000, end=END, seed=2):
        count += 1
        plates.add(read["plate"])
    assert count == 40_000
    assert pool_size_for(40_000) == 5_000
    assert 3_000 < len(plates) < 5_000 + 0.05 * 40_000


def test_camera_spec_fields_are_frozen() -> None:
    camera: CameraSpec = CAMERAS[0]
    with pytest.raises(AttributeError):
        camera.status = "inactive"  # type: ignore[misc]

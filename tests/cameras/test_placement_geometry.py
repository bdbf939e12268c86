"""Property tests of the placement geometry (cameras/rules.py): the field of view and the sites
whose entrances it reaches (DUP update 2026)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from plateward.cameras.rules import (
    METRES_PER_DEGREE,
    FieldOfView,
    LocalPlane,
    SiteEntrances,
    SiteZones,
    placement_conflicts,
    view_in_metres,
)

LAT = st.floats(37.2, 37.45)
LON = st.floats(-122.05, -121.75)
HEADING = st.floats(0, 359.9)
RANGE = st.floats(10, 300)
ANGLE = st.floats(10, 170)


def _offset(lat: float, lon: float, bearing: float, metres: float) -> tuple[float, float]:
    """(lat, lon) ``metres`` away from (lat, lon) on compass ``bearing``."""
    b = math.radians(bearing)
    d_lat = metres * math.cos(b) / METRES_PER_DEGREE
    d_lon = metres * math.sin(b) / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return lat + d_lat, lon + d_lon


def _site(lat: float, lon: float) -> SiteEntrances:
    return SiteEntrances(1, "Clinic", "abortion_provider", Point(lon, lat))


@settings(max_examples=60, deadline=None)
@given(LAT, LON, HEADING, RANGE, ANGLE, st.floats(0.05, 0.95), st.floats(-0.45, 0.45))
def test_an_entrance_inside_the_view_is_a_conflict(
    lat: float, lon: float, heading: float, reach: float, angle: float, depth: float, turn: float
) -> None:
    view = FieldOfView(lat, lon, heading, reach, angle)
    entrance = _offset(lat, lon, heading + turn * angle * 0.9, depth * reach)

    conflicts = placement_conflicts(view, [_site(*entrance)], buffer_m=0)

    assert [c.site_id for c in conflicts] == [1]
    assert conflicts[0].distance_m < 1


@settings(max_examples=60, deadline=None)
@given(LAT, LON, HEADING, RANGE, ANGLE, st.floats(5, 100), st.floats(0, 50))
def test_an_entrance_behind_the_camera_beyond_the_buffer_is_clear(
    lat: float, lon: float, heading: float, reach: float, angle: float, gap: float, buffer: float
) -> None:
    view = FieldOfView(lat, lon, heading, reach, angle)
    behind = _offset(lat, lon, heading + 180, buffer + gap)

    assert placement_conflicts(view, [_site(*behind)], buffer_m=buffer) == []


@settings(max_examples=60, deadline=None)
@given(LAT, LON, HEADING, RANGE, ANGLE, st.floats(0, 360), st.floats(0, 600), st.floats(0, 40))
def test_a_wider_buffer_or_a_deeper_view_never_clears_a_conflict(
    lat: float,
    lon: float,
    heading: float,
    reach: float,
    angle: float,
    bearing: float,
    metres: float,
    buffer: float,
) -> None:
    site = [_site(*_offset(lat, lon, bearing, metres))]
    narrow = placement_conflicts(FieldOfView(lat, lon, heading, reach, angle), site, buffer)
    wider = placement_conflicts(FieldOfView(lat, lon, heading, reach, angle), site, buffer + 10)
    deeper = placement_conflicts(FieldOfView(lat, lon, heading, reach + 50, angle), site, buffer)

    assert len(wider) >= len(narrow)
    assert len(deeper) >= len(narrow)


@settings(max_examples=60, deadline=None)
@given(LAT, LON, HEADING, RANGE, ANGLE, st.floats(0, 360), st.floats(0, 400), st.floats(0, 359))
def test_turning_camera_and_site_together_changes_nothing(
    lat: float,
    lon: float,
    heading: float,
    reach: float,
    angle: float,
    bearing: float,
    metres: float,
    turn: float,
) -> None:
    before = placement_conflicts(
        FieldOfView(lat, lon, heading, reach, angle),
        [_site(*_offset(lat, lon, bearing, metres))],
        5,
    )
    after = placement_conflicts(
        FieldOfView(lat, lon, (heading + turn) % 360, reach, angle),
        [_site(*_offset(lat, lon, bearing + turn, metres))],
        5,
    )

    assert len(before) == len(after)


@settings(max_examples=60, deadline=None)
@given(LAT, LON, HEADING, RANGE, ANGLE)
def test_the_view_is_a_valid_sector_of_the_right_area(
    lat: float, lon: float, heading: float, reach: float, angle: float
) -> None:
    polygon = view_in_metres(FieldOfView(lat, lon, heading, reach, angle))
    sector = math.pi * reach**2 * angle / 360

    assert polygon.is_valid
    assert 0.97 * sector <= polygon.area <= 1.0001 * sector


@settings(max_examples=40, deadline=None)
@given(LAT, LON, st.floats(0, 360), st.floats(0, 500))
def test_the_local_plane_keeps_distances(
    lat: float, lon: float, bearing: float, metres: float
) -> None:
    there = _offset(lat, lon, bearing, metres)
    plane = LocalPlane(lat, lon)

    assert math.isclose(
        plane.to_metres(Point(there[1], there[0])).distance(Point(0, 0)), metres, abs_tol=0.5
    )


def test_a_camera_without_a_heading_sees_all_around() -> None:
    lat, lon = 37.33, -121.88
    behind = _offset(lat, lon, 200, 30)

    assert placement_conflicts(FieldOfView(lat, lon, None, 50, 40), [_site(*behind)], 0)
    assert not placement_conflicts(FieldOfView(lat, lon, 20, 50, 40), [_site(*behind)], 0)


@settings(max_examples=60, deadline=None)
@given(LAT, LON, st.floats(0, 360), st.floats(0, 200), st.floats(10, 100))
def test_a_mobile_read_is_in_a_site_zone_exactly_within_the_buffer(
    lat: float, lon: float, bearing: float, metres: float, buffer: float
) -> None:
    zones = SiteZones([_site(lat, lon)], buffer)
    read = _offset(lat, lon, bearing, metres)

    found = zones.site_at(*read)

    if metres <= buffer - 0.5:
        assert found is not None
    if metres >= buffer + 0.5:
        assert found is None

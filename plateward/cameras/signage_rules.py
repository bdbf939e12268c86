"""Notice signs (DUP §6, §2.4): what a sign record holds and where signs are missing. Pure.

DUP §6 — notice is posted at major vehicle entrances into the city and exits from it, and at
"designated intersections": locations near where ALPR technology is used. DUP §2.4 — a red-light
device needs notice of automated enforcement within 200 feet of the intersection (Vehicle Code
21455.5).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

RED_LIGHT_NOTICE_M = 61.0  # DUP §2.4: 200 feet
EARTH_RADIUS_M = 6_371_008.8


class SignKind(StrEnum):
    CITY_ENTRANCE_EXIT = "city_entrance_exit"
    DESIGNATED_INTERSECTION = "designated_intersection"
    RED_LIGHT_NOTICE = "red_light_notice"


SIGN_LABELS = {
    SignKind.CITY_ENTRANCE_EXIT: "city entrance/exit notice",
    SignKind.DESIGNATED_INTERSECTION: "designated-intersection notice",
    SignKind.RED_LIGHT_NOTICE: "red-light enforcement notice",
}


@dataclass(frozen=True)
class SignSpec:
    kind: str
    name: str
    latitude: float
    longitude: float
    installed_on: date | None = None


@dataclass(frozen=True)
class Place:
    """Something that needs a sign near it: a camera, a city gateway, a red-light device."""

    label: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class PostedSign:
    kind: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class SignageGap:
    """A compliance warning: a place without the sign the protocol wants near it."""

    text: str
    latitude: float | None
    longitude: float | None


def sign_problem(spec: SignSpec) -> str | None:
    if spec.kind not in set(SignKind):
        return f"sign kind must be one of {', '.join(SignKind)}"
    name = spec.name.strip()
    if not name or len(name) > 200 or not name.isprintable():
        return "a sign needs a name or place of at most 200 printable characters"
    if not (-90 <= spec.latitude <= 90 and -180 <= spec.longitude <= 180):
        return "latitude must be between -90 and 90, longitude between -180 and 180"
    return None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def nearest(
    place: Place, signs: Sequence[PostedSign], kind: SignKind
) -> tuple[PostedSign, float] | None:
    """The closest posted sign of ``kind`` to ``place``, with its distance."""
    found = [
        (s, distance_m(place.latitude, place.longitude, s.latitude, s.longitude))
        for s in signs
        if s.kind == kind
    ]
    return min(found, key=lambda pair: pair[1]) if found else None


def has_sign_within(
    place: Place, signs: Sequence[PostedSign], kind: SignKind, metres: float
) -> bool:
    found = nearest(place, signs, kind)
    return found is not None and found[1] <= metres


def signage_gaps(
    cameras: Sequence[Place],
    gateways: Sequence[Place],
    signs: Sequence[PostedSign],
    camera_distance_m: float,
) -> list[SignageGap]:
    """DUP §6 — each active fixed camera near a designated-intersection sign (a camera at a city
    entrance/exit is covered by that entrance's sign), each city entrance/exit with its own
    sign; every place that lacks one is a warning."""
    gaps = []
    for camera in cameras:
        if not any(
            has_sign_within(camera, signs, kind, camera_distance_m)
            for kind in (SignKind.DESIGNATED_INTERSECTION, SignKind.CITY_ENTRANCE_EXIT)
        ):
            gaps.append(
                SignageGap(
                    f"{camera.label}: no designated-intersection sign within "
                    f"{camera_distance_m:.0f} m (DUP §6)",
                    camera.latitude,
                    camera.longitude,
                )
            )
    for gateway in gateways:
        if not has_sign_within(gateway, signs, SignKind.CITY_ENTRANCE_EXIT, camera_distance_m):
            gaps.append(
                SignageGap(
                    f"{gateway.label}: this city entrance/exit has no notice sign (DUP §6)",
                    gateway.latitude,
                    gateway.longitude,
                )
            )
    return gaps

"""A believable synthetic San José for demos and tests.

Pure and deterministic: the same arguments (and seed) always give the same agencies, cameras,
people and reads. Standard library only; Pacific time follows the US daylight-saving rule
instead of the host's time-zone database, so output never depends on the machine. Places are
real San José intersections and freeway gateways (approximate coordinates); agency ORIs,
people, plates and vehicles are invented.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from itertools import accumulate, pairwise


@dataclass(frozen=True)
class AgencySpec:
    ori: str
    name: str
    state: str
    kind: str  # sharing.rules.AgencyKind: municipal, county, state, federal, tribal, private…


@dataclass(frozen=True)
class CameraSpec:
    code: str
    name: str
    kind: str  # "fixed" or "mobile"
    latitude: float | None  # None for mobile units: each read carries its own position
    longitude: float | None
    heading: int | None  # degrees 0-359 the camera faces; None for mobile units
    location: str
    vendor: str
    status: str  # "active" or "inactive"
    agency_ori: str


@dataclass(frozen=True)
class PersonSpec:
    username: str
    full_name: str
    badge: str | None
    unit: str
    role: str
    agency_ori: str


# --- Agencies --- The ORIs are ILLUSTRATIVE: state code + 7 digits in the NCIC shape, made up
# for the demo. They are not claimed to be the agencies' real identifiers.
AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec("CA0431300", "San José Police Department", "CA", "municipal"),
    AgencySpec("CA0430000", "Santa Clara County Sheriff's Office", "CA", "county"),
    AgencySpec("CA0431200", "Santa Clara Police Department", "CA", "municipal"),
    AgencySpec("CA0431400", "Sunnyvale Department of Public Safety", "CA", "municipal"),
    AgencySpec("CA0430900", "Milpitas Police Department", "CA", "municipal"),
    AgencySpec("CA0430200", "Campbell Police Department", "CA", "municipal"),
    AgencySpec("CA0349500", "California Highway Patrol", "CA", "state"),
    # Negative cases for sharing rules (California Civil Code 1798.90.55(b)):
    AgencySpec("DC0011900", "U.S. Immigration and Customs Enforcement", "DC", "federal"),
    AgencySpec("NV0160200", "Reno Police Department", "NV", "municipal"),
)
HOME_AGENCY_ORI: str = AGENCIES[0].ori
_SHERIFF_ORI = AGENCIES[1].ori

# Bounding box of the city (degrees); every fixed camera and mobile read lies inside it.
LAT_MIN, LAT_MAX = 37.20, 37.45
LON_MIN, LON_MAX = -122.05, -121.75

GATEWAY_PREFIX = "City entrance/exit: "
VENDORS = ("Flock Safety", "Rekor", "Motorola Vigilant")

_Site = tuple[str, float, float, int, int]  # name, latitude, longitude, heading, vendor index
_INTERSECTIONS: tuple[_Site, ...] = (
    ("Curtner Ave & Monterey Rd", 37.2957, -121.8640, 340, 0),
    ("Story Rd & King Rd", 37.3467, -121.8407, 45, 1),
    ("Tully Rd & McLaughlin Ave", 37.3213, -121.8366, 270, 0),
    ("Capitol Expwy & Senter Rd", 37.2985, -121.8268, 120, 2),
    ("Santa Clara St & 1st St", 37.3364, -121.8901, 180, 0),
    ("Stevens Creek Blvd & Winchester Blvd", 37.3233, -121.9502, 90, 1),
    ("Alum Rock Ave & King Rd", 37.3578, -121.8462, 225, 0),
    ("Blossom Hill Rd & Snell Ave", 37.2524, -121.8615, 0, 2),
    ("Berryessa Rd & Capitol Ave", 37.3858, -121.8580, 300, 0),
    ("Bascom Ave & Hamilton Ave", 37.2941, -121.9314, 15, 1),
    ("McKee Rd & White Rd", 37.3700, -121.8215, 250, 0),
    ("Hillsdale Ave & Almaden Expwy", 37.2790, -121.8777, 160, 2),
    ("Julian St & 13th St", 37.3495, -121.8870, 200, 0),
    ("Quimby Rd & White Rd", 37.3264, -121.7984, 335, 1),
    ("Almaden Expwy & Branham Ln", 37.2655, -121.8757, 350, 0),
    ("Meridian Ave & Hamilton Ave", 37.2942, -121.9134, 95, 2),
    ("N 1st St & Trimble Rd", 37.3890, -121.9316, 140, 1),
    ("Santa Teresa Blvd & Bernal Rd", 37.2370, -121.7900, 305, 0),
)
# Freeway gateways; the heading faces inbound traffic.
_GATEWAYS: tuple[_Site, ...] = (
    ("US-101 at Bernal Rd", 37.2535, -121.7808, 315, 2),
    ("I-680 near Calaveras Blvd (north city limit)", 37.4105, -121.8570, 160, 2),
    ("I-880 at Montague Expwy", 37.4030, -121.9197, 150, 0),
    ("I-280 at Saratoga Ave", 37.3145, -121.9778, 80, 2),
    ("SR-85 at Almaden Expwy", 37.2470, -121.8745, 60, 1),
    ("SR-87 at Capitol Expwy", 37.2765, -121.8627, 0, 0),
)
_INACTIVE = frozenset({"SJ-FX-014", "SJ-FX-017"})  # out of service, for realism

# Patrol routes for the mobile units (closed loops of (latitude, longitude) waypoints).
PATROL_ROUTES: dict[str, tuple[tuple[float, float], ...]] = {
    "SJ-MB-001": (  # Downtown, District D
        (37.3382, -121.8863),
        (37.3440, -121.8950),
        (37.3355, -121.9040),
        (37.3290, -121.8930),
        (37.3330, -121.8830),
        (37.3382, -121.8863),
    ),
    "SJ-MB-002": (  # East side, District L
        (37.3480, -121.8400),
        (37.3580, -121.8460),
        (37.3700, -121.8215),
        (37.3520, -121.8150),
        (37.3260, -121.8300),
        (37.3213, -121.8366),
        (37.3480, -121.8400),
    ),
    "SJ-MB-003": (  # South San José, District X
        (37.2957, -121.8640),
        (37.2790, -121.8777),
        (37.2524, -121.8615),
        (37.2370, -121.7900),
        (37.2600, -121.8050),
        (37.2985, -121.8268),
        (37.2957, -121.8640),
    ),
}
_PATROL_DISTRICTS = {"SJ-MB-001": "D", "SJ-MB-002": "L", "SJ-MB-003": "X"}


def _fixed_cameras(sites: Sequence[_Site], infix: str, prefix: str) -> tuple[CameraSpec, ...]:
    cameras = []
    for n, (name, lat, lon, heading, vendor) in enumerate(sites, start=1):
        code = f"SJ-{infix}-{n:03d}"
        cameras.append(
            CameraSpec(
                code=code,
                name=name,
                kind="fixed",
                latitude=lat,
                longitude=lon,
                heading=heading,
                location=f"{prefix}{name}, San José, CA",
                vendor=VENDORS[vendor],
                status="inactive" if code in _INACTIVE else "active",
                agency_ori=HOME_AGENCY_ORI,
            )
        )
    return tuple(cameras)


def _mobile_cameras() -> tuple[CameraSpec, ...]:
    return tuple(
        CameraSpec(
            code=code,
            name=f"Mobile unit {n}",
            kind="mobile",
            latitude=None,
            longitude=None,
            heading=None,
            location=f"Patrol unit {n} (District {_PATROL_DISTRICTS[code]})",
            vendor="Motorola Vigilant",
            status="active",
            agency_ori=HOME_AGENCY_ORI,
        )
        for n, code in enumerate(PATROL_ROUTES, start=1)
    )


CAMERAS: tuple[CameraSpec, ...] = (
    _fixed_cameras(_INTERSECTIONS, "FX", "")
    + _fixed_cameras(_GATEWAYS, "GW", GATEWAY_PREFIX)
    + _mobile_cameras()
)

# One demo account per role, all at SJPD except the external user; names are fictional.
DEMO_PEOPLE: tuple[PersonSpec, ...] = tuple(
    PersonSpec(
        user,
        name,
        badge,
        unit,
        role,
        _SHERIFF_ORI if role == "external_agency" else HOME_AGENCY_ORI,
    )
    for user, name, badge, unit, role in (
        ("admin", "Dana Whitfield", "4417", "Technology Services Unit", "administrator"),
        ("officer", "Marco Villanueva", "5182", "Patrol Division, District L", "officer"),
        ("investigator", "Priya Raman", "3926", "Crime Data Intelligence Center", "investigator"),
        ("lieutenant", "Gregory Tanaka", "2871", "Patrol Division, Southern Bureau", "lieutenant"),
        ("command", "Elena Marquez", "1204", "Bureau of Field Operations", "command"),
        ("auditor", "Harold Okafor", "3350", "Internal Affairs Audit Unit", "auditor"),
        (
            "dpo",
            "Rebecca Lindqvist",
            None,
            "City IT Department, Digital Privacy Office",
            "privacy_officer",
        ),
        ("clerk", "Miriam Oduya", None, "Records Unit, Public Records Desk", "records_clerk"),
        ("itaudit", "Samuel Reyes", None, "City IT Department, Compliance Audits", "it_auditor"),
        (
            "external",
            "Tomas Herrera",
            "S-7719",
            "Sheriff's Office Investigations Division",
            "external_agency",
        ),
    )
)


def is_gateway(camera: CameraSpec) -> bool:
    """True for cameras at a city entrance/exit."""
    return camera.location.startswith(GATEWAY_PREFIX)


def within_san_jose(latitude: float, longitude: float) -> bool:
    return LAT_MIN <= latitude <= LAT_MAX and LON_MIN <= longitude <= LON_MAX


# --- Pacific time --- US rule since 2007: PDT from the second Sunday of March 02:00 PST to
# the first Sunday of November 02:00 PDT.
_PST = timezone(timedelta(hours=-8), "PST")
_PDT = timezone(timedelta(hours=-7), "PDT")


def _nth_sunday(year: int, month: int, nth: int) -> int:
    first_weekday = datetime(year, month, 1, tzinfo=UTC).weekday()  # Monday is 0
    return 1 + (6 - first_weekday) % 7 + 7 * (nth - 1)


def to_pacific(moment: datetime) -> datetime:
    """An aware datetime as America/Los_Angeles wall time (with a fixed PST/PDT offset)."""
    utc = moment.astimezone(UTC)
    starts = datetime(utc.year, 3, _nth_sunday(utc.year, 3, 2), 10, tzinfo=UTC)
    ends = datetime(utc.year, 11, _nth_sunday(utc.year, 11, 1), 9, tzinfo=UTC)
    return utc.astimezone(_PDT if starts <= utc < ends else _PST)


# Relative traffic per local hour 0-23. Quiet 1-5 am, peaks near 8 am and 5 pm on weekdays;
# weekends rise late, stay flat through the afternoon and carry ~83 % of a weekday's volume.
WEEKDAY_PROFILE: tuple[float, ...] = (
    1.2,
    0.7,
    0.45,
    0.35,
    0.45,
    1.2,
    3.2,
    6.0,
    7.5,
    5.8,
    4.6,
    4.7,
    5.0,
    4.9,
    5.0,
    5.8,
    6.9,
    7.6,
    6.4,
    4.6,
    3.5,
    2.8,
    2.1,
    1.6,
)
WEEKEND_PROFILE: tuple[float, ...] = (
    1.9,
    1.3,
    0.9,
    0.55,
    0.45,
    0.6,
    1.0,
    1.7,
    2.7,
    3.8,
    4.7,
    5.3,
    5.6,
    5.6,
    5.5,
    5.4,
    5.2,
    5.0,
    4.6,
    4.0,
    3.4,
    2.9,
    2.5,
    2.1,
)


def _hour_slot_weights(start: datetime, days: int) -> list[float]:
    """Cumulative traffic weight of each UTC hour from ``start`` over ``days`` days."""
    weights = []
    for hour in range(days * 24):
        local = to_pacific(start + timedelta(hours=hour, minutes=30))
        profile = WEEKEND_PROFILE if local.weekday() >= 5 else WEEKDAY_PROFILE
        weights.append(profile[local.hour])
    return list(accumulate(weights))


# --- Vehicles and plates ---
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O or Q, as on California plates
# Pattern letters: N = digit 1-9, D = digit 0-9, L = plate letter.
PLATE_FORMATS: dict[str, str] = {
    "CA": "NLLLDDD",
    "NV": "DDDLDD",
    "OR": "DDDLLL",
    "AZ": "LLLDDDD",
    "TX": "LLLDDDD",
    "WA": "LLLDDDD",
}
_STATE_SHARES: tuple[tuple[str, float], ...] = (
    ("CA", 92.0),
    ("NV", 2.5),
    ("OR", 1.5),
    ("AZ", 1.5),
    ("TX", 1.2),
    ("WA", 1.3),
)
# (make, model, type, relative share) - roughly the Bay Area mix.
_MODELS: tuple[tuple[str, str, str, float], ...] = (
    ("Toyota", "Camry", "sedan", 7),
    ("Honda", "Civic", "sedan", 7),
    ("Toyota", "Corolla", "sedan", 6),
    ("Tesla", "Model 3", "sedan", 6),
    ("Tesla", "Model Y", "suv", 6),
    ("Honda", "Accord", "sedan", 5),
    ("Toyota", "RAV4", "suv", 6),
    ("Honda", "CR-V", "suv", 5),
    ("Ford", "F-150", "pickup", 4),
    ("Nissan", "Altima", "sedan", 4),
    ("Chevrolet", "Silverado", "pickup", 3),
    ("Toyota", "Prius", "hatchback", 4),
    ("Hyundai", "Elantra", "sedan", 3),
    ("Toyota", "Tacoma", "pickup", 3),
    ("Ford", "Transit", "van", 2),
    ("Honda", "Odyssey", "minivan", 2),
    ("BMW", "3 Series", "sedan", 2),
    ("Subaru", "Outback", "wagon", 2),
    ("Kia", "Sorento", "suv", 2),
    ("Mercedes-Benz", "C-Class", "sedan", 2),
    ("Nissan", "Leaf", "hatchback", 1.5),
    ("Jeep", "Wrangler", "suv", 1.5),
    ("Toyota", "Sienna", "minivan", 1.5),
    ("Harley-Davidson", "Street Glide", "motorcycle", 0.5),
)
_COLOR_SHARES: tuple[tuple[str, float], ...] = (
    ("white", 24),
    ("black", 21),
    ("gray", 17),
    ("silver", 13),
    ("blue", 10),
    ("red", 9),
    ("green", 2),
    ("brown", 1.5),
    ("beige", 1.5),
    ("gold", 1),
)
ZIPF_EXPONENT = 1.2  # vehicle i is seen in proportion to 1 / (i + ZIPF_OFFSET) ** ZIPF_EXPONENT
ZIPF_OFFSET = 100
HOME_SHARE = 0.85  # share of a vehicle's reads taken at one of its 1-3 home cameras
MISREAD_RATE = 0.03
CORRECT_CONFIDENCE = (0.85, 0.99)
MISREAD_CONFIDENCE = (0.55, 0.80)
# Characters an OCR engine confuses, both ways.
_LOOKALIKE_PAIRS = (("8", "B"), ("0", "D"), ("5", "S"), ("1", "I"), ("2", "Z"), ("6", "G"))
LOOKALIKES: dict[str, str] = dict(_LOOKALIKE_PAIRS) | {b: a for a, b in _LOOKALIKE_PAIRS}
_JITTER = 0.00015  # ~15 m: GPS noise on fixed-camera reads


@dataclass(frozen=True, slots=True)
class _Vehicle:
    plate: str
    state: str
    make: str
    model: str
    color: str
    kind: str
    homes: tuple[int, ...]  # indexes into the active cameras


def _pick(cumulative: Sequence[float], rng: random.Random) -> int:
    """Index drawn in proportion to the weights behind ``cumulative``."""
    index = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
    return min(index, len(cumulative) - 1)


def _plate(pattern: str, rng: random.Random) -> str:
    chars = {"N": "123456789", "D": "0123456789", "L": _LETTERS}
    return "".join(rng.choice(chars[c]) for c in pattern)


def pool_size_for(count: int) -> int:
    """Number of distinct vehicles behind ``count`` generated reads."""
    return max(200, count // 8)


def registered_plates(size: int, seed: int) -> list[tuple[str, str]]:
    """``size`` distinct (plate, state) pairs; earlier ones are the most frequently seen."""
    rng = random.Random(f"{seed}:plates")
    states = [state for state, _ in _STATE_SHARES]
    cumulative = list(accumulate(share for _, share in _STATE_SHARES))
    seen: set[str] = set()
    plates: list[tuple[str, str]] = []
    while len(plates) < size:
        state = states[_pick(cumulative, rng)]
        plate = _plate(PLATE_FORMATS[state], rng)
        if plate not in seen:
            seen.add(plate)
            plates.append((plate, state))
    return plates


def plate_pool(size: int, seed: int) -> list[str]:
    """The plates of the vehicle pool ``generate_reads`` uses for this size and seed."""
    return [plate for plate, _ in registered_plates(size, seed)]


def misread_plate(plate: str, rng: random.Random) -> str:
    """The plate with one look-alike swapped (mostly) or one character dropped."""
    swappable = [i for i, char in enumerate(plate) if char in LOOKALIKES]
    if swappable and rng.random() < 0.7:
        i = rng.choice(swappable)
        return plate[:i] + LOOKALIKES[plate[i]] + plate[i + 1 :]
    i = rng.randrange(len(plate))
    return plate[:i] + plate[i + 1 :]


def _distance(a: CameraSpec, b: CameraSpec) -> float:
    return math.hypot(
        (a.latitude or 0.0) - (b.latitude or 0.0), (a.longitude or 0.0) - (b.longitude or 0.0)
    )


def _home_chooser(active: Sequence[CameraSpec]) -> Callable[[random.Random, str], tuple[int, ...]]:
    """A function giving a vehicle 1-3 nearby home cameras (gateways for most visitors)."""
    fixed = [i for i, c in enumerate(active) if c.latitude is not None]
    candidates = fixed or list(range(len(active)))
    gateways = [i for i in candidates if is_gateway(active[i])]
    nearest = {
        i: sorted((j for j in candidates if j != i), key=lambda j: _distance(active[i], active[j]))
        for i in candidates
    }

    def choose(rng: random.Random, state: str) -> tuple[int, ...]:
        visitor = state != "CA" and bool(gateways) and rng.random() < 0.7
        first = rng.choice(gateways if visitor else candidates)
        extra = rng.choice((0, 1, 1, 2))
        return (first, *rng.sample(nearest[first][:4], min(extra, len(nearest[first]))))

    return choose


def _build_vehicles(size: int, seed: int, active: Sequence[CameraSpec]) -> list[_Vehicle]:
    rng = random.Random(f"{seed}:vehicles")
    model_cum = list(accumulate(share for *_, share in _MODELS))
    color_cum = list(accumulate(share for _, share in _COLOR_SHARES))
    choose_homes = _home_chooser(active)
    vehicles = []
    for plate, state in registered_plates(size, seed):
        make, model, kind, _ = _MODELS[_pick(model_cum, rng)]
        color = _COLOR_SHARES[_pick(color_cum, rng)][0]
        vehicles.append(_Vehicle(plate, state, make, model, color, kind, choose_homes(rng, state)))
    return vehicles


# --- Positions ---
@dataclass(frozen=True, slots=True)
class _Route:
    points: tuple[tuple[float, float], ...]
    cumulative: tuple[float, ...]  # distance travelled at the end of each segment


def _route(points: Sequence[tuple[float, float]]) -> _Route:
    lengths = [math.dist(a, b) for a, b in pairwise(points)]
    return _Route(tuple(points), tuple(accumulate(lengths)))


def _route_point(route: _Route, rng: random.Random) -> tuple[float, float]:
    travelled = rng.random() * route.cumulative[-1]
    segment = min(bisect.bisect_right(route.cumulative, travelled), len(route.cumulative) - 1)
    start = route.cumulative[segment - 1] if segment else 0.0
    length = route.cumulative[segment] - start
    fraction = (travelled - start) / length if length else 0.0
    (lat_a, lon_a), (lat_b, lon_b) = route.points[segment], route.points[segment + 1]
    lat = lat_a + (lat_b - lat_a) * fraction + rng.uniform(-0.0003, 0.0003)
    lon = lon_a + (lon_b - lon_a) * fraction + rng.uniform(-0.0003, 0.0003)
    return min(max(lat, LAT_MIN), LAT_MAX), min(max(lon, LON_MIN), LON_MAX)


def _locator(camera: CameraSpec) -> tuple[float, float] | _Route:
    if camera.latitude is not None and camera.longitude is not None:
        return camera.latitude, camera.longitude
    return _route(PATROL_ROUTES.get(camera.code, PATROL_ROUTES["SJ-MB-001"]))


def _position(where: tuple[float, float] | _Route, rng: random.Random) -> tuple[float, float]:
    if isinstance(where, _Route):
        lat, lon = _route_point(where, rng)
    else:
        lat = where[0] + rng.uniform(-_JITTER, _JITTER)
        lon = where[1] + rng.uniform(-_JITTER, _JITTER)
    return round(lat, 6), round(lon, 6)


# --- Reads ---
def _away_weight(camera: CameraSpec) -> float:
    """How often a camera sees vehicles that are away from their home cameras."""
    return 0.8 if camera.latitude is None else 2.5 if is_gateway(camera) else 1.0


def generate_reads(
    count: int,
    *,
    end: datetime,
    days: int = 30,
    seed: int = 7,
    cameras: Sequence[CameraSpec] = CAMERAS,
) -> Iterator[dict[str, object]]:
    """``count`` native reads from active cameras in the ``days`` before ``end``, unsorted."""
    if count < 0:
        raise ValueError("count must not be negative")
    if days < 1:
        raise ValueError("days must be at least 1")
    if end.tzinfo is None or end.utcoffset() is None:
        raise ValueError("end must be a timezone-aware datetime")
    active = tuple(c for c in cameras if c.status == "active")
    if not active:
        raise ValueError("no active camera to read from")
    return _reads(count, end.astimezone(UTC), days, seed, active)


def _reads(
    count: int, end: datetime, days: int, seed: int, active: tuple[CameraSpec, ...]
) -> Iterator[dict[str, object]]:
    rng = random.Random(f"{seed}:reads")
    start = end - timedelta(days=days)
    slot_cum = _hour_slot_weights(start, days)
    vehicles = _build_vehicles(pool_size_for(count), seed, active)
    ranks = range(ZIPF_OFFSET, ZIPF_OFFSET + len(vehicles))
    vehicle_cum = list(accumulate(rank**-ZIPF_EXPONENT for rank in ranks))
    away_cum = list(accumulate(_away_weight(c) for c in active))
    locators = [_locator(c) for c in active]
    for n in range(count):
        vehicle = vehicles[_pick(vehicle_cum, rng)]
        if rng.random() < HOME_SHARE:
            camera = vehicle.homes[rng.randrange(len(vehicle.homes))]
        else:
            camera = _pick(away_cum, rng)
        offset = timedelta(hours=_pick(slot_cum, rng), microseconds=rng.randrange(1, 3_600_000_000))
        if rng.random() < MISREAD_RATE:
            plate, confidence = misread_plate(vehicle.plate, rng), rng.uniform(*MISREAD_CONFIDENCE)
        else:
            plate, confidence = vehicle.plate, rng.uniform(*CORRECT_CONFIDENCE)
        latitude, longitude = _position(locators[camera], rng)
        read_id = f"demo-{seed}-{n}"
        yield {
            "read_id": read_id,
            "camera": active[camera].code,
            "captured_at": start + offset,
            "plate": plate,
            "plate_state": vehicle.state,
            "confidence": round(confidence, 3),
            "vehicle_make": vehicle.make,
            "vehicle_model": vehicle.model,
            "vehicle_color": vehicle.color,
            "vehicle_type": vehicle.kind,
            "latitude": latitude,
            "longitude": longitude,
            "image_ref": f"demo://images/{read_id}.jpg",
        }

"""The demo city's sensitive sites, notice signs and city entrances (issue 17).

Invented names at believable San José places; each site's entrances and exits are its driveways
(short lines) or gates (points). None lies within any demo camera's view, so every demo camera
activates; the mobile units' patrol routes pass some of them, so ingest drops a few reads.
"""

from __future__ import annotations

from datetime import date, timedelta

from plateward.cameras import signage, sites
from plateward.cameras.signage_rules import SignKind, SignSpec
from plateward.cameras.site_rules import SiteKind, SiteSpec
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.demo import city
from plateward.oversight import redlight

SOURCE = "Demo city: Planning Department parcel survey"
SURVEYED = date(2026, 3, 10)


def _driveway(
    lon: float, lat: float, d_lon: float = 0.0003, d_lat: float = 0.0
) -> dict[str, object]:
    return {"type": "LineString", "coordinates": [[lon, lat], [lon + d_lon, lat + d_lat]]}


SITES: tuple[SiteSpec, ...] = (
    SiteSpec(
        "Eastside Family Planning Clinic",
        SiteKind.ABORTION_PROVIDER,
        _driveway(-121.8395, 37.3521),
        SOURCE,
        SURVEYED,
        "1100 block of E Santa Clara St",
    ),
    SiteSpec(
        "Downtown Women's Health Center",
        SiteKind.ABORTION_PROVIDER,
        {"type": "MultiPoint", "coordinates": [[-121.8810, 37.3318], [-121.8806, 37.3321]]},
        SOURCE,
        SURVEYED,
        "S 2nd St near E San Carlos St",
    ),
    SiteSpec(
        "Southside Community Health Clinic",
        SiteKind.ABORTION_PROVIDER,
        _driveway(-121.8610, 37.2968, 0.0, 0.0003),
        SOURCE,
        SURVEYED,
        "Monterey Rd near Phelan Ave",
    ),
    SiteSpec(
        "Alum Rock Mosque",
        SiteKind.PLACE_OF_WORSHIP,
        _driveway(-121.8431, 37.3601),
        SOURCE,
        SURVEYED,
        "N White Rd near Alum Rock Ave",
    ),
    SiteSpec(
        "Willow Glen Synagogue",
        SiteKind.PLACE_OF_WORSHIP,
        {"type": "Point", "coordinates": [-121.8985, 37.3012]},
        SOURCE,
        SURVEYED,
        "Lincoln Ave, Willow Glen",
    ),
    SiteSpec(
        "Story Road Vietnamese Buddhist Temple",
        SiteKind.PLACE_OF_WORSHIP,
        _driveway(-121.8462, 37.3440, 0.0, -0.0003),
        SOURCE,
        SURVEYED,
        "Story Rd near McLaughlin Ave",
    ),
    SiteSpec(
        "Iglesia de la Comunidad, Tully Road",
        SiteKind.PLACE_OF_WORSHIP,
        _driveway(-121.8330, 37.3230),
        SOURCE,
        SURVEYED,
        "Tully Rd near Senter Rd",
    ),
    SiteSpec(
        "Gurdwara on Quimby Road",
        SiteKind.PLACE_OF_WORSHIP,
        _driveway(-121.7950, 37.3255),
        SOURCE,
        SURVEYED,
        "Quimby Rd, Evergreen",
    ),
    SiteSpec(
        "Julian Street Family Shelter",
        SiteKind.OTHER,
        {"type": "Point", "coordinates": [-121.8905, 37.3478]},
        SOURCE,
        SURVEYED,
        "W Julian St",
    ),
)

# The gateways' freeway signs, all but one (SR-87 at Capitol Expwy: a gap the map shows).
_GATEWAYS = [c for c in city.CAMERAS if city.is_gateway(c)]


def _signs() -> list[SignSpec]:
    signs = [
        SignSpec(
            SignKind.CITY_ENTRANCE_EXIT,
            c.name,
            (c.latitude or 0) + 0.0004,
            (c.longitude or 0) + 0.0004,
            date(2024, 6, 1),
        )
        for c in _GATEWAYS
        if not c.name.startswith("SR-87")
    ]
    # Designated-intersection signs at every fixed intersection camera but two.
    fixed = [c for c in city.CAMERAS if c.kind == "fixed" and not city.is_gateway(c)]
    signs += [
        SignSpec(
            SignKind.DESIGNATED_INTERSECTION,
            c.name,
            (c.latitude or 0) + 0.0005,
            (c.longitude or 0) - 0.0005,
            date(2024, 6, 1),
        )
        for c in fixed
        if c.code not in {"SJ-FX-011", "SJ-FX-016"}
    ]
    return signs


def seed_sites(db: Database, operator: Actor) -> None:
    """Idempotent: sites are matched by name; signs and gateways only into an empty registry."""
    with db.unit_of_work() as uow:
        sites.import_sites(uow, operator, [_row(s) for s in SITES], "demo")
    with db.unit_of_work() as uow:
        known_signs, known_gateways = signage.list_signs(uow, operator)
    if not known_signs:
        for spec in _signs():
            with db.unit_of_work() as uow:
                signage.add_sign(uow, operator, spec)
    if not known_gateways:
        for c in _GATEWAYS:
            with db.unit_of_work() as uow:
                signage.add_gateway(uow, operator, c.name, c.latitude or 0, c.longitude or 0)


# A red-light device at Santa Clara St & 1st St, its notice sign 30 m up the street (DUP §2.4).
RED_LIGHT = ("SJ-RL-001", "Santa Clara & 1st red-light camera", "E Santa Clara St & N 1st St")
RED_LIGHT_AT = (37.3364, -121.8901)


def seed_red_light(db: Database, operator: Actor) -> None:
    """Idempotent: the device, its notice sign, and two violations waiting for review."""
    with db.unit_of_work() as uow:
        if any(d.code == RED_LIGHT[0] for d in redlight.list_devices(uow, operator)):
            return
        redlight.register_device(uow, operator, *RED_LIGHT, *RED_LIGHT_AT)
    with db.unit_of_work() as uow:
        signage.add_sign(
            uow,
            operator,
            SignSpec(
                SignKind.RED_LIGHT_NOTICE,
                "Photo enforced: E Santa Clara St westbound",
                RED_LIGHT_AT[0] + 0.00027,
                RED_LIGHT_AT[1],
                date(2025, 1, 15),
            ),
        )
        redlight.enable_device(uow, operator, RED_LIGHT[0])
    for minutes, plate, red in ((95, "8KTR417", 1.2), (40, "6WNB882", 0.4)):
        with db.unit_of_work() as uow:
            when = uow.now() - timedelta(minutes=minutes)
            event = redlight.ViolationIn(
                RED_LIGHT[0], when, plate, "CA", f"demo/red-light/{plate}-{minutes}.jpg", red
            )
            redlight.receive_violation(uow, operator, event)


def _row(spec: SiteSpec) -> sites.SiteRow:
    return sites.SiteRow("demo", spec)

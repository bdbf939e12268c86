"""The sensitive sites an area search is measured against: clinics, places of worship, union halls,
shelters (DUP §3 — no monitoring of First-Amendment activity; DUP update 2026 — no searches about
reproductive health care).

Shipped: ``data/sensitive_sites.geojson``, a handful of invented demo places inside the demo
city's bounding box. An agency keeps its own list; the camera-placement capability, when it
lands, owns that list and hands its own ``SiteSource`` to ``misuse.record_signals`` in place of
``shipped_sites``. Point features are used as they are; any other geometry by a point inside it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from typing import Any

from shapely.geometry import shape

from plateward.search.misuse_records import SensitiveSite

SiteSource = Callable[[], Sequence[SensitiveSite]]


def sites_from_geojson(document: dict[str, Any]) -> tuple[SensitiveSite, ...]:
    """The sites of a GeoJSON FeatureCollection (``name`` and ``kind`` properties)."""
    sites = []
    for feature in document.get("features", []):
        geometry, properties = feature.get("geometry"), feature.get("properties") or {}
        if not geometry:
            continue
        point = shape(geometry).representative_point()
        sites.append(
            SensitiveSite(
                name=str(properties.get("name", "unnamed site")),
                kind=str(properties.get("kind", "site")).replace("_", " "),
                latitude=float(point.y),
                longitude=float(point.x),
            )
        )
    return tuple(sites)


@cache
def shipped_sites() -> tuple[SensitiveSite, ...]:
    """The demo city's sensitive sites, read once from the package."""
    text = resources.files("plateward.search").joinpath("data/sensitive_sites.geojson").read_text()
    return sites_from_geojson(json.loads(text))

"""The plain base map drawn when no tile server is configured: the demo city as GeoJSON.

Police networks are often closed, so the search pages cannot fetch map tiles from the internet.
Without an agency tile server (``PLATEWARD_MAP_TILES_URL``) the map draws this schematic instead:
the city limit, the named intersections, the streets that join intersections sharing a street
name, and the freeway gateways. Pure and deterministic; written once into the static files by

    python -m plateward.demo.basemap

and a test checks that the committed file is what this module makes.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from plateward.demo import city

BASE_MAP_FILE = Path(__file__).resolve().parent.parent / "web" / "static" / "map" / "base.geojson"
_DIRECTION = re.compile(r"^[NSEW] ")  # "N 1st St" is the same street as "1st St"
_NOTE = re.compile(r"\s*\(.*\)$")  # "Calaveras Blvd (north city limit)"

Feature = dict[str, Any]
Point = tuple[float, float]  # (latitude, longitude)


def street_names(place: str) -> tuple[str, ...]:
    """The streets a camera's place names: "Story Rd & King Rd", "US-101 at Bernal Rd"."""
    parts = re.split(r" & | at | near ", place)
    return tuple(_DIRECTION.sub("", _NOTE.sub("", p)).strip() for p in parts if p.strip())


def _point(kind: str, name: str, where: Point) -> Feature:
    return {
        "type": "Feature",
        "properties": {"kind": kind, "name": name},
        "geometry": {"type": "Point", "coordinates": [where[1], where[0]]},
    }


def _line(kind: str, name: str, points: list[Point]) -> Feature:
    return {
        "type": "Feature",
        "properties": {"kind": kind, "name": name},
        "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in points]},
    }


def _along(points: list[Point]) -> list[Point]:
    """The points in order along the street's longer extent, so the line does not zigzag."""
    lat_span = max(p[0] for p in points) - min(p[0] for p in points)
    lon_span = max(p[1] for p in points) - min(p[1] for p in points)
    axis = 0 if lat_span > lon_span else 1
    return sorted(set(points), key=lambda p: (p[axis], p[1 - axis]))


def _city_limit() -> Feature:
    ring = [
        (city.LAT_MIN, city.LON_MIN),
        (city.LAT_MIN, city.LON_MAX),
        (city.LAT_MAX, city.LON_MAX),
        (city.LAT_MAX, city.LON_MIN),
        (city.LAT_MIN, city.LON_MIN),
    ]
    return _line("limit", "Demo city limit", ring)


def base_map() -> dict[str, Any]:
    """The GeoJSON FeatureCollection of the demo city's plain base map."""
    places = [c for c in city.CAMERAS if c.latitude is not None and c.longitude is not None]
    streets: dict[str, list[Point]] = defaultdict(list)
    points: list[Feature] = []
    for camera in places:
        where = (camera.latitude or 0.0, camera.longitude or 0.0)
        kind = "gateway" if city.is_gateway(camera) else "intersection"
        points.append(_point(kind, camera.name, where))
        for street in street_names(camera.name):
            streets[street].append(where)
    lines = [
        _line("street", name, _along(spots))
        for name, spots in sorted(streets.items())
        if len(set(spots)) > 1
    ]
    return {"type": "FeatureCollection", "features": [_city_limit(), *lines, *points]}


def render() -> str:
    """The file's text: stable, compact, one feature a line (readable diffs)."""
    features = ",\n".join(json.dumps(f, separators=(",", ":")) for f in base_map()["features"])
    return '{"type":"FeatureCollection","features":[\n' + features + "\n]}\n"


def main() -> None:
    BASE_MAP_FILE.parent.mkdir(parents=True, exist_ok=True)
    BASE_MAP_FILE.write_text(render())
    sys.stdout.write(f"wrote {BASE_MAP_FILE}\n")


if __name__ == "__main__":
    main()

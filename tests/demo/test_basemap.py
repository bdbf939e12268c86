"""The plain base map shipped for maps without a tile server is the demo city's, as generated."""

from __future__ import annotations

import json

from plateward.demo import basemap, city


def test_the_committed_base_map_is_what_the_generator_makes() -> None:
    # Regenerate with `python -m plateward.demo.basemap` after changing the demo city.
    assert basemap.BASE_MAP_FILE.read_text() == basemap.render()


def test_the_base_map_joins_intersections_that_share_a_street() -> None:
    features = json.loads(basemap.render())["features"]
    streets = {f["properties"]["name"]: f for f in features if f["properties"]["kind"] == "street"}
    # Story Rd & King Rd, Alum Rock Ave & King Rd; "N 1st St" is the same street as "1st St".
    assert len(streets["King Rd"]["geometry"]["coordinates"]) == 2
    assert "1st St" in streets and "N 1st St" not in streets
    places = {f["properties"]["name"] for f in features if f["geometry"]["type"] == "Point"}
    assert {c.name for c in city.CAMERAS if c.latitude is not None} == places
    (limit,) = [f for f in features if f["properties"]["kind"] == "limit"]
    lons = [p[0] for p in limit["geometry"]["coordinates"]]
    assert min(lons) == city.LON_MIN and max(lons) == city.LON_MAX


def test_street_names_are_read_from_a_place() -> None:
    assert basemap.street_names("Story Rd & King Rd") == ("Story Rd", "King Rd")
    assert basemap.street_names("US-101 at Bernal Rd") == ("US-101", "Bernal Rd")
    assert basemap.street_names("I-680 near Calaveras Blvd (north city limit)") == (
        "I-680",
        "Calaveras Blvd",
    )

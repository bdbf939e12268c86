"""What the search page tests do as a person would: fill in the form and send it."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

from tests.conftest import csrf_from

# The form's fields for the standard purpose and last week (NOW is 10:00 Pacific, 24 Nov 2026).
FORM: dict[str, Any] = {
    "category": "criminal_investigation",
    "crime_type": "PC 211 Robbery",
    "case_number": "26-004512",
    "justification": "Grey sedan seen leaving the Story Rd robbery on 11/20; find its route.",
    "agency": "",
    "start": "2026-11-17T10:00",
    "end": "2026-11-24T10:00",
}
STORY_AND_KING = ("37.3467", "-121.8407")  # camera SJ-FX-002
NEAR_STORY_AND_KING = {
    "center_lat": STORY_AND_KING[0],
    "center_lon": STORY_AND_KING[1],
    "radius_m": "500",
}
# The guard cannot place this beneficiary: a lieutenant must review the request.
NEEDS_REVIEW = {
    "category": "agency_support",
    "agency": "Willow Glen Neighborhood Watch Association",
    "justification": "They asked where the grey sedan from the break-ins goes at night.",
}
PROHIBITED = {
    "crime_type": "8 U.S.C. 1326 reentry after removal",
    "justification": "ICE ERO asked us to locate the driver for an immigration removal detainer.",
}


def submit(client: TestClient, **fields: Any) -> Response:
    """Open /search for its CSRF token, then send the standard form changed by ``fields``."""
    page = client.get("/search")
    assert page.status_code == 200, page.text
    data = {**FORM, **fields, "csrf_token": csrf_from(page.text)}
    return client.post("/search", data={k: v for k, v in data.items() if v is not None})


def map_data(html: str, map_id: str) -> dict[str, Any]:
    """The JSON a page hands its map (the CSP allows no inline script, so data travels so)."""
    block = re.search(
        rf'<script type="application/json" id="{map_id}-data">(.*?)</script>', html, re.S
    )
    assert block, f"the page has no data for the map {map_id}"
    data: dict[str, Any] = json.loads(block.group(1))
    return data


def search_id_of(html: str) -> int:
    found = re.search(r"<h1>Search #(\d+)</h1>", html)
    assert found, "not a results page"
    return int(found.group(1))


def read_links(html: str) -> list[str]:
    return re.findall(r'<a href="(/search/\d+/reads/[^"?]+)(?:\?page=\d+)?">Open</a>', html)

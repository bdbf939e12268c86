"""An agency's own tile server (PLATEWARD_MAP_TILES_URL): the maps use it, and the search pages'
Content-Security-Policy lets images come from that origin and no other."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from plateward.core.settings import Settings
from tests.conftest import Backend, make_settings, sign_in

TILES = "https://tiles.sjpd.example/osm/{z}/{x}/{y}.png"


@pytest.fixture
def settings(tmp_path: Path, backend: Backend) -> Settings:
    url = backend.engine.url.render_as_string(hide_password=False)
    return make_settings(tmp_path, url).with_overrides(map_tiles_url=TILES)


def test_the_map_uses_the_agencys_tile_server_and_only_it(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "investigator")

    page = client.get("/search")

    assert page.status_code == 200
    assert f'data-tiles="{TILES}"' in page.text
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' data: https://tiles.sjpd.example;" in policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    # Pages without a map keep the app's own policy.
    assert "tiles.sjpd.example" not in client.get("/account").headers["content-security-policy"]


@pytest.mark.parametrize(
    "value",
    ["tiles.example/{z}/{x}/{y}.png", "https://tiles.example/tile.png", "javascript:{z}{x}{y}"],
)
def test_a_tile_server_must_be_an_http_url_template(value: str) -> None:
    with pytest.raises(ValidationError, match="map_tiles_url"):
        Settings(map_tiles_url=value)

"""Images given to an outside agency are marked in what they show (DUP §10: no transitive
sharing): a camera's JPEG or PNG comes with a band drawn under it, and a plate drawing with a text
element, reading "SJPD data — no redistribution · <requesting agency> · <date>". The department's
own staff get the camera's file unchanged."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageChops

from plateward.core.database import Database
from plateward.core.settings import Settings
from plateward.search.evidence import BAND_COLOR
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import push
from tests.sharing.conftest import TODAY, outside_search, sign_in_outside

SANTA_CLARA_NAME = "Santa Clara County Sheriff's Office"


def _picture(fmt: str) -> bytes:
    """A camera image: a gradient, so that a band drawn on it could not pass unseen."""
    picture = Image.linear_gradient("L").resize((320, 200)).convert("RGB")
    out = io.BytesIO()
    picture.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def images(tmp_path: Path) -> Path:
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "cam-0001.png").write_bytes(_picture("PNG"))
    (folder / "cam-0002.jpg").write_bytes(_picture("JPEG"))
    return folder


@pytest.fixture
def served(
    client: TestClient, settings: Settings, db: Database, images: Path
) -> Iterator[TestClient]:
    from plateward.web.app import create_app

    with_images = settings.with_overrides(image_dir=images)
    with TestClient(create_app(with_images, replace(db, settings=with_images))) as test_client:
        yield test_client


def _image_urls(client: TestClient, **fields: str) -> dict[str, str]:
    answer = outside_search(client, plate="7XMG*", **fields)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert len(found["hits"]) == 3, found
    return {
        h["plate"]: f"/api/v1/searches/{found['search_id']}/reads/{h['id']}/image"
        for h in found["hits"]
    }


def _push_three(client: TestClient, ingest_token: str) -> None:
    push(
        client,
        ingest_token,
        native_read(plate="7XMG001", minutes_ago=1, image_ref="cam-0001.png"),
        native_read(plate="7XMG002", minutes_ago=2, image_ref="cam-0002.jpg"),
        native_read(plate="7XMG003", minutes_ago=3),  # no image stored: a plate drawing
    )


def test_an_outside_agencys_camera_images_carry_a_band_with_the_mark_agency_and_date(
    served: TestClient,
    db: Database,
    images: Path,
    ingest_token: str,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    _push_three(served, ingest_token)
    sign_in_outside(served, db, outside, "santaclara")
    urls = _image_urls(served)

    png, jpeg, drawing = (served.get(urls[f"7XMG00{n}"]) for n in (1, 2, 3))

    for response, name in ((png, "cam-0001.png"), (jpeg, "cam-0002.jpg")):
        assert response.status_code == 200, response.text
        original = Image.open(images / name).convert("RGB")
        given = Image.open(io.BytesIO(response.content)).convert("RGB")
        width, height = original.size
        assert given.width == width and given.height > height  # the band is added under it
        band = given.crop((0, height, width, given.height))
        colors = {c for _, c in band.getcolors(maxcolors=width * band.height) or []}
        assert any(c[0] > 120 and c[1] < 60 and c[2] < 60 for c in colors)  # the red band
        assert any(min(c) > 200 for c in colors)  # its white lettering
        assert ImageChops.difference(band, Image.new("RGB", band.size, BAND_COLOR)).getbbox()
        kept = given.crop((0, 0, width, height))
        if name.endswith(".png"):  # lossless: the evidence itself is not covered
            assert ImageChops.difference(kept, original).getbbox() is None
        assert response.headers["x-data-mark"] == "SJPD data -- no redistribution"
    assert png.headers["content-type"] == "image/png"
    assert jpeg.headers["content-type"] == "image/jpeg"
    assert drawing.headers["content-type"].startswith("image/svg+xml")
    assert (
        f"SJPD data — no redistribution · {SANTA_CLARA_NAME} · {TODAY.isoformat()}"
        in drawing.text.replace("&#x27;", "'")
    )


def test_the_page_route_marks_the_image_too_and_staff_get_the_file_unchanged(
    served: TestClient,
    backend: Backend,
    db: Database,
    images: Path,
    ingest_token: str,
    outside: dict[str, str],
    santa_clara_agreement: int,
) -> None:
    _push_three(served, ingest_token)
    sign_in_outside(served, db, outside, "santaclara")
    api_url = _image_urls(served)["7XMG001"]
    page_url = api_url.replace("/api/v1/searches/", "/search/")

    outside_png = served.get(page_url)
    with TestClient(served.app) as staff:
        sign_in(staff, backend, "investigator")
        found = staff.post(
            "/api/v1/searches",
            json={
                "plate": "7XMG001",
                "category": "criminal_investigation",
                "crime_type": "PC 211",
                "case_number": "26-004512",
                "justification": "Robbery on Story Rd; suspect car seen leaving eastbound.",
                "start": (TODAY.isoformat() + "T00:00:00+00:00"),
                "end": (TODAY.isoformat() + "T23:59:59+00:00"),
            },
        ).json()
        [hit] = found["hits"]
        own = staff.get(f"/api/v1/searches/{found['search_id']}/reads/{hit['id']}/image")

    assert outside_png.status_code == 200
    assert Image.open(io.BytesIO(outside_png.content)).height > 200
    assert own.status_code == 200
    assert own.content == (images / "cam-0001.png").read_bytes()
    assert "x-data-mark" not in own.headers

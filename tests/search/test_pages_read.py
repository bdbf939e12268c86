"""A read's detail page and its image: the read's fields, a small map, the image served inert;
opening each is its own audit entry tied to the search (DUP §9)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import entries, push
from tests.search.page_steps import map_data, read_links, search_id_of, submit


def test_a_read_opens_with_its_fields_map_and_image_each_audited(
    client: TestClient, backend: Backend, ingest_token: str, db: Database
) -> None:
    read = native_read(
        "SJ-FX-002", minutes_ago=60, plate="7ABQ101", vehicle_make="Honda", vehicle_color="grey"
    )
    push(client, ingest_token, read)
    sign_in(client, backend, "investigator")
    results = submit(client, plate="7ABQ*")
    search_id = search_id_of(results.text)
    (link,) = read_links(results.text)
    read_id = link.rsplit("/", 1)[1]

    page = client.get(link)

    assert page.status_code == 200, page.text
    details = page.text.split('id="read-details"')[1].split("</table>")[0]
    for shown in ("7ABQ101", "2026-11-24 09:00:00 PST", "Story Rd &amp; King Rd", "Honda"):
        assert shown in details
    assert "San José Police Department" in details  # the originating agency
    assert f'<img class="read-image" id="read-image" src="{link}/image"' in page.text
    assert f'href="/search/{search_id}"' in page.text  # back to the results
    (hit,) = map_data(page.text, "read-map")["hits"]
    assert (hit["lat"], hit["lon"]) == (37.3467, -121.8407)

    image = client.get(f"{link}/image")

    assert image.status_code == 200
    # No camera image is stored: a drawing of the plate, served so it can never run.
    assert image.headers["content-type"].startswith("image/svg+xml")
    assert image.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in image.headers["content-security-policy"]
    assert "default-src 'none'" in image.headers["content-security-policy"]
    assert b"7ABQ101" in image.content
    (viewed,) = entries(db, "read.viewed")
    (image_viewed,) = entries(db, "read.image_viewed")
    for entry in (viewed, image_viewed):
        assert entry.details == {"search_id": search_id}
        assert entry.result_ids == [read_id]


def test_a_read_outside_the_search_is_not_found(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    push(
        client,
        ingest_token,
        native_read("SJ-FX-002", minutes_ago=60, plate="7ABQ101"),
        native_read("SJ-FX-002", minutes_ago=60, plate="8XYZ999"),
    )
    sign_in(client, backend, "investigator")
    first = submit(client, plate="7ABQ*")
    (other_link,) = read_links(submit(client, plate="8XYZ*").text)
    other_read = other_link.rsplit("/", 1)[1]

    outside = f"/search/{search_id_of(first.text)}/reads/{other_read}"

    assert client.get(outside).status_code == 404
    assert client.get(f"{outside}/image").status_code == 404

"""Each kind of query, through POST /api/v1/searches: plate exact, partial, wildcard, fuzzy,
plate state, cameras, a circle or a polygon, and the vehicle's make, model, colour and type."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Backend, native_read, sign_in
from tests.search.conftest import plates, push, search

# Camera SJ-FX-001 of the demo city stands at about (37.3337, -121.8508); the reads below carry
# their own positions so that areas can be tested without depending on the camera registry.
HERE = (37.3337, -121.8508)
FAR = (37.4100, -121.9500)  # ~13 km away


def _reads(client: TestClient, token: str) -> None:
    push(
        client,
        token,
        native_read(plate="7ABC123", minutes_ago=1, latitude=HERE[0], longitude=HERE[1]),
        native_read(plate="7ABD123", minutes_ago=2, latitude=FAR[0], longitude=FAR[1]),
        native_read(plate="8XAB199", minutes_ago=3, camera="SJ-FX-002"),
        native_read(plate="5SBC128", minutes_ago=4),
        native_read(plate="7ABC12", minutes_ago=5),
        native_read(plate="NEVADA1", minutes_ago=6, plate_state="NV"),
        native_read(
            plate="4CAR404",
            minutes_ago=7,
            vehicle_make="Toyota",
            vehicle_model="Camry",
            vehicle_color="Silver",
            vehicle_type="Sedan",
        ),
    )


def test_an_exact_plate_finds_only_that_plate(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    _reads(client, ingest_token)
    sign_in(client, backend, "investigator")

    response = search(client, plate="7abc-123")

    assert plates(response) == ["7ABC123"]
    assert response.json()["query"]["plate_match"] == "exact"


def test_a_partial_plate_matches_its_start_its_end_or_its_middle(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    _reads(client, ingest_token)
    sign_in(client, backend, "investigator")

    assert plates(search(client, plate="7AB*")) == ["7ABC123", "7ABD123", "7ABC12"]
    assert plates(search(client, plate="*123")) == ["7ABC123", "7ABD123"]
    assert plates(search(client, plate="*AB1*")) == ["8XAB199"]
    assert search(client, plate="7AB*").json()["query"]["plate_match"] == "partial"


def test_a_question_mark_stands_for_exactly_one_character(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    _reads(client, ingest_token)
    sign_in(client, backend, "investigator")

    response = search(client, plate="7AB?123")

    assert plates(response) == ["7ABC123", "7ABD123"]
    assert response.json()["query"]["plate_match"] == "wildcard"


def test_a_pattern_too_vague_for_one_case_is_refused(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, plate="*1*")

    assert response.status_code == 422
    assert "at least 3 characters" in response.json()["detail"]


def test_a_star_in_the_middle_is_refused_with_the_right_pattern_to_use(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, plate="7A*123")

    assert response.status_code == 422
    assert "'?'" in response.json()["detail"]


def test_fuzzy_finds_confusable_misreads_and_plates_one_edit_away(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    _reads(client, ingest_token)
    sign_in(client, backend, "investigator")

    response = search(client, plate="7ABC123", fuzzy=True)

    # 7ABD123: one substitution; 7ABC12: one deletion. 5SBC128 is two edits and a different
    # skeleton: not found. 7ABC123 itself is found too.
    assert plates(response) == ["7ABC123", "7ABD123", "7ABC12"]
    assert response.json()["query"]["plate_match"] == "fuzzy"
    # S→5 and B→8 share a skeleton: a misread of 5S8C128 finds 5SBC128.
    assert plates(search(client, plate="55BC128", fuzzy=True)) == ["5SBC128"]


def test_fuzzy_finds_the_neighbours_of_a_short_plate_too(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    # Four characters, the second changed: too few trigrams in common for pg_trgm's "%".
    push(
        client, ingest_token, native_read(plate="7QBD"), native_read(plate="7QBDXY", minutes_ago=9)
    )
    sign_in(client, backend, "investigator")

    assert plates(search(client, plate="7XBD", fuzzy=True)) == ["7QBD"]


def test_fuzzy_takes_a_whole_plate(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")

    response = search(client, plate="7AB*", fuzzy=True)

    assert response.status_code == 422
    assert "whole plate" in response.json()["detail"]


def test_the_plate_state_narrows_the_search(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    _reads(client, ingest_token)
    sign_in(client, backend, "investigator")

    assert plates(search(client, plate="NEVADA1", plate_state="nv")) == ["NEVADA1"]
    assert plates(search(client, plate="NEVADA1", plate_state="CA")) == []


def test_cameras_are_named_by_code(client: TestClient, backend: Backend, ingest_token: str) -> None:
    _reads(client, ingest_token)
    sign_in(client, backend, "investigator")

    assert plates(search(client, cameras=["SJ-FX-002"])) == ["8XAB199"]
    unknown = search(client, cameras=["NO-SUCH-CAMERA"])
    assert unknown.status_code == 422
    assert "NO-SUCH-CAMERA" in unknown.json()["detail"]


def test_a_circle_finds_reads_taken_inside_it(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    _reads(client, ingest_token)
    sign_in(client, backend, "investigator")

    response = search(client, plate="7AB?123", area={"center": list(HERE), "radius_m": 300})

    assert plates(response) == ["7ABC123"]
    assert response.json()["query"]["area"] == {"center": list(HERE), "radius_m": 300}
    assert response.json()["query"]["area_km2"] > 0


def test_a_polygon_finds_reads_taken_inside_it(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    _reads(client, ingest_token)
    sign_in(client, backend, "investigator")
    around_far = [
        [FAR[0] - 0.01, FAR[1] - 0.01],
        [FAR[0] - 0.01, FAR[1] + 0.01],
        [FAR[0] + 0.01, FAR[1] + 0.01],
        [FAR[0] + 0.01, FAR[1] - 0.01],
    ]

    assert plates(search(client, plate="7AB*", area={"polygon": around_far})) == ["7ABD123"]


def test_a_polygon_that_crosses_itself_is_refused(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "investigator")
    bow_tie = [[37.30, -121.90], [37.35, -121.85], [37.30, -121.85], [37.35, -121.90]]

    response = search(client, area={"polygon": bow_tie})

    assert response.status_code == 422
    assert "crosses itself" in response.json()["detail"]


def test_vehicle_make_model_colour_and_type_match_whatever_their_case(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    _reads(client, ingest_token)
    sign_in(client, backend, "investigator")

    found = search(client, make="toyota", model="CAMRY", color="silver", vehicle_type="sedan")

    assert plates(found) == ["4CAR404"]
    assert plates(search(client, make="Toyota", color="Black")) == []

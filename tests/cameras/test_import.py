"""Importing a camera list (CSV or GeoJSON): good rows are registered or updated, each audited;
a bad row is reported with its reason and never sinks the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from plateward.cameras import service as cameras
from plateward.cameras.imports import read_camera_file
from plateward.core.database import Database
from plateward.core.errors import InvalidInput, PlatewardError
from plateward.core.permissions import Actor
from tests.cameras.conftest import entries

SAMPLES = Path(__file__).parent / "samples"


def _import(db: Database, operator: Actor, path: Path) -> dict[str, str]:
    """Each row's outcome, as ``plateward cameras import`` applies it: one transaction a row."""
    outcome: dict[str, str] = {}
    for row in read_camera_file(path):
        if row.spec is None:
            outcome[row.position] = f"refused: {row.error}"
            continue
        try:
            with db.unit_of_work() as uow:
                outcome[row.position] = cameras.import_camera(uow, operator, row.spec)
        except PlatewardError as exc:
            outcome[row.position] = f"refused: {exc.detail}"
    return outcome


def test_a_csv_file_registers_its_good_rows_and_reports_the_bad_ones(
    db: Database, operator: Actor
) -> None:
    outcome = _import(db, operator, SAMPLES / "cameras.csv")

    assert outcome["line 2"] == outcome["line 3"] == outcome["line 4"] == "registered"
    assert "needs a latitude and longitude" in outcome["line 5"]
    assert "latitude must be a number" in outcome["line 6"]
    with db.unit_of_work() as uow:
        imported = cameras.camera(uow, operator, "IMP-FX-001")
        assert cameras.camera(uow, operator, "IMP-FX-002").expected_interval_minutes == 30
    assert imported.vendor_ref == "flock-4410"
    assert imported.heading == 90
    audited = {e.details["camera"] for e in entries(db, "camera.registered")}
    assert {"IMP-FX-001", "IMP-FX-002", "IMP-MB-001"} <= audited
    assert entries(db, "camera.registered")[-1].actor_username == "tests"


def test_importing_the_same_file_again_changes_nothing(db: Database, operator: Actor) -> None:
    _import(db, operator, SAMPLES / "cameras.csv")
    before = len(entries(db, "camera.updated"))

    again = _import(db, operator, SAMPLES / "cameras.csv")

    assert again["line 2"] == "unchanged"
    assert len(entries(db, "camera.updated")) == before


def test_a_changed_row_updates_the_camera_and_is_audited(
    db: Database, operator: Actor, tmp_path: Path
) -> None:
    _import(db, operator, SAMPLES / "cameras.csv")
    changed = tmp_path / "changed.csv"
    text = (SAMPLES / "cameras.csv").read_text().replace("Alum Rock & King", "Alum Rock at King")
    changed.write_text(text)

    assert _import(db, operator, changed)["line 2"] == "updated"
    details = entries(db, "camera.updated")[-1].details
    assert details == {"camera": "IMP-FX-001", "changed": ["name"]}


def test_a_geojson_file_takes_positions_from_its_points(db: Database, operator: Actor) -> None:
    outcome = _import(db, operator, SAMPLES / "cameras.geojson")

    assert outcome["feature 0"] == outcome["feature 1"] == "registered"
    assert "Point" in outcome["feature 2"]
    assert "no agency" in outcome["feature 3"]
    with db.unit_of_work() as uow:
        placed = cameras.camera(uow, operator, "GEO-FX-001")
        assert cameras.camera(uow, operator, "GEO-MB-001").latitude is None
    assert (placed.latitude, placed.longitude) == (37.3382, -121.8863)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("list.txt", "code\n", "cannot tell the format"),
        ("list.csv", "code,name\nX,Y\n", "no kind, location, vendor column"),
        ("list.geojson", '{"type": "Feature"}', "FeatureCollection"),
        ("list.geojson", "{not json", "not valid JSON"),
    ],
)
def test_a_file_that_cannot_be_a_camera_list_is_refused_whole(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)

    with pytest.raises(InvalidInput, match=message):
        read_camera_file(path)

"""A public-records package assembled in one action — agencies with access, counts, policy
versions, the audit trail as CSV with plates hashed per release and officers as stable
pseudonyms — reviewed and released by a second person; both steps audited."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.conftest import Backend, csrf_from, native_read, sign_in
from tests.oversight.personas import sign_in_new
from tests.search.conftest import entries, push, search


def _assemble(client: TestClient, ref: str = "CPRA-2026-117") -> int:
    page = client.get("/records")
    response = client.post(
        "/records",
        data={
            "csrf_token": csrf_from(page.text),
            "request_ref": ref,
            "start": "2026-11-01",
            "end": "2026-11-30",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _package(client: TestClient, package_id: int) -> tuple[dict[str, object], list[dict[str, str]]]:
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/records/{package_id}/package.zip").content))
    contents = json.loads(archive.read("contents.json"))
    rows = list(csv.DictReader(io.StringIO(archive.read("audit.csv").decode())))
    return contents, rows


def test_one_action_assembles_the_package_with_plates_hashed_and_officers_pseudonymized(
    client: TestClient, backend: Backend, db: Database, ingest_token: str
) -> None:
    push(client, ingest_token, native_read(plate="7ABC123"))
    sign_in(client, backend, "investigator")
    search(client, plate="7ABC123")
    search(client, plate="7ABC123")
    client.cookies.clear()
    sign_in(client, backend, "admin")

    first, second = _assemble(client), _assemble(client, "CPRA-2026-118")

    contents, rows = _package(client, first)
    _, other_rows = _package(client, second)
    runs = [r for r in rows if r["action"] == "search.run"]
    assert len(runs) == 2
    assert "7ABC123" not in json.dumps(rows) and "investigator" not in json.dumps(rows)
    assert runs[0]["officer"] == runs[1]["officer"]  # the same officer, the same pseudonym
    assert json.loads(runs[0]["terms"])["plate"] == json.loads(runs[1]["terms"])["plate"]
    other = next(r for r in other_rows if r["action"] == "search.run")
    assert other["officer"] != runs[0]["officer"]  # another release: not linkable
    assert json.loads(other["terms"])["plate"] != json.loads(runs[0]["terms"])["plate"]
    assert contents["counts"]["searches"] == 2  # type: ignore[index]
    assert contents["policy_versions"][0]["date"] == "2026-03-10"  # type: ignore[index]
    assert any(a["ori"] == "CA0431300" for a in contents["agencies_with_access"])  # type: ignore[attr-defined]
    assert contents["state"] == "draft-for-review"
    assert entries(db, "records.package_assembled")[0].details["package_id"] == first


def test_a_second_person_reviews_and_releases_it(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    package_id = _assemble(client)
    page = client.get(f"/records/{package_id}")

    own = client.post(f"/records/{package_id}/release", data={"csrf_token": csrf_from(page.text)})
    client.cookies.clear()
    sign_in_new(client, db, "admin2", "administrator", "Technology Services Unit")
    page = client.get(f"/records/{package_id}")
    released = client.post(
        f"/records/{package_id}/release",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )

    assert own.status_code == 403
    assert entries(db, "access.refused")[-1].details["resource"] == "records-package"
    assert released.status_code == 303
    assert entries(db, "records.package_released")[0].actor_username == "admin2"
    contents, _ = _package(client, package_id)
    assert contents["state"] == "released"

"""DUP §12 — the incident register: a suspected breach recorded with who found it and what data,
contained, notified and closed under the City's Incident Response Plan; restricted to
administrators and the DPO, every view and change audited, the trail never holding the details."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from plateward.core.database import Database
from tests.conftest import Backend, csrf_from, sign_in
from tests.search.conftest import entries

DATA = "Exported CSV of 212 reads (plates, images) left on a shared drive."


def _record(client: TestClient) -> int:
    page = client.get("/incidents")
    response = client.post(
        "/incidents",
        data={
            "csrf_token": csrf_from(page.text),
            "found_by": "Sgt. Ortiz, Patrol",
            "data_involved": DATA,
            "description": "Found during a drive clean-up.",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _step(client: TestClient, incident_id: int, step: str, note: str, confirmed: str = "") -> int:
    page = client.get(f"/incidents/{incident_id}")
    data = {"csrf_token": csrf_from(page.text), "step": step, "note": note, "confirmed": confirmed}
    return client.post(
        f"/incidents/{incident_id}/steps", data=data, follow_redirects=False
    ).status_code


def test_an_incident_is_recorded_contained_notified_and_closed(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    incident_id = _record(client)

    assert _step(client, incident_id, "contain", "File removed; drive access narrowed.") == 303
    assert _step(client, incident_id, "notify", "City Cybersecurity Office, DPO.") == 303
    assert _step(client, incident_id, "close", "Reviewed with the CSO.", confirmed="yes") == 303

    page = client.get(f"/incidents/{incident_id}").text
    assert "closed (confirmed breach)" in page
    reference = re.search(r"Incident (IR-\d{4}-\d{4})", page).group(1)  # type: ignore[union-attr]
    steps = [e.details["step"] for e in entries(db, "incident.updated")]
    assert steps == ["contain", "notify", "close"]
    (recorded,) = entries(db, "incident.recorded")
    assert recorded.result_ids == [reference]
    assert DATA not in str(recorded.details)  # the trail holds the reference, not the details


def test_a_confirmed_breach_is_not_closed_before_notification(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    incident_id = _record(client)
    _step(client, incident_id, "contain", "Access revoked.")

    assert _step(client, incident_id, "close", "Done.", confirmed="yes") == 409
    assert _step(client, incident_id, "close", "Not a breach: nobody opened it.") == 303


def test_the_register_is_restricted_and_every_look_is_audited(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    incident_id = _record(client)
    client.get(f"/incidents/{incident_id}")
    viewed = entries(db, "incidents.viewed")
    client.cookies.clear()
    sign_in(client, backend, "auditor")

    refused = client.get(f"/incidents/{incident_id}", follow_redirects=False)

    assert len(viewed) >= 2  # the register and the incident
    assert refused.status_code == 403
    assert entries(db, "access.refused")[-1].details["permission"] == "incidents:manage"

"""DUP §4.7 — the system administrator is notified of each hot-list capture and of its ultimate
disposition, and records them: the notices wait on the Captures page until recorded (audited)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry
from plateward.core.database import Database
from tests.conftest import csrf_from
from tests.hotlists.conftest import People, raised_alert, work_step


def _record(admin: TestClient, *hit_ids: int) -> None:
    page = admin.get("/admin/hotlists")
    response = admin.post(
        "/admin/hotlists/notices",
        data={"csrf_token": csrf_from(page.text), "hit": [str(h) for h in hit_ids]},
        follow_redirects=False,
    )
    assert response.status_code == 303


def _waiting(admin: TestClient) -> dict[str, int]:
    response = admin.get("/api/v1/capture-notices")
    assert response.status_code == 200
    return dict(response.json())


def test_a_capture_and_its_disposition_wait_for_the_administrator_until_recorded(
    people: People, ingest_token: str, db: Database
) -> None:
    admin = people("admin")
    officer, alert_id = raised_alert(people, ingest_token)

    assert _waiting(admin) == {"captures": 1, "dispositions": 0}
    page = admin.get("/admin/hotlists").text
    assert page.lstrip().lower().startswith("<!doctype html>")  # inside the layout, once
    assert page.count('id="record-notices"') == 1
    assert "Notices to record (DUP §4.7): 1 capture and 0 dispositions" in page
    _record(admin, alert_id)
    assert _waiting(admin) == {"captures": 0, "dispositions": 0}

    for step, value in (("visual", "plate_matches"), ("clets", "valid")):
        assert work_step(officer, alert_id, step, value).status_code == 303
    closed = work_step(officer, alert_id, "disposition", "arrested", "driver arrested for 10851")
    assert closed.status_code == 303
    assert _waiting(admin) == {"captures": 0, "dispositions": 1}
    _record(admin, alert_id)
    _record(admin, alert_id)  # recording again changes nothing

    assert _waiting(admin) == {"captures": 0, "dispositions": 0}
    row = admin.get("/admin/hotlists").text.split(f'id="capture-{alert_id}"')[1].split("</tr>")[0]
    assert "capture by Test Admin" in row and "disposition by Test Admin" in row
    assert "Hot list 10851 VC vehicle" in row and "driver arrested for 10851" in row
    with db.unit_of_work() as uow:
        entries = list(
            uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == AuditAction.HOTLIST_NOTICES_RECORDED)
            )
        )
    assert [e.details["notices"] for e in entries] == [
        [{"hit_id": alert_id, "kind": "capture"}],
        [{"hit_id": alert_id, "kind": "disposition"}],
    ]
    assert all(e.actor_username == "admin" for e in entries)


def test_an_officer_can_neither_see_nor_record_the_notices(
    people: People, ingest_token: str, db: Database
) -> None:
    officer, alert_id = raised_alert(people, ingest_token)

    assert officer.get("/api/v1/capture-notices").status_code == 403
    assert officer.post("/api/v1/capture-notices", json={"hit_ids": [alert_id]}).status_code == 403

    assert _waiting(people("admin")) == {"captures": 1, "dispositions": 0}
    with db.unit_of_work() as uow:
        refused = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.ACCESS_REFUSED)
        ).all()
    assert len(refused) == 2 and all(e.actor_username == "officer" for e in refused)

"""POST /api/v1/reads: a camera system pushes a batch; every row is stored or quarantined."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from plateward.core.database import Database
from plateward.reads.models import QuarantinedRow, Read
from plateward.reads.rules import printable
from tests.conftest import NOW, native_read


def _push(client: TestClient, token: str, body: object, **kwargs: object):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/reads", json=body, headers={"Authorization": f"Bearer {token}"}, **kwargs
    )


def _count(db: Database, model: type) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_camera_system_stores_a_batch(
    client: TestClient, ingest_token: str, db: Database
) -> None:
    reads = [native_read(minutes_ago=n, plate=f"7ABC{100 + n}") for n in range(1, 4)]
    response = _push(client, ingest_token, {"reads": reads})
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 3
    assert response.json()["rejected"] == []
    with db.unit_of_work() as uow:
        stored = uow.session.scalars(select(Read).order_by(Read.captured_at)).all()
    assert [r.plate for r in stored] == ["7ABC103", "7ABC102", "7ABC101"]
    assert all(r.captured_at.tzinfo is not None for r in stored)
    assert stored[0].plate_skeleton == "7A8C103"


def test_a_resent_read_is_stored_once(client: TestClient, ingest_token: str, db: Database) -> None:
    read = native_read(read_id="cam-42-0001")
    assert _push(client, ingest_token, {"reads": [read]}).json()["stored"] == 1
    again = _push(client, ingest_token, {"reads": [read, read]}).json()
    assert again["stored"] == 0
    assert again["duplicates"] == 2
    assert _count(db, Read) == 1


def test_same_camera_time_and_plate_is_the_same_read(
    client: TestClient, ingest_token: str, db: Database
) -> None:
    first = native_read(read_id="vendor-a-1", plate="7ABC123")
    second = native_read(read_id="vendor-a-2", plate="7abc 123")
    response = _push(client, ingest_token, {"reads": [first]})
    assert response.json()["stored"] == 1
    assert _push(client, ingest_token, {"reads": [second]}).json()["duplicates"] == 1
    assert _count(db, Read) == 1


def test_bad_rows_are_listed_and_quarantined_without_sinking_the_batch(
    client: TestClient, ingest_token: str, db: Database
) -> None:
    body = {
        "reads": [
            native_read(plate="7ABC123"),
            native_read(plate="7A$C123", read_id="bad-plate"),
            native_read(camera="NO-SUCH-CAM"),
            {"camera": "SJ-FX-001", "plate": "7XYZ999"},
            "not an object",
            native_read(minutes_ago=60 * 24 * 31, plate="6OLD000"),
            native_read(minutes_ago=-60, plate="6FUT000"),
        ]
    }
    response = _push(client, ingest_token, body)
    assert response.status_code == 200
    report = response.json()
    assert report["stored"] == 1
    reasons = {r["position"]: r["reason"] for r in report["rejected"]}
    assert "'$'" in reasons["reads[1]"]
    assert reasons["reads[2]"] == "unknown camera 'NO-SUCH-CAM'"
    assert "captured_at" in reasons["reads[3]"]
    assert reasons["reads[4]"] == "read must be a JSON object"
    assert "retention" in reasons["reads[5]"]
    assert "future" in reasons["reads[6]"]
    assert [r["read_id"] for r in report["rejected"] if r["position"] == "reads[1]"] == [
        "bad-plate"
    ]
    assert _count(db, QuarantinedRow) == 6


def test_it_requires_a_service_token(client: TestClient) -> None:
    response = client.post("/api/v1/reads", json={"reads": [native_read()]})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_it_refuses_an_unknown_token(client: TestClient, db: Database) -> None:
    response = _push(client, "pwi_not-a-real-token", {"reads": [native_read()]})
    assert response.status_code == 401
    assert _count(db, Read) == 0


def test_a_batch_over_ten_thousand_reads_is_refused(
    client: TestClient, ingest_token: str, db: Database
) -> None:
    reads = [native_read(plate=f"{n:07d}") for n in range(10_001)]
    response = _push(client, ingest_token, {"reads": reads})
    assert response.status_code == 413
    assert "10000" in response.json()["detail"]
    assert _count(db, Read) == 0


def test_malformed_json_gets_a_clear_400_class_error(client: TestClient, ingest_token: str) -> None:
    response = client.post(
        "/api/v1/reads",
        content=b'{"reads": [',
        headers={"Authorization": f"Bearer {ingest_token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["detail"]


def test_an_unrecognised_payload_is_refused(client: TestClient, ingest_token: str) -> None:
    response = _push(client, ingest_token, {"plates": ["7ABC123"]})
    assert response.status_code == 422
    assert "unrecognised payload" in response.json()["detail"]


def test_an_oversized_body_is_refused(client: TestClient, ingest_token: str, db: Database) -> None:
    limit = db.settings.max_request_bytes
    response = client.post(
        "/api/v1/reads",
        content=b" " * (limit + 1),
        headers={"Authorization": f"Bearer {ingest_token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_vendor_payloads_are_accepted(client: TestClient, ingest_token: str, db: Database) -> None:
    payload = {
        "data_type": "alpr_results",
        "epoch_time": int((NOW - timedelta(minutes=3)).timestamp() * 1000),
        "camera_id": "SJ-FX-002",
        "uuid": "b3a1e6-demo",
        "results": [{"plate": "8LMN402", "confidence": 91.5, "region": "us-ca"}],
    }
    response = _push(client, ingest_token, payload)
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 1
    with db.unit_of_work() as uow:
        read = uow.session.scalars(select(Read)).one()
    assert (read.plate, read.plate_state, read.confidence) == ("8LMN402", "CA", 0.915)


def test_control_characters_are_refused_and_quarantined_visibly(
    client: TestClient, ingest_token: str, db: Database
) -> None:
    body = {
        "reads": [
            native_read(plate="7\u0000BC123"),
            native_read(plate="7ABC124", vehicle_make="Ford\u0000"),
        ]
    }
    response = _push(client, ingest_token, body)
    assert response.status_code == 200
    reasons = [r["reason"] for r in response.json()["rejected"]]
    assert "U+0000" in reasons[0]
    assert reasons[1] == "vehicle_make: contains a control character"
    with db.unit_of_work() as uow:
        stored = uow.session.scalars(
            select(QuarantinedRow.reason).order_by(QuarantinedRow.id)
        ).all()
    assert stored[0].isprintable()


def test_quarantined_text_never_holds_control_characters() -> None:
    assert printable("line 3: bad\x00byte\n") == "line 3: bad\\x00byte\\n"
    assert printable("Café 7ABC123") == "Café 7ABC123"

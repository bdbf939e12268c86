"""POST /api/v1/reads under hostile input: deep nesting, a wrong media type, a bare array."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import native_read


def _post(client: TestClient, token: str, body: bytes | str, content_type: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/reads",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )


def test_json_nested_a_hundred_thousand_levels_deep_gets_a_422_not_a_500(
    client: TestClient, ingest_token: str
) -> None:
    body = "[" * 100_000 + "]" * 100_000
    response = _post(client, ingest_token, body, "application/json")
    assert response.status_code == 422
    assert "deeper" in response.json()["detail"]


def test_json_nested_just_past_the_limit_is_refused(client: TestClient, ingest_token: str) -> None:
    body = '{"reads": [' + '{"a": ' * 40 + "1" + "}" * 40 + "]}"
    response = _post(client, ingest_token, body, "application/json")
    assert response.status_code == 422
    assert "deeper" in response.json()["detail"]


def test_a_media_type_that_only_mentions_json_is_refused_with_415(
    client: TestClient, ingest_token: str
) -> None:
    for media_type in ("text/x-notjson", "application/jsonp", "text/plain", ""):
        response = _post(client, ingest_token, '{"reads": []}', media_type)
        assert response.status_code == 415, media_type


def test_application_json_with_a_charset_is_accepted(client: TestClient, ingest_token: str) -> None:
    response = _post(client, ingest_token, '{"reads": []}', "Application/JSON; charset=utf-8")
    assert response.status_code == 200, response.text


def test_a_bare_array_of_reads_is_a_batch_with_per_row_rejection(
    client: TestClient, ingest_token: str
) -> None:
    good = native_read(minutes_ago=2, plate="7BARE01")
    bad = {**native_read(minutes_ago=3), "captured_at": "not a time"}
    response = client.post(
        "/api/v1/reads", json=[good, bad], headers={"Authorization": f"Bearer {ingest_token}"}
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["stored"] == 1
    assert [r["position"] for r in answer["rejected"]] == ["[1]"]

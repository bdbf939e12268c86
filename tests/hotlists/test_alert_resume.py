"""A web node dies: its officer's page reconnects to another node with the last event id it saw
and gets exactly the alerts it missed, none twice (scale-out, issue 21)."""

from __future__ import annotations

from tests.hotlists.conftest import decide, propose, proposed_id, read_of
from tests.hotlists.test_alert_stream import Live, _alert_after_ingest, _events, live  # noqa: F401


def test_an_officer_resumes_on_another_node_from_the_last_event_id(live: Live) -> None:  # noqa: F811
    first_node, second_node = live.servers[0], live.serve()
    entry_id = proposed_id(propose(live.person("investigator", second_node)))  # type: ignore[arg-type]
    assert decide(live.person("lieutenant", second_node), entry_id).status_code == 303  # type: ignore[arg-type]
    officer = live.person("officer", first_node)
    camera = live.client(second_node)
    headers = {"Authorization": f"Bearer {live.backend.ingest_token}"}

    seen = _alert_after_ingest(officer, camera, live.backend.ingest_token)
    first_node.stop()  # the officer's node is gone
    live.servers.remove(first_node)
    missed = camera.post(
        "/api/v1/reads", json={"reads": [read_of("7STL123", minutes_ago=1)]}, headers=headers
    )
    assert missed.status_code == 200 and missed.json()["stored"] == 1

    # The browser reconnects (through the proxy) to a node still up, with Last-Event-ID.
    again = live.client(second_node)
    again.cookies = officer.cookies
    with again.stream(
        "GET", "/alerts/stream?seconds=0", headers={"Last-Event-ID": seen["id"]}
    ) as response:
        assert response.status_code == 200
        alerts = [e for e in _events(response) if e.get("event") == "alert"]
    assert len(alerts) == 1
    assert int(alerts[0]["id"]) > int(seen["id"])
    assert "7STL123" in alerts[0]["data"]

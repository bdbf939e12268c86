"""External hot lists (DUP §4.6): synchronized from their source, full and incremental; an entry
removed at the source stops alerting; a lost connection raises an alarm after a delay and the
reconnection resyncs in full; the category firewall refuses immigration lists whatever is
configured; a DOJ extract whose count does not match is rejected whole."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry, Outcome
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.hotlists import feed_rules, feeds
from plateward.hotlists.adapters import SIMULATED, SimulatedFeed
from plateward.hotlists.feed_rules import FeedRecord, FeedRejected
from tests.hotlists.conftest import People, alerts_of, ingest, persona, post_form, read_of


def _actions(db: Database, action: AuditAction) -> list[AuditEntry]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _subscribe(db: Database, kind: str, location: str, name: str = "SVS") -> int:
    spec = feeds.FeedSpec(name, kind, location, "stolen_vehicle", "V")
    with db.unit_of_work() as uow:
        return feeds.subscribe_feed(uow, persona(db, "admin"), spec).id


def _sync(db: Database) -> str | None:
    with db.unit_of_work() as uow:
        return feeds.sync_feeds(uow)


def _simulated(*plates: str) -> tuple[str, SimulatedFeed]:
    location = f"test-{uuid.uuid4()}"
    feed = SIMULATED[location] = SimulatedFeed("SVS")
    for plate in plates:
        feed.put(FeedRecord(f"K-{plate}", plate, "CA", "V", "SVS", "Stolen vehicle", None))
    return location, feed


def test_the_immigration_violator_file_can_never_be_subscribed(
    people: People, db: Database
) -> None:
    admin = people("admin")

    response = post_form(
        admin,
        "/admin/hotlists",
        "/admin/hotlists/feeds",
        name="NCIC IVF",
        kind="http",
        location="https://example.invalid/ivf",
        category="wanted_person",
        code="IVF",
    )

    assert response.status_code == 403 and "immigration status" in response.text
    [refused] = _actions(db, AuditAction.HOTLIST_FEED_CHANGED)
    assert refused.outcome == Outcome.DENIED
    assert refused.details["after"]["code"] == "IVF" and refused.details["before"] is None
    assert "NCIC IVF" not in admin.get("/admin/hotlists").text.split('id="subscribe-feed"')[0]


def test_a_record_about_immigration_status_is_never_imported(db: Database) -> None:
    location, source = _simulated("8SVS001")
    source.put(FeedRecord("K-X", "8IMM001", "CA", "IVF", "SVS", "ICE detainer", None))
    feed_id = _subscribe(db, "simulated", location)

    _sync(db)

    with db.unit_of_work() as uow:
        [view] = feeds.feeds(uow, persona(db, "admin"))
    assert view.id == feed_id and view.entry_count == 1
    [synced] = _actions(db, AuditAction.HOTLIST_FEED_SYNCED)
    assert synced.details["refused"] == 1 and synced.details["added"] == 1


def test_an_ndjson_drop_alerts_and_an_entry_removed_at_the_source_stops_alerting(
    people: People, db: Database, tmp_path: Path, ingest_token: str
) -> None:
    drop = tmp_path / "svs.ndjson"
    drop.write_text(
        '{"plate": "7SVS111", "state": "CA", "code": "V", "reason": "Stolen vehicle"}\n'
        '{"plate": "7SVS222", "state": "CA", "code": "V", "reason": "Stolen vehicle"}\n'
    )
    _subscribe(db, "ndjson", str(drop))
    _sync(db)
    officer = people("officer")
    ingest(officer, ingest_token, read_of("7SVS111", minutes_ago=9))
    assert [a["list"] for a in alerts_of(officer)] == ["SVS"]

    drop.write_text('{"plate": "7SVS222", "state": "CA", "code": "V"}\n')
    _sync(db)
    ingest(officer, ingest_token, read_of("7SVS111", minutes_ago=4))

    assert len(alerts_of(officer)) == 1  # no new alert after the source removed it
    [*_, last] = _actions(db, AuditAction.HOTLIST_FEED_SYNCED)
    assert last.details["removed"] == 1


def test_a_lost_feed_raises_the_alarm_and_resyncs_in_full_when_it_returns(
    people: People, db: Database, clock: FrozenClock
) -> None:
    location, source = _simulated("8SVS001", "8SVS002")
    _subscribe(db, "simulated", location)
    _sync(db)
    source.online = False  # the connection is cut

    assert "connection lost" in (_sync(db) or "")
    assert _actions(db, AuditAction.HOTLIST_FEED_LOST) == []  # not yet: within the delay
    clock.advance(timedelta(minutes=db.settings.hotlist_feed_alarm_minutes + 1))
    assert "alarm raised" in (_sync(db) or "")
    admin = people("admin")
    assert "feed-alarm" in admin.get("/admin/hotlists").text
    # While it was away the source removed one car and listed another.
    source.remove("K-8SVS001")
    source.put(FeedRecord("K-8SVS003", "8SVS003", "CA", "V", "SVS", "Stolen vehicle", None))
    source.forget_changes()  # made while offline: only a full resync can learn of them
    source.online = True

    message = _sync(db) or ""

    assert "full resync" in message and "+1" in message and "-1" in message
    [restored] = _actions(db, AuditAction.HOTLIST_FEED_RESTORED)
    assert restored.details["full"] is True
    assert len(_actions(db, AuditAction.HOTLIST_FEED_LOST)) == 1
    assert "feed-alarm" not in admin.get("/admin/hotlists").text


def test_a_doj_extract_whose_count_does_not_match_is_rejected_whole(
    db: Database, tmp_path: Path
) -> None:
    records = [
        FeedRecord(
            f"NIC{n:07d}", f"7DOJ{n:03d}", "CA", "V", "SVS", "Stolen vehicle", date(2026, 11, 1)
        )
        for n in range(1, 3)
    ]
    extract = tmp_path / "svs.tbl"
    body = "\n".join(feed_rules.doj_line(r) for r in records)
    extract.write_text(f"{body}\n99{3:08d}\n")
    _subscribe(db, "doj", str(extract))

    assert "rejected" in (_sync(db) or "")
    extract.write_text(f"{body}\n99{2:08d}\n")
    message = _sync(db) or ""

    assert "+2" in message
    [rejected] = _actions(db, AuditAction.HOTLIST_FEED_REJECTED)
    assert "trailer counts 3" in (rejected.reason or "")


def test_the_formats_parse_and_refuse_as_documented() -> None:
    csv_text = "plate,state,code,reason,entry_date\n7abc 123,ca,V,Stolen,2026-11-02\n"
    [rec] = feed_rules.parse_csv(csv_text, "SVS")
    assert (rec.plate, rec.plate_state, rec.key, rec.entry_date) == (
        "7ABC123",
        "CA",
        "7ABC123:CA",
        date(2026, 11, 2),
    )
    with pytest.raises(FeedRejected, match="line 2"):
        feed_rules.parse_ndjson('{"plate": "1A", "state": "CA"}\n{cut short', "SVS")
    with pytest.raises(FeedRejected, match="no trailer"):
        feed_rules.parse_doj(feed_rules.doj_line(rec) + "\n", "SVS")
    assert feed_rules.firewall_refusal("V", "Stolen vehicles") is None
    assert feed_rules.firewall_refusal("", "Immigration status hits")

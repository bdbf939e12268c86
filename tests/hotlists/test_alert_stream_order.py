"""A live stream sends every alert once even when hits become visible out of id order.

On PostgreSQL a hit's id is taken when its read is matched, but the hit becomes visible when that
ingest commits; two cameras' ingests can commit in the other order. A stream that only asked for
ids above the last one it showed would never send the lower, later hit."""

from __future__ import annotations

from plateward.core.database import Database
from plateward.hotlists import alerts
from plateward.hotlists.alert_pages import _Horizon
from plateward.hotlists.service import hit_watermark
from tests.hotlists.conftest import People, alerts_of, ingest, listed, persona, read_of


def test_a_hit_that_appears_below_one_already_shown_is_still_sent_once(
    people: People, ingest_token: str, db: Database
) -> None:
    listed(people)
    officer = people("officer")
    ingest(officer, ingest_token, read_of("7STL123", minutes_ago=6))
    ingest(officer, ingest_token, read_of("7STL123", minutes_ago=5))
    late, shown = sorted(int(str(a["id"])) for a in alerts_of(officer))
    actor = persona(db, "officer")
    horizon = _Horizon(late - 1)

    # The stream's first look happened while the lower hit was not yet committed: it saw `shown`.
    horizon.looked((shown,), now=0.0)
    with db.unit_of_work() as uow:
        again = alerts.next_alerts(uow, actor, horizon.floor, skip=horizon.skip())
    horizon.looked(again.looked, now=1.0)
    with db.unit_of_work() as uow:
        third = alerts.next_alerts(uow, actor, horizon.floor, skip=horizon.skip())

    assert [v.id for v in again.views] == [late]  # the late hit is sent...
    assert third.views == []  # ...once, and the one already shown is not sent again


def test_the_horizon_forgets_ids_only_after_the_grace_period() -> None:
    horizon = _Horizon(10)
    horizon.looked((12, 13), now=0.0)
    assert (horizon.floor, horizon.skip()) == (10, frozenset({12, 13}))  # 11 may still appear
    horizon.looked((15,), now=_Horizon.GRACE_SECONDS + 1)
    assert (horizon.floor, horizon.skip()) == (13, frozenset({15}))


def test_the_watermark_moves_when_a_hit_appears_below_the_newest(
    people: People, ingest_token: str, db: Database
) -> None:
    listed(people)
    officer = people("officer")
    ingest(officer, ingest_token, read_of("7STL123", minutes_ago=6))
    with db.unit_of_work() as uow:
        before = hit_watermark(uow, 0)
    ingest(officer, ingest_token, read_of("7STL123", minutes_ago=5))
    with db.unit_of_work() as uow:
        after = hit_watermark(uow, 0)
        lower = hit_watermark(uow, after[0] - 1)
    assert after[1] == before[1] + 1  # the count sees any new hit, whatever its id
    assert lower == (after[0], 1)

"""The auditor's misuse-signals page: open signals first with the searches behind them, the review
with a finding, the quarterly figures; nobody else opens it.

DUP §9 — audits by a unit other than CDIC; the auditors' own looks at the trail are recorded in
it, and so are their findings.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.permissions import Actor, Permission, Role
from plateward.search import misuse, misuse_review
from plateward.search.misuse_models import MisuseSignal
from tests.conftest import Backend, csrf_from, sign_in
from tests.search.misuse_trail import Trail, person, purpose

JOB = Actor.worker("misuse-signals", Permission.AUDIT_READ)
RROE = person("rroe", Role.OFFICER)
STALKED = "8STK123"
_SIGNAL = re.compile(r'<section class="signal signal-(\w+)" id="signal-(\d+)">')


def nov(day: int, hour: float = 13) -> datetime:
    return datetime(2026, 11, day, 8, tzinfo=UTC) + timedelta(hours=hour)


def _stalking(db: Database, clock: FrozenClock, who: Actor = RROE) -> list[int]:
    """Lookups of one plate under seven cases, and the job run over them."""
    trail = Trail(db, clock)
    seqs = [
        trail.search(who, nov(2 + n), STALKED, purpose(f"26-00{n}{n}71", "investigation"))
        for n in range(7)
    ]
    _run_job(db)
    return seqs


def _run_job(db: Database) -> None:
    with db.unit_of_work() as uow:
        misuse.record_signals(uow, JOB)


def _signal(db: Database, kind: str) -> MisuseSignal:
    with db.unit_of_work() as uow:
        return uow.session.scalars(select(MisuseSignal).where(MisuseSignal.kind == kind)).one()


def _newest(db: Database, action: AuditAction) -> AuditEntry | None:
    with db.unit_of_work() as uow:
        return uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq.desc())
        ).first()


def _review(client: TestClient, signal_id: int, **form: str) -> object:
    page = client.get("/audit/signals")
    data = {"csrf_token": csrf_from(page.text), **form}
    return client.post(f"/audit/signals/{signal_id}/review", data=data, follow_redirects=False)


def test_an_auditor_sees_each_signal_with_the_searches_behind_it(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    seqs = _stalking(db, clock)
    signal = _signal(db, "plate_across_cases")
    sign_in(client, backend, "auditor")

    page = client.get("/audit/signals")

    assert page.status_code == 200
    assert f'id="signal-{signal.id}"' in page.text
    assert signal.explanation in page.text
    for seq in seqs:  # each search behind it, linked to its audit entry
        assert f'href="/audit/entries/{seq}"' in page.text
    assert STALKED in page.text  # the auditor reads the trail, plates included
    viewed = _newest(db, AuditAction.MISUSE_SIGNALS_VIEWED)
    assert viewed is not None and viewed.actor_username == "auditor"
    assert set(map(str, seqs)) <= set(viewed.result_ids)
    assert signal.id in viewed.details["signal_ids"]


def test_the_audit_trail_page_links_to_the_signals(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "auditor")

    assert 'href="/audit/signals"' in client.get("/audit").text
    assert 'href="/audit/signals"' in client.get("/").text


def test_an_auditor_records_a_finding_and_it_is_audited(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    seqs = _stalking(db, clock)
    signal = _signal(db, "plate_across_cases")
    sign_in(client, backend, "auditor")

    answer = _review(
        client,
        signal.id,
        finding="Not casework: the plate is his ex-partner's.",
        outcome="referred",
    )

    assert answer.status_code == 303  # type: ignore[attr-defined]
    reviewed = _signal(db, "plate_across_cases")
    assert (reviewed.state, reviewed.outcome, reviewed.reviewer) == (
        "reviewed",
        "referred",
        "auditor",
    )
    assert reviewed.finding == "Not casework: the plate is his ex-partner's."
    entry = _newest(db, AuditAction.MISUSE_SIGNAL_REVIEWED)
    assert entry is not None and entry.actor_username == "auditor"
    assert entry.details["signal_id"] == signal.id
    assert entry.details["outcome"] == "referred"
    assert entry.details["entry_seqs"] == seqs
    page = client.get("/audit/signals")
    assert "Referred for investigation" in page.text
    assert "his ex-partner" in page.text
    # Reviewed once: a second review is refused, and the first finding stands.
    again = _review(client, signal.id, finding="second thoughts", outcome="no_issue")
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert _signal(db, "plate_across_cases").outcome == "referred"


def test_a_review_needs_a_finding_and_an_outcome(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    _stalking(db, clock)
    signal = _signal(db, "plate_across_cases")
    sign_in(client, backend, "auditor")

    blank = _review(client, signal.id, finding="  ", outcome="no_issue")
    unknown = _review(client, signal.id, finding="looked fine", outcome="shrug")

    assert blank.status_code == 422  # type: ignore[attr-defined]
    assert "write the finding" in blank.text  # type: ignore[attr-defined]
    assert unknown.status_code == 422  # type: ignore[attr-defined]
    assert _signal(db, "plate_across_cases").state == "open"


def test_nobody_reviews_a_signal_about_their_own_searches(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    _stalking(db, clock, who=person("auditor", Role.AUDITOR))
    signal = _signal(db, "plate_across_cases")
    sign_in(client, backend, "auditor")

    answer = _review(client, signal.id, finding="all fine", outcome="no_issue")

    assert answer.status_code == 403  # type: ignore[attr-defined]
    assert _signal(db, "plate_across_cases").state == "open"
    refused = _newest(db, AuditAction.ACCESS_REFUSED)
    assert refused is not None and refused.details["resource"] == f"misuse_signal:{signal.id}"


@pytest.mark.parametrize("username", ["officer", "investigator", "lieutenant"])
def test_people_who_search_cannot_see_the_signals(
    username: str, client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    _stalking(db, clock)
    signal = _signal(db, "plate_across_cases")
    sign_in(client, backend, username)

    page = client.get("/audit/signals")
    posted = client.post(
        f"/audit/signals/{signal.id}/review",
        data={
            "csrf_token": csrf_from(client.get("/account").text),
            "finding": "fine",
            "outcome": "no_issue",
        },
        follow_redirects=False,
    )

    assert page.status_code == 403
    assert STALKED not in page.text
    assert posted.status_code == 403
    refused = _newest(db, AuditAction.ACCESS_REFUSED)
    assert refused is not None and refused.actor_username == username
    assert _signal(db, "plate_across_cases").state == "open"


def test_open_signals_come_first_and_filters_narrow_the_list(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    trail = Trail(db, clock)
    sweep = trail.search(RROE, nov(3), None, area={"center": [37.33, -121.88], "radius_m": 2000})
    _stalking(db, clock)
    plate, sweeping = _signal(db, "plate_across_cases"), _signal(db, "sweeping_area")
    assert sweeping.entry_seqs == [sweep]
    sign_in(client, backend, "auditor")
    _review(client, sweeping.id, finding="county-wide Amber alert", outcome="no_issue")

    listed = _SIGNAL.findall(client.get("/audit/signals").text)
    by_kind = _SIGNAL.findall(client.get("/audit/signals?kind=sweeping_area").text)
    reviewed = _SIGNAL.findall(client.get("/audit/signals?state=reviewed").text)
    bad = client.get("/audit/signals?kind=nonsense")

    states = [state for state, _ in listed]
    assert states == sorted(states)  # "open" before "reviewed"
    assert ("open", str(plate.id)) in listed and ("reviewed", str(sweeping.id)) in listed
    assert by_kind == [("reviewed", str(sweeping.id))]
    assert reviewed == [("reviewed", str(sweeping.id))]
    assert bad.status_code == 422


def test_the_quarterly_figures_count_poor_purposes(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    trail = Trail(db, clock)
    summer = datetime(2026, 8, 10, 17, tzinfo=UTC)
    copied = "suspect vehicle from the Tully Rd shooting seen on camera"
    for n, why in enumerate(
        [
            purpose("26-003001", "investigation"),  # boilerplate
            purpose("26-003002", copied),  # reused for another case …
            purpose("26-003003", copied),  # … here
            purpose("26-003004", "carjacking at the Oakridge mall, victim's car tracked"),
        ]
    ):
        trail.search(RROE, summer + timedelta(days=n), f"{n}QTR000", why)
    trail.search(RROE, nov(2), "5QTR000", purpose("N/A", "missing elder last seen driving"))
    trail.search(RROE, nov(3), "6QTR000", purpose("26-004001", "burglary on Hillsdale Ave"))
    sign_in(client, backend, "auditor")
    assert "No figures yet" in client.get("/audit/signals").text
    _run_job(db)

    page = client.get("/audit/signals").text

    cells = r"<td>(\d+)</td>" * 5
    q3 = re.search(rf'<tr id="quarter-2026-q3"><td>2026 Q3</td>{cells}', page)
    q4 = re.search(rf'<tr id="quarter-2026-q4"><td>2026 Q4</td>{cells}', page)
    assert q3 and q3.groups() == ("4", "1", "2", "0", "3")
    assert q4 and q4.groups() == ("2", "0", "0", "1", "1")
    assert '<td class="share">75%</td>' in page and '<td class="share">50%</td>' in page
    assert "<svg" in page and "2026 Q3: 75% of 4" in page


def test_a_quarter_that_has_ended_is_counted_once(db: Database, clock: FrozenClock) -> None:
    trail = Trail(db, clock)
    summer = datetime(2026, 8, 10, 17, tzinfo=UTC)
    trail.search(RROE, summer, "1QTR000", purpose("N/A", "missing elder last seen driving"))
    _run_job(db)
    with db.unit_of_work() as uow:
        before = {(q.year, q.quarter): q for q in misuse_review.quarterly(uow)}

    clock.advance(timedelta(days=1))
    # (The trail only grows at its end; written here with a summer time, to show it is not read.)
    trail.search(RROE, summer + timedelta(days=1), "2QTR000", purpose("N/A", "missing elder"))
    trail.search(RROE, nov(20), "3QTR000", purpose("N/A", "missing elder last seen driving"))
    _run_job(db)

    with db.unit_of_work() as uow:
        after = {(q.year, q.quarter): q for q in misuse_review.quarterly(uow)}
    assert list(after) == [(2026, 1), (2026, 2), (2026, 3), (2026, 4)]
    assert after[(2026, 3)] == before[(2026, 3)]  # ended: not counted again
    assert (after[(2026, 3)].searches, after[(2026, 3)].no_case) == (1, 1)
    assert (before[(2026, 4)].searches, after[(2026, 4)].searches) == (0, 1)
    assert after[(2026, 4)].computed_at == clock.now()

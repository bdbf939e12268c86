"""Working an alert, in the DUP's order: visual confirmation (§4.2), a CLETS attempt (§4.3), an
occupant check or a separate justification for a wanted person (§4.4), then the disposition,
which the administrator receives (§4.7). Nothing records a stop before the CLETS attempt."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry
from plateward.core.database import Database
from plateward.core.errors import InvalidInput
from plateward.hotlists import rules
from plateward.hotlists.adapters import SimulatedClets
from plateward.hotlists.rules import AlertState, Step
from tests.conftest import csrf_from
from tests.hotlists.conftest import People, raised_alert, work_step


def test_no_stop_is_recorded_before_the_clets_attempt(people: People, ingest_token: str) -> None:
    officer, alert_id = raised_alert(people, ingest_token)

    before_visual = work_step(officer, alert_id, "disposition", "stopped")
    work_step(officer, alert_id, "visual", "plate_matches")
    before_clets = work_step(officer, alert_id, "disposition", "arrested")

    assert before_visual.status_code == 422
    assert before_clets.status_code == 422
    assert "CLETS" in before_clets.text
    assert "stopped" not in officer.get(f"/alerts/{alert_id}").text.split("Steps recorded")[1]


def test_an_alert_worked_in_order_closes_and_reaches_the_administrator(
    people: People, ingest_token: str, db: Database
) -> None:
    officer, alert_id = raised_alert(people, ingest_token)

    for step, value in (("visual", "plate_matches"), ("clets", "valid")):
        assert work_step(officer, alert_id, step, value).status_code == 303
    closed = work_step(officer, alert_id, "disposition", "arrested", "driver arrested for 10851")

    assert closed.status_code == 303
    assert 'id="closed"' in officer.get(f"/alerts/{alert_id}").text
    captures = people("admin").get("/admin/hotlists").text
    # DUP §4.7, fn. 6 — "Hot list 10851 vehicle alerted at … Vehicle stopped, driver arrested".
    assert "Hot list 10851 VC vehicle" in captures and "driver arrested for 10851" in captures
    with db.unit_of_work() as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions.count(AuditAction.ALERT_STEP_RECORDED) == 2
    assert actions.count(AuditAction.ALERT_DISPOSED) == 1
    assert AuditAction.HOTLIST_CAPTURES_VIEWED in actions


def test_the_simulated_clets_answers_the_query(people: People, ingest_token: str) -> None:
    officer, alert_id = raised_alert(people, ingest_token)
    officer.app.state.clets = SimulatedClets()  # type: ignore[attr-defined]
    work_step(officer, alert_id, "visual", "plate_matches")
    page = officer.get(f"/alerts/{alert_id}")

    response = officer.post(
        f"/alerts/{alert_id}/clets",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert "want confirmed" in officer.get(f"/alerts/{alert_id}").text


def test_a_wanted_person_needs_an_occupant_match_or_a_justification(
    people: People, ingest_token: str
) -> None:
    officer, alert_id = raised_alert(
        people,
        ingest_token,
        reason="wanted_person",
        crime_type="245 PC",
        synopsis="Registered owner wanted on a warrant for assault with a deadly weapon",
    )
    work_step(officer, alert_id, "visual", "plate_matches")
    work_step(officer, alert_id, "clets", "valid")
    work_step(officer, alert_id, "occupant", "does_not_match")

    refused = work_step(officer, alert_id, "disposition", "stopped")
    work_step(officer, alert_id, "justification", "Vehicle ran a red light at Tully and King")
    allowed = work_step(officer, alert_id, "disposition", "stopped")

    assert refused.status_code == 422 and "occupant" in refused.text
    assert allowed.status_code == 303


def test_a_misread_closes_as_a_misread_and_counts_for_its_camera(
    people: People, ingest_token: str
) -> None:
    officer, alert_id = raised_alert(people, ingest_token)
    work_step(officer, alert_id, "visual", "misread")

    stop = work_step(officer, alert_id, "disposition", "stopped")
    done = work_step(officer, alert_id, "disposition", "misread")

    assert stop.status_code == 422 and done.status_code == 303
    page = people("admin").get("/admin/hotlists").text
    accuracy = page[page.index('id="accuracy"') : page.index('id="confirmations"')]
    assert "SJ-FX-001" in accuracy and "100.0%" in accuracy


def test_viewing_an_alert_is_audited_with_its_read(
    people: People, ingest_token: str, db: Database
) -> None:
    officer, alert_id = raised_alert(people, ingest_token)

    officer.get(f"/alerts/{alert_id}")

    with db.unit_of_work() as uow:
        views = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.ALERT_VIEWED)
        ).all()
    detail = [v for v in views if v.query_terms == {"via": "detail"}]
    assert detail and detail[-1].actor_username == "officer" and detail[-1].result_count == 1
    assert detail[-1].details["hit_ids"] == [alert_id]


# --- the state machine itself (pure) -------------------------------------------------------------


def test_the_steps_offered_follow_the_dups_order() -> None:
    state = AlertState(wanted_person=True)
    assert rules.next_steps(state) == (Step.VISUAL, Step.DISPOSITION)
    assert rules.dispositions(state) == (rules.Disposition.NOT_LOCATED,)
    state = rules.apply(state, Step.VISUAL, "plate_matches")
    assert rules.next_steps(state) == (Step.CLETS, Step.DISPOSITION)
    state = rules.apply(state, Step.CLETS, "no_response")  # the attempt is what §4.3 requires
    assert rules.next_steps(state) == (Step.OCCUPANT, Step.JUSTIFICATION, Step.DISPOSITION)
    state = rules.apply(state, Step.OCCUPANT, "matches")
    assert rules.Disposition.STOPPED in rules.dispositions(state)


def test_clets_saying_the_want_is_cleared_allows_no_stop_on_the_alert_alone() -> None:
    state = rules.replay(False, [("visual", "plate_matches"), ("clets", "not_valid")])

    with pytest.raises(InvalidInput, match="separate legal justification"):
        rules.apply(state, Step.DISPOSITION, "stopped")
    assert rules.apply(state, Step.DISPOSITION, "no_action").closed


def test_a_closed_alert_takes_no_further_step() -> None:
    state = rules.replay(False, [("disposition", "not_located")])

    with pytest.raises(InvalidInput, match="closed"):
        rules.apply(state, Step.VISUAL, "plate_matches")

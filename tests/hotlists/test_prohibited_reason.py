"""DUP §3 — an entry whose reason serves a prohibited use cannot be made (the guard decides,
the attempt is audited); one the guard has a concern about reaches the lieutenant with it."""

from __future__ import annotations

from sqlalchemy import select

from plateward.core.audit import AuditAction, AuditEntry, Outcome
from plateward.core.database import Database
from tests.hotlists.conftest import People, propose, proposed_id


def test_an_entry_for_immigration_enforcement_is_refused_and_audited(
    people: People, db: Database
) -> None:
    investigator = people("investigator")

    response = propose(
        investigator,
        crime_type="immigration status",
        synopsis="Locate this vehicle for ICE: the driver is undocumented and facing deportation",
    )

    assert response.status_code == 403
    assert "outside the authorized uses" in response.text
    assert "Propose entry" in response.text  # the form again, with what was typed
    with db.unit_of_work() as uow:
        [entry] = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.HOTLIST_ENTRY_PROPOSED)
        ).all()
    assert entry.outcome == Outcome.DENIED
    assert "immigration.lexicon" in entry.details["guard_rules"]
    assert entry.purpose is not None and entry.purpose["crime_type"] == "immigration status"
    assert "26-004211" not in investigator.get("/hotlists").text  # nothing was stored


def test_an_entry_to_monitor_a_protest_is_refused(people: People) -> None:
    response = propose(
        people("investigator"),
        crime_type="follow-up",
        synopsis="Keep track of this vehicle near the protest downtown",
    )

    assert response.status_code == 403


def test_the_lieutenant_sees_the_guards_concern_before_approving(people: People) -> None:
    entry_id = proposed_id(
        propose(
            people("investigator"),
            crime_type="459 PC",
            synopsis="Burglary suspect; the owner may be an undocumented immigrant",
        )
    )

    queue = people("lieutenant").get("/hotlists/queue").text
    row = queue[queue.index(f'id="entry-{entry_id}"') :]

    assert "guard-concern" in row[: row.index("</tr>")]
    assert "immigration" in row[: row.index("</tr>")]

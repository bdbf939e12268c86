"""The demo's outside agencies (issue 16), so a newcomer can try sharing: the Santa Clara County
Sheriff's detective (the demo's ``external`` account) works under an agreement in force; a
Sunnyvale detective (``sunnyvale``) has no access and can file a first-access request, which the
demo's command staff member (``command``) decides. Idempotent: an agreement is recorded once."""

from __future__ import annotations

from datetime import timedelta

from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.demo import city
from plateward.sharing import agreements

SUNNYVALE_ORI = "CA0431400"
# Outside people beside the demo's one per role (username, name, badge, unit, role, agency).
OUTSIDE_PEOPLE: tuple[city.PersonSpec, ...] = (
    city.PersonSpec(
        "sunnyvale",
        "Alicia Brandt",
        "SV-2290",
        "Sunnyvale DPS Detective Bureau",
        "external_agency",
        SUNNYVALE_ORI,
    ),
)
REFERENCE = "SJ-SHARE-DEMO-001 (illustrative)"


def seed_sharing(db: Database) -> None:
    """The Sheriff's Office agreement (search), effective a month ago, for a year."""
    operator = Actor.system("demo")
    sheriff = next(a for a in city.AGENCIES if a.kind == "county")
    with db.unit_of_work() as uow:
        made = agreements.list_agreements(uow, operator)
        if any(a.reference == REFERENCE for a in made):
            return
        today = uow.now().date()
        agreements.create_agreement(
            uow,
            operator,
            ori=sheriff.ori,
            reference=REFERENCE,
            effective_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=335),
            scopes=["search"],
            contacts="Records Unit (demo)",
        )

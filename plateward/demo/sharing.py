"""The demo's outside agencies (issue 16), so a newcomer can try sharing: the Santa Clara County
Sheriff's detective (the demo's ``external`` account) works under an agreement in force; a
Sunnyvale detective (``sunnyvale``) has no access and can file a first-access request, which the
demo's command staff member (``command``) decides. The Sheriff's agreement includes alerts, and
the demo's lieutenant shares the department's hot list with the Sheriff's Office, so ``external``
sees that list's alerts (and no other) on **Alerts**. Idempotent: each is recorded once."""

from __future__ import annotations

from datetime import timedelta

from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.demo import city
from plateward.demo.hotlists import person_as_signed_in
from plateward.hotlists.rules import DEPARTMENT_LIST
from plateward.sharing import agreements, subscriptions
from plateward.sharing import service as agencies

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
    """The Sheriff's Office agreement (search and alerts), effective a month ago, for a year;
    the department's hot list shared with the Sheriff's Office by the demo's lieutenant."""
    operator = Actor.system("demo")
    sheriff = next(a for a in city.AGENCIES if a.kind == "county")
    _agreement(db, operator, sheriff.ori)
    with db.unit_of_work() as uow:
        lieutenant = person_as_signed_in(uow, "lieutenant")
        agency = agencies.agency_by_ori(uow, sheriff.ori)
        if lieutenant is None or subscriptions.shared_lists(uow, agency.id):
            return
        live = [s for s in subscriptions.list_subscriptions(uow, lieutenant) if s.live]
        if any(s.agency_ori == sheriff.ori for s in live):
            return  # shared, but an earlier demo's agreement (search only) opens no alerts
        subscriptions.share_hotlist(uow, lieutenant, ori=sheriff.ori, list_name=DEPARTMENT_LIST)


def _agreement(db: Database, operator: Actor, ori: str) -> None:
    with db.unit_of_work() as uow:
        made = agreements.list_agreements(uow, operator)
        if any(a.reference == REFERENCE for a in made):
            return
        today = uow.now().date()
        agreements.create_agreement(
            uow,
            operator,
            ori=ori,
            reference=REFERENCE,
            effective_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=335),
            scopes=["search", "alerts"],
            contacts="Records Unit (demo)",
        )

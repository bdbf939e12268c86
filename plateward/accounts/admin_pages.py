"""The administrator's pages: people, classes of access, training and the restriction statement.

Every page needs ``accounts:manage``; every form also carries the session's CSRF token. Pages call
the account services and never query the database; a refused input re-renders its form with the
service's message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plateward.accounts import service as people
from plateward.accounts import throttle
from plateward.accounts.approvals import PendingChangeView
from plateward.accounts.rules import CLASS_ROLES, AccountStatus, grant_choices, refused_changes
from plateward.accounts.sessions import SessionState
from plateward.cameras import service as cameras
from plateward.core.database import UnitOfWork
from plateward.core.errors import Conflict, InvalidInput, NotFound, PlatewardError
from plateward.core.permissions import PERMISSION_LABELS, Permission, Role
from plateward.sharing import service as agencies
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.errors import status_of
from plateward.web.rendering import render

router = APIRouter(prefix="/admin", include_in_schema=False)
MANAGE = Permission.ACCOUNTS_MANAGE
Admin = Annotated[SessionState, Depends(person_with(MANAGE))]
AdminForm = Annotated[SessionState, Depends(form_by_person_with(MANAGE))]
ROLES = sorted(r.value for r in people.PERSON_ROLES)
_LABELS = {p.value: label for p, label in PERMISSION_LABELS.items()}  # grants by human name
# The service's errors a person can fix in the form (shown again with the reason); a missing
# record otherwise keeps its own 404 page. Statuses come from web/errors.py.
REFUSED: tuple[type[PlatewardError], ...] = (InvalidInput, Conflict)


def _date(value: str, label: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{label} must be a date (YYYY-MM-DD)") from None


Given = TypeVar("Given")


@dataclass(frozen=True)
class _FormPage(Generic[Given]):
    """A page with a form: shown from what it is ``given`` (the form typed so far, or the person),
    and shown again with the service's reason when the form is refused."""

    template: str
    context: Callable[[UnitOfWork, SessionState, Given], dict[str, Any]]

    def show(
        self,
        request: Request,
        uow: UnitOfWork,
        state: SessionState,
        given: Given,
        error: str | None = None,
        status: int = 200,
    ) -> Response:
        context = {**self.context(uow, state, given), "error": error}
        return render(request, state, self.template, context, status)

    def submit(
        self,
        request: Request,
        uow: UnitOfWork,
        state: SessionState,
        given: Given,
        change: Callable[[], str],
        refused: tuple[type[PlatewardError], ...] = REFUSED,
    ) -> Response:
        """Make ``change`` and go to the address it returns; on a refused input undo it and show
        this page again with the reason."""
        try:
            target = change()
        except refused as exc:
            uow.rollback()
            return self.show(request, uow, state, given, exc.detail, status_of(exc))
        return RedirectResponse(target, status_code=303)


# --- people -------------------------------------------------------------------------------------


def _people_context(
    uow: UnitOfWork, state: SessionState, form: dict[str, str] | None
) -> dict[str, Any]:
    known = agencies.list_agencies(uow)
    home = next((a.ori for a in known if a.is_home), "")
    return {
        "people": people.list_people(uow, state.actor),
        "agencies": known,
        "roles": ROLES,
        "min_password": people.MIN_PASSWORD,
        "now": uow.now(),
        "today": uow.now().date(),
        "form": form or {"role": Role.OFFICER.value, "agency_ori": home},
    }


PEOPLE_PAGE = _FormPage("accounts/admin_people.html", _people_context)


@router.get("/people", response_class=HTMLResponse)
def people_page(request: Request, uow: UowDep, state: Admin) -> Response:
    return PEOPLE_PAGE.show(request, uow, state, None)


@router.post("/people", response_class=HTMLResponse)
def create_person(
    request: Request,
    uow: UowDep,
    state: AdminForm,
    username: Annotated[str, Form(max_length=64)] = "",
    full_name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=40)] = "",
    unit: Annotated[str, Form(max_length=120)] = "",
    agency_ori: Annotated[str, Form(max_length=20)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    badge: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    form = {
        "username": username.strip(),
        "full_name": full_name.strip(),
        "role": role,
        "unit": unit.strip(),
        "agency_ori": agency_ori,
        "badge": badge.strip(),
    }  # the password is never echoed back

    def create() -> str:
        spec = people.PersonSpec(
            form["username"],
            form["full_name"],
            role,
            form["unit"],
            agency_ori,
            password,
            form["badge"] or None,
        )
        created = people.create_person(uow, state.actor, spec)
        if isinstance(created, PendingChangeView):
            return f"/approvals?requested={created.id}"  # waits for a second person
        return f"/admin/people/{created.id}"

    # An unknown agency is the form's mistake here, so NotFound is refused too.
    return PEOPLE_PAGE.submit(request, uow, state, form, create, (*REFUSED, NotFound))


def _person_context(uow: UnitOfWork, state: SessionState, user_id: int) -> dict[str, Any]:
    person = people.person(uow, state.actor, user_id)
    return {
        "person": person,
        "classes": people.list_classes(uow, state.actor),
        "ceiling": [label for _, label in grant_choices(_role(person.role))],
        # Nobody changes their own account: the page says so instead of offering the form.
        "refused": {
            change.value: reason
            for change, reason in refused_changes(
                state.actor, person.id, _role(person.role)
            ).items()
        },
        "labels": _LABELS,
        "now": uow.now(),
        "today": uow.now().date(),
        "active": person.status == AccountStatus.ACTIVE,
        "sign_in_locks": throttle.sign_in_locks(uow, state.actor, user_id),
    }


PERSON_PAGE = _FormPage("accounts/admin_person.html", _person_context)


@router.get("/people/{user_id}", response_class=HTMLResponse)
def person_page(request: Request, uow: UowDep, state: Admin, user_id: int) -> Response:
    return PERSON_PAGE.show(request, uow, state, user_id)


def _person_change(
    request: Request,
    uow: UowDep,
    state: SessionState,
    user_id: int,
    change: Callable[[], object],
) -> Response:
    """Apply a change to a person; on a refused input show their page again with the reason."""

    def apply() -> str:
        pending = change()
        return (
            f"/approvals?requested={pending.id}"
            if isinstance(pending, PendingChangeView)
            else f"/admin/people/{user_id}"
        )

    return PERSON_PAGE.submit(request, uow, state, user_id, apply)


@router.post("/people/{user_id}/status", response_class=HTMLResponse)
def set_status(
    request: Request,
    uow: UowDep,
    state: AdminForm,
    user_id: int,
    status: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    return _person_change(
        request,
        uow,
        state,
        user_id,
        lambda: people.set_status(uow, state.actor, user_id, status, reason),
    )


@router.post("/people/{user_id}/unlock", response_class=HTMLResponse)
def unlock(
    request: Request,
    uow: UowDep,
    state: AdminForm,
    user_id: int,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    return _person_change(
        request, uow, state, user_id, lambda: throttle.unlock(uow, state.actor, user_id, reason)
    )


@router.post("/people/{user_id}/training", response_class=HTMLResponse)
def record_training(
    request: Request,
    uow: UowDep,
    state: AdminForm,
    user_id: int,
    course: Annotated[str, Form(max_length=200)] = "",
    completed_on: Annotated[str, Form(max_length=20)] = "",
    expires_on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    def change() -> None:
        completed = _date(completed_on, "completed on")
        expires = _date(expires_on, "expires on")
        people.record_training(uow, state.actor, user_id, course, completed, expires)

    return _person_change(request, uow, state, user_id, change)


@router.post("/people/{user_id}/classes", response_class=HTMLResponse)
def set_classes(
    request: Request,
    uow: UowDep,
    state: AdminForm,
    user_id: int,
    class_ids: Annotated[list[int] | None, Form()] = None,
) -> Response:
    return _person_change(
        request,
        uow,
        state,
        user_id,
        lambda: people.set_classes(uow, state.actor, user_id, class_ids or []),
    )


# --- classes of access --------------------------------------------------------------------------


def _role(value: str | None) -> Role | None:
    """A role named in a form or address, or None for one that is not a role."""
    return Role(value) if value in {r.value for r in Role} else None


def _classes_context(
    uow: UnitOfWork, state: SessionState, form: dict[str, Any] | None
) -> dict[str, Any]:
    form = form or {"role": "", "grants": [], "camera_codes": []}
    return {
        "classes": people.list_classes(uow, state.actor),
        "labels": _LABELS,
        "roles": [r.value for r in CLASS_ROLES],
        # DUP §12.1-2 — the form offers only what the chosen role can receive.
        "choices": [(p.value, label) for p, label in grant_choices(_role(form["role"]))],
        "cameras": cameras.list_cameras(uow, state.actor),
        "ceilings": {r: [label for _, label in grant_choices(Role(r))] for r in ROLES},
        "form": form,
    }


CLASSES_PAGE = _FormPage("accounts/admin_classes.html", _classes_context)


@router.get("/classes", response_class=HTMLResponse)
def classes_page(request: Request, uow: UowDep, state: Admin, role: str = "") -> Response:
    """The classes; ``?role=`` chooses whom a new class is for, and so which grants it offers."""
    chosen = _role(role)
    form = {"role": chosen.value if chosen else "", "grants": [], "camera_codes": []}
    return CLASSES_PAGE.show(request, uow, state, form)


@router.post("/classes", response_class=HTMLResponse)
def create_class(
    request: Request,
    uow: UowDep,
    state: AdminForm,
    name: Annotated[str, Form(max_length=80)] = "",
    description: Annotated[str, Form(max_length=500)] = "",
    role: Annotated[str, Form(max_length=40)] = "",
    grants: Annotated[list[str] | None, Form()] = None,
    camera_codes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    form = {
        "name": name,
        "description": description,
        "role": role if _role(role) else "",
        "grants": grants or [],
        "camera_codes": camera_codes or [],
    }

    def create() -> str:
        # No camera ticked means the class does not narrow its members' cameras.
        people.create_class(
            uow, state.actor, name, description, grants or [], camera_codes, role or None
        )
        return "/admin/classes"

    return CLASSES_PAGE.submit(request, uow, state, form, create)


# --- the restriction statement ------------------------------------------------------------------


def _statement_context(
    uow: UnitOfWork, state: SessionState, form: dict[str, str] | None
) -> dict[str, Any]:
    statement = people.current_statement(uow)
    return {"statement": statement, "form": form or {"version": "", "text": statement.text}}


STATEMENT_PAGE = _FormPage("accounts/admin_statement.html", _statement_context)


@router.get("/statement", response_class=HTMLResponse)
def statement_page(request: Request, uow: UowDep, state: Admin) -> Response:
    return STATEMENT_PAGE.show(request, uow, state, None)


@router.post("/statement", response_class=HTMLResponse)
def publish_statement(
    request: Request,
    uow: UowDep,
    state: AdminForm,
    version: Annotated[str, Form(max_length=40)] = "",
    text: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    def publish() -> str:
        published = people.publish_statement(uow, state.actor, version, text)
        if isinstance(published, PendingChangeView):
            return f"/approvals?requested={published.id}"  # waits for a second person
        # Everyone, this administrator included, accepts the new version before the next query.
        return "/admin/statement"

    form = {"version": version, "text": text}
    return STATEMENT_PAGE.submit(request, uow, state, form, publish)

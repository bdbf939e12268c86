"""The administrator's pages: people, training, classes of access and the restriction statement."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from plateward.accounts.models import LoginSession, User
from plateward.core.audit import AuditEntry
from plateward.core.audit_models import canonical
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.demo import city
from plateward.web.deps import SESSION_COOKIE
from tests.conftest import (
    NOW,
    PASSWORD,
    Backend,
    accept_statement,
    csrf_from,
    native_read,
    post_login,
    sign_in,
    totp_code,
)

NEW_PASSWORD = "a long enough passphrase"
TRAINING_MESSAGE = "Your ALPR training is not current"
_SECRET = re.compile(r'<code class="secret">([A-Z2-7]+)</code>')
_PLATE_CELL = re.compile(r'<td class="plate">([^<]*)</td>')


# --- helpers ------------------------------------------------------------------------------------


def _post_form(client: TestClient, page: str, action: str, data: dict[str, object]) -> Response:
    """Open ``page`` for its CSRF token, then submit ``data`` to ``action``."""
    shown = client.get(page)
    assert shown.status_code == 200, shown.text
    return client.post(
        action, data={"csrf_token": csrf_from(shown.text), **data}, follow_redirects=False
    )


def _create_person(
    client: TestClient,
    username: str = "newbie",
    role: str = "officer",
    password: str = NEW_PASSWORD,
    **extra: str,
) -> Response:
    fields = {
        "username": username,
        "full_name": f"New {username.title()}",
        "badge": "4242",
        "unit": "Patrol Division",
        "role": role,
        "agency_ori": city.HOME_AGENCY_ORI,
        "password": password,
        **extra,
    }
    return _post_form(client, "/admin/people", "/admin/people", fields)


def _created(client: TestClient, username: str = "newbie", role: str = "officer") -> int:
    response = _create_person(client, username, role)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/admin/people/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def _created_and_confirmed(
    client: TestClient, backend: Backend, db: Database, username: str, role: str
) -> int:
    """A privileged account: the administrator asks, command staff confirm (DUP §9, §12)."""
    response = _create_person(client, username, role)
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith("/approvals?requested=")
    notice = client.get(response.headers["location"])
    assert "waits here until command staff or the Digital Privacy Officer" in notice.text
    with _signed_in_browser(client, backend, "auditor") as auditor:  # not the auditor's request
        assert 'id="requested"' not in auditor.get(response.headers["location"]).text
    _confirm_pending(client, backend, "command")
    return _user_id(db, username)


def _confirm_pending(client: TestClient, backend: Backend, approver: str) -> None:
    """The second person confirms the newest pending change from their own browser."""
    with _signed_in_browser(client, backend, approver) as second:
        page = second.get("/approvals")
        change = re.search(r'action="/approvals/(\d+)/approve"', page.text)
        assert change, page.text
        confirmed = second.post(
            f"/approvals/{change.group(1)}/approve",
            data={"csrf_token": csrf_from(page.text)},
            follow_redirects=False,
        )
        assert confirmed.status_code == 303, confirmed.text


def _user_id(db: Database, username: str) -> int:
    with db.unit_of_work() as uow:
        user_id = uow.session.scalar(select(User.id).where(User.username == username))
    assert user_id is not None
    return user_id


def _person_form(client: TestClient, user_id: int, form: str, data: dict[str, object]) -> Response:
    page = f"/admin/people/{user_id}"
    return _post_form(client, page, f"{page}/{form}", data)


def _train(client: TestClient, user_id: int, days: int = 365) -> None:
    response = _person_form(
        client,
        user_id,
        "training",
        {
            "course": "SJPD ALPR user training",
            "completed_on": (NOW.date() - timedelta(days=1)).isoformat(),
            "expires_on": (NOW.date() + timedelta(days=days)).isoformat(),
        },
    )
    assert response.status_code == 303, response.text


def _set_status(client: TestClient, user_id: int, status: str, reason: str) -> Response:
    return _person_form(client, user_id, "status", {"status": status, "reason": reason})


def _create_class(
    client: TestClient, name: str, grants: list[str], cameras: list[str] | None = None
) -> int:
    data: dict[str, object] = {"name": name, "description": f"{name} (test)", "grants": grants}
    if cameras:
        data["camera_codes"] = cameras
    response = _post_form(client, "/admin/classes", "/admin/classes", data)
    assert response.status_code == 303, response.text
    return _class_id(client, name)


def _class_id(client: TestClient, name: str) -> int:
    page = client.get("/admin/classes").text
    match = re.search(rf'<tr id="class-(\d+)"><td>{re.escape(name)}</td>', page)
    assert match, f"class {name} is not listed"
    return int(match.group(1))


def _set_classes(client: TestClient, user_id: int, class_ids: list[int]) -> None:
    response = _person_form(client, user_id, "classes", {"class_ids": class_ids})
    assert response.status_code == 303, response.text


def _login(client: TestClient, username: str, password: str, code: str) -> Response:
    return post_login(client, username, password=password, code=code)


def _enrol(client: TestClient, username: str, clock: FrozenClock) -> str:
    """First sign-in of an admin-created account: password, then set up the authenticator."""
    response = _login(client, username, NEW_PASSWORD, "")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/login/enrol"
    page = client.get("/login/enrol")
    assert page.status_code == 200
    secret = _SECRET.search(page.text)
    assert secret, "the enrolment page shows no key"
    confirmed = client.post(
        "/login/enrol",
        data={
            "csrf_token": csrf_from(page.text),
            "code": pyotp.TOTP(secret.group(1)).at(clock.now()),
        },
        follow_redirects=False,
    )
    assert confirmed.status_code == 303, confirmed.text
    assert confirmed.headers["location"] == "/acknowledge"
    accept_statement(client)
    return secret.group(1)


@contextmanager
def _browser(client: TestClient) -> Iterator[TestClient]:
    """Another person's browser: the same app, its own cookies."""
    with TestClient(client.app) as other:
        yield other


@contextmanager
def _signed_in_browser(client: TestClient, backend: Backend, username: str) -> Iterator[TestClient]:
    """Another person's browser, signed in as ``username`` (restrictions accepted)."""
    with _browser(client) as other:
        sign_in(other, backend, username)
        yield other


def _actions(db: Database) -> list[str]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def _push(client: TestClient, token: str, rows: list[dict[str, object]]) -> None:
    response = client.post(
        "/api/v1/reads", json={"reads": rows}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == len(rows), response.text


# --- accounts -----------------------------------------------------------------------------------


def test_an_administrator_creates_an_account(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")

    user_id = _created(client, "jdoe", "investigator")

    page = client.get(f"/admin/people/{user_id}")
    assert page.status_code == 200
    assert "New Jdoe #4242" in page.text
    assert "investigator" in page.text
    assert "not yet set up" in page.text  # MFA is set up at first sign-in
    assert "no training recorded" in page.text
    listing = client.get("/admin/people").text
    assert f'href="/admin/people/{user_id}">jdoe</a>' in listing
    assert "San José Police Department" in listing
    with db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.username == "jdoe"))
        assert user is not None
        assert user.totp_secret is None and user.totp_confirmed_at is None
        assert user.password_hash.startswith("$argon2id$")
        assert NEW_PASSWORD not in user.password_hash


def test_a_new_account_must_enrol_mfa_at_first_sign_in(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    sign_in(client, backend, "admin")
    _created(client, "newbie")

    with _browser(client) as newcomer:
        response = _login(newcomer, "newbie", NEW_PASSWORD, "")
        assert response.status_code == 303
        assert response.headers["location"] == "/login/enrol"
        # Until the authenticator is confirmed, nothing else opens.
        assert newcomer.get("/account", follow_redirects=False).headers["location"] == (
            "/login/enrol"
        )
        page = newcomer.get("/login/enrol")
        assert page.status_code == 200
        assert 'src="data:image/svg+xml' in page.text
        secret = _SECRET.search(page.text)
        assert secret
        wrong = newcomer.post(
            "/login/enrol",
            data={"csrf_token": csrf_from(page.text), "code": "000000"},
            follow_redirects=False,
        )
        assert wrong.status_code == 422
        code = pyotp.TOTP(secret.group(1)).at(clock.now())
        confirmed = newcomer.post(
            "/login/enrol",
            data={"csrf_token": csrf_from(page.text), "code": code},
            follow_redirects=False,
        )
        assert confirmed.status_code == 303
        assert confirmed.headers["location"] == "/acknowledge"
        accept_statement(newcomer)
        account = newcomer.get("/account")
        assert account.status_code == 200
        assert "New Newbie" in account.text

    # The key works for every later sign-in (with the next code: a used one is not accepted
    # twice), and the list shows the account enrolled.
    clock.advance(timedelta(seconds=30))
    with _browser(client) as later:
        code = pyotp.TOTP(secret.group(1)).at(clock.now())
        assert (
            _login(later, "newbie", NEW_PASSWORD, code).headers["location"] == "/acknowledge?next=/"
        )
    assert "at first sign-in" not in client.get(f"/admin/people/{_user_id(db, 'newbie')}").text


def test_a_suspended_account_cannot_sign_in_and_its_sessions_end(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    officer_id = _user_id(db, "officer")
    with _signed_in_browser(client, backend, "officer") as officer:
        assert officer.get("/account").status_code == 200

        blank = _set_status(client, officer_id, "suspended", "  ")
        assert blank.status_code == 422
        assert "give a reason" in blank.text
        response = _set_status(client, officer_id, "suspended", "IA case 2026-113")
        assert response.status_code == 303

        assert "suspended" in client.get(f"/admin/people/{officer_id}").text
        gone = officer.get("/account", follow_redirects=False)
        assert gone.status_code == 303
        assert gone.headers["location"].startswith("/login")
    with db.unit_of_work() as uow:
        open_sessions = uow.session.scalars(
            select(LoginSession).where(
                LoginSession.user_id == officer_id, LoginSession.ended_at.is_(None)
            )
        ).all()
        assert open_sessions == []
    with _browser(client) as again:
        refused = _login(again, "officer", PASSWORD, totp_code(backend, "officer"))
        assert refused.status_code == 401
        assert again.cookies.get(SESSION_COOKIE) is None


def test_reenabling_restores_access(client: TestClient, backend: Backend, db: Database) -> None:
    sign_in(client, backend, "admin")
    officer_id = _user_id(db, "officer")
    assert _set_status(client, officer_id, "suspended", "pending review").status_code == 303
    page = client.get(f"/admin/people/{officer_id}").text
    assert "Re-enable account" in page

    assert _set_status(client, officer_id, "active", "review closed").status_code == 303

    assert "Suspend account" in client.get(f"/admin/people/{officer_id}").text
    with _signed_in_browser(client, backend, "officer") as officer:
        assert officer.get("/account").status_code == 200


def test_an_account_without_current_training_sees_only_that_it_needs_training(
    client: TestClient, backend: Backend, db: Database, clock: FrozenClock
) -> None:
    sign_in(client, backend, "admin")
    user_id = _created_and_confirmed(client, backend, db, "newadmin", "administrator")

    with _browser(client) as newcomer:
        _enrol(newcomer, "newadmin", clock)
        refused = newcomer.get("/reads")
        assert refused.status_code == 403
        assert TRAINING_MESSAGE in refused.text
        assert "<table" not in refused.text  # no reads, no quarantine
        assert "not current" in newcomer.get("/account").text

        _train(client, user_id)

        assert newcomer.get("/reads").status_code == 200
    assert "training.recorded" in _actions(db)


def test_expired_training_closes_data_access(
    client: TestClient, backend: Backend, clock: FrozenClock
) -> None:
    # The personas' training expires NOW + 355 days; the next day it is no longer current.
    clock.advance(timedelta(days=356))
    response = _login(client, "admin", PASSWORD, totp_code(backend, "admin", clock.now()))
    assert response.status_code == 303
    accept_statement(client)

    refused = client.get("/reads")

    assert refused.status_code == 403
    assert TRAINING_MESSAGE in refused.text
    # Administration is not data: the administrator can still record the new training.
    assert client.get("/admin/people").status_code == 200
    assert "expired" in client.get("/admin/people").text


# --- classes of access --------------------------------------------------------------------------


def test_a_class_grants_a_permission_within_the_role_ceiling(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    investigator_id = _user_id(db, "investigator")
    with _signed_in_browser(client, backend, "investigator") as investigator:
        assert investigator.get("/reads").status_code == 403
        assert investigator.get("/reads/latest").status_code == 403

        watch = _create_class(client, "Pipeline watch", ["reads:monitor"])
        _set_classes(client, investigator_id, [watch])

        latest = investigator.get("/reads/latest")
        assert latest.status_code == 200, latest.text
        # Classes add up: a second one opens the quarantine, and with it the whole page.
        review = _create_class(client, "Quarantine review", ["quarantine:view"])
        _set_classes(client, investigator_id, [watch, review])
        page = investigator.get("/reads")
        assert page.status_code == 200, page.text
        assert "<h1>Reads</h1>" in page.text

        _set_classes(client, investigator_id, [])
        assert investigator.get("/reads/latest").status_code == 403
    listing = client.get("/admin/classes").text
    assert "Pipeline watch" in listing


def test_reads_monitor_alone_opens_the_reads_page(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    _set_classes(
        client, _user_id(db, "investigator"), [_create_class(client, "Watch", ["reads:monitor"])]
    )
    with _signed_in_browser(client, backend, "investigator") as investigator:
        assert investigator.get("/reads").status_code == 200


def test_a_class_cannot_grant_beyond_the_role(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    class_id = _create_class(client, "Auditors watch", ["reads:monitor", "quarantine:view"])
    auditor_id = _user_id(db, "auditor")
    _set_classes(client, auditor_id, [class_id])
    assert "Auditors watch" in client.get(f"/admin/people/{auditor_id}").text

    with _signed_in_browser(client, backend, "auditor") as auditor:
        assert auditor.get("/reads").status_code == 403
        assert auditor.get("/reads/latest").status_code == 403


def test_a_class_limits_which_cameras_data_members_see(
    client: TestClient, backend: Backend, db: Database, ingest_token: str
) -> None:
    _push(
        client,
        ingest_token,
        [
            native_read(camera="SJ-FX-001", plate="7CLS001", minutes_ago=2),
            native_read(camera="SJ-FX-002", plate="7CLS002", minutes_ago=1),
        ],
    )
    sign_in(client, backend, "admin")
    class_id = _create_class(
        client, "North cameras", ["reads:monitor", "quarantine:view"], ["SJ-FX-001"]
    )
    assert "SJ-FX-001" in client.get("/admin/classes").text
    _set_classes(client, _user_id(db, "investigator"), [class_id])

    with _signed_in_browser(client, backend, "investigator") as investigator:
        member = _PLATE_CELL.findall(investigator.get("/reads").text)
        fragment = _PLATE_CELL.findall(investigator.get("/reads/latest").text)

    assert "7CLS001" in member and "7CLS001" in fragment
    assert "7CLS002" not in member and "7CLS002" not in fragment
    everyone = _PLATE_CELL.findall(client.get("/reads").text)  # the administrator: every camera
    assert {"7CLS001", "7CLS002"} <= set(everyone)


# --- the restriction statement ------------------------------------------------------------------


def test_a_new_statement_version_must_be_accepted_again(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    class_id = _create_class(client, "Watchers", ["reads:monitor", "quarantine:view"])
    _set_classes(client, _user_id(db, "investigator"), [class_id])
    with (
        _signed_in_browser(client, backend, "officer") as officer,
        _signed_in_browser(client, backend, "investigator") as investigator,
    ):
        assert officer.get("/api/v1/cameras").status_code == 200
        assert investigator.get("/reads").status_code == 200

        current = client.get("/admin/statement")
        assert "2026.1" in current.text
        response = _post_form(
            client,
            "/admin/statement",
            "/admin/statement",
            {"version": "2026.2", "text": "Version two of the restrictions.\nI accept them."},
        )
        assert response.status_code == 303
        assert response.headers["location"].startswith("/approvals?requested=")
        assert investigator.get("/reads", follow_redirects=False).status_code == 200
        _confirm_pending(client, backend, "dpo")

        again = investigator.get("/reads", follow_redirects=False)
        assert again.status_code == 303
        assert again.headers["location"] == "/acknowledge?next=/reads"
        refused = officer.get("/api/v1/cameras")
        assert refused.status_code == 403
        assert "Accept the legal restrictions" in refused.json()["detail"]
        # The publisher is no exception.
        mine = client.get("/admin/people", follow_redirects=False)
        assert mine.headers["location"] == "/acknowledge?next=/admin/people"

        prompt = officer.get("/acknowledge").text
        assert "2026.2" in prompt and "Version two of the restrictions." in prompt
        accept_statement(officer)
        accept_statement(investigator)
        assert officer.get("/api/v1/cameras").status_code == 200
        assert investigator.get("/reads").status_code == 200
    accept_statement(client)
    assert '<span id="current-version">2026.2</span>' in client.get("/admin/statement").text

    duplicate = _post_form(
        client, "/admin/statement", "/admin/statement", {"version": "2026.2", "text": "again"}
    )
    assert duplicate.status_code == 409
    assert "already published" in duplicate.text


# --- audit, CSRF, permissions, input errors -----------------------------------------------------


def test_administration_changes_are_audited(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")
    user_id = _created(client, "audited")
    _train(client, user_id)
    class_id = _create_class(client, "Audited class", ["reads:monitor"])
    _set_classes(client, user_id, [class_id])
    assert _set_status(client, user_id, "suspended", "left the unit").status_code == 303
    assert _set_status(client, user_id, "active", "returned").status_code == 303
    published = _post_form(
        client, "/admin/statement", "/admin/statement", {"version": "2026.9", "text": "New text."}
    )
    assert published.status_code == 303

    with db.unit_of_work() as uow:
        entries = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.actor_username == "admin").order_by(AuditEntry.seq)
        ).all()
    actions = [e.action for e in entries]
    for action in (
        "account.created",
        "training.recorded",
        "class.created",
        "class.membership_changed",
        "account.suspended",
        "account.reenabled",
        "change.requested",  # the new statement waits for a second person
    ):
        assert action in actions, action
    created = next(e for e in entries if e.action == "account.created")
    assert '"audited"' in canonical(created.details)
    assert created.actor_role == "administrator" and created.actor_badge == "1000"
    suspended = next(e for e in entries if e.action == "account.suspended")
    assert "left the unit" in canonical(suspended.details)
    assert all(NEW_PASSWORD not in canonical(e.details) for e in entries)
    _confirm_pending(client, backend, "dpo")
    with db.unit_of_work() as uow:
        published = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "statement.published")
        ).one()
    assert published.actor_username == "dpo" and '"requested_by":"admin"' in canonical(
        published.details
    )


def test_forms_without_csrf_are_refused(client: TestClient, backend: Backend, db: Database) -> None:
    sign_in(client, backend, "admin")
    officer_id = _user_id(db, "officer")
    before = _actions(db)
    posts: dict[str, dict[str, object]] = {
        "/admin/people": {
            "username": "forged",
            "full_name": "Forged Person",
            "unit": "Nowhere",
            "role": "administrator",
            "agency_ori": city.HOME_AGENCY_ORI,
            "password": NEW_PASSWORD,
        },
        f"/admin/people/{officer_id}/status": {"status": "suspended", "reason": "forged"},
        f"/admin/people/{officer_id}/training": {
            "course": "forged",
            "completed_on": "2026-11-01",
            "expires_on": "2027-11-01",
        },
        f"/admin/people/{officer_id}/classes": {"class_ids": []},
        "/admin/classes": {"name": "Forged", "grants": ["reads:monitor"]},
        "/admin/statement": {"version": "forged", "text": "forged"},
    }
    for action, data in posts.items():
        for token in (None, "not-the-token"):
            sent = data if token is None else {**data, "csrf_token": token}
            response = client.post(action, data=sent, follow_redirects=False)
            assert response.status_code == 403, (action, response.status_code)
            assert "did not come from this site" in response.text

    assert _actions(db) == before  # nothing changed, nothing was recorded as done
    assert "forged" not in client.get("/admin/people").text
    assert "Forged" not in client.get("/admin/classes").text


def test_an_officer_cannot_manage_accounts(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "officer")
    officer_id = _user_id(db, "officer")
    for path in ("/admin/people", f"/admin/people/{officer_id}", "/admin/classes"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Test Admin" not in response.text
    assert client.get("/admin/statement").status_code == 403

    csrf = csrf_from(client.get("/account").text)  # a genuine token: only the role is missing
    attempts = {
        "/admin/people": {
            "username": "sneaky",
            "full_name": "Sneaky",
            "unit": "Patrol",
            "role": "administrator",
            "agency_ori": city.HOME_AGENCY_ORI,
            "password": NEW_PASSWORD,
        },
        f"/admin/people/{officer_id}/classes": {"class_ids": []},
        "/admin/classes": {"name": "Mine", "grants": ["reads:monitor"]},
        "/admin/statement": {"version": "9", "text": "mine"},
    }
    for action, data in attempts.items():
        response = client.post(action, data={"csrf_token": csrf, **data}, follow_redirects=False)
        assert response.status_code == 403, action
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(User.id).where(User.username == "sneaky")) is None
        refusals = uow.session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "access.refused", AuditEntry.actor_username == "officer"
            )
        ).all()
    assert len(refusals) >= 8
    assert all("accounts:manage" in (r.reason or "") for r in refusals)


def test_weak_passwords_and_taken_usernames_get_clear_errors(
    client: TestClient, backend: Backend, db: Database
) -> None:
    sign_in(client, backend, "admin")

    weak = _create_person(client, "shortpw", password="too-short")
    assert weak.status_code == 422
    assert "at least 12 characters" in weak.text
    assert 'value="shortpw"' in weak.text  # the form keeps what was typed …
    assert "too-short" not in weak.text  # … except the password

    taken = _create_person(client, "officer")
    assert taken.status_code == 409
    assert "username &#39;officer&#39; is taken" in taken.text

    spaced = _create_person(client, "two words")
    assert spaced.status_code == 422
    assert "usernames are ASCII without spaces" in spaced.text
    bad_role = _create_person(client, "svc", role="camera_service")
    assert bad_role.status_code == 422
    assert "is not a role a person can hold" in bad_role.text
    unknown_agency = _create_person(client, "faraway", agency_ori="XX0000000")
    assert unknown_agency.status_code == 404
    assert "no agency with ORI" in unknown_agency.text

    user_id = _user_id(db, "officer")
    backwards = _person_form(
        client,
        user_id,
        "training",
        {"course": "x", "completed_on": "2026-11-01", "expires_on": "2026-10-01"},
    )
    assert backwards.status_code == 422
    assert "training must expire after it was completed" in backwards.text
    not_a_date = _person_form(
        client, user_id, "training", {"course": "x", "completed_on": "soon", "expires_on": "later"}
    )
    assert not_a_date.status_code == 422
    assert "must be a date" in not_a_date.text
    _create_class(client, "Twice", [])
    again = _post_form(client, "/admin/classes", "/admin/classes", {"name": "Twice"})
    assert again.status_code == 409
    assert "a class named &#39;Twice&#39; exists" in again.text
    with db.unit_of_work() as uow:
        for name in ("shortpw", "two words", "svc", "faraway"):
            assert uow.session.scalar(select(User.id).where(User.username == name)) is None

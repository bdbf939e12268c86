"""After sign-in a person lands on a home page listing what their permissions let them do; a
visitor sees the public page."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from plateward.core.permissions import Actor, ActorKind, Permission, Role
from plateward.web.home import FEATURES, features_for, notices_for
from tests.conftest import (
    Backend,
    accept_statement,
    post_login,
    sign_in,
    totp_code,
)

_FEATURE_LINKS = re.compile(r'<section class="cards" id="features">(.*?)</section>', re.S)


def _home_links(client: TestClient) -> set[str]:
    page = client.get("/")
    assert page.status_code == 200, page.text
    section = _FEATURE_LINKS.search(page.text)
    assert section, "the page lists no features"
    return set(re.findall(r'<a href="([^"]+)"', section.group(1)))


def test_after_sign_in_and_the_restrictions_a_person_lands_on_their_home(
    client: TestClient, backend: Backend
) -> None:
    clock = client.app.state.database.clock  # type: ignore[attr-defined]
    clock.advance(timedelta(seconds=30))
    signed = post_login(client, "officer", code=totp_code(backend, "officer", clock.now()))
    assert signed.headers["location"] == "/acknowledge?next=/"
    # Before the restrictions are accepted, the home sends the person to them.
    early = client.get("/", follow_redirects=False)
    assert early.status_code == 303
    assert early.headers["location"] == "/acknowledge?next=/"

    accept_statement(client)
    home = client.get("/")

    assert home.status_code == 200
    assert "Welcome, Test Officer" in home.text
    assert 'href="/login"' not in home.text  # not the public page's sign-in card
    assert _home_links(client) == {"/search", "/cameras", "/alerts", "/account"}


def test_the_home_lists_what_each_role_can_do(client: TestClient, backend: Backend) -> None:
    sign_in(client, backend, "admin")
    admin = _home_links(client)
    assert {"/reads", "/admin/people", "/admin/classes", "/admin/statement", "/account"} <= admin
    assert "/audit" not in admin  # DUP §9 — administrators do not audit themselves

    with TestClient(client.app) as other:
        sign_in(other, backend, "auditor")
        auditor = _home_links(other)
    assert auditor == {
        "/audit",
        "/audit/signals",
        "/audit/export.csv",
        "/approvals",
        "/account",
        "/audits",  # oversight (issue 18): random and quarterly audits
        "/sharing/activity",  # issue 16: every outside access
    }


def test_a_visitor_sees_the_public_page(client: TestClient) -> None:
    page = client.get("/")

    assert page.status_code == 200
    assert 'href="/login"' in page.text
    assert 'id="features"' not in page.text


def test_features_follow_the_actors_permissions() -> None:
    def person(role: Role, *, trained: bool = True) -> Actor:
        return Actor(ActorKind.PERSON, 1, "p", "P", role, trained=trained)

    admin = [f.link for f in features_for(person(Role.ADMINISTRATOR))]
    assert "/reads" in admin and "/admin/people" in admin
    untrained = person(Role.ADMINISTRATOR, trained=False)
    assert "/reads" not in [f.link for f in features_for(untrained)]  # DUP §4.1, §13
    assert "training is not current" in notices_for(untrained)[0]
    assert notices_for(person(Role.OFFICER)) == []
    assert features_for(None) == []
    assert features_for(Actor.system()) == []  # the home page is a person's
    # Every permission a person can hold through a role or class opens at least one page.
    listed = {f.permission for f in FEATURES}
    assert {Permission.READS_MONITOR, Permission.ACCOUNTS_MANAGE, Permission.AUDIT_READ} <= listed


def test_no_two_features_of_a_role_open_the_same_page() -> None:
    # An administrator once saw two "Cameras" cards, a command officer "Approvals" and "Requests".
    for role in Role:
        actor = Actor(ActorKind.PERSON, 1, "p", "P", role)
        links = [f.link for f in features_for(actor)]
        labels = [f.label for f in features_for(actor)]
        assert len(links) == len(set(links)), (role, links)
        assert len(labels) == len(set(labels)), (role, labels)


def test_staff_without_the_registry_see_the_cameras_as_a_page(
    client: TestClient, backend: Backend, camera_codes: list[str]
) -> None:
    codes = camera_codes
    sign_in(client, backend, "officer")

    page = client.get("/cameras")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert codes
    for code in codes:
        assert f'id="camera-{code}"' in page.text
    assert '<a href="/cameras">Cameras</a>' in page.text  # in the officer's menu
    assert 'href="/admin/cameras"' not in page.text  # changing cameras is not the officer's


def test_a_person_whose_role_opens_nothing_yet_is_told_so() -> None:
    # A personal token scoped to nothing (issue 16 gave outside agencies' people a request page).
    outside = Actor(ActorKind.PERSON, 1, "p", "P", Role.EXTERNAL_AGENCY, token_scopes=frozenset())
    assert [f.link for f in features_for(outside)] == ["/account"]

    (notice,) = notices_for(outside)

    assert "Nothing beyond your own account is open to you yet" in notice
    assert not any(
        "Nothing beyond" in n
        for n in notices_for(Actor(ActorKind.PERSON, 1, "o", "O", Role.OFFICER))
    )


def test_the_header_and_account_page_name_the_role_in_words(
    client: TestClient, backend: Backend
) -> None:
    sign_in(client, backend, "dpo")

    for path in ("/", "/account"):
        page = client.get(path).text
        assert "· privacy officer</span>" in page, path
        assert "privacy_officer" not in page, path

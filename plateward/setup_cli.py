"""Setting up a real department's installation: ``plateward init`` and ``plateward people add``.

The demo builds a whole synthetic city; a department starts from an empty database and needs its
home agency and its first people before anyone can sign in. Both commands run as the local
operator at the host. The host is its own trust tier (docs/security.md): the operator bootstraps
the installation without the two-person rule that governs administrators' privileged changes
(accounts/approval_rules.py), and everything it does is in the audit trail under ``cli:…``.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated

import typer

from plateward.core.errors import PlatewardError

people_app = typer.Typer(help="People, from the host (the first accounts).", no_args_is_help=True)


def init(
    ori: Annotated[str, typer.Option("--ori", help="The department's 9-character NCIC ORI.")],
    name: Annotated[str, typer.Option("--name", help="The department's name.")],
    state: Annotated[str, typer.Option(help="Two-letter state code.")] = "CA",
    kind: Annotated[str, typer.Option(help="municipal, county or state.")] = "municipal",
    data_dir: Annotated[
        str | None, typer.Option("--data-dir", help="Where the embedded database lives.")
    ] = None,
) -> None:
    """Create the database (if needed) and register the department that runs this installation."""
    from plateward import cli as base
    from plateward.core.permissions import Actor
    from plateward.sharing import service as agencies

    settings = base._settings(None if data_dir is None else base.Path(data_dir))
    db = base._database(settings)
    try:
        with db.unit_of_work() as uow:
            agency = agencies.register_home_agency(
                uow, Actor.system("cli:init"), ori=ori, name=name, state=state, kind=kind
            )
    except PlatewardError as exc:
        raise base._fail(exc) from exc
    finally:
        db.dispose()
    flag = base._data_dir_flag(settings)
    base.console.print(
        f"Home agency: {agency.name} ({agency.ori}). Next, the first people:\n"
        f"  plateward people add USERNAME --role administrator --full-name '…' --unit '…'{flag}\n"
        f"  plateward people add USERNAME --role command --full-name '…' --unit '…'{flag}\n"
        "Command staff (or the Digital Privacy Officer) confirm the privileged accounts "
        "administrators create later.",
        soft_wrap=True,
        highlight=False,
    )


@people_app.command("add")
def add_person(
    username: str,
    role: Annotated[str, typer.Option(help="officer, investigator, lieutenant, command, ...")],
    full_name: Annotated[str, typer.Option("--full-name", help="The person's full name.")],
    unit: Annotated[str, typer.Option(help="The person's unit.")],
    badge: Annotated[str | None, typer.Option(help="Badge number.")] = None,
    trained_until: Annotated[
        str | None,
        typer.Option(
            "--trained-until",
            help="Record Department-approved ALPR training valid until this date (YYYY-MM-DD).",
        ),
    ] = None,
    data_dir: Annotated[
        str | None, typer.Option("--data-dir", help="Where the embedded database lives.")
    ] = None,
) -> None:
    """Create an account from the host; its initial password is printed once."""
    from plateward import cli as base
    from plateward.accounts import service as people
    from plateward.core.errors import InvalidInput
    from plateward.core.permissions import Actor
    from plateward.sharing import service as agencies

    settings = base._settings(None if data_dir is None else base.Path(data_dir))
    db = base._existing_database(settings)
    operator = Actor.system("cli:people-add")
    password = secrets.token_urlsafe(15)
    try:
        expires = date.fromisoformat(trained_until) if trained_until else None
        with db.unit_of_work() as uow:
            home = agencies.home_agency(uow)
            spec = people.PersonSpec(username, full_name, role, unit, home.ori, password, badge)
            created = people.create_person(uow, operator, spec)
            assert isinstance(created, people.NewPerson)  # noqa: S101 — the operator is exempt
            if expires is not None:
                today = uow.now().date()
                people.record_training(
                    uow, operator, created.id, "Department-approved ALPR training", today, expires
                )
    except ValueError as exc:
        raise base._fail(InvalidInput(f"--trained-until: {exc}")) from exc
    except PlatewardError as exc:
        raise base._fail(exc) from exc
    finally:
        db.dispose()
    base.console.print(
        f"Created {role} '{username}'. Initial password (shown once; hand it over in person): "
        f"{password}\n"
        "They set up their authenticator at their first sign-in.",
        soft_wrap=True,
        highlight=False,
    )

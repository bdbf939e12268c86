"""The audit trail is append-only and hash-chained: any edit, deletion or reordering is detected."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from plateward.cli import app
from plateward.core import audit
from plateward.core.audit import AuditAction, AuditEvent, Outcome, verify_chain
from plateward.core.database import Database
from plateward.core.permissions import Actor, Role


def _append(db: Database, actor: Actor, count: int) -> None:
    with db.unit_of_work() as uow:
        for n in range(count):
            event = AuditEvent(AuditAction.READS_MONITORED, query_terms={"n": n}, result_count=n)
            audit.record(uow, actor, event)
        uow.commit()


def _bypass_guards(db: Database) -> None:
    """Play an attacker with direct database access who disables the append-only guard."""
    conn = db.engine
    if db.dialect == "postgresql":
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # type: ignore[union-attr]
    else:
        conn.execute(text("DROP TRIGGER audit_entries_no_update"))  # type: ignore[union-attr]
        conn.execute(text("DROP TRIGGER audit_entries_no_delete"))  # type: ignore[union-attr]


def _verify(db: Database) -> audit.ChainStatus:
    with db.unit_of_work() as uow:
        return verify_chain(uow.session)


def test_an_intact_chain_verifies(db: Database, operator: Actor) -> None:
    _append(db, operator, 5)
    status = _verify(db)
    assert status.ok
    assert status.entries >= 5


def test_entries_record_who_what_and_the_outcome(db: Database) -> None:
    actor = Actor(
        kind="person",
        id=7,
        username="jsmith",
        name="J. Smith",
        role=Role.INVESTIGATOR,
        badge="1234",
        unit="Robbery Unit",
        agency_name="San José Police Department",
        client_address="10.0.0.5",
    )
    with db.unit_of_work() as uow:
        entry = audit.record(
            uow,
            actor,
            AuditEvent(
                AuditAction.READS_MONITORED,
                Outcome.DENIED,
                reason="no purpose",
                query_terms={"plate": "7ABC123"},
                result_count=0,
            ),
        )
        uow.commit()
    assert (entry.actor_name, entry.actor_badge, entry.actor_unit) == (
        "J. Smith",
        "1234",
        "Robbery Unit",
    )
    assert entry.actor_agency == "San José Police Department"
    assert (entry.outcome, entry.reason) == ("denied", "no purpose")
    assert entry.query_terms == {"plate": "7ABC123"}
    assert entry.at.tzinfo is not None


def test_an_edited_entry_breaks_the_chain(db: Database, operator: Actor) -> None:
    _append(db, operator, 5)
    _bypass_guards(db)
    db.engine.execute(  # type: ignore[union-attr]
        text(
            "UPDATE audit_entries SET query_terms = '{}' WHERE seq = "
            "(SELECT MAX(seq) - 2 FROM audit_entries)"
        )
    )
    status = _verify(db)
    assert not status.ok
    assert status.problem == "entry content does not match its hash"


def test_a_deleted_entry_breaks_the_chain(db: Database, operator: Actor) -> None:
    _append(db, operator, 5)
    _bypass_guards(db)
    last = db.engine.execute(text("SELECT MAX(seq) FROM audit_entries")).scalar_one()  # type: ignore[union-attr]
    db.engine.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": last - 2})  # type: ignore[union-attr]
    status = _verify(db)
    assert not status.ok
    assert status.first_bad_seq == last - 2


def test_reordered_entries_break_the_chain(db: Database, operator: Actor) -> None:
    _append(db, operator, 5)
    _bypass_guards(db)
    last = db.engine.execute(text("SELECT MAX(seq) FROM audit_entries")).scalar_one()  # type: ignore[union-attr]
    # Swap two entries' positions, keeping every other column as it was.
    for old, new in ((last, -1), (last - 1, last), (-1, last - 1)):
        db.engine.execute(
            text("UPDATE audit_entries SET seq = :n WHERE seq = :o"), {"n": new, "o": old}
        )  # type: ignore[union-attr]
    status = _verify(db)
    assert not status.ok
    assert status.first_bad_seq == last - 1


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_entries SET reason = 'x'", "DELETE FROM audit_entries"]
)
def test_the_database_refuses_to_edit_the_trail(
    db: Database, operator: Actor, statement: str
) -> None:
    _append(db, operator, 1)
    connection = db.engine
    savepoint = connection.begin_nested()  # type: ignore[union-attr]
    with pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text(statement))  # type: ignore[union-attr]
    savepoint.rollback()
    assert _verify(db).ok


def test_postgresql_refuses_to_truncate_the_trail(db: Database, operator: Actor) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _append(db, operator, 1)
    connection = db.engine
    savepoint = connection.begin_nested()  # type: ignore[union-attr]
    with pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("TRUNCATE audit_entries"))  # type: ignore[union-attr]
    savepoint.rollback()
    assert _verify(db).ok


def test_audit_verify_fails_on_postgresql_tampering(
    fresh_postgresql: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = fresh_postgresql.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PLATEWARD_DATABASE_URL", url)
    data_dir = str(tmp_path / "var")
    built = CliRunner().invoke(
        app, ["demo", "--no-serve", "--reads", "100", "--data-dir", data_dir]
    )
    assert built.exit_code == 0, built.output
    assert CliRunner().invoke(app, ["audit", "verify", "--data-dir", data_dir]).exit_code == 0
    with fresh_postgresql.connect() as conn:
        conn.execute(text("SET session_replication_role = replica"))  # an attacker with superuser
        conn.execute(text("UPDATE audit_entries SET actor_name = 'someone else' WHERE seq = 5"))
        conn.commit()
    result = CliRunner().invoke(app, ["audit", "verify", "--data-dir", data_dir])
    assert result.exit_code == 1
    assert "entry 5" in result.output

"""The witness: signed checkpoints also kept outside the database (issue 19, DUP §9).

Whoever can write the database and read the signing key can delete the newest entries together
with the newest checkpoint, or rewrite the trail and re-sign it; both fool `verify_trail`. A copy
of the checkpoints outside the database, held by the auditors, catches both.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from plateward.cli import app
from plateward.core import witness
from plateward.core.checkpoints import entry_hashes, public_key_hex, verify_trail
from plateward.core.database import Database
from plateward.core.permissions import Actor
from tests.conftest import run_cli
from tests.core.test_checkpoints import (
    _append,
    _bypass_guards,
    _checkpoint,
    _rewrite_from,
)

runner = CliRunner()


def _problems(db: Database) -> list[tuple[int, str]]:
    witnessed = witness.read(db.settings.audit_witness_path)
    trusted = public_key_hex(db.settings.audit_signing_key)
    with db.unit_of_work() as uow:
        hashes = entry_hashes(uow.session, {w.last_seq for w in witnessed})
    return witness.problems(witnessed, hashes, trusted)


def _trail_ok(db: Database) -> bool:
    with db.unit_of_work() as uow:
        return verify_trail(uow.session, public_key_hex(db.settings.audit_signing_key)).ok


def test_a_committed_checkpoint_is_witnessed_outside_the_database(
    db: Database, operator: Actor
) -> None:
    _append(db, operator, 3)
    checkpoint = _checkpoint(db)
    lines = db.settings.audit_witness_path.read_text().splitlines()
    assert [json.loads(line)["last_seq"] for line in lines] == [checkpoint.last_seq]
    assert json.loads(lines[0])["signature"] == checkpoint.signature
    assert _problems(db) == []


def test_a_rolled_back_checkpoint_is_never_witnessed(db: Database, operator: Actor) -> None:
    from plateward.core.checkpoints import write_checkpoint

    _append(db, operator, 3)
    with db.unit_of_work() as uow:
        write_checkpoint(uow, db.settings.audit_signing_key)
        uow.rollback()
    assert not db.settings.audit_witness_path.exists()


def test_removing_the_tail_with_its_checkpoint_is_caught_by_the_witness(
    db: Database, operator: Actor
) -> None:
    head = _append(db, operator, 4)
    _checkpoint(db)
    newer = _append(db, operator, 3)
    latest = _checkpoint(db)
    assert latest.last_seq == newer
    _bypass_guards(db)

    # The attacker drops the newest entries and the checkpoint that covered them.
    db.engine.execute(text("DELETE FROM audit_entries WHERE seq > :s"), {"s": head + 1})  # type: ignore[union-attr]
    db.engine.execute(  # type: ignore[union-attr]
        text("DELETE FROM audit_checkpoints WHERE last_seq > :s"), {"s": head}
    )

    assert _trail_ok(db)  # what is left in the database is consistent...
    [(seq, problem)] = _problems(db)  # ...but the witness remembers the newer checkpoint
    assert seq == latest.last_seq
    assert f"entries from {latest.last_seq} were removed" in problem


def test_a_rewritten_and_re_signed_trail_is_caught_by_the_witness(
    db: Database, operator: Actor
) -> None:
    head = _append(db, operator, 5)
    original = _checkpoint(db)
    _bypass_guards(db)

    # The attacker removes the checkpoint and its entry, rewrites the chain with fresh hashes and
    # signs the new head with the key: the database now tells a consistent, false story.
    db.engine.execute(text("DELETE FROM audit_entries WHERE seq > :s"), {"s": head})  # type: ignore[union-attr]
    db.engine.execute(text("DELETE FROM audit_checkpoints"))  # type: ignore[union-attr]
    _rewrite_from(db, head - 2)
    _checkpoint(db)

    assert _trail_ok(db)  # the database alone is fooled
    problems = dict(_problems(db))
    assert "was rewritten" in problems[original.last_seq]


def test_a_forged_witness_line_is_refused(db: Database, operator: Actor) -> None:
    _append(db, operator, 2)
    _checkpoint(db)
    path = db.settings.audit_witness_path
    line = json.loads(path.read_text())
    forged = {**line, "last_hash": "f" * 64}
    path.write_text(json.dumps(forged) + "\n")
    [(_, problem)] = _problems(db)
    assert "invalid signature" in problem


def test_audit_verify_with_the_witness_catches_a_cut_tail(data_dir: Path) -> None:
    run_cli("demo", "--no-serve", "--reads", "200", "--data-dir", str(data_dir))
    written = run_cli("audit", "checkpoint", "--data-dir", str(data_dir))
    match = re.search(r"Checkpoint written: entry (\d+)", written)
    assert match, written
    head = int(match.group(1))
    copy = data_dir.parent / "witness-copy.jsonl"  # the auditors' copy, kept elsewhere
    copy.write_text((data_dir / "audit-witness.jsonl").read_text())
    ok = run_cli("audit", "verify", "--witness", str(copy), "--data-dir", str(data_dir))
    assert "2 witnessed checkpoint(s) match" in ok

    conn = sqlite3.connect(data_dir / "plateward.db")
    conn.execute("DROP TRIGGER audit_entries_no_delete")
    conn.execute("DROP TRIGGER audit_checkpoints_no_delete")
    conn.execute("DELETE FROM audit_entries WHERE seq > ?", (head - 3,))
    conn.execute("DELETE FROM audit_checkpoints WHERE last_seq > ?", (head - 4,))
    conn.commit()
    conn.close()

    without = runner.invoke(app, ["audit", "verify", "--data-dir", str(data_dir)])
    with_witness = runner.invoke(
        app, ["audit", "verify", "--witness", str(copy), "--data-dir", str(data_dir)]
    )
    assert with_witness.exit_code == 1, with_witness.output
    assert "fails its witness" in with_witness.output
    assert "were removed" in with_witness.output
    assert without.exit_code in (0, 1)  # whatever the database alone says, the witness decides

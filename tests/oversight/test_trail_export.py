"""DUP §9, invariant 6 — the agency owns its audit trail: the whole trail exports in an open format
with its hash chain and signed checkpoints, and a documented command verifies it offline, catching
an edited, removed or reordered entry and a forged checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from plateward.core.checkpoints import write_checkpoint
from plateward.core.database import Database
from plateward.core.permissions import Actor
from plateward.oversight import export_rules
from tests.conftest import Backend, run_cli, sign_in
from tests.search.conftest import entries


def _export(client: TestClient, backend: Backend, db: Database) -> list[str]:
    with db.unit_of_work() as uow:
        write_checkpoint(uow, uow.settings.audit_signing_key, Actor.system("tests"))
        uow.commit()
    sign_in(client, backend, "auditor")
    response = client.get("/audit/trail.jsonl")
    assert response.status_code == 200
    return response.text.splitlines()


def _key(db: Database) -> str:
    from plateward.core.checkpoints import public_key_hex

    return public_key_hex(db.settings.audit_signing_key)


def test_the_whole_trail_exports_and_verifies_offline(
    client: TestClient, backend: Backend, db: Database
) -> None:
    lines = _export(client, backend, db)

    result = export_rules.verify(lines, _key(db))

    header = json.loads(lines[0])
    assert result.ok, result.problem
    assert result.entries == header["entries"] > 10
    assert result.checkpoints >= 1
    (exported,) = entries(db, "audit.trail_exported")
    assert exported.result_count == header["entries"]


def _tampered(lines: list[str], seq: int, change: dict[str, object]) -> list[str]:
    out = []
    for line in lines:
        record = json.loads(line)
        if record.get("entry", {}).get("seq") == seq:
            record["entry"].update(change)
        out.append(json.dumps(record))
    return out


def test_an_edited_entry_is_caught(client: TestClient, backend: Backend, db: Database) -> None:
    lines = _export(client, backend, db)

    result = export_rules.verify(_tampered(lines, 3, {"actor_username": "someone-else"}))

    assert not result.ok
    assert result.first_bad_seq == 3
    assert "changed" in (result.problem or "")


def test_a_removed_entry_is_caught(client: TestClient, backend: Backend, db: Database) -> None:
    lines = _export(client, backend, db)
    cut = [ln for ln in lines if json.loads(ln).get("entry", {}).get("seq") != 4]

    result = export_rules.verify(cut)

    assert not result.ok and result.first_bad_seq == 4


def test_a_rewritten_chain_fails_its_signed_checkpoint(
    client: TestClient, backend: Backend, db: Database
) -> None:
    lines = _export(client, backend, db)
    # Rewrite entry 2 and recompute every hash after it: the chain holds, the signature does not.
    records = [json.loads(ln) for ln in lines]
    prev = export_rules.GENESIS
    for record in records[1:]:
        entry = record.get("entry")
        if entry is None:
            continue
        if entry["seq"] == 2:
            entry["actor_username"] = "rewritten"
        fields = {k: v for k, v in entry.items() if k not in ("hash", "prev_hash")}
        entry["prev_hash"], entry["hash"] = prev, export_rules.entry_hash(fields, prev)
        prev = entry["hash"]

    result = export_rules.verify([json.dumps(r) for r in records], _key(db))

    assert not result.ok
    assert "is not the entry its checkpoint signed" in (result.problem or "")


def test_a_checkpoint_signed_by_another_key_is_refused(
    client: TestClient, backend: Backend, db: Database
) -> None:
    lines = _export(client, backend, db)

    result = export_rules.verify(lines, "ab" * 32)

    assert not result.ok and "another key" in (result.problem or "")


def test_the_documented_commands_export_and_verify(data_dir: Path, tmp_path: Path) -> None:
    run_cli(
        "init",
        "--ori",
        "CA0431300",
        "--name",
        "San José Police Department",
        "--data-dir",
        str(data_dir),
    )
    run_cli("audit", "checkpoint", "--data-dir", str(data_dir))
    target = tmp_path / "trail.jsonl"

    run_cli("audit", "export", "--output", str(target), "--data-dir", str(data_dir))
    output = run_cli("audit", "verify-export", str(target))

    assert "Export intact" in output and "1 signed checkpoint(s) verified" in output
    lines = target.read_text().splitlines()
    record = json.loads(lines[1])
    record["entry"]["action"] = "nothing.happened"
    lines[1] = json.dumps(record)
    target.write_text("\n".join(lines) + "\n")
    from typer.testing import CliRunner

    from plateward.cli import app

    failed = CliRunner().invoke(app, ["audit", "verify-export", str(target)])
    assert failed.exit_code == 1
    assert "entry 1 was changed" in failed.output

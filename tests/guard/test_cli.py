"""`plateward guard check`: JSON lines in, one decision line out each, no database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from plateward.cli import app

LEGIT = {
    "purpose": "felony",
    "crime_type": "PC 211",
    "case_number": "26-1",
    "justification": "Armed robbery at a gas station, suspects fled in a black Audi",
}
PROHIBITED = {
    "purpose": "criminal_investigation",
    "crime_type": "Other",
    "justification": "Verify the immigration status of the registered owner",
}
FOR_TEXAS = {**LEGIT, "purpose": "assist_agency", "agency": "Texas DPS"}


def _run(lines: str) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(app, ["guard", "check"], input=lines)
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def test_each_line_gets_its_decision_and_rules() -> None:
    code, out = _run("\n".join(json.dumps(r) for r in (LEGIT, PROHIBITED, FOR_TEXAS)) + "\n")
    assert code == 0
    assert [o["decision"] for o in out] == ["allow", "deny", "deny"]
    assert "immigration.lexicon" in out[1]["rules"]  # type: ignore[operator]
    assert out[2]["rules"] == ["beneficiary.out_of_state"]
    assert all("message" in o for o in out)


def test_missing_keys_are_allowed_and_short_purposes_understood() -> None:
    code, out = _run(
        '{"purpose": "missing_person", "crime_type": "Amber Alert", '
        '"justification": "Child taken by a stranger in a brown minivan"}\n{}\n'
    )
    assert code == 0
    assert out[0]["decision"] == "allow"
    assert out[1]["decision"] == "review"


def test_a_malformed_line_gets_an_error_and_exit_2_after_all_lines() -> None:
    lines = "\n".join(
        ["not json", json.dumps(LEGIT), "[1, 2]", '{"purpose": 3}', json.dumps(LEGIT)]
    )
    code, out = _run(lines + "\n")
    assert code == 2
    assert len(out) == 5
    assert "error" in out[0] and "error" in out[2] and "error" in out[3]
    assert out[1]["decision"] == out[4]["decision"] == "allow"


def test_a_thousand_requests_through_the_installed_command(tmp_path: Path) -> None:
    requests = [LEGIT, PROHIBITED, FOR_TEXAS, {"purpose": "traffic"}] * 250
    source = tmp_path / "requests.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in requests))
    with source.open() as stdin:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "plateward"), "guard", "check"],
            stdin=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    decisions = [json.loads(line)["decision"] for line in done.stdout.splitlines()]
    assert decisions == ["allow", "deny", "deny", "review"] * 250


def test_the_check_path_loads_no_database_code() -> None:
    code = (
        "import sys, io; sys.stdin = io.StringIO('{}\\n'); from plateward.cli import app\n"
        "try:\n    app(['guard', 'check'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'sqlalchemy', 'fastapi'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_policys_own_names_for_amber_silver_and_red_light_are_understood() -> None:
    # DUP §2.2 names Amber and Silver Alerts, §2.4 red-light review: not unknown purposes.
    requests = [
        {"purpose": "amber_alert", "justification": "Child taken by a stranger in a brown van"},
        {"purpose": "silver_alert", "justification": "Man, 84, with dementia drove off at noon"},
        {"purpose": "red_light", "crime_type": "VC 21453(a)", "justification": "Ran the red"},
        {"purpose": "other", "justification": "Child taken by a stranger in a brown van"},
    ]
    code, out = _run("".join(json.dumps(r) + "\n" for r in requests))

    assert code == 0
    assert ["purpose.unknown" in o["rules"] for o in out] == [False, False, False, True]  # type: ignore[operator]

"""``plateward guard check``: the prohibited-use guard over JSON lines, without a database.

Kept apart from plateward/cli.py's database commands so that checking a thousand requests
starts in well under a second (no SQLAlchemy, FastAPI or settings are loaded on this path).
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

import typer

guard_app = typer.Typer(help="The prohibited-use guard.", no_args_is_help=True)

# The JSON keys a line may hold, and the GuardRequest field each fills.
FIELDS = {
    "purpose": "category",
    "crime_type": "crime_type",
    "case_number": "case_number",
    "justification": "justification",
    "agency": "agency",
}
BAD_INPUT = 2


@guard_app.command("check")
def check_command() -> None:
    """Decide each JSON line on standard input (allow, deny or review); one JSON line out each.

    A line is {"purpose", "crime_type", "case_number", "justification", "agency"} (any may be
    left out; purpose also takes felony, misdemeanor, missing_person, assist_agency, traffic).
    A malformed line gets {"error": ...}; the exit status is then 2, after every line is done.
    """
    if not check_lines(sys.stdin, sys.stdout):
        raise typer.Exit(code=BAD_INPUT)


def check_lines(lines: IO[str], out: IO[str]) -> bool:
    """Check every line of ``lines``, writing one result line each; False if any was bad."""
    from plateward.guard import GuardRequest, check

    all_good = True
    for line in lines:
        if not line.strip():
            continue
        try:
            request = GuardRequest(**_fields(json.loads(line)))
        except ValueError as exc:
            all_good = False
            out.write(json.dumps({"error": str(exc)}) + "\n")
            continue
        verdict = check(request)
        result = {
            "decision": verdict.decision.value,
            "rules": list(verdict.rules),
            "message": verdict.message,
        }
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    return all_good


def _fields(data: Any) -> dict[str, str | None]:
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    fields: dict[str, str | None] = {}
    # Other keys (an id, a label) are left alone, so labelled data can be piped in as it is.
    for key, value in data.items():
        if key not in FIELDS:
            continue
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key} must be a string or null")
        fields[FIELDS[key]] = value
    return fields

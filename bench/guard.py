"""Guard benchmark: how well the prohibited-use guard decides labelled requests, and how fast.

    .venv/bin/python bench/guard.py [--split dev|heldout|all] [--repeat N]

The labelled requests are in ``tests/data/guard/`` (see its README): ``dev`` is the part the
guard's author may tune on, ``heldout`` (the default) the part written separately that nobody
tunes on. Each request goes through ``plateward.guard.check`` once for the figures:

- recall on prohibited requests: ``deny`` or ``review`` counts as caught (target >= 0.99);
- false-block rate on legitimate requests: ``deny`` (target <= 0.02);
- share of legitimate requests sent to review (target <= 0.10).

Then all of them again ``--repeat`` times for requests/s (the first, cold pass is timed apart,
with the import of the guard). The last line printed is one JSON object; nothing here asserts,
and the bench always exits 0.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.table import Table

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "guard"
SPLITS = {
    "dev": ("dev",),
    "heldout": ("heldout",),
    "probe": ("probe",),
    "extra": ("probe_extra",),
    "tunable": ("dev", "probe", "probe_extra"),
    "heldout2": ("heldout2",),
    "heldout3": ("heldout3",),
    "heldout4": ("heldout4",),
    "heldout5": ("heldout5",),
    "heldout6": ("heldout6",),
    "heldout7": ("heldout7",),
    "heldout8": ("heldout8",),
    "heldout9": ("heldout9",),
    "heldout10": ("heldout10",),
    "heldout11": ("heldout11",),
    "heldout12": ("heldout12",),
    "heldout13": ("heldout13",),
    "probe_proxy": ("probe_proxy",),
    "probe_general": ("probe_general",),
    "probe_general2": ("probe_general2",),
    "all": ("dev", "heldout"),
}
# Parts nobody may read: only figures and ids are printed, never a request's text (their README).
SEALED = frozenset({"heldout4", "heldout13"})
TARGETS = {"recall": 0.99, "false_block_rate": 0.02, "legit_review_share": 0.10}
# Wide when piped (the misclassified requests are long); the terminal width otherwise.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


@dataclass(frozen=True)
class Outcome:
    """One labelled request and what the guard decided."""

    row: dict[str, Any]
    decision: str
    rules: tuple[str, ...]

    @property
    def prohibited(self) -> bool:
        return bool(self.row["label"] == "prohibited")

    @property
    def wrong(self) -> str | None:
        """Why this decision misses a target, or None when it is right."""
        if self.prohibited and self.decision == "allow":
            return "missed"
        if not self.prohibited and self.decision == "deny":
            return "false block"
        if not self.prohibited and self.decision == "review":
            return "review"
        return None


def load(split: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for part in SPLITS[split]:
        with (DATA / f"{part}.jsonl").open(encoding="utf-8") as lines:
            rows.extend(json.loads(line) for line in lines if line.strip())
    return rows


def _request(row: dict[str, Any]) -> Any:
    from plateward.guard import GuardRequest

    return GuardRequest(
        category=row.get("purpose"),
        crime_type=row.get("crime_type"),
        case_number=row.get("case_number"),
        justification=row.get("justification"),
        agency=row.get("agency"),
    )


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(outcomes: list[Outcome]) -> dict[str, Any]:
    """The three quality figures over ``outcomes`` (None where a class is empty)."""
    prohibited = [o for o in outcomes if o.prohibited]
    legitimate = [o for o in outcomes if not o.prohibited]
    return {
        "recall": _ratio(sum(o.decision != "allow" for o in prohibited), len(prohibited)),
        "false_block_rate": _ratio(sum(o.decision == "deny" for o in legitimate), len(legitimate)),
        "legit_review_share": _ratio(
            sum(o.decision == "review" for o in legitimate), len(legitimate)
        ),
        "prohibited": len(prohibited),
        "legitimate": len(legitimate),
    }


def _print_breakdown(outcomes: list[Outcome], key: Literal["class", "tags"]) -> None:
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        names = outcome.row[key] if key == "tags" else [outcome.row[key]]
        for name in names or ["(none)"]:
            groups.setdefault(f"{outcome.row['label']} · {name}", []).append(outcome)
    table = Table(title=f"Decisions by {'class' if key == 'class' else 'tag'}")
    for column in ("label · " + key, "n", "allow", "review", "deny", "right"):
        table.add_column(column, justify="left" if column.startswith("label") else "right")
    for name, group in sorted(groups.items()):
        counts = Counter(o.decision for o in group)
        right = sum(o.wrong is None for o in group)
        table.add_row(
            name,
            str(len(group)),
            str(counts["allow"]),
            str(counts["review"]),
            str(counts["deny"]),
            f"{right / len(group):.0%}",
        )
    console.print(table)


def _print_wrong(outcomes: list[Outcome]) -> None:
    wrong = [o for o in outcomes if o.wrong]
    if not wrong:
        console.print("Every request decided as labelled.")
        return
    table = Table(title=f"Misclassified ({len(wrong)})")
    for column in ("id", "why", "class", "decision", "rules", "request"):
        table.add_column(column, overflow="fold")
    for outcome in sorted(wrong, key=lambda o: (o.wrong or "", o.row["id"])):
        row = outcome.row
        text = f"[{row['purpose']}] {row['crime_type']} — {row['justification']}"
        if row.get("agency"):
            text += f" (for {row['agency']})"
        table.add_row(
            row["id"],
            outcome.wrong or "",
            row["class"],
            outcome.decision,
            ", ".join(outcome.rules),
            ascii(text)[1:-1] if not text.isprintable() else text,
        )
    console.print(table)


def main(
    split: Annotated[
        str,
        typer.Option(
            help=(
                "dev, heldout, probe, extra, tunable, heldout2, heldout3, probe_proxy, "
                "probe_general, probe_general2, heldout4 (sealed), heldout5, heldout6, "
                "heldout7, heldout8, heldout9, heldout10, all"
            )
        ),
    ] = "heldout",
    repeat: Annotated[int, typer.Option(help="Timed passes over the requests.")] = 5,
) -> None:
    if split not in SPLITS:
        raise typer.BadParameter(f"--split must be one of {', '.join(SPLITS)}")
    rows = load(split)
    started = time.perf_counter()
    from plateward.guard import check

    requests = [_request(row) for row in rows]
    outcomes = []
    for row, request in zip(rows, requests, strict=True):
        verdict = check(request)
        outcomes.append(Outcome(row, str(verdict.decision), tuple(verdict.rules)))
    cold_s = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(repeat):
        for request in requests:
            check(request)
    warm_s = time.perf_counter() - started
    if split not in SEALED:
        _print_breakdown(outcomes, "class")
        _print_breakdown(outcomes, "tags")
        _print_wrong(outcomes)
    quality = figures(outcomes)
    result = {
        "bench": "guard",
        "split": split,
        "n": len(rows),
        "recall": quality["recall"],
        "false_block_rate": quality["false_block_rate"],
        "legit_review_share": quality["legit_review_share"],
        "requests_per_s": round(len(rows) * repeat / warm_s) if repeat and warm_s else None,
        "cold_pass_s": round(cold_s, 3),  # import of the guard and the first pass
        "prohibited": quality["prohibited"],
        "legitimate": quality["legitimate"],
        "missed": sorted(o.row["id"] for o in outcomes if o.wrong == "missed"),
        "false_blocks": sorted(o.row["id"] for o in outcomes if o.wrong == "false block"),
        "legit_reviewed": sorted(o.row["id"] for o in outcomes if o.wrong == "review"),
        "targets": TARGETS,
    }
    table = Table(title=f"Guard on the {split} split")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    for key in ("n", *TARGETS, "requests_per_s", "cold_pass_s"):
        bound = {"recall": ">= "}.get(key, "<= ") + str(TARGETS[key]) if key in TARGETS else ""
        table.add_row(key, str(result[key]), bound)
    console.print(table)
    print(json.dumps(result))


if __name__ == "__main__":
    typer.run(main)

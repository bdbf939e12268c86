"""Train the guard's learned layer (plateward/guard/learned.py) and estimate how it generalises.

    OMP_NUM_THREADS=1 .venv/bin/python scripts/train_guard_classifier.py [--cv-only] [--skip-cv]
        [--target-review 0.07] [--penalty 0.003] [--parts dev,heldout,...]

Numpy only (plain gradient descent): no extra to install. Every labelled request of the tunable
parts of ``tests/data/guard/`` (never a sealed part: see its README) goes through the rule layers
(``rules.assess``) and ``learned.features``; a multinomial logistic regression with L2 penalty
learns legitimate work against each prohibited class.

Generalisation is estimated by grouped cross-validation: each file in turn is held out (its
requests were written by another author, or in another voice, than the rest) and the model is
trained on the others; the review threshold for that fold is chosen by an inner grouped
cross-validation over the training files only, as the lowest probability that keeps the share of
legitimate requests sent to review (rules and learned layer together) at or under
``--target-review``. The figures printed per held-out file are therefore those of a model and
threshold that never saw the file. Then the model is trained on every tunable file, its
threshold chosen the same way over all of them, and written to ``classifier.npz``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plateward.guard import learned  # noqa: E402
from plateward.guard.rules import assess  # noqa: E402
from plateward.guard.types import GuardRequest  # noqa: E402

DATA = ROOT / "tests" / "data" / "guard"
TUNABLE = (
    "dev",
    "heldout",
    "probe",
    "probe_extra",
    "heldout2",
    "heldout3",
    "probe_proxy",
    "heldout5",
    "probe_general",
    "heldout6",
    "probe_general2",
    "heldout7",
    "heldout8",
    "heldout9",
    "heldout10",
    "heldout11",
    "heldout12",
)
# Never trained on, never read (tests/data/guard/README.md).
SEALED = frozenset({"heldout4", "heldout13"})
# Class names of files whose writers used their own (heldout6): the learned layer's class for
# each. Automated enforcement and a dragnet are the rule layers' to read (`automated.no_review`,
# `purpose.dragnet`): filed under "personal", they taught the layer that the words of a red-light
# review ("auto-flagged", "the clip") are personal use, so their requests are left out.
SKIPPED_CLASSES = frozenset({"automated_enforcement", "dragnet"})
CLASS_ALIASES = {
    "personal_use": "personal",
    "stalking": "personal",
    "sale_commercial": "commercial",
    "not_public_view": "outside_public_view",
    "federal_requester": "proxy_beneficiary",
    "out_of_state": "proxy_beneficiary",
    "ineligible_agency": "proxy_beneficiary",
    "non_criminal": "personal",  # heldout8: a civil or administrative matter
    "civil_matter": "personal",  # heldout9: a lawsuit, a service, an HOA or custody dispute
    "unauthorized_disclosure": "proxy_beneficiary",  # heldout9: reads handed outside the agency
    "no_crime_nexus": "personal",  # heldout10: a civil, administrative or planning matter
    "lawful_activity": "personal",  # heldout10: lawful activity watched (a club, a gun range)
    "civil_noncriminal": "personal",  # heldout11: a civil or administrative matter
    "lawful_activity_monitoring": "personal",  # heldout11: lawful activity watched
    "commercial_sale": "commercial",  # heldout11
    "unauthorized_sharing": "proxy_beneficiary",  # heldout11: reads handed outside the agency
    "proxy_third_party": "proxy_beneficiary",  # heldout11: a search run for someone else
    "unauthorized_agency_sharing": "proxy_beneficiary",  # heldout12: run for an agency without
    "private_party_proxy": "proxy_beneficiary",  # heldout12: a search run for a private party
    "religious_observance": "first_amendment",  # heldout12: worship watched
    "non_public_view": "outside_public_view",  # heldout12
    "data_sale": "commercial",  # heldout12
}
PENALTY = 3e-3
SETTINGS = {"penalty": PENALTY}  # --penalty
STEPS = 300
# The share of legitimate requests (rules and learned layer together) that the review threshold
# may send to review over the training files (docs/guard.md, "Generalising (heldout7 unsealed)").
TARGET_REVIEW = 0.07


@dataclass
class Dataset:
    x: np.ndarray  # features
    y: np.ndarray  # class index (0 = legitimate)
    group: np.ndarray  # file index
    rule_review: np.ndarray  # the rule layers alone send to review
    rule_deny: np.ndarray  # the rule layers alone deny
    soft_review: np.ndarray  # reviewed only by lexicon or semantic rules (a judgment call)
    floor: np.ndarray  # the least probability that sends to review (learned.read_by_rules)


def load(parts: tuple[str, ...]) -> Dataset:
    xs, ys, groups, reviews, denies, softs, floors = [], [], [], [], [], [], []
    for index, part in enumerate(parts):
        lines = (DATA / f"{part}.jsonl").read_text(encoding="utf-8").splitlines()
        for row in (json.loads(line) for line in lines if line.strip()):
            if row["label"] == "prohibited" and row["class"] in SKIPPED_CLASSES:
                continue
            signals = assess(
                GuardRequest(
                    row.get("purpose"),
                    row.get("crime_type"),
                    row.get("case_number"),
                    row.get("justification"),
                    row.get("agency"),
                )
            )
            xs.append(learned.features(signals))
            label = (
                learned.LEGITIMATE
                if row["label"] == "legitimate"
                else CLASS_ALIASES.get(row["class"], row["class"])
            )
            ys.append(learned.CLASSES.index(label))
            groups.append(index)
            denies.append(bool(signals.findings.deny))
            reviews.append(not signals.findings.deny and bool(signals.findings.review))
            softs.append(reviews[-1] and all(_soft(r) for r in signals.findings.review))
            floors.append(learned.READ_BY_RULES_FLOOR if learned.read_by_rules(signals) else 0.0)
    return Dataset(
        np.stack(xs),
        np.array(ys),
        np.array(groups),
        np.array(reviews),
        np.array(denies),
        np.array(softs),
        np.array(floors),
    )


def _soft(rule: str) -> bool:
    return rule.endswith((".lexicon", ".semantic"))


def fit(x: np.ndarray, y: np.ndarray) -> learned.Classifier:
    """Multinomial logistic regression, L2 penalty, full-batch Adam on standardized features."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-3
    z = (x - mean) / scale
    classes = len(learned.CLASSES)
    onehot = np.eye(classes)[y]
    weights = np.zeros((x.shape[1], classes))
    bias = np.zeros(classes)
    moments = [np.zeros_like(weights), np.zeros_like(weights), np.zeros(classes), np.zeros(classes)]
    for step in range(1, STEPS + 1):
        logits = z @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        error = (probs - onehot) / len(y)
        grads = (z.T @ error + SETTINGS["penalty"] * weights, error.sum(axis=0))
        for i, (param, grad) in enumerate(zip((weights, bias), grads, strict=True)):
            m, v = moments[2 * i], moments[2 * i + 1]
            m[:] = 0.9 * m + 0.1 * grad
            v[:] = 0.999 * v + 0.001 * grad**2
            param[...] -= 0.02 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return learned.Classifier(mean, scale, weights, bias, threshold=1.0)


def prohibited_probability(model: learned.Classifier, x: np.ndarray) -> np.ndarray:
    return learned.prohibited_share(model.probabilities(x))


def out_of_fold(data: Dataset, groups: np.ndarray) -> np.ndarray:
    """Each request's probability from a model trained without its file."""
    result = np.zeros(len(data.y))
    for group in np.unique(groups):
        held = data.group == group
        train = np.isin(data.group, groups) & ~held
        result[held] = prohibited_probability(fit(data.x[train], data.y[train]), data.x[held])
    return result


def choose_threshold(
    p: np.ndarray, legit: np.ndarray, rule_flag: np.ndarray, target: float, floor: np.ndarray
) -> float:
    """The lowest threshold at which rules and learned layer together send at most ``target`` of
    the legitimate requests to review (or deny them)."""
    for threshold in np.arange(0.05, 1.0, 0.01):
        flagged = rule_flag | (p >= np.maximum(threshold, floor))
        if flagged[legit].mean() <= target:
            return float(round(threshold, 2))
    return 1.0


def figures(data: Dataset, mask: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    legit = (data.y == 0) & mask
    prohibited = (data.y != 0) & mask
    flagged = data.rule_review | data.rule_deny | (p >= np.maximum(threshold, data.floor))
    rules = data.rule_review | data.rule_deny
    return {
        "n": int(mask.sum()),
        "recall_rules": round(float(rules[prohibited].mean()), 3),
        "recall": round(float(flagged[prohibited].mean()), 3),
        "false_blocks": round(float(data.rule_deny[legit].mean()), 3),
        "review_rules": round(float(data.rule_review[legit].mean()), 3),
        "review": round(float((flagged & ~data.rule_deny)[legit].mean()), 3),
        "threshold": threshold,
    }


def cross_validate(data: Dataset, parts: tuple[str, ...], targets: tuple[float, ...]) -> None:
    """Leave-one-file-out figures, for each review target in ``targets`` (the models are the same
    for every target; only each fold's threshold, chosen on its training files, differs)."""
    everything = np.arange(len(parts))
    pooled = np.zeros(len(data.y))
    thresholds = {t: np.zeros(len(data.y)) for t in targets}
    rule_flag = data.rule_review | data.rule_deny
    for group in everything:
        others = everything[everything != group]
        inner = out_of_fold(data, others)
        train = data.group != group
        held = data.group == group
        model = fit(data.x[train], data.y[train])
        pooled[held] = prohibited_probability(model, data.x[held])
        for target in targets:
            threshold = choose_threshold(
                inner[train], (data.y == 0)[train], rule_flag[train], target, data.floor[train]
            )
            thresholds[target][held] = threshold
            figures_ = figures(data, held, pooled, threshold)
            print(parts[group], f"target={target}", json.dumps(figures_), flush=True)
    for target in targets:
        flagged_at = (pooled >= np.maximum(thresholds[target], data.floor)).astype(float)
        everywhere = figures(data, np.ones(len(data.y), bool), flagged_at, 1.0)
        print("all", f"target={target}", json.dumps(everywhere))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cv-only", action="store_true", help="Estimate; write nothing.")
    parser.add_argument("--target-review", type=float, default=TARGET_REVIEW)
    parser.add_argument(
        "--cv-targets",
        default="",
        help="Comma-separated review targets to cross-validate (default: --target-review).",
    )
    parser.add_argument("--penalty", type=float, default=PENALTY, help="L2 penalty.")
    parser.add_argument("--skip-cv", action="store_true", help="Train and write only.")
    parser.add_argument(
        "--parts", default=",".join(TUNABLE), help="Comma-separated tunable files to use."
    )
    args = parser.parse_args()
    parts = tuple(p for p in args.parts.split(",") if p)
    SETTINGS["penalty"] = args.penalty
    if set(parts) & SEALED:
        parser.error(f"sealed parts are never trained on: {sorted(set(parts) & SEALED)}")
    data = load(parts)
    print(f"{len(data.y)} requests, {data.x.shape[1]} features")
    if not args.skip_cv:
        targets = tuple(float(t) for t in args.cv_targets.split(",") if t) or (args.target_review,)
        cross_validate(data, parts, targets)
    if args.cv_only:
        return
    legit = data.y == 0
    rule_flag = data.rule_review | data.rule_deny
    threshold = choose_threshold(
        out_of_fold(data, np.arange(len(parts))),
        legit,
        rule_flag,
        args.target_review,
        data.floor,
    )
    final = fit(data.x, data.y)
    learned.Classifier(final.mean, final.scale, final.weights, final.bias, threshold).save()
    print(f"wrote {learned.MODEL_FILE.relative_to(ROOT)} (threshold {threshold})")


if __name__ == "__main__":
    main()

"""The learned layer (plateward/guard/learned.py) only ever sends a request to review: a rule
layer must be confident to deny, so false blocks stay with the rules (issue 13, "Measure the
guard": false blocks <= 0.02)."""

from __future__ import annotations

from plateward.guard import Decision, GuardRequest, check, learned
from plateward.guard.findings import Findings
from plateward.guard.rules import assess


def test_the_committed_classifier_matches_the_features_and_classes() -> None:
    model = learned.classifier()
    assert model is not None  # scripts/train_guard_classifier.py wrote it for these classes
    signals = assess(GuardRequest("felony", "PC 211", "26-1", "Armed robbery at a gas station"))
    assert model.weights.shape == (learned.features(signals).shape[0], len(learned.CLASSES))
    assert 0.0 < model.threshold < 1.0


def test_a_likely_prohibited_request_goes_to_review_never_to_deny() -> None:
    signals = assess(GuardRequest(None, None, None, "pull every car at the rally for the feds"))
    model = learned.classifier()
    assert model is not None
    # A threshold of zero: every request is "likely prohibited" to the learned layer.
    eager = learned.Classifier(model.mean, model.scale, model.weights, model.bias, 0.0)
    findings = Findings()
    learned.review_if_likely(signals, findings, eager)
    assert not findings.deny
    assert [r.endswith(".learned") for r in findings.review] == [True]
    probability, name = learned.prohibited_probability(signals, eager)
    assert 0.0 <= probability <= 1.0
    assert name in learned.CLASSES[1:-1]  # a prohibited class, never legitimate or proxy


def test_an_ordinary_crime_is_not_sent_to_review_by_the_learned_layer() -> None:
    verdict = check(
        GuardRequest(
            "felony",
            "VC 10851",
            "26-1",
            "Stolen Honda Civic taken from the victim's driveway overnight; plate on the report",
        )
    )
    assert verdict.decision is Decision.ALLOW, verdict.rules

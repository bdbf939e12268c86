"""The guard's decision: allow, deny or send to supervisor review (pure; no I/O).

Layers, each cheap and each explainable in the rule ids it fires:
1. normalization (normalize.py) undoes obfuscation;
2. the lexicon (lexicon.py) finds prohibited terms, weighed by their framing (crimes.py);
3. the beneficiary agency (agencies.py): federal and out-of-state beneficiaries are refused;
4. semantic similarity (semantic.py) to described prohibited and permitted purposes catches
   paraphrases that use none of the lexicon's words.
A prohibited class that clearly fires denies; anything ambiguous goes to review (a lieutenant
decides, audited) rather than silently passing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plateward.guard import crimes
from plateward.guard.agencies import Beneficiary, classify_agency
from plateward.guard.lexicon import GuardClass, Hit, Kind, find_hits
from plateward.guard.normalize import Normalized, normalize
from plateward.guard.types import Decision, GuardRequest, Verdict

# The CLI's short names for the authorized uses of DUP §2, and the PurposeCategory values.
CATEGORY_ALIASES = {
    "criminal_investigation": "criminal_investigation",
    "felony": "criminal_investigation",
    "misdemeanor": "criminal_investigation",
    "missing_person": "missing_person",
    "agency_support": "agency_support",
    "assist_agency": "agency_support",
    "traffic_intersection": "traffic_intersection",
    "traffic": "traffic_intersection",
}

_NEGATIONS = frozenset("not no non never unrelated nothing without isnt isn ni nor".split())
_NEGATION_WINDOW = 3
_FRAMING_WINDOW = 5

_BENEFICIARY_CLAUSE = "DUP §2.3 and §10; SB 34 (Civil Code 1798.90.55)"


@dataclass
class _Findings:
    deny: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)

    def add(self, decision: Decision, rule: str, reason: str) -> None:
        bucket = self.deny if decision is Decision.DENY else self.review
        if rule not in bucket:
            bucket.append(rule)
            self.reasons.setdefault(rule, reason)


@dataclass(frozen=True)
class _Request:
    category: str | None  # canonical category, "" when absent, the raw text when unknown
    crime_type: Normalized
    justification: Normalized
    text: Normalized  # crime type and justification together
    names_crime: bool


def check(request: GuardRequest) -> Verdict:
    """Decide ``request`` (see the module docstring)."""
    parsed = _parse(request)
    findings = _Findings()
    _check_beneficiary(request.agency, findings)
    hits = find_hits(parsed.text)
    for guard_class in GuardClass:
        class_hits = [h for h in hits if h.guard_class is guard_class]
        if class_hits:
            _weigh(parsed, guard_class, class_hits, findings)
    _check_completeness(parsed, request, findings)
    return _verdict(findings)


def _parse(request: GuardRequest) -> _Request:
    raw = (request.category or "").strip().lower().replace("-", "_").replace(" ", "_")
    category = CATEGORY_ALIASES.get(raw, raw)
    crime_type = normalize(request.crime_type)
    justification = normalize(request.justification)
    extra = () if category in CATEGORY_ALIASES.values() else normalize(request.category).tokens
    text = Normalized((*extra, *crime_type.tokens, *justification.tokens))
    return _Request(
        category=category,
        crime_type=crime_type,
        justification=justification,
        text=text,
        names_crime=crimes.names_crime(text, crime_type)
        or category in {"missing_person", "traffic_intersection"},
    )


def _check_beneficiary(agency: str | None, findings: _Findings) -> None:
    where = classify_agency(agency)
    if where is Beneficiary.FEDERAL:
        findings.add(
            Decision.DENY,
            "beneficiary.federal",
            f"a search for a federal agency is a proxy search ({_BENEFICIARY_CLAUSE})",
        )
    elif where is Beneficiary.OUT_OF_STATE:
        findings.add(
            Decision.DENY,
            "beneficiary.out_of_state",
            f"a search for an agency outside California is a proxy search ({_BENEFICIARY_CLAUSE})",
        )
    elif where is Beneficiary.UNKNOWN:
        findings.add(
            Decision.REVIEW,
            "beneficiary.unknown",
            "the beneficiary agency is not recognized as a California safety department "
            f"({_BENEFICIARY_CLAUSE})",
        )


def _weigh(parsed: _Request, guard_class: GuardClass, hits: list[Hit], findings: _Findings) -> None:
    rule = f"{guard_class.value}.lexicon"
    reason = f"it concerns {guard_class.label} ({guard_class.clause})"
    decisions = [_hit_decision(parsed, hit) for hit in hits]
    if Decision.DENY in decisions:
        findings.add(Decision.DENY, rule, reason)
    elif Decision.REVIEW in decisions:
        findings.add(Decision.REVIEW, rule, reason)


def _hit_decision(parsed: _Request, hit: Hit) -> Decision:
    words = parsed.text.words
    if _negated(words, hit.start):
        return Decision.ALLOW if parsed.names_crime else Decision.REVIEW
    if hit.kind is not Kind.CONTEXT:
        if _near(words, hit, crimes.VICTIM_WORDS, 3) and parsed.names_crime:
            return Decision.REVIEW
        return Decision.DENY
    return _context_decision(parsed, hit)


def _context_decision(parsed: _Request, hit: Hit) -> Decision:
    words = parsed.text.words
    score = 0.5
    if _near(words, hit, crimes.TARGET_WORDS, _FRAMING_WINDOW):
        score += 0.4
    if _near(words, hit, crimes.VICTIM_WORDS, _FRAMING_WINDOW):
        score -= 0.4
    score += -0.3 if parsed.names_crime else 0.3
    if score >= 0.7:
        return Decision.DENY
    return Decision.REVIEW if score >= 0.4 else Decision.ALLOW


def _negated(words: tuple[str, ...], start: int) -> bool:
    return any(w in _NEGATIONS for w in words[max(0, start - _NEGATION_WINDOW) : start])


def _near(words: tuple[str, ...], hit: Hit, vocabulary: frozenset[str], window: int) -> bool:
    around = words[max(0, hit.start - window) : hit.start] + words[hit.end : hit.end + window]
    return any(w in vocabulary for w in around)


def _check_completeness(parsed: _Request, request: GuardRequest, findings: _Findings) -> None:
    if not parsed.category:
        findings.add(Decision.REVIEW, "purpose.missing", "no purpose was given (DUP §2)")
    elif parsed.category not in CATEGORY_ALIASES.values():
        findings.add(
            Decision.REVIEW,
            "purpose.unknown",
            "the purpose is not one of the authorized uses of DUP §2",
        )
    if parsed.category == "criminal_investigation" and not parsed.crime_type.words:
        findings.add(
            Decision.REVIEW,
            "purpose.crime_type_missing",
            "no crime type was given (DUP update, March 2026: a required field)",
        )
    if parsed.category == "agency_support" and not (request.agency or "").strip():
        findings.add(
            Decision.REVIEW,
            "beneficiary.missing",
            "support of another agency must name that agency (DUP §2.3)",
        )
    if not parsed.names_crime and len(parsed.justification.words) < 4:
        findings.add(
            Decision.REVIEW,
            "justification.weak",
            "the request names no crime and its justification says too little (DUP §2)",
        )


def _verdict(findings: _Findings) -> Verdict:
    if findings.deny:
        rules = tuple(findings.deny)
        reasons = "; ".join(findings.reasons[r] for r in rules)
        message = (
            f"This request is outside the authorized uses of ALPR data and was refused: {reasons}. "
            "Nothing was searched."
        )
        return Verdict(Decision.DENY, rules, message)
    if findings.review:
        rules = tuple(findings.review)
        reasons = "; ".join(findings.reasons[r] for r in rules)
        message = (
            f"This request needs a supervisor's review before it can run: {reasons}. "
            "Nothing was searched."
        )
        return Verdict(Decision.REVIEW, rules, message)
    return Verdict(Decision.ALLOW, (), "The request is within the authorized uses of DUP §2.")

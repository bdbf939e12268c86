"""The guard's decision: allow, deny or send to supervisor review (pure; no I/O).

Layers, each cheap and each named in the rule ids it fires:
1. normalization (normalize.py) undoes obfuscation;
2. the lexicon (lexicon.py) finds prohibited terms, weighed by their framing (crimes.py);
3. the beneficiary agency (beneficiary.py): federal and out-of-state beneficiaries are refused;
4. semantic similarity (semantic.py) to described prohibited and permitted purposes catches
   paraphrases that use none of the lexicon's words.
A prohibited class that clearly fires denies; anything ambiguous goes to review (a lieutenant
decides, audited) rather than silently passing.
"""

from __future__ import annotations

from dataclasses import dataclass

from plateward.guard import crimes
from plateward.guard.beneficiary import check_beneficiary
from plateward.guard.findings import Findings
from plateward.guard.lexicon import GuardClass, Hit, Kind, find_hits
from plateward.guard.normalize import Normalized, normalize
from plateward.guard.semantic import embedding, similarity
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
# Authorized uses that are not a crime but are specific in themselves (DUP §2.2, §2.4).
_NON_CRIME_USES = frozenset({"missing_person", "traffic_intersection"})

_NEGATIONS = frozenset(
    ["not", "no", "non", "never", "unrelated", "nothing", "without", "isnt", "regardless"]
)
_NEGATION_WINDOW = 3

# Cosine margins over the closest permitted description (tuned on the development data only).
SEMANTIC_REVIEW = 0.12
SEMANTIC_REVIEW_WITH_CRIME = 0.20
SEMANTIC_DENY = 0.30
MIN_JUSTIFICATION_WORDS = 3


@dataclass(frozen=True)
class Request:
    """A request as the rules read it."""

    category: str  # canonical category, "" when absent, the raw text when unknown
    crime_type: Normalized
    justification: Normalized
    text: Normalized  # crime type and justification together
    specific_crime: bool  # the crime type names a crime, or the use is a non-crime one of §2
    names_crime: bool  # a crime is named anywhere

    @property
    def authorized_category(self) -> bool:
        return self.category in CATEGORY_ALIASES.values()


def check(request: GuardRequest) -> Verdict:
    """Decide ``request`` (see the module docstring)."""
    parsed = parse(request)
    findings = Findings()
    check_beneficiary(request.agency, parsed.justification, findings, parsed.specific_crime)
    hits = find_hits(parsed.text, embedding().words)
    targets = Targets(
        crimes.group_targets(parsed.text),
        [] if parsed.category in _NON_CRIME_USES else crimes.person_targets(parsed.text),
    )
    for guard_class in GuardClass:
        class_hits = [h for h in hits if h.guard_class is guard_class]
        if class_hits:
            _weigh(parsed, guard_class, class_hits, targets, findings)
    _check_semantics(parsed, findings)
    _check_completeness(parsed, request, findings)
    return _verdict(findings)


def parse(request: GuardRequest) -> Request:
    raw = (request.category or "").strip().lower().replace("-", "_").replace(" ", "_")
    category = CATEGORY_ALIASES.get(raw, raw)
    crime_type = normalize(request.crime_type)
    justification = normalize(request.justification)
    extra = () if category in CATEGORY_ALIASES.values() else normalize(request.category).tokens
    text = Normalized((*extra, *crime_type.tokens, *justification.tokens))
    specific = category in _NON_CRIME_USES or crimes.names_specific_crime_type(crime_type)
    return Request(
        category=category,
        crime_type=crime_type,
        justification=justification,
        text=text,
        specific_crime=specific,
        names_crime=specific or crimes.names_crime(text),
    )


def _weigh(
    parsed: Request,
    guard_class: GuardClass,
    hits: list[Hit],
    targets: Targets,
    findings: Findings,
) -> None:
    rule = f"{guard_class.value}.lexicon"
    reason = f"it concerns {guard_class.label} ({guard_class.clause})"
    # One hit framed as the scene or victim of the crime frames the class's other words too
    # ("burglary of the church office ... on the parish camera").
    framed = parsed.category in _NON_CRIME_USES or any(
        _incidental(parsed.text, hit) for hit in hits
    )
    decisions = [_hit_decision(parsed, hit, targets, framed) for hit in hits]
    if Decision.DENY in decisions:
        findings.add(Decision.DENY, rule, reason)
    elif Decision.REVIEW in decisions:
        findings.add(Decision.REVIEW, rule, reason)


@dataclass(frozen=True)
class Targets:
    """Where the request makes a group (``group``) or a person (``person``) its object."""

    group: list[tuple[int, int]]
    person: list[tuple[int, int]]

    def around(self, hit: Hit) -> tuple[bool, bool]:
        """(group, person) targets other than the sensitive words themselves."""

        def outside(spans: list[tuple[int, int]]) -> bool:
            return any(not (s >= hit.start and e <= hit.end) for s, e in spans)

        return outside(self.group), outside(self.person)


def _incidental(text: Normalized, hit: Hit) -> bool:
    return crimes.crime_next_to(text, hit.start, hit.end) or crimes.scene_next_to(
        text, hit.start, hit.end
    )


def _hit_decision(parsed: Request, hit: Hit, targets: Targets, framed: bool) -> Decision:
    """What one lexicon hit calls for, given how the request frames it.

    With no crime named, a prohibited term denies. With a crime named, a term alone is not
    enough to deny (the place or person may be the scene or the victim): it takes a target cue
    (a group, or someone's movements or status, as the object of the search) as well; without
    one the request goes to review, or runs when the framing shows the term is incidental.
    """
    text = parsed.text
    if _negated(text.words, hit.start):
        return Decision.ALLOW if parsed.specific_crime else Decision.REVIEW
    incidental = _incidental(text, hit)
    group, person = targets.around(hit)
    if hit.kind is not Kind.CONTEXT:
        return _matter_decision(parsed, hit, group or person)
    if parsed.specific_crime:
        if group:
            return Decision.REVIEW if incidental else Decision.DENY
        if person and not incidental:
            return Decision.REVIEW
        # A sensitive place or person that the request does not frame as the crime's scene or
        # victim is looked at by a supervisor: a crime code alone does not make it incidental.
        return Decision.ALLOW if framed else Decision.REVIEW
    if parsed.names_crime:
        if group or person:
            return Decision.DENY
        return Decision.ALLOW if incidental else Decision.REVIEW
    if group or person or crimes.weak_target(text):
        return Decision.DENY
    return Decision.REVIEW


def _matter_decision(parsed: Request, hit: Hit, targeted: bool) -> Decision:
    """The prohibited matter itself ("immigration status", "ICE", "sell the data")."""
    if not parsed.specific_crime:
        return Decision.DENY
    if targeted:
        return Decision.DENY
    # "men posing as ICE agents", "threatened to have her deported": done to the victim.
    if crimes.softened(parsed.text, hit.start, hit.end):
        return Decision.ALLOW
    return Decision.REVIEW


def _negated(words: tuple[str, ...], start: int) -> bool:
    return any(w in _NEGATIONS for w in words[max(0, start - _NEGATION_WINDOW) : start])


def _check_semantics(parsed: Request, findings: Findings) -> None:
    """Paraphrases that use none of the lexicon's words (layer 4)."""
    sim = similarity(parsed.text.words)
    review_at = SEMANTIC_REVIEW_WITH_CRIME if parsed.specific_crime else SEMANTIC_REVIEW
    for guard_class in sim.prohibited:
        if f"{guard_class.value}.lexicon" in findings.deny:
            continue
        margin = sim.margin(guard_class)
        rule = f"{guard_class.value}.semantic"
        reason = f"it reads like {guard_class.label} ({guard_class.clause})"
        if margin >= SEMANTIC_DENY and not parsed.names_crime:
            findings.add(Decision.DENY, rule, reason)
        elif margin >= review_at:
            findings.add(Decision.REVIEW, rule, reason)


def _check_completeness(parsed: Request, request: GuardRequest, findings: Findings) -> None:
    if not parsed.category:
        findings.add(Decision.REVIEW, "purpose.missing", "no purpose was given (DUP §2)")
    elif not parsed.authorized_category:
        findings.add(
            Decision.REVIEW,
            "purpose.unknown",
            "the purpose is not one of the authorized uses (DUP §2)",
        )
    if parsed.category == "criminal_investigation" and not parsed.crime_type.words:
        findings.add(
            Decision.REVIEW,
            "purpose.crime_type_missing",
            "no crime type was given (DUP update, March 2026: a required field)",
        )
    elif parsed.category in {"criminal_investigation", "agency_support"} and not parsed.names_crime:
        findings.add(
            Decision.REVIEW,
            "purpose.no_crime",
            "the request names no crime (DUP §9: each query states the presumed crime)",
        )
    if len(parsed.justification.words) < MIN_JUSTIFICATION_WORDS:
        findings.add(
            Decision.REVIEW,
            "justification.weak",
            "the justification does not say why this search serves the case (DUP update, "
            "March 2026: a required field)",
        )
    if parsed.category == "agency_support" and not (request.agency or "").strip():
        findings.add(
            Decision.REVIEW,
            "beneficiary.missing",
            "support of another agency must name that agency (DUP §2.3)",
        )


def _verdict(findings: Findings) -> Verdict:
    if findings.deny:
        rules = tuple(findings.deny)
        reasons = "; ".join(findings.reasons[r] for r in rules)
        message = (
            "This request is outside the authorized uses of ALPR data and was refused: "
            f"{reasons}. Nothing was searched."
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

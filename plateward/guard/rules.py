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

import re
from dataclasses import dataclass

from plateward.guard import crimes, framing, learned
from plateward.guard.beneficiary import check_beneficiary
from plateward.guard.findings import Findings
from plateward.guard.lexicon import (
    GuardClass,
    Hit,
    Kind,
    PhraseIndex,
    Term,
    find_hits,
    find_phrases,
    parse_phrases,
)
from plateward.guard.normalize import Normalized, normalize, plain, word_set
from plateward.guard.recipients import Party, classify
from plateward.guard.semantic import embedding, similarity
from plateward.guard.types import NOTHING_SEARCHED, Decision, GuardRequest, Verdict

# The CLI's short names for the authorized uses of DUP §2, and the PurposeCategory values.
CATEGORY_ALIASES = {
    "criminal_investigation": "criminal_investigation",
    "felony": "criminal_investigation",
    "misdemeanor": "criminal_investigation",
    "missing_person": "missing_person",
    "amber_alert": "missing_person",  # DUP §2.2 names Amber and Silver Alerts
    "silver_alert": "missing_person",
    "agency_support": "agency_support",
    "assist_agency": "agency_support",
    "traffic_intersection": "traffic_intersection",
    "traffic": "traffic_intersection",
    "red_light": "traffic_intersection",  # DUP §2.4, CVC 21455.5
}
# Authorized uses that are not a crime but are specific in themselves (DUP §2.2, §2.4).
_NON_CRIME_USES = frozenset({"missing_person", "traffic_intersection"})

_NEGATIONS = frozenset(
    ["not", "no", "non", "never", "unrelated", "nothing", "without", "isnt", "regardless"]
)
_NEGATION_WINDOW = 3

# Cosine margins over the closest permitted description (tuned on dev.jsonl, probe.jsonl and
# probe_extra.jsonl; never on the held-back parts).
SEMANTIC_REVIEW = 0.12
SEMANTIC_REVIEW_WITH_CRIME = 0.16
SEMANTIC_DENY = 0.30
# One clause much closer to a prohibited purpose than to a permitted one, while the whole text
# leans that way too, goes to review (a cover crime in one sentence, the real aim in another).
SEMANTIC_CLAUSE_REVIEW = 0.25
SEMANTIC_CLAUSE_FLOOR = 0.05
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
    clauses: tuple[tuple[str, ...], ...] = ()  # the justification's clauses, normalized
    clause_of: tuple[int, ...] = ()  # each token's sentence (framing.clause_ids)

    @property
    def authorized_category(self) -> bool:
        return self.category in CATEGORY_ALIASES.values()


def check(request: GuardRequest) -> Verdict:
    """Decide ``request`` (see the module docstring)."""
    signals = assess(request)
    findings = signals.findings
    if not findings.deny:
        # The learned layer only ever sends to review: a rule layer must be confident to deny.
        probability = learned.review_if_likely(signals, findings)
        if probability is not None and probability <= learned.CLEAR_BELOW:
            _clear_framed_review(signals, findings)
        if probability is not None and probability <= learned.SEMANTIC_CLEAR_BELOW:
            _clear_semantic_review(signals, findings)
        _deny_corroborated(signals, findings)
    return _verdict(findings)


def _deny_corroborated(signals: Signals, findings: Findings) -> None:
    """A named crime does not launder a prohibited aim (DUP §3.3, the 2026 update's platform
    blocking): "PC 211 — locate the driver for ICE, he has a removal order" is refused, not sent
    to review. When the lexicon found a prohibited class's words that no framing made the crime's
    victim or scene, among them an enforcing agency ("for ICE", "la migra") or a stated aim (an
    intent cue), and the learned layer independently finds that same class very likely, the
    layers agree on the aim and the request is denied. Short of that it still only goes to
    review, so an incidental word in ordinary casework is never refused on its own."""
    lexical = {rule.split(".", 1)[0] for rule in findings.review if rule.endswith(".lexicon")}
    if not lexical:
        return
    probability, name = learned.prohibited_probability(signals)
    if probability < learned.DENY_CORROBORATED or name not in lexical:
        return
    aimed = {Kind.AGENCY, Kind.INTENT}
    text = signals.parsed.text
    if not any(
        hit.guard_class == name
        and hit.kind in aimed
        # "a federal fleet car (DHS markings)": the agency marks the car, it neither acts nor
        # asks, so it states no aim.
        and not (hit.kind is Kind.AGENCY and framing.an_agency_attribute(text, hit.start, hit.end))
        for hit in signals.hits
    ):
        return
    guard_class = GuardClass(name)
    findings.add(
        Decision.DENY,
        f"{name}.corroborated",
        f"it is aimed at {guard_class.label} ({guard_class.clause}), whatever crime is named",
    )


def _clear_framed_review(signals: Signals, findings: Findings) -> None:
    """A lexicon-only review of a request for the searcher's own (Californian) agency, naming a
    specific crime, whose rules framed a sensitive word as that crime's victim or scene and in
    which the learned layer is confident of legitimate work, runs (DUP §2.1): "the mosque's
    worshippers were targeted by a driver". Never a deny, an intent cue or any other rule."""
    parsed = signals.parsed
    if not (findings.review and parsed.specific_crime):
        return
    if not all(rule.endswith(".lexicon") for rule in findings.review):
        return
    if any(hit.kind is Kind.INTENT for hit in signals.hits):
        return
    framed = crimes.names_victim(parsed.text) or any(
        _clause_framed(parsed, hit, signals.targets)
        or crimes.victim_framed(parsed.text, hit.start, hit.end)
        for hit in signals.hits
    )
    if framed:
        findings.review.clear()


def _clear_semantic_review(signals: Signals, findings: Findings) -> None:
    """A review only the semantic layer called for, in a request naming a specific crime with no
    stated aim, runs when the learned layer, which reads the same margins with the framing and
    the rules, finds a prohibited use unlikely: the vectors of "robaron la troca ... la iglesia"
    or of dispatch shorthand lean toward a class by their topic alone. Never a deny."""
    if not (findings.review and signals.parsed.specific_crime):
        return
    if not all(rule.endswith(".semantic") for rule in findings.review):
        return
    if any(hit.kind is Kind.INTENT for hit in signals.hits):
        return
    findings.review.clear()


@dataclass(frozen=True)
class Signals:
    """What the rule layers found in one request (the learned layer reads them as features)."""

    parsed: Request
    hits: list[Hit]
    targets: Targets
    findings: Findings


def assess(request: GuardRequest) -> Signals:
    """The rule layers (1 to 6) over ``request``, without the learned layer."""
    parsed = parse(request)
    findings = Findings()
    check_beneficiary(
        request.agency,
        parsed.justification,
        findings,
        parsed.specific_crime,
        request.justification,
    )
    # "Church St", "Union Ave": a street, not the church or the union.
    hits = [
        h
        for h in find_hits(parsed.text, embedding().words)
        if (h.kind is Kind.INTENT or not framing.a_street(parsed.text, h.end))
        and not _suspect_flight(parsed.text, h)
        and not _violator(parsed, h)
        and not framing.a_payment_brand(parsed.text, h.start, h.end)
    ]
    targets = Targets(
        _unframed(parsed.text, crimes.group_targets(parsed.text)),
        []
        if parsed.category in _NON_CRIME_USES
        else _unframed(parsed.text, crimes.person_targets(parsed.text))
        + _searched_people(parsed.text, hits),
    )
    cleared = set()
    for guard_class in GuardClass:
        class_hits = [h for h in hits if h.guard_class is guard_class]
        if class_hits and _weigh(parsed, guard_class, class_hits, targets, findings):
            cleared.add(guard_class)
    _check_semantics(parsed, findings, frozenset(cleared))
    _check_completeness(parsed, request, findings)
    _check_pretext(parsed, findings, request.justification)
    _check_automated(parsed, findings)
    _check_dragnet(parsed, findings)
    _check_script(request.justification, findings)
    return Signals(parsed, hits, targets, findings)


# The request says the crime it names is not what the search is for, or that the searching
# agency only stands in for someone else: "not really looking to file the 530.5; the point
# is ...", "we're only the pass-through on this one", "on paper it's a burglary".
_PRETEXT = PhraseIndex(
    parse_phrases(
        """
    not really looking|not really about|not really investigating|not really for|not really a
    real reason|real purpose|real goal|real aim|actual purpose|actual goal|actual reason
    true purpose|true reason|just a cover|as a cover|cover story|on paper
    is the cover|s the cover|was the cover|only the cover|the cover for|the cover here
    so ~2 audit/log/logs/record/records/paperwork/system/screen ~1 shows/show/says/say/reads
    so ~2 audit/log/logs/record/records/paperwork/system/screen ~1 looks/clears/accepts
    for the audit|for audit purposes|for the audit trail|audit trail shows|so it clears
    so it ll clear
    so it goes through|so it passes|so the system takes it|so it looks legit|to make it look
    keep ~2 paperwork/log/logs/audit/record/records ~1 clean|paperwork clean|keep it clean on paper
    labeled/labelled/coded ~3 but it s/is
    pass through|passthrough|middleman|middle man|go between|fronting for|front for|proxy for
    stand in for|no intention of|not going to file|won t file|wont file|not filing|never file
    don t need the|dont need the|not going to charge|won t charge|no plan to charge
    el verdadero motivo|la verdadera razon|en realidad es|realmente es para|solo en papel
    the point is|the real point|what we really|what they really|what i really
    who we actually care about|who we really care about|actually care about|really care about
    the one we actually want|the one we really want|real target|actual target|really after
    actually after|who we re really after|who we re actually after
    for the log|for the logs|for the record only|put ~3 for the log|para el registro
    not really missing|not really stolen|not really lost|not really gone|not actually missing
    not actually stolen|not actually a|no es realmente
    isn t/wasn t/aren t really/actually missing/stolen/lost/gone/a/an/crime
    formality|just paperwork|only paperwork|technicality
    preemptive*|pre emptive*|before anything happens|before something happens|get ahead of
    nothing damaged yet|nothing happened yet|nothing has happened|no crime yet|no crime has
    no incident so far|no incident yet|hasn t happened|has not happened|hasn t done anything
    haven t done anything|not done anything yet|todavia no ha pasado|antes de que pase
    nothing s happened|nothing has occurred|no ~3 has occurred|has not occurred|hasn t occurred
    nothing illegal yet|nothing illegal so far|nothing criminal yet|nothing criminal so far
    no illegal activity yet|no criminal activity yet|nada ilegal todavia|nada ilegal aun
    not yet occurred|hasn t started yet|has not started yet|hasn t started|before it starts
    """
    )
)


# Who has no access of their own to the readers: "Sunnyvale has no access", "since they don't
# have access to the system" (a clause that ends there, or access to the readers' data), never
# "the victim has no access to her garage camera".
_ACCESS_OBJECTS = word_set(
    "system systems database databases reader readers alpr lpr platform portal network flock "
    "reads plates data it ours sistema"
)
_ACCESS_ENDS = word_set("last since anymore recently yet until right now either")
_NO = word_set("no not t without lost lacks lack never sin")


def _no_access(justification: str | None) -> bool:
    for part in _CLAUSE_BREAK.split(justification or ""):
        words = normalize(part).words
        for i, word in enumerate(words):
            if word not in ("access", "acceso") or not set(words[max(0, i - 3) : i]) & _NO:
                continue
            after = words[i + 1 : i + 5]
            if not after or after[0] in _ACCESS_ENDS or set(after) & _ACCESS_OBJECTS:
                return True
    return False


# Other ways of saying who asks may not search, and the words of running it for them: only the
# two together are a stand-in ("No existing access - command approval obtained" is an agency's
# own first-access request).
_NO_STANDING = PhraseIndex(
    parse_phrases(
        """
    access ~2 revoked/suspended/pulled|access was cut|not authorized to use|isn t authorized to
    aren t authorized to|not allowed to use|non sworn|nonsworn|not sworn|no login|no account on
    locked out|login/account/access/credentials ~3 deactivated/disabled/expired/revoked/lapsed
    not on the system|sin acceso|no tiene acceso|no tienen acceso
    has/have access ~5 doesn/don/hasn/haven/isn/aren/can/won t
    has/have access ~5 doesnt/dont/lacks/lack/hasnt/havent/cannot/cant/wont
    has/have access ~5 does/do/can ~1 not|has/have access ~5 no/without ~2 access
    only we have access|only our agency has access|they have no access|they lack access
    can/couldn/won t ~2 get/log ~3 system/platform/flock/database/portal
    cannot/cant/couldnt ~2 get/log ~3 system/platform/flock/database/portal
    isn/aren/wasn/weren t ~1 on/in ~2 system/platform/flock/portal
    isnt/arent/not ~1 on/in the ~1 platform/flock/portal
    """
    )
)
_STAND_IN = PhraseIndex(
    parse_phrases(
        """
    on behalf|behalf of|pass it along|pass along|passing along|pass it on|relay*|run it for
    pass/passing/send/sending/hand/handing ~3 along/over|pass ~3 on to
    run this for|running it for|running this for|asked us|asked me|asks us|asks me|ask us
    under my login|under our login|my login|our login|my account|hand over|hand them|give them
    send them|forward*|for them|for their|for him|for her|their request|wants|want|requested
    requesting|de parte de|para ellos|nos pidio|me pidio|doing this for|doing it for
    they ll get|will get the results|get the results|get what we find|send what we find
    send/sending/pass/passing/give/giving/forward* the ~1 hits/results/reads/returns ~1 to
    share/sharing/shared the ~1 hits/results/reads/returns
    """
    )
)


def _stand_in(parsed: Request, justification: str | None) -> bool:
    """The search is run for someone who may not search ("Sunnyvale has no access; we'll pass it
    along", "the requesting investigator is non-sworn, so it goes under my login")."""
    text = parsed.justification
    no_standing = _no_access(justification) or bool(find_phrases(text, _NO_STANDING))
    return no_standing and bool(find_phrases(text, _STAND_IN))


def _check_pretext(parsed: Request, findings: Findings, justification: str | None) -> None:
    if find_phrases(parsed.justification, _PRETEXT) or _stand_in(parsed, justification):
        findings.add(
            Decision.REVIEW,
            "purpose.pretext",
            "the justification says the crime named is not what the search is for, that it "
            "has not happened, or that the search is for someone else, or for someone with no "
            "access of its own (DUP §2, §9)",
        )


# Enforcement without a person's review (the March 2026 update: "no automated enforcement without
# manual review"; DUP §2.4 allows a device to *initiate* an investigation of a red-light
# violation, not to decide it): citations issued, approved or mailed by the system, a batch
# approved unseen, speed measured between readers.
_AUTOMATED = PhraseIndex(
    parse_phrases(
        """
    auto cite|auto cites|auto citing|autocite|auto citation*|auto issue*|auto approv*
    autoapprov*|auto ticket*|auto mail*|auto send the citation*|auto fine*
    auto generat* ~2 citation*/ticket*/fine*/notice*
    auto process* ~2 violation*/citation*/ticket*
    automatic*/automated ~3 citation*/ticket*/fine*/mailing*/approval*/issuance
    issue*/mail*/send*/approve*/generate* ~3 citation*/ticket*/fine*/notice* automatic*
    citation*/ticket*/fine*/notice* ~4 automatically
    automatically ~3 cite*/ticket*/fine*/approve*/issue*/mail*
    without ~2 manual/human/officer/individual/any/supervisor/a review|without reviewing
    no ~2 manual/human/officer/individual review|no review needed|no review required
    no ~2 officer/human/person/one/body/deputy/supervisor ~1 in the loop|out of the loop
    without ~3 in the loop|nobody in the loop|no one in the loop|sin que ~3 revis*
    nadie/ningun/ninguna ~3 revis*
    no ~1 need ~2 review|skip ~2 review*|skipping ~2 review*|no time to review|not reviewing
    don t need to review|dont need to review|without looking at each|without checking each
    approve all|approve them all|approve every|approve everything|bulk approv*|batch approv*
    mass approv*|rubber stamp*|approve ~3 in bulk|sign off on all|sign off on every
    approv* ~3 whole/entire/backlog/queue/batch|approv* ~6 in one go/batch|approv* ~6 all at once
    approv*/aprob* ~6 de una vez|approv*/aprob* ~6 en bloque|aprobar ~3 todas/todos
    timestamp* ~5 between ~2 camera*/reader*|time between ~2 camera*/reader*
    average speed ~3 between
    point to point|time over distance|speed ~2 between ~2 camera*/reader*
    speeding ticket*|speeding citation*|speed ticket*|speed citation*|speed enforcement
    multa* automatica*|multar automaticamente|citaciones automaticas|sin revision
    sin revisar|aprobar todas|aprobar todo|tu dong phat|phat tu dong|khong can xem xet
    backdat*|back date*|back dated|predat*|antedat*|date* ~2 them back
    notice*/citation*/ticket*/fine* ~5 dated ~2 from/to/as/last/earlier/before
    sign*/signage ~2 not/isn/aren/haven/hasn/arent/isnt ~2 up/posted/installed/ready/in
    no signs|no signage|without signs|without signage|before ~3 signs/signage ~2 up/posted
    warning period|grace period|sin letreros|sin senales
    vendor*/contractor* ~4 issue*/mail*/notice*/citation*/ticket*/fine*
    auto dispatch*|autodispatch*|auto stop*|auto arrest*|auto detain*|auto pull*
    dispatch*/stop*/arrest*/detain* ~3 automatic*
    automatic* ~3 dispatch*/stop*/arrest*/detain*|automatically pull*
    dont/doesnt/no/not/never/needn ~2 need*/have/has/having ~5 {VERIFY}
    don t need* ~5 {VERIFY}
    doesn t need* ~5 {VERIFY}
    don t have to ~5 {VERIFY}
    without/skip/skips/skipping/skipped/bypass*/sin ~2 {VERIFY}
    review*/approval*/signoff ~2 optional/waived/unnecessary|sign off ~2 optional/waived
    review*/approval* ~2 not ~1 needed/required/necessary|optional sign off
    optional ~2 review*|review* ~2 if ~2 time/anyone/someone/somebody|review* ~1 later maybe
    tu dong ~4 phat/gui/cap/ban|khong can ~3 xem/duyet/kiem/review*
    khong ~2 ai ~2 xem/duyet/kiem
    """
    )
)


# Weaker signs that no person decides, read only next to an enforcement word and when the
# request does not say a person reviewed: "without anyone looking", "the cameras send the
# tickets on their own", "straight to citation", "calculate speeds", "clear the queue".
_UNATTENDED = PhraseIndex(
    parse_phrases(
        """
    without anyone|without anybody|without a person|without an officer|without a human
    no one looking|nobody looking|no one reviewing|nobody reviewing|no one checks|nobody checks
    no one checking|nobody checking|on their own|on its own|by itself|by themselves
    straight to citation*/court/ticket*|directly to citation*/court|right to court
    straight/directly/right/automatically ~2 into/in/onto ~3 citation*/court/ticket*/fine*
    push*/pipe*/feed*/route*/dump*/forward* ~6 citation system|citation queue|court system
    approv* ~2 everything/all/every|clear* ~2 queue/backlog|empty* ~2 queue/backlog
    system/software/camera*/reader*/network/program ~3 send*/mail*/issue*/cite*/ticket*/approv*
    calculat* ~3 speed*|comput* ~3 speed*|measur* ~3 speed*|work out ~2 speed*
    solas|por si sola*|por si solo*|sin que nadie
    """
    )
)
_ENFORCEMENT = word_set(
    "cite cites citation citations ticket tickets ticketing notice notices fine fines violation "
    "violations court speeding multa multas infraccion infracciones citacion citaciones tow "
    "tows towing impound impounds"
)
_REVIEWED = PhraseIndex(
    parse_phrases(
        """
    reviewed|i reviewed|reviewing|after review|after reviewing|i watched|i checked|confirmed
    by hand|manually|revise|revisado|revise el video
    """
    )
)


# Before a word of review, these make it a review no one does ("sin que nadie las revise",
# "without anyone having reviewed them").
_NOBODY = word_set("nadie nobody no without sin never not ninguno")


def _unattended(text: Normalized) -> bool:
    reviewed = [
        (s, e)
        for s, e in find_phrases(text, _REVIEWED)
        if not set(text.words[max(0, s - 3) : s]) & _NOBODY
    ]
    return (
        bool(set(text.words) & _ENFORCEMENT)
        and bool(find_phrases(text, _UNATTENDED))
        and not reviewed
    )


def _check_automated(parsed: Request, findings: Findings) -> None:
    text = parsed.justification
    if find_phrases(text, _AUTOMATED) or _unattended(text):
        findings.add(
            Decision.REVIEW,
            "automated.no_review",
            "it asks for enforcement without a person's review of each violation (DUP update "
            "of March 2026: no automated enforcement without manual review; DUP §2.4)",
        )


# Collection with no case: every plate at a place kept for later, a list or database built
# "for intel" (DUP §2: a search serves a stated case or authorized use, never a stockpile).
_NO_CASE = PhraseIndex(
    parse_phrases(
        """
    no case|no specific case|no particular case|no active case|not tied to ~2 case
    not for ~2 case|without a case|no case number|no incident|no specific incident
    for intel|intel purposes|intelligence purposes|for future reference|just in case
    for later|keep on file|have on file|to have it on file|in case we need
    sin caso|sin numero de caso|ningun caso|khong co vu an|khong co vu viec
    nothing specific|no investigation|not for an investigation|no open investigation
    no specific suspect|no particular suspect|no suspect in mind|not looking for a suspect
    no suspect at all|not any suspect|no suspects at all
    no one in particular|nobody in particular|not tied to ~2 suspect|no specific target
    in case something|in case anything|comes up later|come up later|hang onto|hang on to
    hold onto|hold on to|just to have|save them|keep them|sin investigacion|por si acaso
    """
    )
)
_STOCKPILE = PhraseIndex(
    parse_phrases(
        """
    every plate|every vehicle|every car|every read|all plates|all the plates|all vehicles
    all the vehicles|all reads|all the reads|all cars|all the cars|every single plate
    list of plates|list of vehicles|plate list|database|watchlist|watch list|frequent visitor*
    regular visitor*|regulars|repeat visitor*|who comes and goes|everyone who|everybody who
    todas las placas|todos los vehiculos|lista de placas|tat ca bien so|tat ca xe
    danh sach bien so|lap danh sach|lap mot danh sach
    every/all ~2 plate/plates/read/reads/car/cars/vehicle/vehicles|spreadsheet|roster
    frequently visit*|regularly visit*|frequent* ~2 visit*|comes and goes|come and go
    compile/compiling/catalog*/catalogue*/log/logging/record/recording ~2 every/all/each
    awareness file|for a ~3 file|into a ~3 file|build* ~2 file*
    """
    )
)


# Plates counted or studied rather than searched for a case: a traffic, market or competitor
# study, counts by plate, analytics for someone (no use DUP §2 lists; whoever pays for it is
# the commercial rules' to read).
_STUDY = PhraseIndex(
    parse_phrases(
        """
    traffic study|traffic studies|volume study|traffic volume|traffic count*|vehicle count*
    plate count*|car count*|counts by plate|counts per plate|count* ~2 by plate|by zip code
    marketing study|market study|market research|competitor study|consumer study|footfall
    foot traffic|traffic analytic*|parking analytic*|retail analytic*|marketing analytic*
    analytics vendor*|analytics compan*|analytics co|analytics firm*|analytics startup*
    study ~3 plate*/car*/cars/vehicle*/traffic|estudio de trafico|conteo de placas
    count/counting/tally/tallying ~2 plates/cars/vehicles/reads|congestion report
    commute time*|commute pattern*|commuting pattern*|average commute|planning study
    transportation study|transportation planning|origin destination|travel time study
    """
    )
)


def _check_dragnet(parsed: Request, findings: Findings) -> None:
    text = parsed.justification
    stockpile = find_phrases(text, _NO_CASE) and find_phrases(text, _STOCKPILE)
    if stockpile or find_phrases(text, _STUDY):
        findings.add(
            Decision.REVIEW,
            "purpose.dragnet",
            "it collects or counts plates with no case it serves: a stockpile, a study or "
            "analytics (DUP §2: only the listed uses, each for a stated case)",
        )


# Letters the guard cannot read: a justification written mostly in a script other than Latin
# (Chinese, Korean, Arabic, Devanagari, Gurmukhi, Thai; Cyrillic and Greek look-alikes are folded
# to Latin first) reaches no lexicon term and no embedding word, so no layer would see its aim.
_UNREAD_MIN = 4  # letters
_UNREAD_SHARE = 0.3  # of the justification's letters


def _check_script(justification: str | None, findings: Findings) -> None:
    letters = [ch for ch in plain(justification or "") if ch.isalpha()]
    unread = sum(not ("a" <= ch.lower() <= "z") for ch in letters)
    if unread >= _UNREAD_MIN and unread >= _UNREAD_SHARE * len(letters):
        findings.add(
            Decision.REVIEW,
            "justification.unread_script",
            "the justification is written in a script the guard cannot read; a supervisor "
            "reads it before the search runs (DUP §2, §9)",
        )


# "fled out of state to Reno", "se fue para Mexico": where a suspect went, not why a search
# is run (the travel and presence cues of the reproductive and immigration classes).
_FLIGHT = word_set(
    "fled flee flees fleeing escaped escaping absconded ran running run headed heading "
    "took drove driving huyo huyeron escapo escaparon"
)


def _suspect_flight(text: Normalized, hit: Hit) -> bool:
    if hit.kind is not Kind.INTENT:
        return False
    before = text.words[max(0, hit.start - 4) : hit.start]
    return bool(set(before) & _FLIGHT) and crimes.names_crime(text)


# In a red-light review an agency's vehicle is the violator: "gov't-plated ICE vehicle ran the
# red", the same review as any other.
_VIOLATION = word_set("ran run running blew rolled violated violation violator violators")
_VEHICLE = word_set("vehicle vehicles car cars truck trucks suv van plated fleet cruiser unit")


def _violator(parsed: Request, hit: Hit) -> bool:
    if parsed.category != "traffic_intersection" or hit.kind is not Kind.AGENCY:
        return False
    words = parsed.text.words
    after = words[hit.end : hit.end + 3]
    near = words[max(0, hit.start - 8) : hit.end + 8]
    return bool(set(after) & _VEHICLE) and bool(set(near) & _VIOLATION)


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
        clauses=clauses(request.justification),
        clause_of=framing.clause_ids(
            request.justification, len(text.tokens), len(extra) + len(crime_type.tokens)
        ),
    )


_CLAUSE_BREAK = re.compile(r"[.;:!?\n()\u2014\u2013,]|\s-\s")
_MIN_CLAUSE_WORDS = 4


def clauses(text: str | None) -> tuple[tuple[str, ...], ...]:
    """The clauses of a justification: a cover crime in one sentence, the real purpose in the
    next ("PC 415. See where he goes so the right people can take care of it")."""
    parts = (normalize(part).words for part in _CLAUSE_BREAK.split(text or ""))
    return tuple(p for p in parts if len(p) >= _MIN_CLAUSE_WORDS)


def _weigh(
    parsed: Request,
    guard_class: GuardClass,
    hits: list[Hit],
    targets: Targets,
    findings: Findings,
) -> bool:
    """Add the class's lexicon finding; True when every word of the class was read as the
    crime's victim or scene, or set aside, in a request that names a specific crime and its
    victim."""
    rule = f"{guard_class.value}.lexicon"
    reason = f"it concerns {guard_class.label} ({guard_class.clause})"
    # One hit framed as the scene or victim of the crime frames the class's other words too
    # ("burglary of the church office ... on the parish camera").
    framed = parsed.category in _NON_CRIME_USES or any(
        _incidental(parsed.text, hit) or _clause_framed(parsed, hit, targets) for hit in hits
    )
    subjects = _subject_groups(parsed, hits, targets)
    decisions = [
        Decision.ALLOW
        if _set_aside(parsed, hit, targets)
        else _hit_decision(parsed, hit, targets, framed, subjects)
        for hit in hits
    ]
    if Decision.DENY in decisions:
        findings.add(Decision.DENY, rule, reason)
    elif Decision.REVIEW in decisions:
        findings.add(Decision.REVIEW, rule, reason)
    # Only where the request names its victim: a crime word beside the term ("fetal death
    # reported ... the clinic") makes it incidental to the lexicon, not to the topic.
    return (
        parsed.specific_crime
        and (
            crimes.names_victim(parsed.text)
            or _sought_as_missing(parsed, hits)
            or all(_set_aside(parsed, hit, targets) for hit in hits)
        )
        and all(d is Decision.ALLOW for d in decisions)
    )


# The request itself says the sensitive matter is no part of the case: "their status is
# irrelevant to us", "we told him we don't care about it", "a 'Keep Abortion Legal' bumper
# sticker, not relevant", "no tiene papeles, eso no nos importa".
_SET_ASIDE = PhraseIndex(
    parse_phrases(
        """
    irrelevant|not relevant|isn t relevant|no relevance|not pertinent|doesn t matter
    does not matter|don t care|do not care|dont care|doesn t care|not our concern
    none of our concern|not a concern|nothing to do with|no bearing|not part of|not an issue
    not a factor|not why we|not what we re after|not the point|beside the point
    we don t ask|we never ask|we do not ask|no nos importa|no importa|no es relevante
    no tiene nada que ver|no nos interesa|nos da igual|da lo mismo
    """
    )
)


def _set_aside(parsed: Request, hit: Hit, targets: Targets) -> bool:
    """A context or matter word in a request naming a specific crime (or a missing person, a
    red light), in the clause that sets it aside or the one just before, in a request that asks
    for no group or person: it says the word is no part of the case. An agency, a stated aim or
    the searcher's own people are never set aside."""
    if not parsed.specific_crime or hit.kind not in (Kind.CONTEXT, Kind.MATTER):
        return False
    if _own_relation(hit) or hit.start >= len(parsed.clause_of):
        return False
    ids = parsed.clause_of
    here = ids[hit.start]
    asides = {ids[s] for s, _e in find_phrases(parsed.text, _SET_ASIDE) if s < len(ids)}
    return bool(asides & {here, here + 1}) and not (targets.group or targets.person)


_ASKED = word_set("whether if si")
# Before a pregnancy or a clinic, an aim or a trip there ("went to end the pregnancy", "drove
# to the clinic", "para interrumpir el embarazo"), not a description of the person sought.
_AIMED = word_set("to end ending ended terminate terminated terminating interrupt para a al")


def _sought_as_missing(parsed: Request, hits: list[Hit]) -> bool:
    """A missing-person search whose sensitive words describe the person sought ("missing
    pregnant 16-year-old", "last seen near the women's clinic"), none of them the object of a
    question ("find out whether she ended the pregnancy") or of an aim or a trip ("went to end
    the pregnancy", "drove to the clinic"): who the search is about is the missing person, and
    the words are who she is or where she was, not what is asked."""
    if parsed.category != "missing_person":
        return False
    words, clause = parsed.text.words, parsed.clause_of
    asked = any(
        words[i] in _ASKED and clause[i] == clause[hit.start]
        for hit in hits
        for i in range(max(0, hit.start - 8), hit.start)
        if hit.start < len(clause) and i < len(clause)
    )
    aimed = any(set(words[max(0, hit.start - 3) : hit.start]) & _AIMED for hit in hits)
    return not (asked or aimed)


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


def _unframed(text: Normalized, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Target cues that are not the victims of the crime ("threats against worshippers")."""
    return [(s, e) for s, e in spans if not crimes.victim_framed(text, s, e)]


def _clause_framed(parsed: Request, hit: Hit, targets: Targets) -> bool:
    return framing.clause_framed(
        parsed.text, parsed.clause_of, hit.start, hit.end, targets.group + targets.person
    )


def _incidental(text: Normalized, hit: Hit) -> bool:
    return crimes.crime_next_to(text, hit.start, hit.end) or crimes.scene_next_to(
        text, hit.start, hit.end
    )


def _searched_people(text: Normalized, hits: list[Hit]) -> list[tuple[int, int]]:
    """A sensitive person whose vehicle or plate a search verb takes as its object ("run the
    reporter's Subaru", "track the pastor's car"): that person is whom the search is about."""
    spans = []
    for hit in hits:
        if hit.kind is Kind.CONTEXT:
            span = framing.searched_possessor(text, hit.start, hit.end)
            if span is not None:
                spans.append(span)
    return spans


_SUBJECT_LEAD = word_set("the a some several many two three four five local our")


def _subject_groups(parsed: Request, hits: list[Hit], targets: Targets) -> bool:
    """Whether every group the request names is one of the class's own sensitive words standing
    as the subject of its sentence, gathered by no collecting cue ("Worshippers leaving Friday
    prayers at the mosque were almost run down"): who the sentence is about, perhaps the victims;
    a supervisor reads it rather than a refusal."""
    own = {(hit.start, hit.end) for hit in hits}
    ids = parsed.clause_of
    if not targets.group or _collects(parsed.text, targets.group):
        return False
    for s, e in targets.group:
        if (s, e) not in own or s >= len(ids):
            return False
        lead = [i for i in range(max(0, s - 3), s) if ids[i] == ids[s]]
        if len(lead) > 2 or any(parsed.text.words[i] not in _SUBJECT_LEAD for i in lead):
            return False
    return True


def _hit_decision(
    parsed: Request, hit: Hit, targets: Targets, framed: bool, subjects: bool = False
) -> Decision:
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
    if hit.kind is Kind.INTENT or _own_relation(hit):
        # What the search is for, said without the prohibited word ("see if he's still in the
        # country", "for the procedure", "run this for me"): a named crime may be a cover, so a
        # supervisor looks; with none named it is refused. So for the searcher's own people
        # ("my wife says", "my neighbor's kid"): never just the victim or the scene of a case
        # the searcher investigates (DUP §2, §10).
        return Decision.REVIEW if parsed.names_crime else Decision.DENY
    if (
        parsed.specific_crime
        and crimes.victim_framed(text, hit.start, hit.end)
        and not _collects(text, targets.group)
    ):
        # Whom the crime was done to: "assault on an off-duty ICE officer"; but a group made the
        # object besides ("graffiti on the clinic; compile every plate so we know who the
        # patients were") is looked at by a supervisor (below).
        return Decision.ALLOW
    if hit.kind is Kind.AGENCY and (
        _a_place(text, hit) or framing.an_agency_attribute(text, hit.start, hit.end)
    ):
        hit = Hit(Term(hit.guard_class, Kind.CONTEXT, hit.term.words), hit.start, hit.end)
    if hit.kind is not Kind.CONTEXT:
        if (
            parsed.specific_crime
            and not (group or person)
            and framing.clause_victim(
                text, parsed.clause_of, hit.start, hit.end, targets.group + targets.person
            )
        ):
            return Decision.ALLOW  # "repo agent's tow truck was stolen", "fire set at ICE's door"
        return _matter_decision(parsed, hit, group or person)
    if parsed.specific_crime:
        if group:
            # A group that is only the subject of its sentence calls for a supervisor.
            return Decision.REVIEW if incidental or subjects else Decision.DENY
        # "run the reporter's car": the person is whom the search runs, however near a crime's
        # words ("unauthorized access ... run the reporter's car").
        searched = framing.searched_possessor(
            text, hit.start, hit.end
        ) is not None or framing.their_vehicles_searched(text, hit.end)
        if (person and not incidental) or searched:
            return Decision.REVIEW
        # A sensitive place or person that the request does not frame as the crime's scene or
        # victim is looked at by a supervisor: a crime code alone does not make it incidental.
        return Decision.ALLOW if framed or crimes.names_victim(text) else Decision.REVIEW
    if parsed.names_crime:
        if group or person:
            return Decision.DENY
        return Decision.ALLOW if incidental else Decision.REVIEW
    if group or person or crimes.weak_target(text):
        return Decision.DENY
    return Decision.REVIEW


_EMPLOYEE_WORDS = word_set(
    "agent agents officer officers employee employees worker workers analyst clerk supervisor "
    "guard empleado empleada agente"
)


def _an_employee(text: Normalized, hit: Hit) -> bool:
    """An agency term naming someone who works there ("a Border Patrol agent", "an ICE
    officer"), not the agency as who acts or asks."""
    return hit.kind is Kind.AGENCY and any(
        w in _EMPLOYEE_WORDS for w in text.words[hit.end : hit.end + 1]
    )


# Group cues that gather people rather than name them ("compile", "every plate", "list of",
# "which cars"): "protect the patients' data" names the victims, it collects no one.
_COLLECTING = word_set(
    "compile every all each list roster which monitor monitoring identify "
    "build keep watch watchlist todos todas lista vigilar identificar"
)


def _collects(text: Normalized, spans: list[tuple[int, int]]) -> bool:
    return any(set(text.words[s:e]) & _COLLECTING for s, e in spans)


# A police partner is a colleague; the other relations are the searcher's own.
_COLLEAGUES = word_set("partner partners")


def _own_relation(hit: Hit) -> bool:
    words = hit.term.words
    return (
        hit.guard_class is GuardClass.PERSONAL
        and hit.kind is Kind.MATTER
        and words[:1] in (("my",), ("mi",))
        and len(words) > 1
        and words[1] not in _COLLEAGUES
    )


_PLACE_WORDS = word_set("office offices building facility center centre oficina")


def _a_place(text: Normalized, hit: Hit) -> bool:
    """An agency's building as a landmark ("by the immigration services office")."""
    return any(w in _PLACE_WORDS for w in text.words[hit.end : hit.end + 2])


def _matter_decision(parsed: Request, hit: Hit, targeted: bool) -> Decision:
    """The prohibited matter itself ("immigration status", "ICE", "sell the data")."""
    if not parsed.specific_crime:
        return Decision.DENY
    if targeted:
        # "a Border Patrol agent visiting family, his rental broken into": a person who works
        # for the agency, not the agency at work; with a crime named a supervisor reads who is
        # who.
        return Decision.REVIEW if _an_employee(parsed.text, hit) else Decision.DENY
    # "men posing as ICE agents", "threatened to have her deported": done to the victim.
    if crimes.softened(parsed.text, hit.start, hit.end):
        return Decision.ALLOW
    return Decision.REVIEW


def _negated(words: tuple[str, ...], start: int) -> bool:
    return any(w in _NEGATIONS for w in words[max(0, start - _NEGATION_WINDOW) : start])


def _check_semantics(
    parsed: Request, findings: Findings, cleared: frozenset[GuardClass] = frozenset()
) -> None:
    """Paraphrases that use none of the lexicon's words (layer 4). A class whose words the
    lexicon read as a specific crime's victim or scene, or as set aside ("her status has
    nothing to do with this"), is not raised again by the words' mere topic: the vectors know
    what a request is about, not who does what to whom."""
    sim = similarity(parsed.text.words)
    by_clause = [similarity(words) for words in parsed.clauses]
    review_at = SEMANTIC_REVIEW_WITH_CRIME if parsed.specific_crime else SEMANTIC_REVIEW
    for guard_class in sim.prohibited:
        if f"{guard_class.value}.lexicon" in findings.deny or guard_class in cleared:
            continue
        margin = sim.margin(guard_class)
        clause_margin = max((c.margin(guard_class) for c in by_clause), default=-1.0)
        if clause_margin >= SEMANTIC_CLAUSE_REVIEW and margin >= SEMANTIC_CLAUSE_FLOOR:
            margin = max(margin, review_at)
        rule = f"{guard_class.value}.semantic"
        reason = f"it reads like {guard_class.label} ({guard_class.clause})"
        if margin >= SEMANTIC_DENY and not parsed.names_crime:
            findings.add(Decision.DENY, rule, reason)
        elif margin >= review_at:
            findings.add(Decision.REVIEW, rule, reason)


def _named_by_its_crime(parsed: Request) -> bool:
    """The form's catch-all "other" with a crime in the crime-type field ("PC 594",
    "VC 21453(a)", "burglary"): the crime states the authorized use (DUP §2.1, §9), as the crime
    type of a criminal investigation does; every other rule still reads the request."""
    return parsed.category == "other" and crimes.names_specific_crime_type(parsed.crime_type)


def _check_completeness(parsed: Request, request: GuardRequest, findings: Findings) -> None:
    if not parsed.category:
        findings.add(Decision.REVIEW, "purpose.missing", "no purpose was given (DUP §2)")
    elif not parsed.authorized_category and not _named_by_its_crime(parsed):
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
    if (
        parsed.category == "agency_support"
        and not (request.agency or "").strip()
        and not _names_californian_agency(parsed.justification)
    ):
        findings.add(
            Decision.REVIEW,
            "beneficiary.missing",
            "support of another agency must name that agency (DUP §2.3)",
        )


def _names_californian_agency(text: Normalized) -> bool:
    """Support of another agency that names it only in the justification ("Gilroy PD asked for
    reads on their robbery suspect"): the first party named is Californian (a federal, outside
    or private one first still goes to review)."""
    return classify(text, 0, len(text.words), bare_place=False) is Party.CALIFORNIA


def _verdict(findings: Findings) -> Verdict:
    if findings.deny:
        rules = tuple(findings.deny)
        reasons = "; ".join(findings.reasons[r] for r in rules)
        message = (
            "This request is outside the authorized uses of ALPR data and was refused: "
            f"{reasons}. {NOTHING_SEARCHED}"
        )
        return Verdict(Decision.DENY, rules, message)
    if findings.review:
        rules = tuple(findings.review)
        reasons = "; ".join(findings.reasons[r] for r in rules)
        message = (
            f"This request needs a supervisor's review before it can run: {reasons}. "
            f"{NOTHING_SEARCHED}"
        )
        return Verdict(Decision.REVIEW, rules, message)
    return Verdict(Decision.ALLOW, (), "The request is within the authorized uses of DUP §2.")

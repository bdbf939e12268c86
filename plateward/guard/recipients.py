"""Who receives the results, read from the justification's grammar (pure).

A proxy search rarely fills the agency field: the searcher leaves it empty (their own agency) or
names a California agency, gives a real California crime code, and says in the justification
who the data is for — "pass the hits to CBP", "this is for the Bureau", "Texas DPS requested
the travel history", "so the Marshals can pick him up", "es para la policía de Las Vegas",
"lo pide la fiscalía de Jalisco", "sending them the hits". This module finds the *roles* in
which a party is named and classifies the party, instead of looking for an agency's name near
any hand-off word:

- *destination*: the object of a verb of transfer ("send", "forward", "pass along to", "share
  with", "email", "enviar a", "pasar a") or of the data's movement ("the results go to", "hits
  to", "takes copies back to", "will pick up the printout");
- *requester*: the subject of a verb of asking ("X asked", "X wants", "X emailed"), or the
  agent of "requested by X", "at the request of X", "lo pide X";
- *beneficiary*: "for X", "on behalf of X", "para X", "so X can", "helping out X".

The party is read from the few words of the phrase in that role (cut at a clause boundary) and
classified as federal, outside California, private (an insurer, a bondsman, a reporter, a
repossession or collection company, a private investigator, a landlord, an employer, a security
firm) or Californian. What is not in such a role is only mentioned: the victim ("the victim is an
FBI agent"), the suspect ("fled to Nevada"), a place ("stolen in Phoenix") or an agency that was
notified ("Las Vegas Metro was notified"). A pronoun in the destination role ("sending them the
hits", "hits go to him") stands for the last party named before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from plateward.guard.lexicon import PhraseIndex, find_phrases, parse_phrases
from plateward.guard.normalize import Normalized, normalize, word_set


class Party(StrEnum):
    FEDERAL = "federal"
    OUT_OF_STATE = "out_of_state"
    PRIVATE = "private"
    CALIFORNIA = "california"


class Role(StrEnum):
    DESTINATION = "destination"  # the data is sent, passed, given to them
    REQUESTER = "requester"  # they asked for it
    BENEFICIARY = "beneficiary"  # it is done for them


@dataclass(frozen=True)
class Recipient:
    party: Party
    role: Role
    words: tuple[str, ...]  # the phrase the party was read from


_FEDERAL = PhraseIndex(
    parse_phrases(
        """
    fbi|feds|federales|federal agent*|federal partner*|federal task force|federal agency
    federal agencies|federal officer*|federal investigator*|federal prosecutor*|federal side
    federal government|federal authorit*|dea|atf|usms|us marshal*|u s marshal*|marshal|marshals
    secret service|homeland security|homeland|dhs|hsi|cbp|ero|border patrol|customs and border
    immigration and customs|bureau s|the bureau|uspis|irs|postal inspector*|ausa|us attorney*
    usbp|patrulla fronteriza|la patrulla|seguridad nacional|alguacil federal|alguaciles
    u s attorney*|united states attorney*|la migra|migra|migracion|immigration enforcement
    federal building|federal courthouse|federal case|federal side|agente federal
    agentes federales|policia federal|immigration
    orr|office of refugee resettlement|hhs|health and human services|uscis|ssa oig|irs ci
    immigration agent*|immigration officer*|ice agent*|ice officer*|ice ero
    287 g|287 g partner*|287 g program
    """
    )
)
# "ICE" only when written as an acronym or next to an agency word (ice is also frozen water).
_ICE = "ice"

_OTHER_STATES = """
alabama|alaska|arizona|arkansas|colorado|connecticut|delaware|florida|georgia|hawaii|idaho
illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota
mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york
north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina
south dakota|tennessee|texas|utah|vermont|virginia|washington state|west virginia|wisconsin
wyoming|puerto rico|mexico|mexican|canada|canadian|tijuana|baja|reno|sparks|las vegas|vegas
lvmpd|henderson|carson city|elko|phoenix|tucson|mesa|scottsdale|tempe|chandler|yuma|flagstaff
maricopa|pima|portland|eugene|medford|ashland|klamath|seattle|tacoma|spokane|boise|salt lake
provo|ogden|denver|colorado springs|albuquerque|las cruces|el paso|houston|dallas|austin
san antonio|fort worth|lubbock|nypd|new york city|chicago|detroit|miami|orlando|tampa
jacksonville|atlanta|boston|philadelphia|pittsburgh|baltimore|cleveland|cincinnati|nashville
memphis|louisville|new orleans|st louis|kansas city|oklahoma city|tulsa|omaha|minneapolis
milwaukee|indianapolis|charlotte|raleigh|honolulu|anchorage|washoe|clark county|multnomah
king county|harris county|cook county|miami dade|guadalajara|jalisco|monterrey|nuevo leon
michoacan|sinaloa|culiacan|mexico city|cdmx|oaxaca|puebla|juarez|chihuahua|sonora|hermosillo
ensenada|mexicali|rosarito|guerrero|osp|nhp|azdps|txdps|nvhp|wsp|isp|ohp|nmsp
navajo|navajo nation|tohono o odham|hopi|bia|bureau of indian affairs
"""
_OUT_OF_STATE = PhraseIndex(parse_phrases(_OTHER_STATES))
_STATE_CODES = word_set(
    "al ak az ar co ct de fl ga hi id il in ia ks ky me md ma mi mn ms mo mt ne nv nh nj nm "
    "ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy"
)
_STATE_AGENCIES = word_set(
    "dps hp pd so sp doj dot sheriff police patrol detective detectives deputy deputies trooper "
    "troopers officer officers investigator investigators agent agents"
)

_PRIVATE = PhraseIndex(
    parse_phrases(
        """
    adjuster*|insurer*|insurance|siu|state farm|allstate|geico|progressive|farmers|usaa
    aseguradora*|ajustador*|bondsman|bondsmen|bail bond*|bail agent*|bounty hunter*|repo
    repo company|repo agent*|repossess*|recovery company|recovery agent*|tow company|lender*
    dealership*|dealer|financiera|finance company|private investigator*|private eye*|investigator
    private|pi firm|collection agency|collections|debt collector*|loss prevention|enterprise
    hertz|avis|budget rental|rental company|landlord*|property manager*|attorney|lawyer*|abogado
    employer*|hr|human resources|security firm|security company|security guard*|mall security
    private security|reporter*|journalist*|producer*|news|newspaper|mercury news|chronicle|nbc
    abc|cbs|fox|kqed|ktvu|kron|univision|telemundo|podcast*|blogger*|tv station|periodista*
    cnn|msnbc|reuters|associated press|new york times|washington post|la times|los angeles times
    san jose spotlight|sfgate|kpix|kgo|abc7|nbc bay area|the chronicle|the mercury|the post
    their client|his client|her client|client|family attorney|data broker*|vendor
    law firm*|law office*|legal team|civil attorney*|plaintiff*|personal injury|paralegal*
    process server*|skip tracer*|security contractor*|contractor*|gym|gym chain|fitness club
    creditor*|lienholder*|lien holder*|title company|property management|management company
    apartment complex|hoa|homeowners association|tenant screening|bufete|despacho de abogados
    corporate security|retailer*|franchise|hospital hr|hospital administration|university
    athletics|athletic department|athletics department|compliance office*|parking operator*
    parking company|parking management|auto finance|finance co|finance company|pi|p i
    consultant|consultants|security consultant*|private consultant*
    security director*|director of security|head of security|security manager*|security chief
    chief of security|security team|security department|security staff|security supervisor*
    security officer*|loss prevention manager*|lp manager*|asset protection
    neighbors|neighbours|neighborhood watch|neighbourhood watch|neighborhood association
    nextdoor|whatsapp|facebook|instagram|twitter|tiktok|reddit|social media|group chat
    the public|gmail|yahoo|hotmail|personal email|personal account|vecinos|grupo de vecinos
    """
    )
)
_CALIFORNIA = PhraseIndex(
    parse_phrases(
        """
    california|calif|chp|highway patrol|caltrans|cal fire|cdcr|ca doj|cal doj|sjpd|san jose
    santa clara|sunnyvale|milpitas|campbell|los gatos|gilroy|morgan hill|palo alto|mountain view
    san francisco|sfpd|oakland|fremont|hayward|sacramento|sac pd|los angeles|lapd|lasd
    san diego|sdpd|fresno|stockton|nevada county|district attorney|da s|da|dda
    crime lab|santa cruz|monterey|salinas|alameda|contra costa|san mateo|marin|sonoma|napa
    """
    )
)
# Whose presence in the phrase makes it someone a crime was done to, or who did it: the
# phrase is cut there ("for the suspect in the FBI case" is no beneficiary).
_NOT_A_PARTY = word_set(
    "victim victims complainant complainants suspect suspects sospechoso sospechosa victima "
    "witness witnesses testigo owner owners driver defendant parolee robber thief "
    "car vehicle truck van plate plates carro vehiculo"
)
_VICTIM_OR_SUSPECT = word_set(
    "victim victims complainant complainants suspect suspects sospechoso sospechosa victima "
    "witness witnesses testigo owner owners defendant"
)
_OBJECTS = word_set("it this them these those anything lo la los las")
_SEARCHER = word_set("i we id ill im ive yo voy vamos hay tengo tenemos debo debemos")
_US = word_set("us me our nos")
# An agency told of the case is no recipient ("Las Vegas Metro was notified").
_NOTIFIED = word_set("notified aware informed alerted advised notificado notificada")
# A third person as the subject of a verb of sending: the case's people, not the searcher.
_THIRD_PERSON = word_set("she he ella victim suspect daughter son girl boy mother father")
_PRONOUNS = word_set("them him her el ellos ella les le they he she")
_LAW_ENFORCEMENT = word_set(
    "deputy deputies detective detectives police sheriff pd trooper troopers agent agents "
    "officer officers investigator investigators prosecutor da agency department dps patrol "
    "bureau task force unit division squad crimes policia fiscalia fiscal agente agentes "
    "sergeant partner partners contact liaison guys tfo metro marshal office ranger rangers "
    "ag attorney general det dets sgt lt ofc dep cpl inv analyst analysts fusion"
)

# Verbs that move the data to someone; the party follows "to", "with", "a", "al".
_TRANSFER = word_set(
    "send sends sent sending forward forwards forwarded forwarding pass passes passed passing "
    "give gives gave giving hand hands handed handing share shares shared sharing email emails "
    "emailed emailing text texts texted texting provide provides provided providing deliver "
    "delivers delivered delivering drop mail mailed fax faxed upload uploaded relay relayed "
    "relaying loop fwd fwds fwded fwding compartir comparte compartimos compartelo "
    "enviar envia envie envio mandar manda mande mando mandale pasar pasa paso pasamos "
    "entregar entrega dar damos pasale pasarle pasarselas mandarle enviarle dale darle "
    "entregarle export exports exported exporting dump dumps dumped dumping post posts posted "
    "posting publish publishes published"
)
_TO = word_set("to with a al con 2")
# Published rather than sent: "post the reads on the group chat", "upload them onto the page".
_PUBLISH = word_set("post posts posted posting publish publishes published upload uploaded")
_ON = word_set("on onto en")
# Verbs whose direct object is the recipient: "cc the Arizona detective", "loop in the feds"
# ("copy" is not: "copy the Reno PD report into our file").
_DIRECT = word_set("cc ccd cced loop looping")
# The data itself: "the results go to", "hits to", "takes copies back to".
_DATA = word_set(
    "results result hits hit reads read data printout printouts copies copy csv export "
    "spreadsheet screenshots screenshot info information lecturas resultados informacion datos "
    "everything list lists map maps locations pings history timeline"
)
_MOVE = word_set("go goes going went get gets back straight over along directly")
_AUXILIARY = word_set("will should can are")
_GO = word_set("go goes")  # the data's own verb, after words that qualify it
_RECEIVE = PhraseIndex(
    parse_phrases(
        """
    pick up|picks up|picking up|will pick|take copies|takes copies|taking copies|gets the
    get the results|gets the results|will get|receive|receives|receiving|is waiting|waiting on
    get copies|gets copies|get a copy|gets a copy|get everything|gets everything
    be copied|been copied|copied on|cc d on|ccd on|cced on
    """
    )
)
# The subject of these asks for the search ("Texas DPS requested", "the adjuster is asking").
_ASK = word_set(
    "asked asks ask asking requested requesting request requests wants want wanted needs need "
    "needed like emailed texted reached pide pidio pidieron necesita necesitan quiere quieren "
    "solicito solicita"
)
_ASK_SPANISH = word_set("pide pidio pidieron necesita necesitan quiere quieren solicito solicita")
# "wanted by the feds" is a warrant, not a request.
_WANTED_BY = word_set("wanted")
_BY = PhraseIndex(
    parse_phrases(
        "requested by|request of|at the request of|asked by|on behalf of|on their behalf|"
        "de parte de|a peticion de|a solicitud de|call from|a call from|request from|"
        "email from|text from|requested through|request through|request is from|"
        "request came from|request comes from|requests come from|request is coming from|"
        "actual request|real request|actually for|really for|ultimately for|pass through for|"
        "passthrough for|fronting for|front for|proxy for|middleman for|go between for|"
        "en realidad para|realmente para|referral from|referred by|referral came from"
    )
)
_FOR = word_set("for para")
# A subject named in an earlier clause: the clause starts with its verb ("is running its own
# investigation and asked", "has asked for the reads").
_ELIDED = word_set("is are was were has have had")
_RELATIVE = word_set("who that")
_BE = word_set("is s was are were")
_SO = PhraseIndex(parse_phrases("so|so that|so they|para que|help|helping|helping out|assist*"))
# Before "for", these make it a destination of travel or an employer, not a beneficiary ("left
# for Reno", "the cited driver works for CBP").
_MOTION = word_set(
    "left leaving headed heading bound drove driving departed fled flew moved works work worked "
    "working employed trabaja trabajaba"
)
_NEGATION = word_set("not nothing never no nobody without nada nunca")
_CUT = word_set(
    "since because while when where who whose which that after before but so que porque"
)
# After the party, a relative clause still describes it ("my old partner who's with Portland
# PD now"); before a verb of asking it may be the victim ("the agent who was assaulted wants").
_CUT_AFTER = _CUT - {"who", "whose", "que"}
_PHRASE = 8  # words read for one party after a verb or preposition
_PHRASE_BEFORE = 10  # and before a verb ("the Arizona AG's office is building it and wants")

# Clause breaks (a full stop is read apart, by _clauses).
_ARROW = re.compile(r"-+>|=+>|\u2192|\u27f6")  # "hits -> Nevada DPS"
# A code's subsection is no clause break: "287(g)", "243(e)(1)".
_SUBSECTION = re.compile(r"(?<=\w)\((\w{1,2})\)")
_CLAUSES = re.compile(r"[;:!?\n()\u2014\u2013,]|\s-\s")
_FULL_STOP = re.compile(r"(\w*)\.(?=\s|$)")
# Abbreviations and single letters before a full stop that ends no sentence.
_ABBREVIATIONS = word_set(
    "det sgt lt ofc dep cpl capt cmdr dr mr mrs ms jr sr st ave rd no vs etc inc"
)


def _clauses(text: str) -> list[str]:
    """The clauses of ``text``: cut at clause punctuation, and at a full stop that follows a
    word of two letters or more that is no abbreviation ("U.S.", "h.s.i." and "Det. Nguyen"
    stay whole; "Stolen car. USBP agent asked" is two)."""

    def stop(match: re.Match[str]) -> str:
        word = match.group(1)
        if len(word) >= 2 and word.lower() not in _ABBREVIATIONS:
            return word + "\n"
        return match.group(0)

    return _CLAUSES.split(_FULL_STOP.sub(stop, text))


def _continued(part: str, handed: bool) -> Normalized:
    """A clause; after one that handed something over and named no receiver, "to ..." reads as
    that verb's receiver ("dump the read list for that block, other cars included, to the
    group's admin": the receiver follows an aside)."""
    text = normalize(part)
    if handed and text.words[:1] == ("to",):
        return normalize(f"send {part}")
    return text


@lru_cache(maxsize=256)
def recipients(justification: str | None) -> tuple[Recipient, ...]:
    """The parties the justification names as who asks for, receives or benefits from the
    search (see the module docstring), in order."""
    found: list[Recipient] = []
    last: Recipient | None = None  # the last party named, for a later pronoun
    cleaned = _SUBSECTION.sub(r" \1 ", _ARROW.sub(" to ", justification or ""))
    handed = False  # a clause before handed something over and named no one to receive it
    for part in _clauses(cleaned):
        text = _continued(part, handed)
        if not text.tokens:
            continue
        here: list[Recipient] = []
        for role, start, end, pronoun in _slots(text):
            party = classify(text, start, end, bare_place=role is Role.DESTINATION)
            if party is None and (pronoun or _their_officer(text.words[start:end])):
                # "them", "him" (Spanish "el" is also "the"), "their agent", "su detective"
                named = _named_before(text, start) or last
                if named is not None and role is not Role.REQUESTER:
                    here.append(Recipient(named.party, role, named.words))
                continue
            if party is Party.PRIVATE and role is Role.BENEFICIARY:
                continue  # "for her insurance claim": whose claim, not who gets the data
            if party is not None:
                here.append(Recipient(party, role, text.words[start:end]))
        found.extend(here)
        handed = (handed or bool(set(text.words) & _TRANSFER)) and not here
        if here:
            last = here[-1]
        elif not set(text.words) & (_VICTIM_OR_SUSPECT | _NOTIFIED):
            party = classify(text, 0, len(text.words), bare_place=False) or _case_origin(text)
            if party is not None:
                last = Recipient(party, Role.REQUESTER, text.words)
        elif hired := _hired_by(text.words):
            # "the store owner hired a security consultant": whom the victim hired is a party
            party = classify(text, hired, len(text.words), bare_place=False)
            if party is not None:
                last = Recipient(party, Role.REQUESTER, text.words[hired:])
    return tuple(found)


_POSSESSIVES = word_set("their its his her su sus")
# A clause about the car, a trip or a notice names no case's owner ("stolen out of Phoenix").
_NO_ORIGIN = _NOT_A_PARTY | _NOTIFIED | _MOTION | word_set("stolen fled moved lives lived")


_HIRED = word_set("hired retained engaged contracted brought")


def _hired_by(words: tuple[str, ...]) -> int:
    """Where someone hired by the victim or the owner is named: after the last hiring verb that
    follows a victim, suspect or owner word (0 when none)."""
    people = [i for i, w in enumerate(words) if w in _VICTIM_OR_SUSPECT]
    verbs = [i for i, w in enumerate(words) if w in _HIRED and people and i > people[0]]
    return verbs[-1] + 1 if verbs else 0


# Where a person receives things: "his work email", "her cell", "their inbox".
_CHANNELS = word_set(
    "email emails mail inbox cell phone number account desk mailbox fax drive address text "
    "whatsapp signal telegram correo celular telefono"
)


def _their_officer(words: tuple[str, ...]) -> bool:
    """ "their detective", "its agent", "su detective": someone of the party named before; and
    "his work email", "her cell", "su correo": where that party receives things."""
    return any(
        w in _POSSESSIVES
        and words[i + 1 : i + 2] != ()
        and (words[i + 1] in _LAW_ENFORCEMENT or _CHANNELS & set(words[i + 1 : i + 3]))
        for i, w in enumerate(words)
    )


def _case_origin(text: Normalized) -> Party | None:
    """A case out of a place outside California ("Homicide out of Phoenix", "a case from
    Reno"): the party whose case it is, for a later "their detective" or "email him"."""
    words = text.words
    if set(words) & _NO_ORIGIN:
        return None
    for s, _e, party in _parties(text):
        if party is Party.OUT_OF_STATE and (
            words[max(0, s - 1) : s] == ("from",) or words[max(0, s - 2) : s] == ("out", "of")
        ):
            return party
    return None


def _named_before(text: Normalized, at: int) -> Recipient | None:
    """The party named earlier in the same clause, for a pronoun at ``at`` ("Homeland Security
    has its own case on him and I'm texting them the hits")."""
    if set(text.words[:at]) & _NOTIFIED:
        return None
    # Only before a victim or a suspect: "the family hired a consultant and asked that the
    # hits on the suspect car go to him" (not the suspect's own people).
    first = [i for i, w in enumerate(text.words[:at]) if w in _VICTIM_OR_SUSPECT]
    at = min(first, default=at)
    party = classify(text, 0, at, bare_place=False)
    return None if party is None else Recipient(party, Role.REQUESTER, text.words[:at])


Slot = tuple[Role, int, int, bool]  # role, start, end, and whether the phrase is a pronoun


class _Clause:
    """One clause's words, read for the phrases that name a party in a role."""

    def __init__(self, text: Normalized) -> None:
        self.text = text
        self.words = text.words
        self.slots: list[Slot] = []

    def negated(self, at: int) -> bool:
        return any(w in _NEGATION for w in self.words[max(0, at - 4) : at])

    def after(self, at: int) -> tuple[int, int]:
        """The phrase starting at ``at``, cut at a clause word or a victim, suspect or car."""
        words, end = self.words, at
        while end < len(words) and end - at < _PHRASE and words[end] not in _CUT_AFTER:
            if words[end] in _NOT_A_PARTY:
                if "s" in words[at:end]:
                    return at, at  # "for the Texas trooper's stolen truck": whose, not for whom
                break
            end += 1
        return at, end

    def complement(self, at: int) -> tuple[int, int]:
        """The longer phrase after "is" in "the one who asked is ...": up to twelve words, cut at
        a clause word or a victim, suspect or car ("a task force officer I know from the
        Phoenix DEA office")."""
        words, end = self.words, at
        while end < len(words) and end - at < 12 and words[end] not in _CUT_AFTER:
            if words[end] in _NOT_A_PARTY:
                break
            end += 1
        return at, end

    def before(self, at: int, cut: frozenset[str] = _CUT) -> tuple[int, int]:
        """The phrase ending at ``at``: none when it holds a victim or suspect ("the suspect
        wants", "the FBI agent who is our victim asked")."""
        words, start = self.words, at
        while start > 0 and at - start < _PHRASE_BEFORE and words[start - 1] not in cut:
            start -= 1
        # "the victim's civil attorney wants", "victim business's security contractor asked":
        # whoever speaks for the victim or the suspect is the party, after the possessive.
        owned = [
            i + 1
            for i in range(start, at)
            if words[i] == "s" and set(words[max(start, i - 2) : i]) & _VICTIM_OR_SUSPECT
        ]
        if owned and owned[-1] < at:
            start = owned[-1]
        if any(w in _VICTIM_OR_SUSPECT for w in words[start:at]):
            return at, at
        # "Stolen car. USBP agent asked": the party is after the car.
        things = [i for i in range(start, at) if words[i] in _NOT_A_PARTY]
        return (things[-1] + 1 if things else start), at

    def add(self, role: Role, span: tuple[int, int]) -> None:
        start, end = span
        if end > start:
            pronoun = self.words[start] in _PRONOUNS
            self.slots.append((role, start, end, pronoun))

    def transfer(self, i: int) -> None:
        """ "send the hits to X", "pass along to X", "share with X", "sending them the hits"."""
        words = self.words
        pronoun = words[i + 1 : i + 2] and words[i + 1] in _PRONOUNS
        if pronoun and not set(words[i + 2 : i + 3]) & (_TO | _MOVE):
            if not self._someone_else_sends(i):
                self.add(Role.DESTINATION, (i + 1, i + 2))
            return
        reach = 9 if words[i] in _PUBLISH else 7  # "post the block's reads on the page"
        for j in range(i + 1, min(len(words), i + reach)):
            if words[j] in _CUT:
                break
            if words[j] in _TO or (words[i] in _PUBLISH and words[j] in _ON):
                self.add(self._sender_role(i, j), self.after(j + 1))
                return
        # "I told the Oregon detective I'd run it and pass along anything", "I'll relay the
        # hits": the searcher sends to whoever was named before; only a beneficiary, as the
        # reading is loose. Not "he gave us the plate": that comes to us.
        if set(words[max(0, i - 5) : i]) & _SEARCHER and not set(words[i + 1 : i + 2]) & _US:
            self.slots.append((Role.BENEFICIARY, i, i, True))

    def _someone_else_sends(self, i: int) -> bool:
        """A third person sends a message to someone of theirs ("she texted her sister", "he
        emailed his brother"), no data following: a thing the case's people did, not where the
        search's results go."""
        words = self.words
        subject = set(words[max(0, i - 2) : i])
        if not subject & _THIRD_PERSON or subject & _SEARCHER:
            return False
        return not set(words[i + 2 : i + 6]) & _DATA

    def _sender_role(self, i: int, to: int) -> Role:
        """The data's destination when the data is what moves ("send the hits to", "the results
        were passed to") or the searcher sends ("I'm forwarding it to", "Pass along to");
        otherwise someone else sends something ("victims were being sent to Las Vegas", "the
        suspect sent money to his brother"): at most a beneficiary."""
        words = self.words
        moved = set(words[i + 1 : to]) | set(words[max(0, i - 4) : i])
        if moved & (_DATA | _OBJECTS) or i == 0 or set(words[max(0, i - 5) : i]) & _SEARCHER:
            return Role.DESTINATION
        return Role.BENEFICIARY

    def data_moves(self, i: int) -> None:
        """ "the results go to X", "hits to X", "takes copies back to X"."""
        words, j = self.words, i + 1
        # A few words may qualify the data first: "all hits on the suspect car go to him".
        for k in range(i + 1, min(len(words), i + 7)):
            if words[k] in _CUT or words[k] in _DATA:
                break
            if words[k] in _GO:
                j = k
                break
        while j < len(words) and j - i <= 8 and words[j] in _MOVE | _AUXILIARY:
            j += 1
        if j < len(words) and words[j] in _TO and words[j] != "with":
            self.add(Role.DESTINATION, self.after(j + 1))

    def ask(self, i: int) -> None:
        """ "X asked", "X wants", and the Spanish order "lo pide X"."""
        words = self.words
        if words[i] in _WANTED_BY and words[i + 1 : i + 2] == ("by",):
            return  # "wanted by the feds" is a warrant, not a request
        if words[i] == "like" and words[i - 1 : i] not in (("d",), ("would",)):
            return  # "he'd like" asks; "looks like" does not
        start, end = self.before(i)
        self.add(Role.REQUESTER, (start, end))
        if words[i] in _ASK_SPANISH:
            self.add(Role.REQUESTER, self.after(i + 1))
        if start and words[start - 1] in _RELATIVE:
            # "the person who actually needs this is a task force officer in Phoenix", "the one
            # that wants the reads is ...": who asks is named after the verb "be".
            be = [j for j in range(i + 1, min(len(words), i + 7)) if words[j] in _BE]
            if be:
                self.add(Role.REQUESTER, self.complement(be[0] + 1))
        elif words[0] in _ELIDED and not set(words[:i]) & _VICTIM_OR_SUSPECT:
            # "X, a private security company, is running its own investigation and asked for
            # the reads": the clause starts with its verb, its subject named in an earlier one.
            self.slots.append((Role.BENEFICIARY, i, i, True))

    def read(self) -> list[Slot]:
        words = self.words
        for i, word in enumerate(words):
            if self.negated(i):
                continue
            if word in _TRANSFER:
                self.transfer(i)
            if word in _DIRECT:
                self.add(Role.DESTINATION, self.after(i + 1 + (words[i + 1 : i + 2] == ("in",))))
            if word in _ASK:  # "emailed" both sends and asks
                self.ask(i)
            if word in _DATA:
                self.data_moves(i)
            elif word in _FOR and not (i and words[i - 1] in _MOTION):
                self.add(Role.BENEFICIARY, self.after(i + 1))
        for index, role in ((_BY, Role.REQUESTER), (_SO, Role.BENEFICIARY)):
            for s, e in find_phrases(self.text, index):
                if not self.negated(s):
                    self.add(role, self.after(e))
        for s, _e in find_phrases(self.text, _RECEIVE):
            if not self.negated(s):
                # "their agent is the one who will be receiving it"
                self.add(Role.DESTINATION, self.before(s, cut=_CUT_AFTER))
        return self.slots


def _slots(text: Normalized) -> list[Slot]:
    """(role, start, end, pronoun) for each phrase naming a party in a role."""
    return _Clause(text).read()


@lru_cache(maxsize=256)
def _parties(text: Normalized) -> tuple[tuple[int, int, Party], ...]:
    """Every party's name in ``text`` (start, end, party), found once per clause."""
    words = text.words
    found = []
    for index, party in (
        (_FEDERAL, Party.FEDERAL),
        (_OUT_OF_STATE, Party.OUT_OF_STATE),
        (_PRIVATE, Party.PRIVATE),
        (_CALIFORNIA, Party.CALIFORNIA),
    ):
        for s, e in find_phrases(text, index):
            if not _not_the_agency(words, s, e):
                found.append((s, e, party))
    return tuple(found)


def classify(text: Normalized, start: int, end: int, *, bare_place: bool) -> Party | None:
    """The first party named in ``text.words[start:end]``: federal, outside California,
    private or Californian (None when none). A place outside California names an agency there
    ("our partners in Reno"), or, with ``bare_place``, where the data goes ("back to Nevada")."""
    words = text.words
    matches = [(s, -(e - s), party) for s, e, party in _parties(text) if start <= s and e <= end]
    for i in range(start, end):
        token = text.tokens[i]
        if words[i] == _ICE and (token.acronym or set(words[i + 1 : i + 2]) & _LAW_ENFORCEMENT):
            matches.append((i, -1, Party.FEDERAL))
        elif _state_agency(words, i, end, token.acronym):
            matches.append((i, -2, Party.OUT_OF_STATE))
    if not matches:
        return None
    s, _length, party = min(matches)
    if party is Party.OUT_OF_STATE and not _an_agency_there(words, s, start, end, bare_place):
        return None
    if party is Party.PRIVATE and words[s] in _WEAK_PRIVATE:
        # "investigator", "attorney", "client", "news": a party only next to a private marker.
        near = words[max(start, s - 3) : s] + words[s + 1 : end]
        if not set(near) & _PRIVATE_MARKERS:
            return None
    return party


_WEAK_PRIVATE = word_set(
    "investigator private attorney client news insurance enterprise progressive farmers budget "
    "hr abc cbs fox nbc contractor contractors plaintiff plaintiffs retailer retailers "
    "franchise university pi p consultant consultants"
)
_PRIVATE_MARKERS = word_set(
    "private eye firm company companies agency hired family families landlord landlord s "
    "employer employer s mall insurance adjuster siu investigator claim claims news producer "
    "reporter station loss prevention manager bay area their his her client hr rental "
    "security civil lawsuit law firm business s hired athletics athletic recruit"
)


# "immigration fraud", "an immigration lawyer": the matter, not the agency.
_NOT_THE_AGENCY = word_set(
    "fraud scam consultant consultants notario lawyer lawyers attorney attorneys services "
    "status papers hearing court case cases law clinic office"
)


def _not_the_agency(words: tuple[str, ...], start: int, end: int) -> bool:
    return (
        words[start:end] == ("immigration",)
        and words[end : end + 1] != ()
        and (words[end] in _NOT_THE_AGENCY)
    )


def _state_agency(words: tuple[str, ...], i: int, end: int, acronym: bool) -> bool:
    """ "TX DPS", "NV HP", and the same letters written together ("txdps")."""
    word = words[i]
    if word in _STATE_CODES and acronym and set(words[i + 1 : min(end, i + 2)]) & _STATE_AGENCIES:
        return True
    return len(word) in (4, 5) and word[:2] in _STATE_CODES and word[2:] in _STATE_AGENCIES


# Acronyms that name an agency by themselves ("NYPD", "LVMPD", "TXDPS").
_AGENCY_ACRONYMS = word_set("nypd lvmpd azdps txdps nvhp wsp osp nhp isp ohp nmsp")


def _an_agency_there(
    words: tuple[str, ...], at: int, start: int, end: int, bare_place: bool
) -> bool:
    """A place outside California names a party only as an agency there ("our partners in
    Reno", "Phoenix property crimes", "the Nevada Gaming Control agents"), or as where the
    data goes when it heads the phrase ("takes copies back to Nevada")."""
    if set(words[start:end]) & _LAW_ENFORCEMENT or words[at] in _AGENCY_ACRONYMS:
        return True
    return bare_place and at - start <= 1

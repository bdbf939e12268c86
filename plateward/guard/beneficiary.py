"""Who a search is for: California safety departments only (pure).

DUP §2.3 and §10: data supports local and State safety departments of California, agency by
agency; SB 34 (Civil Code 1798.90.55) forbids sharing with out-of-state or federal agencies, and
the March 2026 update notes that federal agencies have never been able to request the data. A
search run *for* such an agency is a proxy search (the California Attorney General's 2025 suit
against El Cajon), refused whatever crime it names.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from plateward.guard import crimes
from plateward.guard.findings import Findings
from plateward.guard.lexicon import PhraseIndex, find_phrases, parse_phrases
from plateward.guard.normalize import Normalized, normalize, word_set
from plateward.guard.recipients import Party, Role, recipients
from plateward.guard.types import Decision

CLAUSE = "DUP §2.3 and §10; SB 34 (Civil Code 1798.90.55)"


class Beneficiary(StrEnum):
    CALIFORNIA = "california"
    FEDERAL = "federal"
    OUT_OF_STATE = "out_of_state"
    UNKNOWN = "unknown"


_FEDERAL = """
fbi|federal|feds|fed|dea|atf|usms|us marshals|u s marshals|united states marshals|marshals service
us marshal|u s marshal|federal marshal*|secret service|usss|irs|irs ci|internal revenue
homeland security|dhs|ice|hsi|cbp|ero|uscis|ins|border patrol|customs and border
immigration and customs|immigration|department of homeland|tsa|fema|usps|postal inspect*|uspis
postal service|nsa|cia|dod|department of defense|army|navy|air force|marine corps|military
ncis|cid|afosi|coast guard|national guard|bureau of prisons|bop|doj|department of justice
us attorney|u s attorney|united states attorney|ausa|federal bureau|us department|u s department
united states department|us government|u s government|federal government|federal agency
federal agencies|federal task force|hhs|oig|inspector general|us park police|park police
national park service|bia|bureau of indian|bureau of land management|blm rangers|fws
federal protective service|fps|diplomatic security|interpol|europol|federal reserve police
amtrak police|pentagon force protection|la migra|migra|fbi s|feds|drug enforcement
bureau of alcohol|alcohol tobacco|federal bureau of investigation|marshals|customs|us army
"""

# States and state-level names other than California, and their postal codes as written in
# agency names ("TX DPS", "NV Highway Patrol").
_STATES = """
alabama|alaska|arizona|arkansas|colorado|connecticut|delaware|florida|georgia|hawaii|idaho
illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota
mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york
north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina
south dakota|tennessee|texas|utah|vermont|virginia|washington state|west virginia|wisconsin
wyoming|puerto rico|district of columbia|mexico|mexican|canada|canadian|tijuana|baja
"""
_STATE_CODES = word_set(
    "al ak az ar co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm "
    "ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy dc pr"
)
# Words that make a two-letter code an agency's state ("TX DPS", "NV HP").
_AGENCY_WORDS = word_set(
    "dps hp pd so doj dept department police sheriff sheriffs state patrol highway troopers "
    "trooper bureau investigation investigations agency office da ag"
)

# Large cities, counties and agencies outside California that people name without a state.
_OUT_OF_STATE_PLACES = """
reno|sparks|las vegas|lvmpd|henderson|carson city|elko|phoenix|tucson|mesa|scottsdale|tempe
chandler|yuma|flagstaff|maricopa|pima|portland|salem|eugene|medford|ashland|klamath|seattle
tacoma|spokane|bellevue|vancouver wa|boise|salt lake|provo|ogden|denver|aurora co
colorado springs|albuquerque|santa fe nm|las cruces|el paso|houston|dallas|austin|san antonio
fort worth|arlington tx|lubbock|nypd|new york city|chicago|cpd chicago|detroit|miami|orlando
tampa|jacksonville|atlanta|boston|philadelphia|pittsburgh|baltimore|cleveland|columbus oh
cincinnati|nashville|memphis|louisville|new orleans|st louis|kansas city|oklahoma city|tulsa
omaha|minneapolis|st paul|milwaukee|indianapolis|charlotte|raleigh|richmond va|virginia beach
honolulu|anchorage|washoe|clark county|multnomah|king county|harris county|cook county
dade county|miami dade|texas rangers|metro pd las vegas|anchorage pd|juneau
guadalajara|jalisco|monterrey|nuevo leon|michoacan|sinaloa|culiacan|mexico city|cdmx|oaxaca
puebla|juarez|ciudad juarez|chihuahua|sonora|hermosillo|ensenada|mexicali|rosarito|guerrero
"""

_CALIFORNIA = """
california|calif|ca|cal|chp|highway patrol|caltrans|cal fire|calfire|cdcr|ca doj|cal doj|sjpd
san jose|santa clara|sunnyvale|mountain view|palo alto|milpitas|campbell|los gatos|saratoga
cupertino|morgan hill|gilroy|los altos|monte sereno|san francisco|sfpd|oakland|opd|berkeley
fremont|hayward|union city|newark|alameda|san leandro|livermore|pleasanton|dublin|san mateo
redwood city|menlo park|daly city|south san francisco|burlingame|foster city|san bruno
millbrae|belmont|san carlos|pacifica|half moon bay|east palo alto|brisbane|hillsborough
atherton|woodside|portola valley|colma|contra costa|richmond|concord|walnut creek|antioch
pittsburg|san ramon|danville|martinez|pleasant hill|brentwood|el cerrito|san pablo|hercules
pinole|marin|san rafael|novato|sausalito|mill valley|sonoma|santa rosa|petaluma|napa|vallejo
fairfield|vacaville|benicia|solano|sacramento|elk grove|folsom|roseville|citrus heights
rancho cordova|davis|woodland|yolo|placer|auburn|rocklin|lincoln|stockton|san joaquin|lodi
tracy|manteca|modesto|stanislaus|turlock|merced|fresno|clovis|madera|visalia|tulare|hanford
kings county|bakersfield|kern|delano|san luis obispo|paso robles|atascadero|santa barbara
santa maria|lompoc|goleta|ventura|oxnard|thousand oaks|simi valley|camarillo|los angeles
lapd|lasd|long beach|pasadena|glendale|burbank|santa monica|torrance|inglewood
compton|downey|norwalk|el monte|pomona|west covina|whittier|carson|hawthorne|gardena
lakewood|cerritos|bellflower|lynwood|south gate|huntington park|culver city|beverly hills
west hollywood|malibu|santa clarita|lancaster|palmdale|orange county|anaheim|santa ana
irvine|huntington beach|garden grove|fullerton|costa mesa|orange|tustin|newport beach
mission viejo|westminster|buena park|laguna|riverside|corona|moreno valley|temecula
murrieta|palm springs|indio|san bernardino|fontana|rancho cucamonga|ontario|victorville
redlands|rialto|chino|upland|san diego|sdpd|chula vista|oceanside|escondido|carlsbad|el cajon
vista|san marcos|encinitas|la mesa|santee|national city|imperial|el centro|calexico
santa cruz|watsonville|scotts valley|capitola|monterey|salinas|seaside|marina|hollister
san benito|eureka|humboldt|arcata|redding|shasta|chico|butte|oroville|yuba|marysville
nevada county|grass valley|truckee|south lake tahoe|el dorado|placerville|tahoe|mendocino
ukiah|lake county|tehama|siskiyou|del norte|crescent city|plumas|sierra|inyo|mono|alpine
calaveras|amador|tuolumne|mariposa|colusa|glenn|lassen|modoc|trinity|bart|bart pd|csu|uc
university of california|cal state|port of oakland|port of los angeles|cal ema|dmv|ca dmv
attorney general of california|california attorney general|california department of justice
"""


_FEDERAL_PHRASES = parse_phrases(_FEDERAL)
_OTHER_STATE_PHRASES = parse_phrases(_STATES) + parse_phrases(_OUT_OF_STATE_PLACES)
_CALIFORNIA_PHRASES = parse_phrases(_CALIFORNIA)
_OTHER_STATE_INDEX = PhraseIndex(_OTHER_STATE_PHRASES)
_CALIFORNIA_INDEX = PhraseIndex(_CALIFORNIA_PHRASES)


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def _any(words: tuple[str, ...], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(_contains(words, p) for p in phrases)


def classify_agency(agency: str | None) -> Beneficiary | None:
    """Where the beneficiary agency is; None when none is named (the searcher's own agency)."""
    if agency is None or not agency.strip():
        return None
    words = normalize(agency).words
    if not words:
        return None
    california = _any(words, _CALIFORNIA_PHRASES)
    # "California Department of Justice" is the State; "Department of Justice" alone is federal.
    if california and ("california" in words or "ca" in words or "cal" in words):
        return Beneficiary.CALIFORNIA
    if _any(words, _FEDERAL_PHRASES):
        return Beneficiary.FEDERAL
    if _any(words, _OTHER_STATE_PHRASES) or _state_code(words):
        return Beneficiary.OUT_OF_STATE
    if _any(words, _PRIVATE_AGENCY_PHRASES):
        # "Santa Clara University Campus Safety", "Valley Fair Security": a Californian place,
        # but no public safety department (DUP §2.3 lists law enforcement agencies only).
        return Beneficiary.UNKNOWN
    return Beneficiary.CALIFORNIA if california else Beneficiary.UNKNOWN


# An agency field naming a private or non-sworn body: not a public safety department, wherever
# it is (a sworn university police department is one).
_PRIVATE_AGENCY_PHRASES = parse_phrases(
    """
security|campus safety|safety services|public safety officers association|private|company|inc
llc|corp|corporation|contractor|contractors|non sworn|nonsworn|loss prevention|trust and safety
trust safety|tow|towing|recovery services|insurance|bank|credit union|homeowners association
hoa|property management|apartment|apartments|mall|casino|dealership|rental car|rent a car
"""
)


def _state_code(words: tuple[str, ...]) -> bool:
    for i, word in enumerate(words):
        if word in _STATE_CODES:
            near = set(words[max(0, i - 2) : i + 3]) - {word}
            if near & _AGENCY_WORDS:
                return True
    return False


# In a justification, agencies named as who the search is for ("passed to the FBI agent who
# asked", "for a detective in Phoenix", "a Nevada deputy asked me"), not merely mentioned ("the
# suspect has Nevada plates", "the FBI was notified but this is our case").
_FEDERAL_IN_TEXT = PhraseIndex(
    parse_phrases(
        """
    fbi|feds|federal agent*|federal partner*|federal request*|federal task force|federal agency
    federal agencies|federal officer*|federal investigator*|federal prosecutor*|dea|atf|usms
    us marshal*|u s marshal*|marshals service|secret service|homeland security|dhs|hsi|cbp|ero
    border patrol|customs and border|immigration and customs|bureau s|the bureau|uspis|irs
    postal inspector*|inspector postal|federal building|federal courthouse|federal case
    """
    )
)
_LAW_ENFORCEMENT = word_set(
    "deputy deputies detective detectives police sheriff sheriffs pd trooper troopers agent "
    "agents officer officers investigator investigators prosecutor prosecutors da authorities "
    "agency department dps patrol bureau court judge case investigation warrant task force "
    "policia fiscal metro contact partner buddy friend colleague counterpart liaison amigo "
    "contacto companero"
)
_HANDOFF = PhraseIndex(
    parse_phrases(
        """
    asked|asks|ask|request*|requesting|per|on behalf|wants|want|needs|need|passed|pass|passing
    send|sent|sending|give|given|giving|share|shared|sharing|forward*|provide*|hand|handed
    help|helping|assist*|informally|for a|for the|for his|for her|for their|running this for
    cannot access|can t access|cant access|their system|report back|reported back|solicitud
    pidio|pide|para la|para el|entregar|go to|goes to|going to|my buddy|my contact|my friend
    my pal|my guy|a buddy|a contact|a friend|buddy|contact at|friend at|for him|for them
    will get|get these|get the results|gets the results|results go|receive|receives|favor
    run this plate for|run it for|running it for|mi amigo|mi contacto|un amigo
    results to|the results|emailed|emailed me|called me|texted me|reached out|waiting on
    liaison|on their behalf|de parte de|me pidio|nos pidio|es para|son para|mandale|enviar
    mandar|pasar a|their case|his case|her case|they want|who s with|now with
    """
    )
)
_WINDOW = 6


def check_beneficiary(
    agency: str | None,
    justification: Normalized,
    findings: Findings,
    crime_named: bool,
    raw_justification: str | None = None,
) -> None:
    """Proxy searches: a federal or out-of-state beneficiary agency is refused; one that the
    justification names as where the data goes ("pass the hits to CBP") is refused too, whatever
    crime is named; one named as who asks or who the search is for ("Texas DPS requested",
    "for the Bureau") is refused, or sent to review when the request also names a crime; an
    agency not recognized as Californian goes to review. A private party named as who asks for
    or receives the data goes to review (``commercial.requester``)."""
    where = classify_agency(agency)
    named = recipients(raw_justification)
    sent_to = _first(r.party for r in named if r.role is Role.DESTINATION)
    asked_by = _first(r.party for r in named if r.role is not Role.DESTINATION)
    mentioned = _beneficiary_in(justification) or asked_by
    for found, decision in (
        (where, Decision.DENY),
        (sent_to, Decision.DENY),
        (mentioned, Decision.REVIEW if crime_named else Decision.DENY),
    ):
        if found is Beneficiary.FEDERAL:
            findings.add(
                decision,
                "beneficiary.federal",
                f"a search for a federal agency is a proxy search ({CLAUSE})",
            )
        elif found is Beneficiary.OUT_OF_STATE:
            findings.add(
                decision,
                "beneficiary.out_of_state",
                f"a search for an agency outside California is a proxy search ({CLAUSE})",
            )
    private = any(r.party is Party.PRIVATE for r in named) and not find_phrases(
        justification, REPORT_ONLY
    )
    if private or commercial_requester(justification):
        findings.add(
            Decision.REVIEW,
            "commercial.requester",
            "the results would go to a private party (DUP §3.5 and §10)",
        )
    if where is Beneficiary.UNKNOWN:
        findings.add(
            Decision.REVIEW,
            "beneficiary.unknown",
            "the beneficiary agency is not recognized as a California safety department "
            f"({CLAUSE})",
        )


# Private parties that may not receive the data (DUP §3.5 and §10): named as who asked or who gets
# the results, the search serves them ("the State Farm adjuster asked me", "para su claim").
_COMMERCIAL_IN_TEXT = PhraseIndex(
    parse_phrases(
        """
    adjuster*|insurer*|insurance company|insurance carrier|state farm|allstate|geico|progressive
    farmers insurance|usaa|aseguradora*|ajustador*|bondsman|bail bond*|bounty hunter*
    repo company|repo agent*|repossess*|lender*|dealership*|financiera|private investigator*
    landlord*|employer*|their client
    his client|her client|claim|claims|reclamo|su claim
    """
    )
)
# What a police report hands to an insurer anyway: the report number, not the data.
REPORT_ONLY = PhraseIndex(
    parse_phrases("report number|case number|police report|numero de reporte")
)


def commercial_requester(text: Normalized) -> bool:
    """A private party named next to a hand-off as who the search is for."""
    if find_phrases(text, REPORT_ONLY):
        return False
    handoffs = find_phrases(text, _HANDOFF)
    return any(
        _near(handoffs, s, e) and not _not_a_requester(text, s, e)
        for s, e in find_phrases(text, _COMMERCIAL_IN_TEXT)
    )


_PARTIES = {Party.FEDERAL: Beneficiary.FEDERAL, Party.OUT_OF_STATE: Beneficiary.OUT_OF_STATE}


def _first(parties: Iterator[Party]) -> Beneficiary | None:
    """The first federal or out-of-state party among ``parties``."""
    return next((_PARTIES[p] for p in parties if p in _PARTIES), None)


def _beneficiary_in(text: Normalized) -> Beneficiary | None:
    handoffs = find_phrases(text, _HANDOFF)
    if not handoffs:
        return None
    for start, end in find_phrases(text, _FEDERAL_IN_TEXT):
        if _near(handoffs, start, end) and not _not_a_requester(text, start, end):
            return Beneficiary.FEDERAL
    californian = find_phrases(text, _CALIFORNIA_INDEX)
    for start, end in find_phrases(text, _OTHER_STATE_INDEX):
        if any(s <= start and end < e for s, e in californian):
            continue  # "the Nevada County Sheriff" is Californian
        if _not_a_requester(text, start, end):
            continue
        if _an_agency(text.words, start, end) and _near(handoffs, start, end):
            return Beneficiary.OUT_OF_STATE
    return None


_NEGATIONS = word_set("not no never nothing nobody without nada nunca")
_VICTIM_NEAR = crimes.VICTIM_WORDS | word_set("assaulted attacked robbed injured killed carjacked")
_VICTIM_BEFORE = crimes.VICTIM_WORDS | word_set("owner owners duena dueno")


def _not_a_requester(text: Normalized, start: int, end: int) -> bool:
    """An agency named as the victim ("the CBP officer is the victim", "the FBI agent who was
    assaulted") or after a negation ("we are not sending anything to the FBI")."""
    words = text.words
    if crimes.victim_framed(text, start, end) or set(words[end : end + 5]) & _VICTIM_NEAR:
        return True
    if set(words[max(0, start - 4) : start]) & _VICTIM_BEFORE:
        return True  # "the victim is a Reno officer", "owner is an FBI analyst"
    by = [i for i in range(max(0, start - 2), start) if words[i] == "by"]
    if by and set(words[max(0, by[0] - 4) : by[0]]) & _ACTED_ON:
        return True  # "recovered in Reno by Reno PD", "arrested by the Marshals": not who asks
    return bool(set(words[max(0, start - 5) : start]) & _NEGATIONS)


# An agency that found, stopped or arrested someone or something acted in the case; it did not
# ask for the search.
_ACTED_ON = word_set(
    "recovered found located stopped arrested impounded towed cited booked seized detained "
    "apprehended captured recuperado encontrado arrestado detenido"
)
# Before a place, these make it where someone went, not who asks ("fled toward Reno").
_DESTINATION = word_set("to toward towards into fled heading headed from via through across")
_AGENCY_LINKS = word_set("in at from of with de del en")


def _an_agency(words: tuple[str, ...], start: int, end: int) -> bool:
    """Whether a place outside California names an agency there: "Reno PD", "a Nevada deputy",
    "a detective in Phoenix" — not a destination ("suspect fled toward Reno; Sac PD wants")."""
    if words[end : end + 1] and words[end] in _LAW_ENFORCEMENT:
        return True
    if start and words[start - 1] in _DESTINATION:
        return False
    if set(words[end + 1 : end + 2]) & _LAW_ENFORCEMENT:
        return True  # "Las Vegas Metro police"
    if not start or words[start - 1] not in _AGENCY_LINKS:
        return False
    return bool(set(words[max(0, start - 4) : start - 1]) & _LAW_ENFORCEMENT)


def _near(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end + _WINDOW and e > start - _WINDOW for s, e in spans)

"""Who a search is for: California safety departments only (pure).

DUP §2.3 and §10: data supports local and State safety departments of California, agency by
agency; SB 34 (Civil Code 1798.90.55) forbids sharing with out-of-state or federal agencies, and
the March 2026 update notes that federal agencies have never been able to request the data. A
search run *for* such an agency is a proxy search (the California Attorney General's 2025 suit
against El Cajon), refused whatever crime it names.
"""

from __future__ import annotations

from enum import StrEnum

from plateward.guard.findings import Findings
from plateward.guard.lexicon import PhraseIndex, find_phrases, parse_phrases
from plateward.guard.normalize import Normalized, normalize, word_set
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
    return Beneficiary.CALIFORNIA if california else Beneficiary.UNKNOWN


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
    """
    )
)
_LAW_ENFORCEMENT = word_set(
    "deputy deputies detective detectives police sheriff sheriffs pd trooper troopers agent "
    "agents officer officers investigator investigators prosecutor prosecutors da authorities "
    "agency department dps patrol bureau court judge case investigation warrant task force "
    "policia fiscal"
)
_HANDOFF = PhraseIndex(
    parse_phrases(
        """
    asked|asks|ask|request*|requesting|per|on behalf|wants|want|needs|need|passed|pass|passing
    send|sent|sending|give|given|giving|share|shared|sharing|forward*|provide*|hand|handed
    help|helping|assist*|informally|for a|for the|for his|for her|for their|running this for
    cannot access|can t access|cant access|their system|report back|reported back|solicitud
    pidio|pide|para la|para el|entregar|go to|goes to|going to
    """
    )
)
_WINDOW = 6


def check_beneficiary(
    agency: str | None, justification: Normalized, findings: Findings, crime_named: bool
) -> None:
    """Proxy searches: a federal or out-of-state beneficiary agency is refused; one that the
    justification names as who the search is for is refused too, or sent to review when the
    request also names a crime (the wording may only mention that agency); an agency not
    recognized as Californian goes to review."""
    where = classify_agency(agency)
    mentioned = _beneficiary_in(justification)
    for found, decision in (
        (where, Decision.DENY),
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
    if where is Beneficiary.UNKNOWN:
        findings.add(
            Decision.REVIEW,
            "beneficiary.unknown",
            "the beneficiary agency is not recognized as a California safety department "
            f"({CLAUSE})",
        )


def _beneficiary_in(text: Normalized) -> Beneficiary | None:
    handoffs = find_phrases(text, _HANDOFF)
    if not handoffs:
        return None
    for start, end in find_phrases(text, _FEDERAL_IN_TEXT):
        if _near(handoffs, start, end):
            return Beneficiary.FEDERAL
    words = text.words
    for start, end in find_phrases(text, _OTHER_STATE_INDEX):
        around = set(words[max(0, start - 3) : end + 3])
        if around & _LAW_ENFORCEMENT and _near(handoffs, start, end):
            return Beneficiary.OUT_OF_STATE
    return None


def _near(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end + _WINDOW and e > start - _WINDOW for s, e in spans)

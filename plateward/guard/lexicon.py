"""The curated lexicon of prohibited uses, and how a request's words are matched against it.

Each prohibited class of DUP §3 (and the March 2026 update, and the sharing limits of DUP §10 and
SB 34) has its own terms, in English and Spanish. A term is one or more words; a word ending in
"*" matches any word it begins ("deport*": deported, deportation, deportación). Misspellings are
caught by edit distance on the longer words, never on a real English word ("protect" is not a
misspelt "protest").

Terms are of three kinds, because a sensitive word is not always the point of the request:

- MATTER: the prohibited matter itself ("immigration status", "overstay", "sell the data"); a
  named crime does not make it authorized (illegal reentry is a crime, but a federal immigration
  one that DUP §3.3 excludes).
- AGENCY: an immigration authority (DUP §3.3: never shared with immigration authorities).
- CONTEXT: a place, event or person that may be a target or merely where a crime happened
  ("church", "protest", "immigrant", "clinic", "driveway"): the decision weighs the framing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rapidfuzz.distance import OSA

from plateward.guard.normalize import Normalized, word_set


class GuardClass(StrEnum):
    """The prohibited classes, each with the protocol clause that excludes it."""

    IMMIGRATION = "immigration"
    REPRODUCTIVE = "reproductive"
    FIRST_AMENDMENT = "first_amendment"
    OUTSIDE_PUBLIC_VIEW = "outside_public_view"
    COMMERCIAL = "commercial"
    PERSONAL = "personal"

    @property
    def label(self) -> str:
        return _LABELS[self][0]

    @property
    def clause(self) -> str:
        return _LABELS[self][1]


_LABELS = {
    GuardClass.IMMIGRATION: (
        "immigration enforcement or a person's immigration status",
        "DUP §3.3; SB 54 and SB 34",
    ),
    GuardClass.REPRODUCTIVE: (
        "reproductive health care",
        "DUP update of March 2026 (platform blocking of reproductive-rights queries)",
    ),
    GuardClass.FIRST_AMENDMENT: (
        "monitoring of activity protected by the First Amendment",
        "DUP §3.2",
    ),
    GuardClass.OUTSIDE_PUBLIC_VIEW: ("data outside public view", "DUP §3.1"),
    GuardClass.COMMERCIAL: ("commercial use or sale of the data", "DUP §3.5 and §10"),
    GuardClass.PERSONAL: (
        "personal use, not an authorized purpose",
        "DUP §2 and §10 (only the listed authorized uses)",
    ),
}


class Kind(StrEnum):
    MATTER = "matter"
    AGENCY = "agency"
    CONTEXT = "context"
    INTENT = "intent"


@dataclass(frozen=True)
class Term:
    guard_class: GuardClass
    kind: Kind
    words: tuple[str, ...]
    acronym_only: bool = False  # "ICE", "INS": only when written as an acronym or in context


@dataclass(frozen=True)
class Hit:
    term: Term
    start: int  # token positions [start, end)
    end: int
    fuzzy: bool = False

    @property
    def guard_class(self) -> GuardClass:
        return self.term.guard_class

    @property
    def kind(self) -> Kind:
        return self.term.kind


_KIND_LETTERS = {"M": Kind.MATTER, "A": Kind.AGENCY, "C": Kind.CONTEXT, "I": Kind.INTENT}

# One term per line: "KIND words"; "!" before the words: acronym only.
_TERMS: dict[GuardClass, str] = {
    GuardClass.IMMIGRATION: """
M immigration status|immigration enforcement|immigration violation*|immigration detainer
M immigration hold|immigration officer*|immigration agent*|immigration authorit*
M immigration raid*|immigration sweep*|immigration arrest*|immigration warrant*|immigration check*
M immigration case*|immigration judge|immigration removal|immigration custody|immigration hearing*
M immigration purpose*|immigration matter*|immigration reason*|immigration investigation*
M immigration record*|immigration paper*|immigration document*|immigration law enforcement
M deport*|removal order*|order of removal|removal proceeding*|expedited removal|removable
M self deport*|illegal alien*|illegal immigrant*|illegals|illegal entry|illegal reentry
M illegal re entry|unlawful entry|unlawful reentry|unlawful presence|unlawfully present
M entered without inspection|entered illegally|entered the country illegally|crossed illegally
M here illegally|country illegally|in the us illegally|in the country legally|here legally
M not here legally|lawful status|legal status|citizenship status|residency status
M overstay*|overstaid|visa violation*|visa status|expired visa*|visa expired|out of status
M alien smuggling|harboring alien*|harbouring alien*|alien registration|alien number
M 8 usc|title 8|8 cfr|usc 1325|usc 1326|usc 1324|section 1325|section 1326|section 1324
M ina 212|ina 237|ina section|287 g|secure communities|i 247|i 247a|i 200|i 205
M sin papeles|sin documentos|estatus migratorio|situacion migratoria|estado migratorio
M status migratorio|calidad migratoria|entrada ilegal|estancia ilegal|visa vencida|migratori*
M ilegales|papeles de inmigracion|lawful presence|legal presence|country of origin|nationality
M work permit|work authorization|without/no/lacks/lacking ~1 papers|w o ~1 papers|wo ~1 papers
M has/have/had/carry/carries ~2 papers|not a citizen|not a us citizen|no es ciudadano
M if/whether ~3 is/are/was legal/illegal|is/are here illegally|esta/estan ~1 ilegal*
M he/she/they s/is/re/are ~1 illegal
M without ~2 legal status|without status|no legal status|sin estatus|notice to appear|removal case*
C no tiene/tienen/tenia/tenian ~1 papeles/documentos/estatus
M final order|sanctuary law*|sanctuary polic*|pais de origen|nacionalidad|processed for removal
A !ice|!hsi|cbp|ero|uscis|!ins|dhs|homeland security|border patrol|customs and border
A immigration and customs|enforcement and removal|la migra|migra|patrulla fronteriza
A 630 sansome|sansome field office
A agentes de inmigracion|oficiales de inmigracion|immigration service*
I still in ~2 country|in this country|in our country|supposed ~2 be ~1 in/here ~2 country
I out of the/this country
I back to his/her/their ~1 country|went/go/gone/goes/sent/send ~1 back ~2 country|still in the us
I back to mexico|no status|any status|his/her/their papers
I the right people|take care of it|take care of him|take care of them
I belongs/belong ~2 here|no business being here|where he came from|where she came from
I en este pais|en el pais|fuera del pais|sus papeles|de vuelta a su pais|regresar a su pais
I authorized to work|allowed to work|work legally|permiso de trabajo|autorizado* para trabajar
I removal packet*|removal paperwork|removal file*|removal process|removal hearing
I flagged for removal|marked for removal|removed from the country|removed from the us
I removal calendar|removal docket|removal date|removal flight|removal schedule|removal list
I his removal|her removal|their removal|get ~2 deported|sent back where|shipped back
I ordered ~2 removed|orden ~2 remocion|remocion|decides if he/she stays|decide if he/she stays
I whether he/she stays|get to stay|allowed to stay|crossed over ~4 papers
C immigration|inmigracion|immigrant*|inmigrante*|migrant*|migrante*|undocumented|undoc|undocs
C indocumentad*|green card|visa|asylum|asilo|refugee*|refugiad*|noncitizen*|non citizen*
C foreign national*|alien|aliens|extranjer*|detainer|daca|dreamer*|border crossing|immigration court
M truc xuat|lenh truc xuat|bi truc xuat|tinh trang di tru|giay to di tru|vi pham di tru
M khong co giay to|khong giay to|nhap canh trai phep|o lai qua han|qua han visa|so di tru
A co quan di tru|canh sat di tru|nhan vien di tru
C di tru|nhap cu|nguoi nhap cu
M walang papeles|walang dokumento|ipa deport|ipadeport|ma deport|madeport|imigrasyon
""",
    GuardClass.REPRODUCTIVE: """
M abortion|abortions|aborto|abortos|abortar|abortion pill*|abortion medication*|abortifacient*
M end/ended/ending/terminate*/interrupt*/interrumpir/interrumpio ~2 pregnan*/embarazo
M terminate her pregnancy|terminated her pregnancy|end her pregnancy|ended her pregnancy
M terminating her pregnancy|ending her pregnancy|termination of pregnancy|pregnancy termination
M terminate a pregnancy|end a pregnancy|ending a pregnancy|terminated a pregnancy
M interrupcion del embarazo|interrumpir el embarazo|interrumpio el embarazo|interrupcion voluntaria
M mifepristone|misoprostol|plan c|reproductive right*|reproductive care|reproductive freedom
M reproductive health care|reproductive healthcare|self managed abortion|derechos reproductivos
M plan b|morning after pill*|emergency contracepti*|contracepti*|birth control|anticonceptiv*
M gender affirming|transgender care|pildora del dia siguiente|late term
C miscarr*|aborto espontaneo|fetal|fetus|stillbirth|stillborn|feto|mortinato
I termination|the procedure|her procedure|that procedure
I out of state for|across state lines|another state for|otro estado para|el procedimiento
I to reno/nevada/oregon/arizona/vegas/portland/phoenix ~3 for the/a/her/an
I what she did with the pregnancy|still pregnant|no longer pregnant
I to terminate|out of state to|para terminar|interrumpir|fuera del estado para
I self managed|self manage|self managing|self induced|self induce|induced her own|induce her own
M pastilla* abortiva*|salud reproductiva|medication abortion|dobbs|roe v wade
C abortion clinic*|abortion provider*|abortion facilit*|abortion center*|abortion doctor*
C clinica de aborto*|planned parenthood|family planning|reproductive health|women s clinic
C womens clinic|women s health|womens health|ob gyn|obgyn|gynecolog*|pregnan*|embarazad*
C embarazo|clinica|clinic|clinics|repro|ivf|fertility
C women s health center*|womens health center*|women s center|womens center|pregnancy center*
I victim is the fetus|the fetus is the victim|victim is her fetus|victim is the unborn*
I fetus as the victim|unborn child as the victim|victim ~1 her own fetus|her own pregnancy
M pha thai|nao pha thai|thuoc pha thai|bo thai|cham dut thai ky|phong kham pha thai
C phong kham phu khoa|phu khoa|ke hoach hoa gia dinh|mang thai|co thai|family planning place
M aborsyon|magpalaglag|pagpapalaglag|ipalaglag|nagpalaglag
""",
    GuardClass.FIRST_AMENDMENT: """
M first amendment|1st amendment|1a activit*|free speech|protected activit*|protected speech
M libertad de expresion|political activit*|religious activit*|religious observance
C gun show*|gun expo*|firearm* expo*|firearm* show*|gun range*|shooting range*
I legal buyers|lawful buyers|legal gun owners|lawful gun owners|legal owners|lawful owners
I law abiding ~2 owner*/buyer*/attendee*/visitor*/shopper*|legal attendees|lawful attendees
I awareness file|awareness list|awareness database
C protest*|protesta*|protestor*|protester*|demonstration*|demonstrator*|manifestacion*
C manifestante*|rally|rallies|mitin|march|marches|marchers|marcha|marchas|vigil|vigils|vigilia*
C picket*|strike|strikers|on strike|huelga*|sit in|boycott*|boicot|occupy|petition*
C town hall|campaign event*|campaign rally|political meeting*|political event*|political group*
C political party|party meeting*|union meeting*|union hall|union member*|union organiz*
C labor union*|labour union*|trade union*|union rep*|sindicat*|reunion politica|reunion sindical
C church*|iglesia*|mosque*|mezquita*|masjid|synagogue*|sinagoga*|temple|temples|templo*
C gurdwara*|chapel*|capilla*|cathedral*|catedral*|parish*|parroquia*|congregation*
C islamic center*|islamic centre*|islamic society|jewish community center*|jcc|kingdom hall*
C meetinghouse*|meeting house*|monastery|monasteries|convent|convents|ashram|shrine|pagoda|mandir
C congregant*|parishioner*|feligres*|worship*|worshipper*|worshiper*|culto|misa|sunday mass
C friday prayer*|prayer service*|religious service*|church service*|religious*|religion
C journalist*|periodista*|reporter*|reportero*|the press|members of the press|press pass
C newspaper*|news crew*|activist*|activista*|organizer*|organizador*|advocacy group*
C advocate*|black lives matter|blm|dsa|antifa|aclu|community organiz*|civil rights group*
C dissident*|demonstrat*|attendee*|asistentes|attendance|jummah|jumma|juma|salat|namaz
C shabbat|sabbath|yom kippur|rosh hashanah|passover|seder|ramadan|eid|diwali|vespers
C bible study|sunday service*|prayer*|rezo*|oracion*|sanctuary|santuario|services at
C newsroom|editor*|blogger*|podcaster*|press conference|council meeting*|school board meeting*
C copwatch*|cop watch*|police accountability group*|know your rights training*
C know your rights workshop*
C filming/film/films/filmed/recording/record/records ~2 police/officers/cops/deputies
C filming/film/filmed/recording ~1 our guys/officers/units/deputies
C photojournalist*|press photographer*|freelance photographer*
C city council|public comment|speaking at|speak at|meeting of the|organizing meeting*
C bieu tinh|nguoi bieu tinh|cuoc bieu tinh|tuan hanh|bieu dien|bieu tinh vien|bieu tinh truoc
C nha tho|nha tho hoi giao|thanh duong|giao duong|le chua|di le|nha bao|phong vien|cong doan
C nghiep doan|hoi hop chinh tri|lanh su quan
""",
    GuardClass.OUTSIDE_PUBLIC_VIEW: """
M not visible from the street|not visible from a public|non public area*|not in public view
M outside public view|out of public view|inside the garage|inside his garage|inside her garage
M inside their garage|inside the home|inside the house|inside the residence|inside the property
M over the fence|through the window*|behind the fence|behind the gate|private property camera*
M into the backyard|into the garage|inside a private|interior of the|dentro de la casa
M dentro del garaje|propiedad privada|no visible desde la calle
M {CAMERA} ~4 inside/into/within/behind/over/through/dentro ~3 {PRIVATE_SPACE}
M sees/see/seeing/aimed/pointed/points/aims/peers/peer ~2 into/over/inside/through/beyond
M look/looks/looking/looked/peek/peeks/peeking/films/filming ~2 into/inside/beyond
M not/never/isn/isnt ~1 visible from/to ~2 street/road/public/sidewalk/outside/roadway
M no/not/outside/out ~2 public view|not ~2 public area*|non public|nonpublic|no visible desde
C driveway*|garage|garages|garaje|backyard*|back yard|patio trasero|gated|private property
C private parking|private lot|carport|cochera|fenced|locked gate|closed garage|employee only
C employees only|residents only|over the wall|over the fence|underground parking
C underground garage|parking garage|parking structure|subterranean|estacionamiento subterraneo
M inside ~3 gated/garage*/underground|inside ~3 parking structure|within the gated
I their/the/its ~2 garage/interior/private/underground ~1 camera*/cam/cams
I lets us pull|let us pull|gave us access to their ~2 camera*|their private camera*
I camera* inside the|security camera inside|camaras privadas|camara privada
I indoor camera*|interior camera*|private footage|private camera*|camaras interiores
I dentro del estacionamiento|estacionamiento cerrado|sin orden|without a warrant
I badge us in|badges us in|fob access|key card access|let us in ~3 lot/garage/gate|underground lot
I onto the property|on to the property|onto his property|onto her property|walled compound
I interior courtyard|inner courtyard|enclosed carport|enclosed garage|enclosed yard|drone ~3 over
I fly ~2 drone|flown ~2 drone|drone mounted|drone flown|reader ~3 on ~2 drone
I behind a locked gate|behind the locked gate|trong nha xe|trong ga ra|sau hang rao
""",
    GuardClass.COMMERCIAL: """
M sell the data|sell data|selling data|sale of data|sell the reads|sell reads|sell alpr
M data sale*|data broker*|databroker*|resell*|monetiz*|for profit|marketing|advertis*
M skip trac*|repo company|repo companies|repo agent*|repossession company|repossess*
M debt collect*|collection agency|private investigator*|private detective*|pi firm
M insurance company|insurance companies|insurer*|claims adjuster*|background check company
M tenant screening|landlord|employer wants|customer list*|lead generation|vender los datos
M venta de datos|aseguradora*|cobranza*|mercadotecnia|publicidad|compania de seguros
M paying client*|client wants|for a client|commercial purpose*|commercial use|fines comerciales
M pay ~2 for the information|will pay|paid for|pay the fee|for a fee|fee paid|for money
M shopper*|foot traffic|traffic study|market research|market study|consumer data|zip code of
M bail bond*|bondsman|bounty hunter*|collateral|unpaid ~2 fees|storage fees|skip trace*
C landlord*|tenant*|employer|employers|hoa|homeowners association|parking vendor*
M competitor*|marketing firm*|ad agency|license our|licence our|license the data|pagar por
M pagaria|pagaran|nos pagan
C insurance|repo|lender*|dealership*|rental company|towing company|tow company|customer*
I owes ~2 payments|missed ~2 payments|behind on ~2 payments|the bank wants|lender wants
I dealer wants
I get the car back for|recover the car for|for our client|for the client|for my client
I financiera|dejo de pagar|dejado de pagar|recuperar el carro|recuperar el vehiculo|pagos atrasados
I el banco quiere|prestamista|la agencia de autos|stopped paying|stopped making payments
I for their lawsuit|for the lawsuit|for his lawsuit|for her lawsuit|civil suit|civil lawsuit
I civil recovery|civil demand*|civil restitution
I civil claim|civil action|small claims|their lawsuit
I civil court|slip and fall|trip and fall|risk management|risk manager*|claims adjuster*
I contest*/defend*/fight*/defeat*/deny/denying ~3 his/her/their/the ~1 claim/claims/lawsuit/suit
I contest*/defend*/fight*/defeat*/deny/denying ~3 a/an/this ~1 claim/claims/lawsuit/suit
I to reduce ~2 payout|limit ~2 liability|our liability|city s liability|county s liability
I dues|unpaid balance|unpaid rent|back rent
I owes ~3 money|owes ~2 rent|past due|demanda civil|su demanda|renta atrasada
I kick back|kickback*|a cut of|cut per|per tow|daily feed|bulk feed|feed of|buy them cheap
I billing cycle|payments behind|fleet plates|overdue rental|days overdue
I months behind|weeks behind|behind on the loan|behind on his loan|behind on her loan
I behind on the note
I finance co|auto finance|the loan company|la financiera quiere
C client*|vendor*|business owner*|store owner*|mall owner*|company wants|company asks
M ban du lieu|ban thong tin|cong ty bao hiem|thu no|xiet xe|thu hoi xe
I per record fee|per record|per plate fee|per read fee|collection notice*|they pay ~2 per
""",
    GuardClass.PERSONAL: """
M my ex|my ex wife|my ex husband|my ex girlfriend|my ex boyfriend|my wife|my husband
M my girlfriend|my boyfriend|my daughter s boyfriend|my neighbor*|my neighbour*|my partner
M my sister|my brother|my mother|my father|my son|my daughter|my friend|my landlord
M personal reason*|personal matter|personal use|just curious|curiosity|for fun|mi ex
M mi esposa|mi esposo|mi novia|mi novio|mi vecin*|asunto personal
M next door|my driveway|my house|my street|my block|my car|my truck|my kid*|my family
M my wife s|my husband s|my ex s|my sister s|my brother s|my daughter s|my son s|my niece
M my nephew|my cousin|my tenant|my roommate|my date|my crush|mi casa|mi hija|mi hijo
M my mom|my mum|my dad|my mother s|my mom s|my dad s|mi mama|mi papa|mi madre|mi padre
I handle it myself|deal with it myself|take care of it myself|lo resuelvo yo|yo me encargo
I called in sick|calls in sick|calling in sick|sick leave|coworker*|co worker*|companero de trabajo
I out of curiosity|just curious|curious where|curious who|personal interest|personally
I something personal|as a favor|a favor
I favor for|favour for|for fun|run ~3 for me|check ~3 for me|look ~3 for me|for myself
I for ~2 friend/friends/buddy/pal/relative/relatives/cousin/nephew/niece/in law ~1 of
I friend/buddy/pal/relative/cousin ~1 of ~2 chief/commander/captain/sergeant/lieutenant/sheriff/boss
I friend/buddy/pal/relative/cousin ~1 of ~2 supervisor/mayor/councilmember/councilman/councilwoman
I chief/commander/captain/sergeant/lieutenant/sheriff/boss/supervisor/mayor s ~1 {KIN}
I never ~2 finished/made/completed/paid ~3 payment/payments|never paid ~2 balance/rest/remainder
I celebrity|famous|influencer|date with|went out with|checking up on
I she dumped|he dumped|cheating|cheats|seeing someone|new boyfriend|new girlfriend|por curiosidad
I app match|dating match|who she says she is|who he says he is
I old roommate|college roommate|my old|my kitchen|my remodel|my contractor|my landlord s
M my personal/own/private ~1 car/truck/vehicle/suv/van/motorcycle/bike/house/home
M my weekends|my weekend|my custody|my own custody|my own case|my lawyer|my attorney
M vo cu|chong cu|ban gai cu|ban trai cu|nguoi yeu cu|vo toi|chong toi|vo cua toi
M chong cua toi|hang xom|chuyen gia dinh|chuyen rieng|ly do ca nhan|viec rieng
I i didn t/didnt/never/haven t/havent ~1 file*|i did not file|i have not filed|i m not filing
I im not filing|i am not filing|i won t report it|i didn t report it|i didnt report it
I my hoa|my homeowners association|my hoa s|my building s board|my condo board
I i m/im/i am ~2 board president/member/treasurer/secretary|i sit on the ~1 board
I as ~1 hoa president/board president
I have a word with|have a talk with|teach him a lesson|teach her a lesson|settle this
I get even|confront him|confront her|i m the restrained party|i am the restrained party
I i m the respondent|i am the respondent
I who she s with|who he s with|who she is with|who he is with|who she s seeing|who he s seeing
I living with someone new|living w someone new|new man|new guy|new boyfriend s
I where her ex|where his ex|her ex is|his ex is|doesn t want ~2 contact|does not want ~2 contact
I doesn t want to be found|does not want to be found|left voluntarily|she s fine|she is fine
I girl i met|guy i met|woman i met|man i met|i met her on|i met him on|i matched with
I matched with me|gave me a fake|gave me her fake|gave me his fake
I toi muon biet|em muon coi|em muon biet|muon biet ~3 o dau
M dating asawa ko|ex ko|kapitbahay ko|asawa ko|nobya ko|nobyo ko|personal na dahilan
""",
}


# Alternatives shared by several terms, written once: "{CAMERA}" in a term stands for these.
GROUPS = {
    "CAMERA": "camera*/cam/cams/reader*/reads/read/lpr/alpr/plates/lens/camara*/lector*/lectura*",
    "PRIVATE_SPACE": (
        "garage*/home/house/residence/backyard/yard/apartment*/unit/building/structure/property/"
        "estate/compound/carport/enclosure/wall/fence/window*/garaje/casa/patio/propiedad/gate"
    ),
    # Checking a hit before acting on it (protocol: visually confirm, verify through CLETS).
    "VERIFY": "verify*/verif*/confirm*/eyeball*/clets/visual*/validat*/doublecheck*",
    # A ranking officer's or official's kin or friends.
    "KIN": (
        "friend/friends/buddy/pal/cousin/relative/relatives/nephew/niece/brother/sister/son/"
        "daughter/wife/husband/kid/girlfriend/boyfriend/neighbor/neighbour"
    ),
}


def parse_phrases(block: str) -> tuple[tuple[str, ...], ...]:
    """Phrases separated by "|" or new lines, each a tuple of words ("{GROUP}" expanded)."""
    for name, alternatives in GROUPS.items():
        block = block.replace("{" + name + "}", alternatives)
    return tuple(tuple(p.split()) for p in block.replace("\n", "|").split("|") if p.strip())


def _parse_terms() -> tuple[Term, ...]:
    terms: list[Term] = []
    for guard_class, block in _TERMS.items():
        for line in block.strip().splitlines():
            kind, phrases = line.split(" ", 1)
            for written in parse_phrases(phrases):
                acronym_only = written[0].startswith("!")
                words = (written[0].lstrip("!"), *written[1:])
                terms.append(Term(guard_class, _KIND_LETTERS[kind], words, acronym_only))
    return tuple(terms)


TERMS = _parse_terms()

# Words beside "ice" (or "ins") that make it the agency even when written in lower case.
_AGENCY_CONTEXT = word_set(
    "agent agents officer officers officials detainer detainers hold holds raid raids custody "
    "agency request requested requests enforcement ero hsi deportation deport removal "
    "facility arrest arrests warrant tip tipline field office dhs"
)
_MARCH_DATE_CONTEXT = word_set("in on since until by from early mid late of last next this during")
_NOT_AGENCY_AFTER = word_set(
    "skating skate skates rink cream hockey machine maker chest storm cube cubes box age "
    "berg cold pack bucket sculpture rink's arena"
)
_FUZZY_MIN = 6  # shorter words are matched exactly: one edit turns "rally" into "tally"


class PhraseIndex:
    """Phrases indexed by their first word, so that each token is looked up, not compared with
    every phrase: exact words in a dict, "stem*" words by prefix, misspellings only for tokens
    that are not known words."""

    def __init__(self, phrases: tuple[tuple[str, ...], ...]) -> None:
        self.phrases = phrases
        self.exact: dict[str, list[int]] = {}
        self.stems: dict[str, list[int]] = {}
        for i, words in enumerate(phrases):
            for alternative in words[0].split("/"):
                if alternative.endswith("*"):
                    self.stems.setdefault(alternative[:-1], []).append(i)
                else:
                    self.exact.setdefault(alternative, []).append(i)

    def candidates(self, variants: tuple[str, ...], known: frozenset[str] | None) -> list[int]:
        found: dict[int, None] = {}
        for variant in variants:
            found.update(dict.fromkeys(self.exact.get(variant, ())))
            for stem, ids in self.stems.items():
                if variant.startswith(stem):
                    found.update(dict.fromkeys(ids))
            if known is None or variant in known or len(variant) < _FUZZY_MIN - 1:
                continue
            for word, ids in self.exact.items():
                if _one_word(variant, word, known)[0]:
                    found.update(dict.fromkeys(ids))
            for stem, ids in self.stems.items():
                if _one_word(variant, stem + "*", known)[0]:
                    found.update(dict.fromkeys(ids))
        return sorted(found)


@lru_cache(maxsize=1)
def _term_index() -> PhraseIndex:
    return PhraseIndex(tuple(term.words for term in TERMS))


def word_matches(token: str, pattern: str, known_words: frozenset[str] | None) -> tuple[bool, bool]:
    """Whether ``token`` matches one lexicon word ("a/b" alternatives, "stem*"), and whether only
    fuzzily (a misspelling: one edit, two in long words, never one of ``known_words``, never at
    all when ``known_words`` is None)."""
    results = [_one_word(token, alternative, known_words) for alternative in pattern.split("/")]
    if any(ok and not fuzzy for ok, fuzzy in results):
        return True, False
    return (True, True) if any(ok for ok, _ in results) else (False, False)


def _one_word(token: str, pattern: str, known_words: frozenset[str] | None) -> tuple[bool, bool]:
    if pattern.endswith("*"):
        stem = pattern[:-1]
        if token.startswith(stem):
            return True, False
        if known_words is None or len(stem) < _FUZZY_MIN - 1 or token in known_words:
            return False, False
        if len(token) < len(stem) - 1:
            return False, False
        limit = 1 if len(stem) < 9 else 2
        best = min(OSA.distance(token[:n], stem) for n in range(len(stem) - 1, len(stem) + 2))
        return best <= limit, best <= limit
    if token == pattern:
        return True, False
    if known_words is None or len(pattern) < _FUZZY_MIN or token in known_words:
        return False, False
    if abs(len(token) - len(pattern)) > 2:
        return False, False
    limit = 1 if len(pattern) < 9 else 2
    close = OSA.distance(token, pattern, score_cutoff=limit) <= limit
    return close, close


def find_hits(text: Normalized, known_words: frozenset[str] = frozenset()) -> list[Hit]:
    """Every lexicon term in ``text``; where terms overlap, the longest one."""
    index = _term_index()
    hits: list[Hit] = []
    for start, token in enumerate(text.tokens):
        for i in index.candidates(token.variants, known_words):
            hit = _match_at(text, start, TERMS[i], known_words)
            if hit is not None:
                hits.append(hit)
    hits.extend(_compound_hits(text))
    hits.extend(_split_hits(text, known_words))
    return _longest(hits)


def _match_at(text: Normalized, start: int, term: Term, known: frozenset[str]) -> Hit | None:
    matched = _match_words(text, start, term.words, known)
    if matched is None:
        return None
    end, fuzzy = matched
    if term.acronym_only and not _acronym_in_context(text, start):
        return None
    if term.words == ("march",) and _march_is_a_date(text, start):
        return None
    if term.acronym_only and _not_the_agency(text, start):
        return None
    if term.words in _BARE_CLINIC and _not_a_health_clinic(text, start):
        return None
    return Hit(term, start, end, fuzzy)


def _match_words(
    text: Normalized, at: int, words: tuple[str, ...], known: frozenset[str] | None
) -> tuple[int, bool] | None:
    """Match ``words`` from token ``at``; "~N" skips up to N tokens. Returns (end, fuzzy)."""
    if not words:
        return at, False
    head, rest = words[0], words[1:]
    if head.startswith("~"):
        for skip in range(int(head[1:]) + 1):
            matched = _match_words(text, at + skip, rest, known)
            if matched is not None:
                return matched
        return None
    if at >= len(text.tokens):
        return None
    results = [word_matches(v, head, known) for v in text.tokens[at].variants]
    if not any(ok for ok, _ in results):
        return None
    matched = _match_words(text, at + 1, rest, known)
    if matched is None:
        return None
    fuzzy = not any(ok and not fz for ok, fz in results)
    return matched[0], matched[1] or fuzzy


def find_phrases(
    text: Normalized, phrases: PhraseIndex, known: frozenset[str] | None = None
) -> list[tuple[int, int]]:
    """The (start, end) token spans where any of ``phrases`` occurs (same syntax as terms);
    exactly, unless ``known`` words are given (then misspellings too)."""
    spans = []
    for start, token in enumerate(text.tokens):
        for i in phrases.candidates(token.variants, known):
            matched = _match_words(text, start, phrases.phrases[i], known)
            if matched is not None:
                spans.append((start, matched[0]))
    return spans


def _not_the_agency(text: Normalized, at: int) -> bool:
    """ "ICE-skating rink", "ice cream": the word, not the agency."""
    after = text.words[at + 1] if at + 1 < len(text.tokens) else ""
    return after in _NOT_AGENCY_AFTER


_BARE_CLINIC = frozenset({("clinic",), ("clinics",), ("clinica",)})
# A clinic of another trade: "a legal aid clinic", "the tax clinic", "clínica dental".
_OTHER_CLINICS = word_set(
    "legal law aid tax dental dentist veterinary vet animal pet eye vision legales juridica"
)


def _not_a_health_clinic(text: Normalized, at: int) -> bool:
    """A bare "clinic" named for a trade other than health care, before it or (Spanish) after."""
    words = text.words
    return bool(set(words[max(0, at - 2) : at] + words[at + 1 : at + 2]) & _OTHER_CLINICS)


def _acronym_in_context(text: Normalized, at: int) -> bool:
    if text.tokens[at].acronym:
        return True
    near = {t.text for t in text.tokens[max(0, at - 2) : at + 3]}
    return bool(near & _AGENCY_CONTEXT)


def _march_is_a_date(text: Normalized, at: int) -> bool:
    words = text.words
    before = words[at - 1] if at > 0 else ""
    after = words[at + 1] if at + 1 < len(words) else ""
    return before in _MARCH_DATE_CONTEXT or after.isdigit() or after[:-2].isdigit()


def _compound_hits(text: Normalized) -> list[Hit]:
    """Words run together ("#deportthem", "immigrationstatus"): a MATTER or AGENCY stem of six
    or more letters inside a long token that is not itself a lexicon word."""
    hits = []
    for position, token in enumerate(text.tokens):
        if len(token.text) < 10:
            continue
        for stem, term in _compound_stems():
            if "/" in stem or stem.startswith("~"):
                continue
            if stem in token.text and not token.text.startswith(stem):
                hits.append(Hit(term, position, position + 1, fuzzy=True))
                break
    return hits


_SPLIT_MIN = 7  # letters of the word rejoined


def _split_hits(text: Normalized, known: frozenset[str]) -> list[Hit]:
    """A word broken in two ("de portation", "over-stayer", "abor tion"): two neighbouring
    tokens that together make a MATTER or AGENCY word of the lexicon, one of them no word of its
    own (so "re port" or "for mat" stay apart)."""
    hits = []
    tokens = text.tokens
    for position in range(len(tokens) - 1):
        first, second = tokens[position].text, tokens[position + 1].text
        joined = first + second
        if len(joined) < _SPLIT_MIN or not (first.isalpha() and second.isalpha()):
            continue
        if known and first in known and second in known:
            continue
        for stem, term in _compound_stems():
            whole = term.words[0]
            if joined == stem or (whole.endswith("*") and joined.startswith(stem)):
                hits.append(Hit(term, position, position + 2, fuzzy=True))
                break
    return hits


@lru_cache(maxsize=1)
def _compound_stems() -> tuple[tuple[str, Term], ...]:
    stems = []
    for term in TERMS:
        if term.kind not in (Kind.MATTER, Kind.AGENCY) or len(term.words) != 1:
            continue
        stem = term.words[0].rstrip("*")
        if len(stem) >= 6:
            stems.append((stem, term))
    return tuple(stems)


def _longest(hits: list[Hit]) -> list[Hit]:
    hits.sort(key=lambda h: (-(h.end - h.start), h.start))
    kept: list[Hit] = []
    taken: set[int] = set()
    for hit in hits:
        span = set(range(hit.start, hit.end))
        if span & taken:
            continue
        kept.append(hit)
        taken |= span
    return sorted(kept, key=lambda h: h.start)

"""Whether a request names an ordinary crime, and how a sensitive word is framed (pure).

A sensitive word is often only where a crime happened or who suffered it: a car stolen from a
church parking lot is an auto theft (VC 10851), an assault on an immigrant is an assault (PC 245).
DUP §2.1 authorizes that investigation. The same word as the *object* of the search ("who
attended the vigil", "locate the undocumented family") is what DUP §3 forbids. DUP §9 asks for
the presumed crime of every query: a criminal investigation that names none is not refused, but
a supervisor looks at it.
"""

from __future__ import annotations

import re

from plateward.guard.lexicon import PhraseIndex, find_phrases, parse_phrases
from plateward.guard.normalize import Normalized, word_set

# California (and other) code sections as the crime-type picklist writes them ("PC 459",
# "VC10851", "H&S 11350", "CVC 21453(a)").
_CODE = re.compile(r"\b(pc|vc|cvc|hs|h s|bp|penal code|vehicle code)\s*\d{2,5}")


CRIME_WORDS = word_set(
    """
    homicide homicides murder murdered manslaughter killing killed killer shooting shootings
    shot shots stabbing stabbed robbery robberies robbed robber carjacking carjacked burglary
    burglaries burglarized burglar theft thefts thief thieves stolen steal stealing stole
    larceny shoplifting embezzlement embezzled fraud forgery counterfeit scam extortion assault
    assaulted battery beaten attacked kidnapping kidnapped kidnap abduction abducted rape raped
    molestation trafficking arson arsonist vandalism vandalized vandalised graffiti tagging
    dui dwi evading reckless narcotics drug drugs fentanyl meth methamphetamine cocaine heroin
    firearm firearms gun guns weapon weapons brandishing threats threatened stalking stalked
    stalker harassment violence abuse pimping pandering looting riot hate felony misdemeanor
    suspect suspects warrant fugitive escapee parolee gang sideshow swatting bomb explosive
    explosives trespass trespassing prowler tampering hijacking defrauded skimmer skimming
    amber silver missing endangered runaway hit-and-run collision crash dumping poaching
    break-in ransacked smashed breaking entering gbi adw criminal crime crimes victim victims
    robo robos robado robada asalto asaltado asaltada homicidio asesinato secuestro secuestrado
    hurto atraco agresion violacion incendio vandalismo fraude extorsion tiroteo disparos
    atropello desaparecido desaparecida lesiones amenazas drogas pandilla delito delitos victima
    spray painted tagged slurs smashed keyed slashed egged shattered swastika swastikas
    lewd molested molesting indecent groping groped exposure
    """
)

# Crime types that name no crime: the request then has to say which one in its justification.
GENERIC_CRIME_TYPES = word_set(
    "other otro otra felony misdemeanor crime crimes none na n a unknown general misc various "
    "investigation investigacion delito"
)

# Words that put a sensitive place or person in the position of the victim or the scene.
SCENE_WORDS = word_set(
    """
    victim victims victima stolen from taken broke broken burglarized vandalized vandalised
    robbed assaulted attacked targeted threatened threats against injured hurt harmed damaged
    defaced torched fire parking lot outside near across front behind entrance street block
    corner scene witness witnesses reported reporting caller complainant owner belonging
    belongs employee employees worker works staff volunteer nurse clerk pastor priest
    posing impersonating impersonated impersonation fake pretending claiming seen last
    injury injuries nearby next beside during after while struck hit killed found run ran
    sped followed punched kicked pushed beat preyed preying targeting slapped harassed chased
    rammed spat turned escalated erupted became took suspected reports says told called
    complained
    """
)

# The object of the search is a group, or who goes where (DUP §3.2 monitoring; §3.3 a person's
# status; the 2026 update: who sought reproductive care). Group targets weigh in any request;
# a person's movements only where the request is not about a missing person or a red light.
_GROUP_TARGET = PhraseIndex(
    parse_phrases(
        """
    attendees|participants|members|membership|regulars|congregants|worshippers|worshipers
    parishioners|patients|visitors|customers|shoppers|organizers|leaders|everyone|everybody
    anyone who|monitor*|surveil*|keep tabs|keep an eye|watch list|watchlist|list of|build a list
    compile|roster|asistentes|miembros|vigilar|todos los|todas las|lista de|task force s list
    which ~2 cars/vehicles/plates/people/women/girls/men/persons/families|who are the
    every/all/each ~2 vehicle*/car*/plate*/people/person*/one/body/attendee*
    identify/identificar ~3 people/persons/attendees/participants/women/patients/members/visitors
    who ~1 attends/goes/go/comes/come/visits/frequents|cars ~2 at the|vehicles ~2 at the
    who was there|who were there
    """
    )
)
_PERSON_TARGET = PhraseIndex(
    parse_phrases(
        """
    who ~2 attend*/went/came/visit*/drive*/drove/park*/meet*/frequent*/met
    attend/attends/attended/attending/visited/visiting/visits/frequents/frequenting
    whereabouts|where ~4 goes/go/lives/live/sleep*/stay*/works/meet*/meets/parks/vive/duerme
    so ~3 can be|so that ~3 can|track/tracking/follow/following ~3 volunteer*/organizer*/activist*
    track/tracking/follow/following ~3 reporter*/journalist*/woman/women/patient*/family/doctor*
    status|estatus|quien|quienes|saber si|find out|find whether|confirm whether|confirm that
    wants to know|want to know|asks whether|asked whether|is asking|are asking|the parents
    """
    )
)

# What the person asks for in a sentence that also names a group ("find", "locate"): weaker,
# counted only when no crime is named.
_WEAK_TARGET = word_set(
    "find locate identify where who track tracking buscar localizar encontrar ubicar donde "
    "check confirm verify plates vehicles cars list get pull"
)


def names_specific_crime_type(crime_type: Normalized) -> bool:
    """Whether the crime type names a crime ("PC 211", "robbery") rather than "Other"."""
    if _CODE.search(crime_type.text):
        return True
    return any(w in CRIME_WORDS and w not in GENERIC_CRIME_TYPES for w in crime_type.words)


def names_crime(text: Normalized) -> bool:
    """Whether any crime word is in the request (crime type or justification)."""
    return bool(_CODE.search(text.text)) or any(
        w in CRIME_WORDS and w not in GENERIC_CRIME_TYPES for w in text.words
    )


# "who" asks a question after these words ("find out who attends"); after a noun it only
# describes someone ("a woman who attends the temple").
_QUESTION_LEADS = word_set(
    "find out know see identify determine learn check list tell figure show shows ask asking "
    "establish confirm whether of and is are was were wants want"
)
# Around the prohibited matter, these make it what someone did to the victim, not the object of
# the search ("men posing as ICE agents", "threatened to have her deported").
SOFTENING_WORDS = word_set(
    """
    posing posed pose impersonating impersonated impersonation impersonator fake fraudulent
    pretending pretended disguised claiming claimed threatened threatening threat threats
    victim victims victim s fear fears feared afraid scared scam scams scammed notario
    amenazo amenazas fingiendo haciendose extorted extortion extorting extort extorsion
    """
)


def group_targets(text: Normalized) -> list[tuple[int, int]]:
    """Where the request makes a group, or everyone at a place, its object; not a group that
    saw or gave us something ("members got the plate", "the attendees saw the car")."""
    spans = _questions_only(text, find_phrases(text, _GROUP_TARGET))
    return [
        (s, e)
        for s, e in spans
        if not _group_set_aside(text.words, s) and not _witnessing(text.words, e)
    ]


# After a group word, a verb of witnessing or giving: the group saw or gave us something, it is
# not what the search collects ("members got the plate", "parishioners wrote down the plate").
_WITNESSING = word_set(
    "got saw seen noticed noted wrote photographed filmed recorded caught gave provided "
    "reported called identified described took snapped heard flagged vieron anotaron"
)
_WITNESS_OBJECTS = word_set("plate plates placa placas number car vehicle license tag partial")


# Between the group and the verb, these make the verb select the group or gather more ("the
# attendees who got the flyer", "everyone, all the cars"): no witness.
_SELECTING = word_set("who that which whose every all each everyone everybody list and")


def _witnessing(words: tuple[str, ...], end: int) -> bool:
    """A verb of witnessing within five words of the group ("members of the temple board saw"),
    nothing selecting between them, and what was seen or given within twelve words of it."""
    for i in range(end, min(len(words), end + 5)):
        if words[i] in _SELECTING:
            return False
        if words[i] in _WITNESSING:
            return bool(set(words[i : i + 12]) & _WITNESS_OBJECTS)
    return False


def person_targets(text: Normalized) -> list[tuple[int, int]]:
    """Where the request makes a person's movements, whereabouts or status its object; not a
    status the request itself sets aside ("her status has nothing to do with this", "we never
    ask about status", "su estatus no tiene nada que ver")."""
    spans = _questions_only(text, find_phrases(text, _PERSON_TARGET))
    return [(s, e) for s, e in spans if not _status_set_aside(text.words, s, e)]


# Before a group, what the request says it does not want ("no interest in the other
# participants", "not looking at the attendees", "excluding the congregation", "sin interes en
# los manifestantes"): a disclaimer, not the object of the search.
_DISCLAIM = word_set("interest interested looking after concerned care caring interes")
_EXCLUDING = word_set("excluding except exclude excluye excluyendo")
_NONE = word_set("not never no isnt arent dont nunca sin ningun ninguna")


def _group_set_aside(words: tuple[str, ...], start: int) -> bool:
    before = set(words[max(0, start - 5) : start])
    return bool(before & _NONE and before & _DISCLAIM) or bool(before & _EXCLUDING)


_STATUS = word_set("status estatus")
# After a status, what sets it aside as no part of the case ("her status has nothing to do with
# this", "their status is not part of this case", "su estatus no tiene nada que ver"); before it,
# a rule of not asking ("we never ask about status", "regardless of status"). "He has no status"
# or "status not confirmed" is the status itself, not set aside.
_IRRELEVANT = word_set("nothing nada irrelevant unrelated")
_NOT = word_set("not never no isnt doesnt dont nunca")
_NO_PART = word_set("part relevant matter matters issue concern factor bearing")
_NOT_ASKED = word_set("ask asking asked check checking inquire pregunta preguntamos")


def _status_set_aside(words: tuple[str, ...], start: int, end: int) -> bool:
    if not set(words[start:end]) & _STATUS:
        return False
    after, before = words[end : end + 5], words[max(0, start - 3) : start]
    if set(after) & _IRRELEVANT or (set(after) & _NOT and set(after) & _NO_PART):
        return True
    return bool(set(before) & _NOT and set(before) & _NOT_ASKED) or "regardless" in before


def _questions_only(text: Normalized, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    words = text.words
    return [
        (s, e) for s, e in spans if words[s] != "who" or s == 0 or words[s - 1] in _QUESTION_LEADS
    ]


def softened(text: Normalized, start: int, end: int) -> bool:
    words = text.words
    around = words[max(0, start - 5) : start] + words[end : end + 3]
    return any(w in SOFTENING_WORDS for w in around) or _describes_suspect(words, start, end)


_SUSPECT = word_set("suspect suspects sospechoso sospechosa")
_IS = word_set("is was es era works worked trabaja trabajaba")


_OCCUPATION = word_set(
    "contractor contractors employee employees officer agent guard analyst worker clerk "
    "supervisor former retired ex empleado exempleado"
)


def _describes_suspect(words: tuple[str, ...], start: int, end: int) -> bool:
    """The words give the suspect's job ("the suspect is a former ICE contractor"), not the
    search's aim ("the suspect is an ICE target" is no job)."""
    if not set(words[start - 1 : start] + words[end : end + 2]) & _OCCUPATION:
        return False
    before = words[max(0, start - 5) : start]
    return any(w in _SUSPECT and set(before[i + 1 : i + 3]) & _IS for i, w in enumerate(before))


def weak_target(text: Normalized) -> bool:
    return any(w in _WEAK_TARGET for w in text.words)


def crime_next_to(text: Normalized, start: int, end: int) -> bool:
    """A crime word just before or after the sensitive words ("burglary at the synagogue",
    "assault on an immigrant", "clinic arson"): the place or person is the scene or victim."""
    words = text.words
    around = words[max(0, start - 6) : start] + words[end : end + 4]
    return any(w in CRIME_WORDS and w not in GENERIC_CRIME_TYPES for w in around)


def scene_next_to(text: Normalized, start: int, end: int) -> bool:
    words = text.words
    around = words[max(0, start - 5) : start] + words[end : end + 4]
    return any(w in SCENE_WORDS for w in around)


# A sensitive person or group as the one a crime was done to: "assault *on an off-duty ICE
# officer*", "threats *against worshippers*", "a *repo agent assaulted* by the owner", "the
# shooting death *of a deportation defense attorney*". DUP §2.1: that crime is investigated.
_VICTIM_AFTER = word_set(
    """
    assaulted attacked robbed beaten stabbed shot killed murdered threatened harassed stalked
    injured struck hit carjacked kidnapped scammed defrauded hurt punched kicked slashed
    bitten run victimized targeted mugged pistol whipped agredido agredida asaltado asaltada
    """
)
_VICTIM_LINKS = word_set("on against of to at toward towards contra")
VICTIM_WORDS = word_set("victim victims victima victimas complainant survivor survivors")


def victim_framed(text: Normalized, start: int, end: int) -> bool:
    """Whether the words at [start, end) name whom a crime was done to (see above)."""
    words = text.words
    if any(w in _VICTIM_AFTER for w in words[end : end + 3]):
        return True
    # A crime word, then "on"/"against"/"of" at once or one word later, then the words within
    # four more: "assault on an off-duty ICE officer", "shooting death of a ... attorney".
    for link in range(max(0, start - 4), start):
        if words[link] not in _VICTIM_LINKS:
            continue
        crime = words[max(0, link - 2) : link]
        if any(w in CRIME_WORDS and w not in GENERIC_CRIME_TYPES for w in crime):
            return True
    return False


def names_victim(text: Normalized) -> bool:
    return any(w in VICTIM_WORDS for w in text.words)

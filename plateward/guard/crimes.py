"""Whether a request names an ordinary crime, and how a sensitive word is framed (pure).

A sensitive word is often only where a crime happened or who suffered it: a car stolen from a
church parking lot is an auto theft (PC 487(d), VC 10851), an assault on an immigrant is an
assault (PC 245). DUP §2.1 authorizes that investigation. The same word as the *object* of the
search ("who attended the vigil", "locate the undocumented family") is what DUP §3 forbids.
"""

from __future__ import annotations

import re

from plateward.guard.normalize import Normalized

# California code sections, as the crime-type picklist writes them ("PC 459", "VC10851",
# "H&S 11350", "W&I 5150" is not a crime but a hold; left out).
_CODE = re.compile(r"\b(pc|vc|hs|h s|bp|penal code|vehicle code)\s*(\d{2,5}(?:\.\d+)?)", re.I)

CRIME_WORDS = frozenset(
    """
    homicide murder murdered manslaughter killing killed shooting shot shots stabbing stabbed
    robbery robberies robbed carjacking carjacked burglary burglaries burglarized burglar
    theft thefts thief stolen steal stealing stole larceny shoplifting embezzlement fraud
    forgery counterfeit scam swindle extortion assault assaulted battery batteries beaten
    attacked attack kidnapping kidnapped abduction abducted rape raped molest molestation
    trafficking trafficked arson vandalism vandalized vandalised graffiti hit run dui dwi
    evading evaded pursuit reckless narcotics drug drugs fentanyl meth methamphetamine cocaine
    heroin firearm firearms gun guns weapon weapons brandishing threats threatened threat
    stalking stalked stalker harassment domestic violence abuse elder child pimping pandering
    receiving possession sale sales catalytic converter looting riot arsonist homicidal
    hate crime crimes crime felony felonies misdemeanor misdemeanors suspect suspects
    warrant fugitive escapee escaped parolee probationer gang gangs smash grab takeover
    sideshow sideshows swatting bomb explosive explosives trespass trespassing prowler
    prowling tampering hijacking embezzled defrauded identity skimmer skimming amber silver
    missing endangered runaway abducted kidnap kidnapper robo robos robado robada asalto
    asaltado asaltada homicidio asesinato secuestro secuestrado secuestrada hurto atraco
    agresion violacion incendio vandalismo fraude extorsion tiroteo disparos apunalado
    atropello fuga desaparecido desaparecida lesiones amenazas narcotraffico narcotrafico
    drogas arma armas pandilla delito delitos
    """.split()
)

# Words that put a sensitive place or person in the position of the victim or the scene.
VICTIM_WORDS = frozenset(
    """
    victim victims victimized victima victimas stolen from taken from broke into broken into
    burglarized vandalized vandalised robbed assaulted attacked targeted threatened shot
    stabbed injured hurt harmed damaged defaced torched set fire parking lot outside near
    across front behind entrance lot street block corner scene witness witnesses witnessed
    reported reporting caller complainant owner owned belonging belongs employee employees
    worker workers staff volunteer volunteers clerk member posing impersonating impersonated
    impersonation fake pretending pretended disguised claiming claimed
    """.split()
)

# Words that make a sensitive place, event or person the object of the search (DUP §3.2:
# monitoring; §3.3: a person's status; the 2026 update: who sought reproductive care).
TARGET_WORDS = frozenset(
    """
    attendee attendees attend attended attending attendance participants participant
    participating participated participate organizers organizer organizing leaders members
    membership regulars congregants worshippers worshipers parishioners protesters
    protestors demonstrators marchers patients patient customers visitors visited visiting
    visits visit goes frequent frequents frequenting monitor monitoring monitored surveil
    surveillance surveilling watch watching watchlist track tracking tracked keep tabs
    compile list lists roster everyone everybody anyone all every pattern habits routine
    identify identified identifying who whom whose status traveled travelled traveling
    travelling travel trip went going obtained obtain seeking sought locate locating find
    finding where whereabouts lives living live reside resides residence address home
    remove removed removal report reporting hand deliver share sharing provide send
    asistentes miembros vigilar rastrear localizar ubicar encontrar quien quienes donde vive
    """.split()
)


def names_crime(text: Normalized, crime_type: Normalized) -> bool:
    """Whether the request names an ordinary crime (in its crime type or its justification)."""
    if _CODE.search(crime_type.text) or _CODE.search(" ".join(crime_type.words)):
        return True
    if any(w in CRIME_WORDS for w in crime_type.words):
        return True
    return any(w in CRIME_WORDS for w in text.words)


def code_sections(raw: str) -> list[str]:
    return [m.group(0) for m in _CODE.finditer(raw)]

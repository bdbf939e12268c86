"""Clause-level framing: whether a sensitive word is the victim, the witness or the scene of a
named crime (pure; a dependency-light reading of who does what to whom in one clause).

DUP §2.1 authorizes investigating a crime whatever the place or the victim: a mosque's lot where
worshippers "were targeted", a union hall where a "fire was set", the church whose vans'
converters "robaron", a repo company that "reports" its car stolen. A word window misses these
when the crime verb sits at the other end of the clause, so the justification is cut into
clauses (sentence punctuation) and the verbs of the clause that holds the word are read:
- a verb done *to* someone or something (assaulted, robbed, threatened, stalked, vandalised,
  stolen, set on fire, targeted; Spanish robaron, golpearon, amenazaron…) makes the clause's
  sensitive nouns its victim or scene;
- a verb of reporting or witnessing (reported, called, witnessed, saw; denuncio, vio) makes
  the noun before it the complainant or the witness;
- a sensitive noun followed by a street suffix is a street ("Church St", "Union Ave").
A clause that also asks for a group or someone's movements (a target cue) is never framed so.
"""

from __future__ import annotations

import re

from plateward.guard.normalize import Normalized, normalize, word_set

_SENTENCE_BREAK = re.compile(r"[.;!?\n]+(?:\s+|$)|\s+-\s+")

# Done to the clause's people and places (the victim or the scene), English and Spanish.
VICTIM_VERBS = word_set(
    """
    assaulted attacked robbed threatened stalked harassed vandalized vandalised vandalizing
    stolen stole burglarized burglarised broken broke break breakin smashed shattered torched
    burned burnt set
    fire arson arsonist targeted targeting injured beaten punched kicked stabbed shot killed
    threatening followed struck rammed keyed slashed defaced tagged spray painted egged looted
    ransacked extorted
    extorting scammed defrauded mugged carjacked kidnapped threw thrown hit crashed crashing
    blocked blocks blocking yelled shouted aimed
    robaron robo robada robado asaltaron asaltado asaltada golpearon golpeo golpeado golpeada
    amenazaron amenazo amenazada amenazado vandalizaron vandalizado rompieron quebraron
    quemaron quemado incendiaron incendio dispararon balearon apunalaron atropello atropellaron
    agredieron agredido agredida estafaron estafo extorsionaron extorsiona
    """
)
# Reporting or witnessing: the noun before it is the complainant or the witness.
REPORT_VERBS = word_set(
    """
    reported reports reporting called calls witnessed witness witnesses saw seen says said
    told complained complains denuncio denunciaron reporto reportaron llamo llamaron vio
    vieron testigo testigos
    """
)
STREET_SUFFIXES = word_set(
    "st street ave avenue rd road blvd boulevard dr drive ln lane way ct court pl place pkwy "
    "parkway expy expressway hwy highway calle avenida"
)


def clause_ids(justification: str | None, tokens: int, offset: int) -> tuple[int, ...]:
    """The clause each token of the request belongs to (``offset`` tokens of category and crime
    type come first, as clause -1). When cutting the text changes its tokens (letters spelled
    across a break), the whole justification is one clause."""
    pieces = [normalize(p).words for p in _SENTENCE_BREAK.split(justification or "")]
    ids = [-1] * offset
    for index, piece in enumerate(pieces):
        ids.extend([index] * len(piece))
    if len(ids) != tokens:
        return (*([-1] * offset), *([0] * (tokens - offset)))
    return tuple(ids)


def a_street(text: Normalized, end: int) -> bool:
    """ "Church St", "Union Ave", "Border Rd": a street named after the word, not the word."""
    return text.words[end : end + 1] != () and text.words[end] in STREET_SUFFIXES


def clause_framed(
    text: Normalized,
    ids: tuple[int, ...],
    start: int,
    end: int,
    targets: list[tuple[int, int]],
) -> bool:
    """Whether the clause holding [start, end) makes it the victim, witness or scene of a crime
    done in that clause, and asks for no group or person there."""
    if start >= len(ids):
        return False
    clause = ids[start]
    span = [i for i, c in enumerate(ids) if c == clause]
    if any(ids[s] == clause for s, _ in targets if s < len(ids)):
        return False
    words = text.words
    if any(words[i] in VICTIM_VERBS for i in span if i < start or i >= end):
        return True
    # "the repo company reports", "a neighbour saw": the noun is who reported or saw.
    return any(words[i] in REPORT_VERBS for i in span if end <= i < end + 4)


_PASSIVE = word_set("was were been got gets is are be fue fueron")


def clause_victim(
    text: Normalized,
    ids: tuple[int, ...],
    start: int,
    end: int,
    targets: list[tuple[int, int]],
) -> bool:
    """Stricter, for the prohibited matter itself: the clause says something *was done* to it
    ("the repo agent's truck was stolen", "fire was set at the ICE office") or reports it, not
    merely that a crime word is near ("illegal alien driving a stolen car")."""
    if not clause_framed(text, ids, start, end, targets):
        return False
    clause = ids[start]
    words = text.words
    span = [i for i, c in enumerate(ids) if c == clause]
    passive = any(words[i] in VICTIM_VERBS and i > 0 and words[i - 1] in _PASSIVE for i in span)
    return passive or any(words[i] in REPORT_VERBS for i in span if end <= i < end + 4)


# A payment card's brand, not a travel document: "Visa debit cards", "a Visa gift card",
# "Mastercard or Visa", "charged to her Visa". "Green card" stays the immigration word.
_BRAND_WORDS = word_set("visa")
_PAYMENT = word_set(
    "card cards debit credit prepaid gift giftcard giftcards checkcard mastercard amex "
    "transaction transactions charge charges charged purchase purchases terminal pos atm "
    "skimmer skimmed skimming tarjeta tarjetas"
)


def a_payment_brand(text: Normalized, start: int, end: int) -> bool:
    """A one-word lexicon term that is also a payment card's brand, beside a word of payment
    (two words either side): the card, not the matter."""
    words = text.words
    if end - start != 1 or words[start] not in _BRAND_WORDS:
        return False
    return bool(set(words[max(0, start - 2) : start] + words[end : end + 2]) & _PAYMENT)


# After an agency's name, what makes it a thing's mark or owner rather than who acts or asks:
# "(DHS markings)", "a CBP fleet truck", "an ICE decal", "FBI jacket".
_AGENCY_ATTRIBUTES = word_set(
    "marking markings marked fleet decal decals logo logos livery sticker stickers emblem "
    "emblems insignia seal plates plate vehicle vehicles car cars truck trucks van vans suv "
    "sedan cruiser jacket jackets uniform uniforms windbreaker vest hat cap"
)


def an_agency_attribute(text: Normalized, start: int, end: int) -> bool:
    """An agency named as the mark or the owner of a vehicle or a thing ("federal fleet car (DHS
    markings)"): the thing is what the request is about, the agency neither acts nor asks."""
    return bool(set(text.words[end : end + 2]) & _AGENCY_ATTRIBUTES)


# A verb of searching that takes a vehicle or a person's plate as its object: "run the
# reporter's Subaru", "track the pastor's car", "pull the organizer's plate history".
_SEARCH_VERBS = word_set(
    "run running ran track tracking trace tracing follow following pull pulling check checking "
    "query querying tail tailing map mapping rastrear seguir buscar corre correr"
)
_TAKEN = word_set("stolen missing carjacked burglarized vandalized robado robada")
_DETERMINERS = word_set("the a an that this his her their our el la los las")


def searched_possessor(text: Normalized, start: int, end: int) -> tuple[int, int] | None:
    """Where a sensitive person is the possessor of what a search verb takes as its object
    ("run the reporter's Subaru"): the span from the verb to the possessive, else None."""
    words = text.words
    if words[end : end + 1] != ("s",):
        return None
    at = start
    while at > 0 and start - at < 3 and words[at - 1] in _DETERMINERS:
        at -= 1
    if words[end + 1 : end + 3] and set(words[end + 1 : end + 3]) & _TAKEN:
        return None  # "run the pastor's stolen van": the person is the victim
    if at > 0 and words[at - 1] in _SEARCH_VERBS:
        return at - 1, end + 1
    return None


_THEIR = word_set("their sus")
_VEHICLES = word_set("plates plate cars car vehicles vehicle tags placas carros")


def their_vehicles_searched(text: Normalized, after: int) -> bool:
    """A search verb taking "their plates" or "all their cars" as its object after ``after``
    ("protesters outside the clinic were loud; run their plates"): the group named before is
    whom the search gathers."""
    words = text.words
    for i in range(after, len(words) - 2):
        if words[i] in _SEARCH_VERBS:
            rest = [w for w in words[i + 1 : i + 4] if w not in _GATHER_LEAD]
            if rest[:1] and rest[0] in _THEIR and set(rest[1:2]) & _VEHICLES:
                return True
    return False


_GATHER_LEAD = word_set("all every each of todos todas las los")

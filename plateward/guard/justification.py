"""Is a justification a real reason? Pure checks of its quality (no I/O).

The DUP update of March 2026 makes the justification a required field, and DUP §9 logs it with
every query so that an audit can tell why. The 2025-26 stalking cases that routine audits missed
had hundreds of searches justified with "investigation" or "welfare": text that says nothing
about why *this* search serves *this* case. Such text is refused with a message saying what a
good justification holds; text copied from the same person's other cases is refused too. Personal
data (an SSN, a date of birth, a street address, a phone or licence number) does not belong in an
audit log that auditors and the public-records process read: it is allowed, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from plateward.guard.normalize import plain, word_set

# Phrases that alone justify nothing; a justification made only of them (and filler) is refused.
_BOILERPLATE = word_set(
    """
    investigation investigations investigative inv invest invst investigating ongoing
    n a na none nothing test testing tests welfare welfare check check follow up followup
    f u fu see case see report per sgt sergeant lt lieutenant supervisor request requested
    as requested case case number cont continued continuing info information intel
    intelligence lead leads patrol routine routine check bolo atl suspicious susp vehicle
    veh plate lookup look up search query run ran running check plate records record
    misc miscellaneous other general pending tbd asap urgent same as above ditto
    per my supervisor per request investigacion caso prueba revision
    """
)
_FILLER = word_set(
    "a an the of for on in to re and or this that my our is it per with by as at please pls "
    "el la los las de del para por en y"
)
_GOOD_JUSTIFICATION = (
    "say why this search serves this case: what happened, what links this vehicle or plate "
    "to it, and what the search should find (e.g. 'Armed robbery at the 7-Eleven on Tully Rd; "
    "the clerk saw the suspects leave in a grey Civic with a partial plate 8K')"
)
MIN_WORDS = 3
MIN_LETTERS = 12

_SSN = re.compile(r"\b\d{3}[- ]\d{2}[- ]\d{4}\b|\bssn\b|social security", re.IGNORECASE)
_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"
_DOB = re.compile(
    rf"\b(?:dob|d\.o\.b\.?|date of birth|born|birth ?date|b\.)\s*:?\s*(?:on\s+)?(?:{_DATE}|"
    r"\w+ \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2})|\bfecha de nacimiento\b|\bnacid[oa] el\b",
    re.IGNORECASE,
)
# A house number, one to three capitalized words, a street suffix: "1234 Main St", "55 N First
# Street". Capitals keep "3 men ran down the street" out.
_ADDRESS = re.compile(
    r"\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][A-Za-z0-9'.]*\s+){1,3}"
    r"(?i:st|street|ave|avenue|rd|road|blvd|boulevard|dr|drive|ln|lane|ct|court|way|pl|place|"
    r"cir|circle|pkwy|parkway|ter|terrace|expy|expressway|calle|avenida)\b\.?"
)
_PHONE = re.compile(r"(?<!\d)(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}(?!\d)")
_LICENCE = re.compile(
    r"\b(?:dl|cdl|driver'?s? licen[cs]e|licen[cs]e (?:no|number|#))\s*(?:no\.?|number|#)?\s*:?"
    r"\s*[A-Z]?\d{5,8}\b|\b[A-Z]\d{7}\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class JustificationAssessment:
    refusal: str | None  # generic/boilerplate/copied: a helpful message; None if fine
    warnings: tuple[str, ...]  # personal data (SSN, date of birth, street address) etc.


def assess_justification(text: str, recent: Sequence[str] = ()) -> JustificationAssessment:
    """Refuse a justification that says nothing or is copied from another case; warn about
    personal data in one that is otherwise fine.

    ``recent``: the same person's last justifications for *other* cases (the caller leaves out
    the same case's, where repeating the reason is natural).
    """
    return JustificationAssessment(_refusal(text, recent), _warnings(text))


def normalized(text: str) -> str:
    """Case, accents, punctuation and spacing folded, to compare two justifications."""
    return " ".join(re.findall(r"[a-z0-9]+", plain(text).lower()))


def _refusal(text: str, recent: Sequence[str]) -> str | None:
    folded = normalized(text)
    words = folded.split()
    if not words:
        return f"A justification is required (DUP update, March 2026): {_GOOD_JUSTIFICATION}."
    if _says_nothing(folded, words):
        return (
            f"'{_shown(text)}' does not say why this search is needed. A justification should "
            f"{_GOOD_JUSTIFICATION}."
        )
    if any(normalized(other) == folded for other in recent if other):
        return (
            "This justification is the same text as one you gave for another case. Each search "
            f"needs its own reason: {_GOOD_JUSTIFICATION}."
        )
    return None


def _says_nothing(folded: str, words: list[str]) -> bool:
    meaningful = [w for w in words if w not in _FILLER]
    if all(w in _BOILERPLATE or w.isdigit() or len(w) <= 2 for w in meaningful):
        return True
    letters = sum(ch.isalpha() for ch in folded)
    if len(meaningful) < MIN_WORDS or letters < MIN_LETTERS:
        return True
    if len(set(folded.replace(" ", ""))) <= 3:  # "xxxxxxxx", "asdasdasd"
        return True
    vowels = sum(ch in "aeiouy" for ch in folded if ch.isalpha())
    return letters > 0 and vowels / letters < 0.15  # keyboard mashing: "sdfghjkl qwrtp"


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _warnings(text: str) -> tuple[str, ...]:
    found = []
    shown = plain(text)
    if _SSN.search(shown):
        found.append("a Social Security number")
    if _DOB.search(shown):
        found.append("a date of birth")
    if _ADDRESS.search(shown):
        found.append("a street address")
    if _PHONE.search(shown):
        found.append("a phone number")
    if _LICENCE.search(shown):
        found.append("a driver licence number")
    return tuple(
        f"The justification appears to hold {what}; it is kept in the audit trail, which "
        "auditors read. Describe the case instead of copying personal data into it."
        for what in found
    )

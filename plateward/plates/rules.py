"""What a licence plate *is* to the platform: pure normalization, no database, web or I/O.

Cameras and people write the same plate in many ways ("7abc 123", "7ABC-123", or with Cyrillic
letters that merely look Latin). Every read is reduced to one canonical form so that searches,
hot lists and retention apply to the plate, not to how it happened to be typed. The confusable
``skeleton`` goes one step further and is used only for fuzzy matching of likely OCR misreads.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

PLATE_MAX_LENGTH = 8

# Cyrillic and Greek letters that look identical to a Latin capital on a plate, by Unicode name.
# OCR engines trained on several alphabets, and people pasting from other keyboards, produce
# these; left alone they would make a Cyrillic "ABC123" and a Latin one two different plates.
# Both the capital and the small letter map to the Latin capital, as plates are upper-cased.
# Names rather than literal characters, because the literals are indistinguishable when read.
_LATIN_TWIN_NAMES: dict[str, tuple[str, ...]] = {
    "A": ("CYRILLIC A", "GREEK ALPHA"),
    "B": ("CYRILLIC VE", "GREEK BETA"),
    "C": ("CYRILLIC ES",),
    "E": ("CYRILLIC IE", "GREEK EPSILON"),
    "H": ("CYRILLIC EN", "GREEK ETA"),
    "I": ("CYRILLIC BYELORUSSIAN-UKRAINIAN I", "GREEK IOTA"),
    "J": ("CYRILLIC JE",),
    "K": ("CYRILLIC KA", "GREEK KAPPA"),
    "M": ("CYRILLIC EM", "GREEK MU"),
    "N": ("GREEK NU",),
    "O": ("CYRILLIC O", "GREEK OMICRON"),
    "P": ("CYRILLIC ER", "GREEK RHO"),
    "S": ("CYRILLIC DZE",),
    "T": ("CYRILLIC TE", "GREEK TAU"),
    "X": ("CYRILLIC HA", "GREEK CHI"),
    "Y": ("CYRILLIC U", "GREEK UPSILON"),
    "Z": ("GREEK ZETA",),
}


def _latin_twin_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for latin, names in _LATIN_TWIN_NAMES.items():
        for name in names:
            script, letter = name.split(" ", 1)
            for case in ("CAPITAL", "SMALL"):
                table[ord(unicodedata.lookup(f"{script} {case} LETTER {letter}"))] = latin
    return table


_LATIN_TWINS = _latin_twin_table()

# Characters that only separate groups on a plate and are never part of its registration.
# Any Unicode whitespace is a separator too (checked with str.isspace). After NFKC the
# fullwidth forms (U+FF0D, U+FF0E, U+FF3F) are already plain ASCII, so they need no entry here.
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212._\u00b7")

# In fold states registration treats O/0 and I/1 as one character, so the letter is folded onto
# the digit; elsewhere they are different plates and must stay as read.
_FOLD_LETTERS_ONTO_DIGITS = str.maketrans("OI", "01")

# Confusion classes for fuzzy matching: characters an OCR engine commonly mistakes for one
# another. Each maps to one representative, which is itself a member of its class, so that a
# skeleton of a skeleton is unchanged. Characters in no class map to themselves.
_CONFUSION_CLASSES: dict[str, str] = {
    "0ODQ": "0",
    "1IL": "1",
    "2Z": "2",
    "5S": "5",
    "6G": "6",
    "8B": "8",
    "UV": "U",
}
_SKELETON = str.maketrans(
    {
        member: representative
        for members, representative in _CONFUSION_CLASSES.items()
        for member in members
    }
)

_US_REGION_PREFIX = "US-"
# Error messages quote the raw plate; a longer input is cut so the message stays readable.
_SHOWN_MAX_LENGTH = 32


# The name is part of the public API other modules catch; an "Error" suffix would break them.
class InvalidPlate(ValueError):
    """A plate or plate state that cannot be stored; the message is shown to people as is."""


def normalize_plate(
    raw: str, state: str | None = None, fold_states: frozenset[str] = frozenset({"CA"})
) -> str:
    """Return the canonical form of a plate: upper-case A-Z and 0-9 only, at most 8 long.

    ``state`` is a two-letter code (any case); O/I are folded onto 0/1 only for ``fold_states``.
    Raises InvalidPlate with a sentence a person can act on.
    """
    if raw.isascii() and raw.isalnum():
        # The common case: only ASCII letters and digits, which NFKC, the look-alike table, the
        # separators and the foreign-character check all leave as they are.
        text = raw.upper()
    else:
        # NFKC first so that fullwidth and other compatibility forms become ASCII before the
        # look-alike table, which only knows ordinary Cyrillic and Greek letters.
        text = unicodedata.normalize("NFKC", raw).translate(_LATIN_TWINS)
        text = "".join(char for char in text if not _is_separator(char))
        if not text:
            raise InvalidPlate("plate is empty")
        # Checked before upper-casing: str.upper() turns some non-Latin letters into Latin ones
        # ("ß" -> "SS", dotless i U+0131 -> "I"), which would silently accept a misread plate.
        _reject_foreign_characters(raw, text)
        text = text.upper()
    if len(text) > PLATE_MAX_LENGTH:
        raise InvalidPlate(f"plate is longer than {PLATE_MAX_LENGTH} characters")
    if _folds(state, fold_states):
        text = text.translate(_FOLD_LETTERS_ONTO_DIGITS)
    return text


def skeleton(plate: str) -> str:
    """Map each character of a normalized plate to the representative of its confusion class.

    Two plates with the same skeleton could be OCR misreads of each other.
    """
    return plate.translate(_SKELETON)


@lru_cache(maxsize=512)  # a few dozen codes in practice; ingest asks once per read
def normalize_state(raw: str | None) -> str | None:
    """Return the upper-case two-letter state code, or None when no state was given.

    Accepts ISO 3166-2 style region codes ("US-CA") as well as bare codes ("ca").
    """
    if raw is None or not raw.strip():
        return None
    given = raw.strip()
    code = given.upper().removeprefix(_US_REGION_PREFIX)
    if len(code) != 2 or not (code.isascii() and code.isalpha()):
        raise InvalidPlate(f"plate state '{given}' is not a two-letter code")
    return code


def _is_separator(char: str) -> bool:
    return char.isspace() or char in _SEPARATORS


def _reject_foreign_characters(raw: str, text: str) -> None:
    for char in text:
        if char.isascii() and char.isalnum():
            continue
        # A letter from another alphabet is still a letter; saying "not a letter" would confuse.
        kind = "a Latin letter or digit" if char.isalnum() else "a letter or digit"
        shown = f"plate '{_shown(raw)}' contains {_shown_char(char)}"
        raise InvalidPlate(f"{shown}, which is not {kind}")


@lru_cache(maxsize=512)
def _folds(state: str | None, fold_states: frozenset[str]) -> bool:
    if state is None:
        return False
    # Both sides are compared upper-case so that "ca" and {"CA"} agree, whoever configured them.
    return state.strip().upper() in _upper_codes(fold_states)


@lru_cache(maxsize=16)
def _upper_codes(codes: frozenset[str]) -> frozenset[str]:
    return frozenset(code.upper() for code in codes)


def _shown(raw: str) -> str:
    # Echo what the sender wrote, trimmed so that a pasted paragraph does not flood the message,
    # with invisible characters spelled out so the person can see what to remove.
    text = raw.strip()
    if len(text) > _SHOWN_MAX_LENGTH:
        text = text[:_SHOWN_MAX_LENGTH] + "…"
    return "".join(_visible(char) for char in text)


def _visible(char: str) -> str:
    if char.isprintable():
        return char
    return " " if char.isspace() else f"<{_code_point(char)}>"


def _shown_char(char: str) -> str:
    if not char.isprintable():
        return _code_point(char)
    # A quote wrapped in the same quotes would be unreadable, so it gets the other kind.
    return f'"{char}"' if char == "'" else f"'{char}'"


def _code_point(char: str) -> str:
    return f"U+{ord(char):04X}"

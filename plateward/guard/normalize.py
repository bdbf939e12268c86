"""Text as the guard reads it: obfuscation undone before any word is looked at (pure).

People who want a prohibited search past a word list write around it: "1mm1gr4t10n", "I.C.E.",
"i m m i g r a t i o n", a zero-width space inside "ICE", a Cyrillic "o" in "abortion", accents
("deportación"). Each request is reduced to plain lower-case ASCII words first, so that the
lexicon and the embedding see the word that was meant (DUP update, March 2026: platform-level
blocking of queries related to immigration enforcement or reproductive rights).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters of other scripts that look like a Latin letter, by Unicode name (the literals are
# indistinguishable when read). A superset of the plate table in plates/rules.py: free text also
# meets small letters that never appear on plates.
_LATIN_TWIN_NAMES: dict[str, tuple[str, ...]] = {
    "a": ("CYRILLIC SMALL LETTER A", "GREEK SMALL LETTER ALPHA", "LATIN SMALL LETTER ALPHA"),
    "b": ("CYRILLIC SMALL LETTER VE", "GREEK SMALL LETTER BETA"),
    "c": ("CYRILLIC SMALL LETTER ES", "GREEK LUNATE SIGMA SYMBOL"),
    "d": ("CYRILLIC SMALL LETTER KOMI DE",),
    "e": ("CYRILLIC SMALL LETTER IE", "GREEK SMALL LETTER EPSILON", "CYRILLIC SMALL LETTER IO"),
    "g": ("LATIN SMALL LETTER SCRIPT G",),
    "h": ("CYRILLIC SMALL LETTER SHHA", "CYRILLIC SMALL LETTER EN", "GREEK SMALL LETTER ETA"),
    "i": (
        "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I",
        "GREEK SMALL LETTER IOTA",
        "LATIN SMALL LETTER DOTLESS I",
        "CYRILLIC SMALL LETTER YI",
    ),
    "j": ("CYRILLIC SMALL LETTER JE", "LATIN SMALL LETTER DOTLESS J"),
    "k": ("CYRILLIC SMALL LETTER KA", "GREEK SMALL LETTER KAPPA"),
    "l": ("CYRILLIC SMALL LETTER PALOCHKA", "CYRILLIC LETTER PALOCHKA"),
    "m": ("CYRILLIC SMALL LETTER EM", "GREEK SMALL LETTER MU"),
    "n": ("GREEK SMALL LETTER NU", "CYRILLIC SMALL LETTER PE"),
    "o": ("CYRILLIC SMALL LETTER O", "GREEK SMALL LETTER OMICRON", "GREEK SMALL LETTER SIGMA"),
    "p": ("CYRILLIC SMALL LETTER ER", "GREEK SMALL LETTER RHO"),
    "q": ("CYRILLIC SMALL LETTER QA",),
    "r": ("CYRILLIC SMALL LETTER GHE",),
    "s": ("CYRILLIC SMALL LETTER DZE",),
    "t": ("CYRILLIC SMALL LETTER TE", "GREEK SMALL LETTER TAU"),
    "u": ("GREEK SMALL LETTER UPSILON", "LATIN SMALL LETTER UPSILON"),
    "v": ("GREEK SMALL LETTER NU",),
    "w": ("CYRILLIC SMALL LETTER WE", "GREEK SMALL LETTER OMEGA"),
    "x": ("CYRILLIC SMALL LETTER HA", "GREEK SMALL LETTER CHI"),
    "y": ("CYRILLIC SMALL LETTER U", "CYRILLIC SMALL LETTER STRAIGHT U"),
    "z": ("GREEK SMALL LETTER ZETA",),
}


def _twin_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for latin, names in _LATIN_TWIN_NAMES.items():
        for name in names:
            small = unicodedata.lookup(name)
            table[ord(small)] = latin
            capital = small.upper()
            if len(capital) == 1 and capital != small and not capital.isascii():
                table[ord(capital)] = latin.upper()
    return table


_TWINS = _twin_table()

# Characters that render as nothing or as a plain space and only split a word for the eye.
# Category Cf covers zero-width spaces and joiners, the soft hyphen, bidi marks and the BOM;
# combining marks (accents, the grapheme joiner, variation selectors) go with the accent fold.
_HIDDEN_CATEGORIES = frozenset({"Cf", "Cc", "Co", "Cn", "Cs"})

# Digits and symbols written for letters ("1mm1gr4t10n", "@bortion", "$ale"). "1" and "|" stand
# for "i" or "l": both readings are kept and the lexicon tries each.
_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "+": "t"}
_LEET_I_L = "1|"
_LEET_CHARS = frozenset(_LEET) | frozenset(_LEET_I_L)

# Separators people put between the letters of one word: "i.c.e.", "d-e-p-o-r-t", "a_b_o".
_LETTER_SEPARATORS = re.compile(r"[.\-_*·/\\~'`^,:;]+")
_TOKEN = re.compile(r"[a-z0-9@$!|+]+")
_MIN_SPACED_RUN = 3
# Statute, plate and case-number shapes ("pc459", "hs11350", "7abc123") keep their digits.
_CODE = re.compile(r"^[a-z]{1,3}\d{2,}[a-z]?$|^\d+[a-z]{1,3}\d*$")


@dataclass(frozen=True)
class Token:
    """One word of the request: its readings (the first is the usual one) and whether it was
    written as an acronym (capitals, or letters spaced or dotted apart)."""

    text: str
    variants: tuple[str, ...]
    acronym: bool = False
    joins: bool = True  # a one-letter word that may be part of a spaced-out word


@dataclass(frozen=True)
class Normalized:
    tokens: tuple[Token, ...]

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.tokens)

    @property
    def text(self) -> str:
        return " ".join(self.words)


def word_set(block: str) -> frozenset[str]:
    """The whitespace-separated words of ``block`` (the guard's word lists are written so)."""
    return frozenset(block.split())


def plain(text: str) -> str:
    """``text`` with compatibility forms, hidden characters, look-alikes and accents undone;
    case is kept (acronyms are told apart by it)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if ch.isspace() else ch for ch in text if not _hidden(ch))
    text = text.translate(_TWINS)
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", text).translate(_UNDECOMPOSED)


# Letters with a stroke or ligatures that NFD leaves whole: Vietnamese "đ" ("đường", "đi") would
# otherwise be dropped by the tokenizer, and German "ß".
# Typographic apostrophes (U+2018, U+2019, U+02BC) read as the plain one: "I'm" either way.
_UNDECOMPOSED = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
    }
)


@lru_cache(maxsize=4096)
def _hidden(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch) in _HIDDEN_CATEGORIES


def normalize(text: str | None) -> Normalized:
    """The words of ``text`` as the guard reads them (see the module docstring)."""
    if not text:
        return Normalized(())
    tokens: list[Token] = []
    for chunk in plain(text).split():
        tokens.extend(_chunk_tokens(chunk))
    return Normalized(tuple(_join_spaced_letters(tokens)))


# An English contraction ("I'm", "didn't", "she's", "I'd"): two words, never letters spelled out
# ("I'm" is not the acronym "IM", and "t I m" in "don't I'm" is no spaced-out word).
_CONTRACTION = re.compile(r"^\W*([a-z]+)'(m|s|t|d|ll|re|ve)\W*$", re.IGNORECASE)


def _chunk_tokens(chunk: str) -> list[Token]:
    """Split one whitespace-separated chunk into word tokens."""
    contraction = _CONTRACTION.match(chunk)
    if contraction:
        return [
            Token(w.lower(), (w.lower(),), acronym=len(w) >= 2 and w.isupper(), joins=False)
            for w in contraction.groups()
        ]
    parts = [p for p in _LETTER_SEPARATORS.split(chunk) if p]
    spelled = all(len(p) == 1 and (p.isalpha() or p in _LEET_CHARS) for p in parts)
    if len(parts) >= 2 and spelled and sum(p.isalpha() for p in parts) >= 2:
        # "I.C.E.", "1.C.E." or "d-e-p-o-r-t": one word spelled out letter by letter.
        word = _decode("".join(parts).lower(), "i")
        return [Token(word, (word,), acronym=True)]
    tokens = []
    for part in parts:
        for raw in _TOKEN.findall(part.lower()):
            original = _original_case(part, raw)
            acronym = len(original) >= 2 and original.isupper()
            tokens.append(_leet_token(raw, acronym))
    return tokens


def _original_case(part: str, lowered: str) -> str:
    start = part.lower().find(lowered)
    return part[start : start + len(lowered)] if start >= 0 else lowered


def _leet_token(raw: str, acronym: bool) -> Token:
    letters = sum(ch.isalpha() for ch in raw)
    leet = sum(ch in _LEET_CHARS for ch in raw)
    if not leet or not letters:
        word = raw.strip("@$!|+")
        return Token(word or raw, (word or raw,), acronym)
    readings = [_decode(raw, "i"), _decode(raw, "l")] if any(c in raw for c in _LEET_I_L) else []
    decoded = readings or [_decode(raw, "i")]
    variants = tuple(dict.fromkeys([*decoded, raw]))
    # A token mostly of digits ("PC459", "7ABC123") reads as itself first; the decoded readings
    # are still offered to the lexicon ("1c3").
    looks_like_code = letters < leet or _CODE.match(raw) or any(c in raw for c in "2689")
    first = raw if looks_like_code else variants[0]
    return Token(first, tuple(dict.fromkeys([first, *variants])), acronym)


def _decode(raw: str, one_as: str) -> str:
    out = []
    for ch in raw:
        if ch in _LEET_I_L:
            out.append(one_as)
        else:
            out.append(_LEET.get(ch, ch))
    return "".join(out)


def _join_spaced_letters(tokens: list[Token]) -> list[Token]:
    """ "i m m i g r a t i o n" -> "immigration": a run of three or more one-letter words."""
    out: list[Token] = []
    run: list[Token] = []
    for token in [*tokens, Token("", ("",))]:
        if len(token.text) == 1 and token.text.isalpha() and token.joins:
            run.append(token)
            continue
        if len(run) >= _MIN_SPACED_RUN:
            word = "".join(t.text for t in run)
            out.append(Token(word, (word,), acronym=True))
        else:
            out.extend(run)
        run = []
        if token.text:
            out.append(token)
    return out

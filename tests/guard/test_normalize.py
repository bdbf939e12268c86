"""Obfuscation is undone before any word is looked at (DUP update, March 2026: platform-level
blocking must not be defeated by spelling)."""

from __future__ import annotations

import pytest

from plateward.guard import Decision, GuardRequest, check
from plateward.guard.normalize import normalize


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("1mm1gr4t10n", "immigration"),
        ("d3p0rt", "deport"),
        ("@bortion", "abortion"),
        ("I.C.E.", "ice"),
        ("i m m i g r a t i o n", "immigration"),
        ("d-e-p-o-r-t", "deport"),
        ("I\u200bC\u200bE", "ice"),  # zero-width spaces
        ("abor\u00adtion", "abortion"),  # soft hyphen
        ("\u202eICE\u202c", "ice"),  # bidi override
        ("ab\u043erti\u043en", "abortion"),  # Cyrillic o
        ("\u0456mm\u0456gr\u0430nt", "immigrant"),  # Cyrillic i and a
        ("\uff29\uff23\uff25", "ice"),  # fullwidth
        ("deportación", "deportacion"),
        ("inmigración", "inmigracion"),
    ],
)
def test_obfuscated_words_read_as_meant(written: str, read: str) -> None:
    assert read in normalize(written).words


def test_codes_and_plates_keep_their_digits() -> None:
    words = normalize("PC459 7ABC123 hs11350").words
    assert words == ("pc459", "7abc123", "hs11350")


def test_letters_spelled_out_are_an_acronym() -> None:
    (token,) = normalize("I.C.E.").tokens
    assert token.acronym


@pytest.mark.parametrize(
    "justification",
    [
        "Locate the family for d3p0rt4t10n",
        "help I C E find the man",
        "help 1.C.E. find the man",
        "help I\u200dC\u200dE find the man",
        "find the \u0456mm\u0456gr\u0430nt without p\u0430pers",
        "confirm the car went to the a b o r t i o n clinic",
        "identify everyone at the pr0test",
        "find the illegal a l i e n",
        "locate the inmigrante indocumentado para deportacion",
        "find the deprotation target",  # misspelt
    ],
)
def test_obfuscated_prohibited_requests_are_caught(justification: str) -> None:
    verdict = check(GuardRequest("criminal_investigation", "Other", "26-1", justification))
    assert verdict.decision is Decision.DENY


def test_a_real_word_near_a_lexicon_word_is_not_a_misspelling() -> None:
    # "protect" is one edit from "protest": known words are never matched fuzzily.
    verdict = check(
        GuardRequest(
            "criminal_investigation",
            "PC 273.6",
            "26-1",
            "Violation of a protective order: the restrained ex drove past the victim's work",
        )
    )
    assert verdict.decision is Decision.ALLOW

"""How a plate as read becomes its canonical form, and how a plate state is read.

Look-alike letters are written as \\N{...} escapes on purpose: as literals they could not be told
from their Latin twins when reading the tests.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plateward.plates.rules import InvalidPlate, normalize_plate, normalize_state

CANONICAL_PLATE = re.compile(r"[A-Z0-9]{1,8}")

SEPARATORS = [
    " ",
    "\t",
    "\N{NO-BREAK SPACE}",
    "\N{IDEOGRAPHIC SPACE}",
    "-",
    "\N{HYPHEN}",
    "\N{NON-BREAKING HYPHEN}",
    "\N{FIGURE DASH}",
    "\N{EN DASH}",
    "\N{EM DASH}",
    "\N{MINUS SIGN}",
    ".",
    "\N{MIDDLE DOT}",
    "_",
]

CYRILLIC_TWINS = {
    "\N{CYRILLIC CAPITAL LETTER A}": "A",
    "\N{CYRILLIC CAPITAL LETTER VE}": "B",
    "\N{CYRILLIC CAPITAL LETTER IE}": "E",
    "\N{CYRILLIC CAPITAL LETTER KA}": "K",
    "\N{CYRILLIC CAPITAL LETTER EM}": "M",
    "\N{CYRILLIC CAPITAL LETTER EN}": "H",
    "\N{CYRILLIC CAPITAL LETTER O}": "O",
    "\N{CYRILLIC CAPITAL LETTER ER}": "P",
    "\N{CYRILLIC CAPITAL LETTER ES}": "C",
    "\N{CYRILLIC CAPITAL LETTER TE}": "T",
    "\N{CYRILLIC CAPITAL LETTER U}": "Y",
    "\N{CYRILLIC CAPITAL LETTER HA}": "X",
    "\N{CYRILLIC SMALL LETTER A}": "A",
    "\N{CYRILLIC SMALL LETTER VE}": "B",
    "\N{CYRILLIC SMALL LETTER IE}": "E",
    "\N{CYRILLIC SMALL LETTER KA}": "K",
    "\N{CYRILLIC SMALL LETTER EM}": "M",
    "\N{CYRILLIC SMALL LETTER EN}": "H",
    "\N{CYRILLIC SMALL LETTER O}": "O",
    "\N{CYRILLIC SMALL LETTER ER}": "P",
    "\N{CYRILLIC SMALL LETTER ES}": "C",
    "\N{CYRILLIC SMALL LETTER TE}": "T",
    "\N{CYRILLIC SMALL LETTER U}": "Y",
    "\N{CYRILLIC SMALL LETTER HA}": "X",
}

GREEK_TWINS = {
    "\N{GREEK CAPITAL LETTER ALPHA}": "A",
    "\N{GREEK CAPITAL LETTER BETA}": "B",
    "\N{GREEK CAPITAL LETTER EPSILON}": "E",
    "\N{GREEK CAPITAL LETTER ZETA}": "Z",
    "\N{GREEK CAPITAL LETTER ETA}": "H",
    "\N{GREEK CAPITAL LETTER IOTA}": "I",
    "\N{GREEK CAPITAL LETTER KAPPA}": "K",
    "\N{GREEK CAPITAL LETTER MU}": "M",
    "\N{GREEK CAPITAL LETTER NU}": "N",
    "\N{GREEK CAPITAL LETTER OMICRON}": "O",
    "\N{GREEK CAPITAL LETTER RHO}": "P",
    "\N{GREEK CAPITAL LETTER TAU}": "T",
    "\N{GREEK CAPITAL LETTER UPSILON}": "Y",
    "\N{GREEK CAPITAL LETTER CHI}": "X",
    "\N{GREEK SMALL LETTER ALPHA}": "A",
    "\N{GREEK SMALL LETTER BETA}": "B",
    "\N{GREEK SMALL LETTER EPSILON}": "E",
    "\N{GREEK SMALL LETTER ZETA}": "Z",
    "\N{GREEK SMALL LETTER ETA}": "H",
    "\N{GREEK SMALL LETTER IOTA}": "I",
    "\N{GREEK SMALL LETTER KAPPA}": "K",
    "\N{GREEK SMALL LETTER MU}": "M",
    "\N{GREEK SMALL LETTER NU}": "N",
    "\N{GREEK SMALL LETTER OMICRON}": "O",
    "\N{GREEK SMALL LETTER RHO}": "P",
    "\N{GREEK SMALL LETTER TAU}": "T",
    "\N{GREEK SMALL LETTER UPSILON}": "Y",
    "\N{GREEK SMALL LETTER CHI}": "X",
}

ASCII_GLYPHS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# Fullwidth forms sit at a fixed offset from ASCII; NFKC maps them back.
FULLWIDTH_GLYPHS = "".join(chr(ord(char) + 0xFEE0) for char in ASCII_GLYPHS)
# Every glyph here stands for exactly one plate character once normalized.
PLATE_GLYPHS = sorted(
    set(ASCII_GLYPHS) | set(FULLWIDTH_GLYPHS) | set(CYRILLIC_TWINS) | set(GREEK_TWINS)
)

# Plates as cameras and people might write them: up to 8 characters, in any of the accepted
# forms, with any separators in between. All of them are valid.
written_plates = st.lists(
    st.tuples(st.sampled_from(PLATE_GLYPHS), st.sampled_from(["", *SEPARATORS])),
    min_size=1,
    max_size=8,
).map(lambda parts: "".join(glyph + separator for glyph, separator in parts))
states = st.sampled_from([None, "CA", "ca", "NY", "TX"])
fold_state_sets = st.sampled_from([frozenset({"CA"}), frozenset(), frozenset({"CA", "NY"})])


@pytest.mark.parametrize("separator", SEPARATORS)
def test_it_ignores_spaces_and_dashes(separator: str) -> None:
    written = f"{separator}7{separator}ABC{separator}{separator}123{separator}"
    assert normalize_plate(written) == "7ABC123"


def test_it_upper_cases_letters() -> None:
    assert normalize_plate("7abC123") == "7ABC123"


def test_fullwidth_characters_normalize_to_ascii() -> None:
    fullwidth = "\uff17\uff41\uff22\uff23\uff0d\uff11\uff12\uff13"  # "7aBC-123" in fullwidth
    assert normalize_plate(fullwidth) == "7ABC123"


@pytest.mark.parametrize(("lookalike", "latin"), CYRILLIC_TWINS.items())
def test_cyrillic_lookalikes_normalize_to_latin(lookalike: str, latin: str) -> None:
    assert normalize_plate(f"7{lookalike}1") == f"7{latin}1"


@pytest.mark.parametrize(("lookalike", "latin"), GREEK_TWINS.items())
def test_greek_lookalikes_normalize_to_latin(lookalike: str, latin: str) -> None:
    assert normalize_plate(f"7{lookalike}1") == f"7{latin}1"


@pytest.mark.parametrize(
    ("state", "fold_states"),
    [("CA", frozenset({"CA"})), ("ca", frozenset({"CA"})), ("NY", frozenset({"CA", "NY"}))],
)
def test_fold_states_treat_o_as_zero(state: str, fold_states: frozenset[str]) -> None:
    # ...and I as one.
    assert normalize_plate("7oil-123", state, fold_states) == "701L123"


def test_fold_states_are_the_default_configuration() -> None:
    assert normalize_plate("7OIL123", "CA") == "701L123"


def test_fold_states_fold_only_o_and_i() -> None:
    # Q, D and L are merely confusable for OCR; registration still tells them apart.
    assert normalize_plate("QDL5SB", "CA") == "QDL5SB"


@pytest.mark.parametrize(
    ("state", "fold_states"),
    [("NY", frozenset({"CA"})), (None, frozenset({"CA"})), ("CA", frozenset())],
)
def test_other_states_keep_o_as_read(state: str | None, fold_states: frozenset[str]) -> None:
    # ...and I as read: there O/0 and I/1 are different plates.
    assert normalize_plate("7oil-123", state, fold_states) == "7OIL123"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("AB$12", "plate 'AB$12' contains '$', which is not a letter or digit"),
        ("7ABC/12", "plate '7ABC/12' contains '/', which is not a letter or digit"),
        ("AB'1", "plate 'AB'1' contains \"'\", which is not a letter or digit"),
        (
            "AB\N{CYRILLIC CAPITAL LETTER ZHE}1",
            "plate 'AB\N{CYRILLIC CAPITAL LETTER ZHE}1' contains "
            "'\N{CYRILLIC CAPITAL LETTER ZHE}', which is not a Latin letter or digit",
        ),
        (
            # Upper-cases to "I", but a dotless i is not a Latin plate letter.
            "AB\N{LATIN SMALL LETTER DOTLESS I}1",
            "plate 'AB\N{LATIN SMALL LETTER DOTLESS I}1' contains "
            "'\N{LATIN SMALL LETTER DOTLESS I}', which is not a Latin letter or digit",
        ),
        (
            "A\N{ZERO WIDTH SPACE}B",
            "plate 'A<U+200B>B' contains U+200B, which is not a letter or digit",
        ),
    ],
)
def test_it_rejects_symbols_with_a_clear_message(written: str, message: str) -> None:
    with pytest.raises(InvalidPlate) as raised:
        normalize_plate(written)
    assert str(raised.value) == message


def test_invalid_plates_are_value_errors() -> None:
    # Callers that only know ValueError (pydantic validators, argument parsing) still catch it.
    with pytest.raises(ValueError, match="plate is empty"):
        normalize_plate("")


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("", "plate is empty"),
        ("   ", "plate is empty"),
        (" - . _ \N{EM DASH} ", "plate is empty"),
        ("ABCD12345", "plate is longer than 8 characters"),
        ("ab-cd 1234 5", "plate is longer than 8 characters"),
    ],
)
def test_it_rejects_empty_and_overlong_plates(written: str, message: str) -> None:
    with pytest.raises(InvalidPlate) as raised:
        normalize_plate(written)
    assert str(raised.value) == message


def test_separators_do_not_count_towards_the_length() -> None:
    assert normalize_plate("ab-cd 12.34") == "ABCD1234"


@settings(deadline=None)
@given(written=written_plates, state=states, fold_states=fold_state_sets)
def test_normalization_is_idempotent(
    written: str, state: str | None, fold_states: frozenset[str]
) -> None:
    once = normalize_plate(written, state, fold_states)
    assert normalize_plate(once, state, fold_states) == once


@settings(deadline=None)
@given(
    written=st.one_of(st.text(), written_plates),
    state=states,
    fold_states=fold_state_sets,
)
def test_normalized_plates_contain_only_letters_and_digits(
    written: str, state: str | None, fold_states: frozenset[str]
) -> None:
    try:
        plate = normalize_plate(written, state, fold_states)
    except InvalidPlate:
        return
    assert CANONICAL_PLATE.fullmatch(plate)


@pytest.mark.parametrize("written", ["ca", "CA", " CA ", "us-ca", "US-CA", "Us-Ca", " us-CA\t"])
def test_normalize_state_accepts_region_codes(written: str) -> None:
    assert normalize_state(written) == "CA"


@pytest.mark.parametrize("written", [None, "", "   "])
def test_normalize_state_treats_a_missing_state_as_none(written: str | None) -> None:
    assert normalize_state(written) is None


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("xyz", "xyz"),
        ("C", "C"),
        ("C4", "C4"),
        ("12", "12"),
        ("us-", "us-"),
        (" us-cal ", "us-cal"),
        ("MX-BC", "MX-BC"),
        ("C\N{CYRILLIC CAPITAL LETTER A}", "C\N{CYRILLIC CAPITAL LETTER A}"),
    ],
)
def test_normalize_state_rejects_anything_but_two_letters(written: str, shown: str) -> None:
    with pytest.raises(InvalidPlate) as raised:
        normalize_state(written)
    assert str(raised.value) == f"plate state '{shown}' is not a two-letter code"

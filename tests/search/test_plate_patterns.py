"""Plate patterns (search/rules.py), checked against reference matchers with hypothesis: what a
person types is parsed into a pattern that means what a regular expression of it means, and the
SQL LIKE text the service sends means the same again (run in SQLite's own LIKE)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from plateward.core.errors import InvalidInput
from plateward.plates.rules import skeleton
from plateward.search.rules import (
    PlateMatch,
    PlatePattern,
    one_edit_or_confusable,
    plate_pattern,
)

PLATE_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # no O or I: CA folding leaves these alone
plates_ = st.text(alphabet=PLATE_CHARS, min_size=1, max_size=8)
cores = st.text(alphabet=PLATE_CHARS + "?", min_size=1, max_size=8)


@st.composite
def patterns(draw: st.DrawFn) -> str:
    head, tail = draw(st.booleans()), draw(st.booleans())
    return ("*" if head else "") + draw(cores) + ("*" if tail else "")


def reference(pattern: str) -> re.Pattern[str]:
    """The meaning of a pattern, written independently: '*' any run, '?' one character."""
    body = "".join({"*": ".*", "?": "."}.get(c, re.escape(c)) for c in pattern)
    return re.compile(body)


def _parsed(text: str) -> PlatePattern | None:
    try:
        return plate_pattern(text)
    except InvalidInput:
        return None


@given(patterns(), plates_)
@example("*AB1*", "8XAB199")
@example("7A?C123", "7ABC123")
@example("*123", "123")
def test_a_pattern_matches_exactly_what_its_reference_matches(typed: str, plate: str) -> None:
    pattern = _parsed(typed)
    if pattern is None:
        return  # refused (too vague): nothing to compare
    assert pattern.matches(plate) == bool(reference(pattern.text).fullmatch(plate))


@pytest.fixture(scope="module")
def sqlite() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    yield connection
    connection.close()


@given(patterns(), plates_)
def test_the_like_text_means_what_the_pattern_means(
    sqlite: sqlite3.Connection, typed: str, plate: str
) -> None:
    pattern = _parsed(typed)
    if pattern is None:
        return
    (like,) = sqlite.execute("SELECT ? LIKE ? ESCAPE '\\'", (plate, pattern.like())).fetchone()
    assert bool(like) == pattern.matches(plate)


@given(st.text(alphabet=PLATE_CHARS.lower() + "*?- .", max_size=14))
def test_typed_text_is_a_clean_pattern_or_a_clear_refusal(typed: str) -> None:
    try:
        pattern = plate_pattern(typed)
    except InvalidInput as refusal:
        assert refusal.detail
        return
    assert re.fullmatch(r"\*?[A-Z0-9?]+\*?", pattern.text), pattern.text
    # Separators and case never change what is searched.
    squeezed = re.sub(r"\*+", "*", re.sub(r"[- .]", "", typed).upper())
    assert pattern.text == squeezed


@given(plates_.filter(lambda p: len(p) >= 3), st.integers(min_value=3, max_value=8))
def test_a_plate_matches_its_own_start_end_and_exact_patterns(plate: str, k: int) -> None:
    k = min(k, len(plate))
    assert plate_pattern(plate).matches(plate)
    assert plate_pattern(plate[:k] + "*").matches(plate)
    assert plate_pattern("*" + plate[-k:]).matches(plate)
    assert plate_pattern(plate).match is PlateMatch.EXACT


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@given(plates_, plates_)
@example("7ABC123", "7ABD123")
@example("5SBC128", "55BC128")
def test_fuzzy_is_one_edit_or_the_same_skeleton(plate: str, wanted: str) -> None:
    expected = _levenshtein(plate, wanted) <= 1 or skeleton(plate) == skeleton(wanted)
    assert one_edit_or_confusable(plate, wanted) == expected


def test_the_like_text_escapes_what_like_would_read_as_wildcards() -> None:
    assert PlatePattern("A%_\\*").like() == "A\\%\\_\\\\%"

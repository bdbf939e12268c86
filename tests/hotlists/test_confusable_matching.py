"""Matching as a property: a listed plate always matches itself exactly; one character swapped
inside its confusion class (0/O/D/Q, 1/I, 2/Z, 5/S, 8/B, 6/G) is a "possible" match; two such
swaps, or any other character, are no match (the default of one substitution)."""

from __future__ import annotations

import string
from datetime import date

from hypothesis import assume, given
from hypothesis import strategies as st

from plateward.hotlists.matcher import Index
from plateward.hotlists.rules import MatchKind, StateRelation
from plateward.hotlists.service import IndexedEntry

# Restated here so that the tests pin the rule rather than the table.
CLASSES = ("0ODQ", "1I", "2Z", "5S", "8B", "6G")
CLASS_OF = {c: group for group in CLASSES for c in group}
TODAY = date(2026, 11, 28)
plates = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=2, max_size=8)


def _index(plate: str) -> Index:
    index = Index()
    index.put(IndexedEntry(1, plate, "CA", 2, date(2027, 1, 1), alerting=True))
    return index


def _swap(plate: str, at: int, data: st.DataObject) -> str:
    others = [c for c in CLASS_OF[plate[at]] if c != plate[at]]
    return plate[:at] + data.draw(st.sampled_from(others)) + plate[at + 1 :]


@given(plates)
def test_a_listed_plate_matches_itself_exactly(plate: str) -> None:
    [(entry, match)] = _index(plate).match(plate, "CA", TODAY, TODAY)

    assert entry.id == 1 and match.kind is MatchKind.EXACT and match.state is StateRelation.SAME


@given(plates, st.data())
def test_one_confusable_swap_is_a_possible_match_at_lower_priority(
    plate: str, data: st.DataObject
) -> None:
    spots = [i for i, c in enumerate(plate) if c in CLASS_OF]
    assume(spots)
    read = _swap(plate, data.draw(st.sampled_from(spots)), data)

    [(_, match)] = _index(plate).match(read, "CA", TODAY, TODAY)

    assert match.kind is MatchKind.POSSIBLE and match.priority > 2


@given(plates, st.data())
def test_two_confusable_swaps_are_no_match(plate: str, data: st.DataObject) -> None:
    spots = [i for i, c in enumerate(plate) if c in CLASS_OF]
    assume(len(spots) >= 2)
    first, second = data.draw(st.lists(st.sampled_from(spots), min_size=2, max_size=2, unique=True))
    read = _swap(_swap(plate, first, data), second, data)

    assert _index(plate).match(read, "CA", TODAY, TODAY) == []


@given(plates, st.data())
def test_a_character_outside_its_class_is_no_match(plate: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(plate) - 1))
    outside = [
        c
        for c in string.ascii_uppercase + string.digits
        if c not in CLASS_OF.get(plate[at], plate[at])
    ]
    read = plate[:at] + data.draw(st.sampled_from(outside)) + plate[at + 1 :]

    assert _index(plate).match(read, "CA", TODAY, TODAY) == []

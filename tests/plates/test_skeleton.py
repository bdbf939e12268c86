"""The confusable skeleton: plates that OCR could have misread as each other share one."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plateward.plates.rules import normalize_plate, skeleton

# The confusion classes, restated here so that the tests pin the rule rather than the table.
CONFUSION_CLASSES = {
    "0ODQ": "0",
    "1IL": "1",
    "2Z": "2",
    "5S": "5",
    "6G": "6",
    "8B": "8",
    "UV": "U",
}
PLATE_CHARACTERS = string.ascii_uppercase + string.digits
UNCONFUSED = "".join(
    char for char in PLATE_CHARACTERS if not any(char in members for members in CONFUSION_CLASSES)
)

plates = st.text(alphabet=PLATE_CHARACTERS, min_size=1, max_size=8)
# Valid plates as written before normalization: any case, with separators in between.
written_plates = st.lists(
    st.tuples(
        st.sampled_from(PLATE_CHARACTERS + string.ascii_lowercase),
        st.sampled_from(["", " ", "-", "."]),
    ),
    min_size=1,
    max_size=8,
).map(lambda parts: "".join(char + separator for char, separator in parts))


def confusable_with(char: str) -> str:
    return next((members for members in CONFUSION_CLASSES if char in members), char)


@st.composite
def plates_and_misreads(draw: st.DrawFn) -> tuple[str, str]:
    plate = draw(plates)
    misread = "".join(draw(st.sampled_from(confusable_with(char))) for char in plate)
    return plate, misread


@pytest.mark.parametrize(("members", "representative"), CONFUSION_CLASSES.items())
def test_skeleton_maps_each_confusion_class_to_one_representative(
    members: str, representative: str
) -> None:
    assert skeleton(members) == representative * len(members)


def test_skeleton_keeps_other_characters_as_they_are() -> None:
    assert UNCONFUSED == "ACEFHJKMNPRTWXY3479"
    assert skeleton(UNCONFUSED) == UNCONFUSED


def test_skeleton_matches_a_typical_misread() -> None:
    assert skeleton("8OLD5Z") == skeleton("BDIQS2") == "801052"


@settings(deadline=None)
@given(plates_and_misreads())
def test_skeleton_is_invariant_under_confusable_substitution(pair: tuple[str, str]) -> None:
    plate, misread = pair
    assert skeleton(misread) == skeleton(plate)


@settings(deadline=None)
@given(plates)
def test_skeleton_is_idempotent(plate: str) -> None:
    assert skeleton(skeleton(plate)) == skeleton(plate)


@settings(deadline=None)
@given(written=written_plates, state=st.sampled_from([None, "CA", "NY"]))
def test_skeleton_accepts_every_normalized_plate(written: str, state: str | None) -> None:
    plate = normalize_plate(written, state)
    assert re.fullmatch(r"[A-Z0-9]{1,8}", skeleton(plate))
    assert len(skeleton(plate)) == len(plate)


def test_skeleton_matches_plates_across_fold_states() -> None:
    # A plate folded in California still meets the same plate read as written elsewhere.
    assert skeleton(normalize_plate("7OIL123", "CA")) == skeleton(normalize_plate("7OIL123", "NY"))

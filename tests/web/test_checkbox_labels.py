"""A checkbox sits beside its words: every label wrapping a checkbox carries the ``check`` class
(the stylesheet stacks any other label's text above its field, which strands the box)."""

from __future__ import annotations

import re
from pathlib import Path

import plateward

PACKAGE = Path(plateward.__file__).resolve().parent
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))
_LABEL_WITH_CHECKBOX = re.compile(r"<label([^>]*)>\s*<input[^>]*type=\"checkbox\"", re.IGNORECASE)


def _unstyled_checkbox_labels(text: str) -> list[str]:
    return [m.group(0) for m in _LABEL_WITH_CHECKBOX.finditer(text) if "check" not in m.group(1)]


def test_every_label_around_a_checkbox_is_styled_as_a_check() -> None:
    assert TEMPLATES
    for template in TEMPLATES:
        assert not _unstyled_checkbox_labels(template.read_text()), template


def test_the_check_finds_a_bare_checkbox_label() -> None:
    assert _unstyled_checkbox_labels('<label><input type="checkbox" name="x"> X</label>')
    assert not _unstyled_checkbox_labels('<label class="check"><input type="checkbox"> X</label>')

"""A page that extends the layout starts with ``extends``: Jinja prints whatever stands before it
above the page's own ``<!doctype>``, outside the layout (a section once landed there)."""

from __future__ import annotations

import re
from pathlib import Path

import plateward

PACKAGE = Path(plateward.__file__).resolve().parent
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))
_BEFORE_EXTENDS = re.compile(r"^(?:\s|\{#.*?#\})*\{%-?\s*extends\b", re.S)


def _misplaced(text: str) -> bool:
    return "{% extends" in text and _BEFORE_EXTENDS.match(text) is None


def test_every_page_that_extends_the_layout_starts_with_it() -> None:
    assert TEMPLATES
    assert [t for t in TEMPLATES if _misplaced(t.read_text())] == []


def test_the_check_finds_markup_before_extends() -> None:
    assert _misplaced('<p>stray</p>\n{% extends "base.html" %}')
    assert not _misplaced('{# a note #}\n{% extends "base.html" %}\n<p>ok</p>')

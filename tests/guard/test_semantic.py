"""The semantic layer: a static embedding read with numpy alone, and its WordPiece tokenizer."""

from __future__ import annotations

import numpy as np

from plateward.guard.lexicon import GuardClass
from plateward.guard.normalize import normalize
from plateward.guard.semantic import MODEL_FILE, embedding, similarity


def test_the_embedding_ships_in_the_repository_and_is_small() -> None:
    assert MODEL_FILE.is_file()
    assert MODEL_FILE.stat().st_size < 5_000_000


def test_wordpiece_takes_the_longest_piece_first_and_continues_with_hashes() -> None:
    model = embedding()
    pieces = model.tokenize(("unaffordable",))
    vocab = {i: t for t, i in model.ids.items()}
    spelled = [vocab[i] for i in pieces]
    assert "".join(p.removeprefix("##") for p in spelled) == "unaffordable"
    assert all(p.startswith("##") for p in spelled[1:])


def test_a_word_that_cannot_be_spelled_is_skipped() -> None:
    assert embedding().tokenize(("\u4e2d\u6587",)) == []


def test_a_sentence_vector_is_unit_length() -> None:
    vector = embedding().embed(normalize("stolen car seen near the bridge").words)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4


def test_a_paraphrase_is_closer_to_its_class_than_to_permitted_work() -> None:
    words = normalize("the person is not allowed to be in the united states, find his car").words
    assert similarity(words).margin(GuardClass.IMMIGRATION) > 0.1


def test_ordinary_crime_is_closer_to_permitted_work() -> None:
    words = normalize("armed robbery at a gas station, suspects fled in a black sedan").words
    sim = similarity(words)
    assert all(sim.margin(c) < 0 for c in GuardClass)

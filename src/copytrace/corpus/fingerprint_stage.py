"""The fingerprint stage of ``copytrace scan`` for one batch, as both engines call it.

It joins two building blocks: the fingerprints (:mod:`copytrace.blocks.fingerprint`)
and the corpus's common text (:mod:`copytrace.blocks.common`), whose rare
passages (anchors) come back with the signatures.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..blocks.common import load_shared
from ..blocks.fingerprint import doc_vectors, minhash


def fingerprint_batch(rows: Sequence[int], texts: Sequence[str], semantic: bool = True,
                      common: dict | None = None):
    """The fingerprint stage for one batch, as both engines call it: rows, signatures, vectors, anchors.

    ``common`` is ``{"path", "max_df"}``: the scan's shingle frequencies (see
    :func:`minhash`), memory-mapped once per worker process. With it, each
    text's anchors (rare passages, :meth:`~copytrace.blocks.common.CommonText.anchors`)
    come back too; without it, ``None``.
    """
    if common is None:
        return list(rows), minhash(texts), (doc_vectors(texts) if semantic else None), None
    sketch = load_shared(common["path"])
    anchors = [sketch.anchors(t) for t in texts]
    return (list(rows), minhash(texts, common=sketch, max_df=common["max_df"]),
            (doc_vectors(texts) if semantic else None), anchors)


def gather_anchors(positions: list[np.ndarray], hashes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per-document anchor arrays joined into one ``(positions, hashes)`` pair of flat arrays."""
    if not hashes:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    return np.concatenate(positions), np.concatenate(hashes).astype(np.uint64)

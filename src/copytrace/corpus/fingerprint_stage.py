"""The fingerprint stage of ``copytrace scan`` for one batch, as both engines call it.

It joins two building blocks: the fingerprints (:mod:`copytrace.blocks.fingerprint`)
and the corpus's common text (:mod:`copytrace.blocks.common`), whose rare
passages (anchors) and template figures come back with the signatures.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from xxhash import xxh3_64_intdigest

from ..analyse.boilerplate import without_boilerplate_lines
from ..analyse import evidence
from ..blocks.common import fingerprint_word_hashes, load_shared
from ..blocks.fingerprint import doc_vectors, minhash, word_hashes, words
from ..verdict import CORPUS_FIGURES_KEPT

NO_FIGURES = np.zeros(0, dtype=np.uint64)
# A figure held by more than this share of a corpus's documents (a year, a day of the month, a
# temperature every report of a beat gives) agrees between two reports of one template by
# chance, so it tells a copy from a sibling no better than the frames do. Same-beat corpus,
# 100k reports: of the 1,155 wrong pairs the default scan kept, 391 kept under two thirds of
# each other's rarer figures, against none of its 38,585 right pairs.
COMMON_FIGURE_SHARE = 0.01
COMMON_FIGURE_DOCS = 20  # at least: in a small corpus any figure is in a few reports
# Both reports must hold this many rarer figures for those alone to decide; a report of one
# figure keeps all of them (one chance agreement must not make a template of a copy).
RARE_FIGURES = 2


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
    template_docs = int(common.get("template_docs", 0))
    anchors, held, hashes = [], [], []
    for t in texts:  # one text at a time: the sketch reads each text once for all three (blocks.common._read)
        anchors.append(sketch.anchors(t))
        story = without_boilerplate_lines(t)
        templated = template_docs and sketch.templated(t, template_docs)
        held.append(_hashed(evidence.figures_of_text(story)) if templated else NO_FIGURES)
        hashes.append(fingerprint_word_hashes(t) if story is t else word_hashes(words(story)))
    return (list(rows), minhash(texts, common=sketch, max_df=common["max_df"], hashes=hashes),
            (doc_vectors(texts) if semantic else None), anchors, held)


def text_figures(text: str) -> np.ndarray:
    """The text's figures as sorted 64-bit hashes: what :func:`copytrace.analyse.evidence.figures_kept` compares."""
    return _hashed(evidence.story_figures(text))


def _hashed(found: frozenset[str]) -> np.ndarray:
    return np.unique(np.fromiter((xxh3_64_intdigest(f.encode("utf-8", "surrogatepass")) for f in found),
                                 dtype=np.uint64, count=len(found)))


def common_figures(counts: tuple[np.ndarray, np.ndarray], documents: int) -> np.ndarray:
    """The figure hashes too common among ``documents`` to count as kept (sorted).

    ``counts`` is ``(hashes, templated reports holding each)``, as
    :func:`figure_counts` gives; see :data:`COMMON_FIGURE_SHARE`.
    """
    hashes, held = counts
    bar = max(COMMON_FIGURE_SHARE * documents, COMMON_FIGURE_DOCS)
    return np.sort(np.asarray(hashes, dtype=np.uint64)[np.asarray(held) > bar])


def figure_counts(figures: Mapping[int, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, reports holding each) over the templated reports' figures."""
    if not figures:
        return NO_FIGURES, np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(list(figures.values())), return_counts=True)


def _rare(held: np.ndarray, common: np.ndarray) -> np.ndarray:
    return held[~np.isin(held, common, assume_unique=True)] if len(common) else held


def filed_twice(fa: np.ndarray, fb: np.ndarray, common: np.ndarray = NO_FIGURES) -> bool:
    """Two templated reports (figures from :func:`text_figures`) that keep few of each other's figures.

    The verdict calls such a pair a template (:func:`copytrace.verdict.texts_say_template`)
    whatever its alignment shows, so a scan does not align it. ``common`` are
    figures too common in the corpus to count (:func:`common_figures`): when
    both reports hold ``RARE_FIGURES`` others, keeping few of those is enough too.
    """
    if not len(fa) or not len(fb):
        return False
    if _kept_few_of(fa, fb):
        return True
    ra, rb = _rare(fa, common), _rare(fb, common)
    return len(ra) >= RARE_FIGURES and len(rb) >= RARE_FIGURES and _kept_few_of(ra, rb)


def _kept_few_of(fa: np.ndarray, fb: np.ndarray) -> bool:
    return len(np.intersect1d(fa, fb, assume_unique=True)) / min(len(fa), len(fb)) < CORPUS_FIGURES_KEPT  # as the verdict divides


def filed_twice_many(pairs: np.ndarray, figures: Mapping[int, np.ndarray], common: np.ndarray = NO_FIGURES,
                     chunk: int = 500_000) -> np.ndarray:
    """:func:`filed_twice` for every pair of positions in ``pairs`` (shape ``(n, 2)``), as a mask.

    ``figures`` holds the templated reports' figures by position (others are
    absent). Vectorised: a same-beat corpus of 100k reports has millions of
    candidate pairs, and one ``filed_twice`` call each took a minute.
    """
    drop = _kept_few(pairs, figures, chunk)
    if len(common) and len(pairs):
        rare = {p: r for p, r in ((p, _rare(h, common)) for p, h in figures.items()) if len(r) >= RARE_FIGURES}
        keys = np.sort(np.fromiter(rare.keys(), dtype=np.int64, count=len(rare)))
        at = np.minimum(np.searchsorted(keys, pairs), max(len(keys) - 1, 0))
        both = (keys[at] == pairs).all(axis=1) if len(keys) else np.zeros(len(pairs), dtype=bool)
        drop[both] |= _kept_few(pairs[both], rare, chunk)
    return drop


def _kept_few(pairs: np.ndarray, figures: Mapping[int, np.ndarray], chunk: int) -> np.ndarray:
    """Whether each pair's reports keep under ``CORPUS_FIGURES_KEPT`` of each other's ``figures``."""
    drop = np.zeros(len(pairs), dtype=bool)
    if not len(pairs) or not figures:
        return drop
    keys = np.fromiter(figures.keys(), dtype=np.int64, count=len(figures))
    order = np.argsort(keys)
    keys = keys[order]
    held = list(figures.values())
    held = [held[i] for i in order.tolist()]
    lengths = np.fromiter((len(h) for h in held), dtype=np.int64, count=len(held))
    starts = np.cumsum(lengths) - lengths
    _, dense = np.unique(np.concatenate(held), return_inverse=True)  # figure hashes -> small ids
    span = int(dense.max()) + 1
    at = np.searchsorted(keys, pairs)  # (n, 2) slots, valid where the key is there
    at_ok = np.minimum(at, len(keys) - 1)
    both = np.flatnonzero((keys[at_ok] == pairs).all(axis=1))
    for lo in range(0, len(both), chunk):
        k = both[lo : lo + chunk]
        sa, sb = at[k, 0], at[k, 1]
        la, lb = lengths[sa], lengths[sb]
        owner = np.concatenate([np.repeat(np.arange(len(k)), la), np.repeat(np.arange(len(k)), lb)])
        ids = np.concatenate([dense[_ragged(starts[sa], la)], dense[_ragged(starts[sb], lb)]])
        key = np.sort(owner * span + ids)
        # each report's figures are distinct, so a figure twice under one pair is in both reports
        shared = np.bincount(key[1:][key[1:] == key[:-1]] // span, minlength=len(k))
        drop[k] = shared / np.minimum(la, lb) < CORPUS_FIGURES_KEPT
    return drop


def _ragged(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices ``starts[i] .. starts[i] + lengths[i]`` of every ``i``, concatenated."""
    ends = np.cumsum(lengths)
    return np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - lengths - starts, lengths)


def gather_anchors(positions: list[np.ndarray], hashes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per-document anchor arrays joined into one ``(positions, hashes)`` pair of flat arrays."""
    if not hashes:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    return np.concatenate(positions), np.concatenate(hashes).astype(np.uint64)

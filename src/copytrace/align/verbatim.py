"""Verbatim alignment: maximal shared passages, tolerant of small edits.

The method is the one passim and textreuse use, sized for two articles:

1. **Seeds.** Every word n-gram (``seed`` words, normalised) that occurs in both
   texts marks a point ``(i, j)``: word ``i`` of ``a`` starts the same n-gram as
   word ``j`` of ``b``. N-grams that occur very often are ignored (they are
   stock phrases, not reuse).
2. **Chains.** Seeds that follow one another in both texts, with gaps of a few
   words at most and nearly the same gap on each side, are one passage: the gap
   is a small edit inside it ("servicemembers" / "service members", a dropped
   "Gen."). This is a banded local alignment done on seeds instead of cells.
3. **One-to-one.** Passages are accepted longest first; words already used on
   either side are cut out of later passages, so each word aligns at most once.

>>> from copytrace.segment import segment
>>> a = segment("Officials said four militants were killed in the strike on Thursday night.")
>>> b = segment("Four militants were killed in the strike on Thursday, officials said.")
>>> [b.text[p.b.start:p.b.end] for p in align_verbatim(a, b)]
['Four militants were killed in the strike on Thursday']
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from rapidfuzz.distance import Indel

from ..analyse.coverage import word_array
from ..segment import Segmented
from ..types import Passage, Span

SEED = 3  # words per seed n-gram
MAX_GAP = 8  # most words skipped between consecutive seeds on either side
MAX_SKEW = 3  # most difference between the gaps on the two sides (inserted/deleted words)
MIN_WORDS = 6  # shortest passage worth reporting
MAX_SEED_REPEATS = 8  # an n-gram this frequent in one text is boilerplate-like
# Indel similarity costs the product of the two lengths (a passage over a whole 400k-character
# paragraph: ~4 s); a passage longer than this is scored piece by piece between its own seeds.
LONG_PASSAGE = 2000  # words a side


def align_verbatim(
    a: Segmented,
    b: Segmented,
    *,
    skip_a: Sequence[Span] = (),
    skip_b: Sequence[Span] = (),
    seed: int = SEED,
    min_words: int = MIN_WORDS,
) -> list[Passage]:
    """Shared passages of ``a`` and ``b``, in the order they appear in ``a``."""
    usable_a = _usable(a, skip_a)
    usable_b = _usable(b, skip_b)
    seeds = _seeds(_gram_keys(a, seed), _gram_keys(b, seed), usable_a, usable_b, seed)
    chains = _chain(seeds)
    # Words an earlier (longer) passage took, one byte each: tested for every seed.
    used_a, used_b = bytearray(len(a.words)), bytearray(len(b.words))
    passages: list[Passage] = []
    for chain in sorted(chains, key=len, reverse=True):
        for piece in _unused_pieces(chain, used_a, used_b, seed):
            i0, j0 = piece[0]
            i1, j1 = piece[-1][0] + seed, piece[-1][1] + seed
            i1, j1 = _extend(a.words, b.words, i1, j1, usable_a, usable_b, used_a, used_b)
            if min(i1 - i0, j1 - j0) < min_words:
                continue
            used_a[i0:i1] = b"\x01" * (i1 - i0)
            used_b[j0:j1] = b"\x01" * (j1 - j0)
            score = _similarity(a.words, b.words, piece, i1, j1)
            passages.append(
                Passage(
                    "verbatim",
                    a.word_span(i0, i1 - 1),
                    b.word_span(j0, j1 - 1),
                    round(score, 4),
                )
            )
    return sorted(passages, key=lambda p: (p.a.start, p.b.start))


def _similarity(wa, wb, piece: list[tuple[int, int]], i1: int, j1: int) -> float:
    """Indel similarity of words ``piece[0]..i1`` of ``a`` and ``..j1`` of ``b``, in near-linear time.

    Up to :data:`LONG_PASSAGE` words a side it is computed whole, as it always was.
    A longer passage is cut at seeds about :data:`LONG_PASSAGE` words apart: a seed
    is the same n-gram on both sides, so an optimal alignment nearly always passes
    through it, and where it does not the pieces' distances add up to a few words
    more than the whole's (random edits of 2,500-6,000-word texts: within 0.001).
    """
    i0, j0 = piece[0]
    if max(i1 - i0, j1 - j0) <= LONG_PASSAGE:
        return Indel.normalized_similarity(wa[i0:i1], wb[j0:j1])
    cuts = [(i0, j0)]
    for i, j in piece:
        if i - cuts[-1][0] >= LONG_PASSAGE and j > cuts[-1][1]:
            cuts.append((i, j))
    cuts.append((i1, j1))
    distance = sum(Indel.distance(wa[x0:x1], wb[y0:y1]) for (x0, y0), (x1, y1) in zip(cuts, cuts[1:]))
    return 1 - distance / ((i1 - i0) + (j1 - j0))


def _usable(seg: Segmented, skip: Sequence[Span]) -> list[bool]:
    """Per word: may it take part in alignment (not inside a skipped span)?"""
    if not skip:
        return [True] * len(seg.words)
    return (~word_array(seg, skip)).tolist()


def _seeds(ka: np.ndarray, kb: np.ndarray, usable_a, usable_b, n) -> list[tuple[int, int]]:
    """All (i, j) where the n-gram at word i of a equals the n-gram at word j of b (keys: :func:`gram_keys`)."""
    ia = np.flatnonzero(np.asarray(_all_usable(usable_a, n), dtype=bool))
    jb = np.flatnonzero(np.asarray(_all_usable(usable_b, n), dtype=bool))
    order = np.argsort(kb[jb], kind="stable")  # j ascending within one n-gram, as they are read
    keys, js = kb[jb][order], jb[order]
    lo = np.searchsorted(keys, ka[ia], "left")
    count = np.searchsorted(keys, ka[ia], "right") - lo
    keep = (count > 0) & (count <= MAX_SEED_REPEATS)
    lo, count = lo[keep], count[keep]
    # Each kept n-gram of a against every place of it in b: positions lo .. lo + count - 1 of keys.
    first = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
    return list(zip(np.repeat(ia[keep], count).tolist(), js[first].tolist()))


def _gram_keys(seg: Segmented, n: int) -> np.ndarray:
    """``hash()`` of each n-gram of ``seg``'s words, once per text: a scan pairs an article many times.

    Kept in the instance's ``__dict__``, as its cached properties are. Two
    n-grams are taken as equal when their 64-bit hashes are (in one process).
    """
    cache = seg.__dict__.setdefault("_gram_keys", {})
    if n not in cache:
        cache[n] = gram_keys(seg.words, n)
    return cache[n]


def gram_keys(words: Sequence[str], n: int) -> np.ndarray:
    """``hash()`` of each n-gram of ``words``, in order."""
    return np.fromiter(map(hash, _grams(words, n)), dtype=np.int64, count=max(len(words) - n + 1, 0))


def _grams(words, n):
    """The n-grams of ``words`` as tuples, in order."""
    return zip(*(words[k:] for k in range(n)))


def _all_usable(usable: list[bool], n: int) -> list[bool]:
    """Per n-gram start: are all its ``n`` words usable?"""
    if len(usable) < n:
        return []
    if all(usable):
        return [True] * (len(usable) - n + 1)
    blocked = np.concatenate(([0], np.cumsum(~np.asarray(usable, dtype=bool))))
    return (blocked[n:] == blocked[:-n]).tolist()


def _chain(seeds: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Link seeds into passages: each seed joins the nearest open chain it can follow."""
    chains: list[list[tuple[int, int]]] = []
    open_ends: list[int] = []  # indices into chains still extendable
    for i, j in sorted(seeds):
        best, best_cost = None, None
        for c in open_ends:
            pi, pj = chains[c][-1]
            di, dj = i - pi, j - pj
            if 0 < di <= MAX_GAP and 0 < dj <= MAX_GAP and abs(di - dj) <= MAX_SKEW:
                cost = max(di, dj) + abs(di - dj)
                if best_cost is None or cost < best_cost:
                    best, best_cost = c, cost
        if best is None:
            chains.append([(i, j)])
            open_ends.append(len(chains) - 1)
        else:
            chains[best].append((i, j))
        # chains that can no longer be reached from here on are closed
        open_ends = [c for c in open_ends if i - chains[c][-1][0] <= MAX_GAP]
    return chains


def _unused_pieces(chain, used_a, used_b, n):
    """Split a chain where its seeds touch words an earlier passage took."""
    piece: list[tuple[int, int]] = []
    for i, j in chain:
        if 1 in used_a[i : i + n] or 1 in used_b[j : j + n]:
            if piece:
                yield piece
            piece = []
        else:
            piece.append((i, j))
    if piece:
        yield piece


def _extend(wa, wb, i, j, usable_a, usable_b, used_a, used_b) -> tuple[int, int]:
    """Grow a passage's end over further identical words (a seed filtered as too frequent)."""
    while (
        i < len(wa)
        and j < len(wb)
        and wa[i] == wb[j]
        and usable_a[i]
        and usable_b[j]
        and not used_a[i]
        and not used_b[j]
    ):
        i, j = i + 1, j + 1
    return i, j

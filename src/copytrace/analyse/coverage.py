"""How much of a text is reused, and which stretches have no counterpart.

Coverage counts words, not characters, and leaves boilerplate out of both the
numerator and the denominator: a promotional line is neither reused nor new.

>>> from copytrace.segment import segment
>>> seg = segment("Rockets hit the base. Nobody was hurt in the attack, officials said.")
>>> round(covered_share(seg, [Span(0, 21)]), 2)
0.33
>>> [seg.slice(s) for s in uncovered(seg, [Span(0, 21)])]
['Nobody was hurt in the attack, officials said']
"""
from __future__ import annotations

from bisect import bisect_left
from typing import Sequence

import numpy as np

from ..segment import Segmented
from ..types import Span

MIN_UNCOVERED_WORDS = 4  # shorter leftovers are edits inside a passage, not added/dropped text


def word_mask(seg: Segmented, spans: Sequence[Span]) -> list[bool]:
    """Per word: does it start inside one of ``spans``?"""
    return word_array(seg, spans).tolist()


def word_array(seg: Segmented, spans: Sequence[Span]) -> np.ndarray:
    """:func:`word_mask` as a NumPy bool array (the scan counts covered words for every pair)."""
    starts = seg.token_starts
    edges = np.zeros(len(starts) + 1, dtype=np.int32)
    for s in spans:
        lo, hi = bisect_left(starts, s.start), bisect_left(starts, s.end)
        if lo < hi:
            edges[lo] += 1
            edges[hi] -= 1
    return np.cumsum(edges[:-1]) > 0


def counted_words(seg: Segmented, skip: Sequence[Span] = ()) -> int:
    """Words of ``seg`` outside the ``skip`` spans: the denominator of every share."""
    return covered_shares(seg, [], skip)[1]


def covered_share(seg: Segmented, covered: Sequence[Span], skip: Sequence[Span] = ()) -> float:
    """Share of the (non-boilerplate) words of ``seg`` inside ``covered`` spans."""
    return covered_shares(seg, [covered], skip)[0][0]


def covered_shares(seg: Segmented, covered: Sequence[Sequence[Span]], skip: Sequence[Span] = ()) -> tuple[list[float], int]:
    """:func:`covered_share` of each list of spans in ``covered``, and :func:`counted_words`.

    The skipped words are found once for all of them: the scan gathers several shares for every pair.
    """
    kept = ~word_array(seg, skip) if skip else None
    total = len(seg.token_starts) if kept is None else int(np.count_nonzero(kept))

    def share(spans: Sequence[Span]) -> float:
        if not spans or not total:
            return 0.0
        inside = word_array(seg, spans)
        return int(np.count_nonzero(inside if kept is None else inside & kept)) / total

    return [share(spans) for spans in covered], total


def uncovered(
    seg: Segmented,
    covered: Sequence[Span],
    skip: Sequence[Span] = (),
    *,
    min_words: int = MIN_UNCOVERED_WORDS,
) -> list[Span]:
    """Runs of words, within one sentence, that no covered span reaches.

    A run is reported when it is at least ``min_words`` long or is a whole
    sentence: clause-sized leftovers, not single edited words.
    """
    inside = word_mask(seg, covered)
    skipped = word_mask(seg, skip)
    spans: list[Span] = []
    for s in range(len(seg.sentences)):
        words = seg.sentence_tokens(s)
        run: list[int] = []
        for i in list(words) + [None]:
            if i is not None and not inside[i] and not skipped[i]:
                run.append(i)
                continue
            if run and (len(run) >= min_words or len(run) == len(words)):
                spans.append(seg.word_span(run[0], run[-1]))
            run = []
    return spans

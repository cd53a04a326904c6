"""Paraphrase alignment: sentences of two texts that say the same in other words.

>>> from copytrace.embed import get_encoder
>>> from copytrace.segment import segment
>>> a = segment("The State Department lists the IRGC as a terrorist group. It was founded in 1979.")
>>> b = segment("The IRGC has been designated a terrorist organisation by the State Department.")
>>> [(p.kind, a.slice(p.a)) for p in align_paraphrases(a, b, get_encoder())]
[('paraphrase', 'The State Department lists the IRGC as a terrorist group.')]

Each passage pairs whole sentences — one with one, or one with two adjacent
sentences when a rewrite split a sentence (or merged two) — and its ``score``
is P(paraphrase) from the pair scorer (:mod:`copytrace.align.pair_scorer`).

How a pair is decided: a logistic regression over the all-MiniLM-L6-v2 cosine
and lexical features (n-gram and content-word overlap, character similarity,
numbers, names and negations on one side only, unshared words, a soft word
alignment) was fitted on the MSRP training part (4,076 news sentence pairs
judged by people, 67.5% paraphrases) by ``training/paraphrase.py``; a pair is
kept when P ≥ the model's cut (0.5). Held out under 10-fold stratified
cross-validation (seed 0): accuracy 77.3% (sd 1.2), F1 83.9, precision 80.5,
recall 87.5, where the bare cosine with its cut (0.68) fitted under the same
folds reaches 72.8% (F1 81.5). Only pairs whose cosine reaches the model's
``prefilter_bar`` (0.512) are scored: on MSRP the bar is the 0.5% quantile of
the cosines of the pairs the scorer accepts, fitted on nine folds, and it drops
0.57% of the accepted pairs of the tenth (every fold's bar 0.507–0.522).
``tests/test_pair_scorer.py::test_retraining_reaches_the_reported_accuracy``
reruns it when ``../shared/eval/msrp`` is present. Splits and merges are scored
the same way, once the merged text's cosine beats the better half by
``MERGE_GAIN``.

How ``SCREEN_BAR`` was chosen: the transformer is the cost of a comparison,
so a static copy of it (:mod:`copytrace.static`, ~1000x cheaper) looks first,
and only sentences with a partner at static cosine ``SCREEN_BAR`` or more are
embedded. On MSRP train, of the 3,252 pairs the bare cosine accepted (>=
0.68), 10-fold cross-validation of the bar at the 0.5% quantile of their static
cosines picks 0.57 (every fold 0.55-0.59) and loses 0.58% of them held out
(19 pairs, transformer cosines 0.68-0.80); of the 2,999 pairs the pair scorer
accepts, it drops 13 (0.43%). End to end, with and without the
screen: Clough-Stevenson's 95 pairs lose 1 of 242 paraphrase passages and
embed 9% fewer sentences; 50 same-topic BBC pairs lose none of 4 and embed 23%
fewer; the seed pair loses none and saves nothing (two articles on one event:
every sentence has a static neighbour above the bar). No verdict changed.
``tests/test_paraphrase.py::test_screen_bar_loses_little_on_msrp`` reruns it.

Ranking: the one-to-one pairing is greedy by P(paraphrase) plus a small bonus for
shared content words (``LEXICAL_WEIGHT`` × Jaccard), so of two sentences close
in meaning the one that also shares the names and facts wins; MSRP cannot tune
it (every MSRP pair shares content words), so it is only a tie-breaker.
"""
from __future__ import annotations

import bisect
from typing import Sequence

import numpy as np

from ..embed import Encoder
from ..segment import Segmented, visible
from ..types import Passage, Span
from .pair_scorer import Side, load_scorer, prepare

# A sentence this much covered by verbatim passages is aligned already.
COVERED_ENOUGH = 0.8
# Shorter sentences (datelines, "Read more") carry too little meaning to pair.
MIN_WORDS = 4
# A split/merge is considered when both halves reach MERGE_FLOOR (the cosine cut once
# used, 0.68, less 0.2: the merged text costs a transformer pass), and scored when
# the merged pair beats the best half by MERGE_GAIN.
MERGE_FLOOR = 0.48
MERGE_GAIN = 0.04
# How far below the bar a merge's cheap approximation may fall and still be checked.
APPROX_SLACK = 0.02
# Static-model cosine (copytrace.static) below which a sentence pair is not sent to the
# transformer; see the module docstring.
SCREEN_BAR = 0.57
# Weight of shared content words when choosing between candidate partners.
LEXICAL_WEIGHT = 0.1
# P(paraphrase) enough for two sentences a verbatim passage already ties (set by hand: the
# seed pair's "fired rockets Wednesday night at …" / "fired rockets last week at …" scores 0.25,
# while sentences tied only by a shared list of weapons score under 0.001).
LINKED_CUT = 0.1
# Bonus for a pair of sentences that already share a verbatim passage.
VERBATIM_BONUS = 0.1
# Partners a sentence may be scored with: its nearest by transformer cosine (a pair counts
# when it is among the nearest of either sentence). Articles seldom give a sentence more
# than a few partners above the prefilter; a text of near-identical templated sentences
# gives every sentence all of them, and scoring every pair (and every split/merge) was
# quadratic: 220k characters took over 300 s.
MAX_PARTNERS = 8

def align_paraphrases(
    a: Segmented,
    b: Segmented,
    encoder: Encoder,
    *,
    covered_a: Sequence[Span] = (),
    covered_b: Sequence[Span] = (),
    skip_a: Sequence[Span] = (),
    skip_b: Sequence[Span] = (),
    cut: float | None = None,
    use_screen: bool = True,
) -> list[Passage]:
    """Sentence pairs of ``a`` and ``b`` with the same meaning, one-to-one.

    ``covered_*`` are spans already aligned verbatim: a sentence mostly inside
    them is not embedded again (that is what keeps a comparison fast), while a
    sentence only partly covered can still be paired. When the two lists have
    the same length they are read as pairs (``covered_a[k]`` ↔ ``covered_b[k]``,
    the verbatim passages), and sentences joined by one are preferred partners.
    Sentences touching ``skip_*`` (boilerplate) are ignored. When the encoder
    has a ``screen`` (and ``use_screen``), only sentences that pass it are
    embedded by the transformer (see :func:`screened`). A pair is kept when the
    pair scorer's P(paraphrase) reaches ``cut`` (default: the model's), or
    ``LINKED_CUT`` when a verbatim passage already ties the two sentences: a
    rewrite whose facts were changed is what copytrace exists to show, and the
    scorer, trained on MSRP, doubts exactly such pairs (a changed figure or
    place makes two sentences "not paraphrases"). Those passages keep their
    low score, and the verdict counts only passages at ``cut`` or above.
    """
    sa = _eligible(a, covered_a, skip_a)
    sb = _eligible(b, covered_b, skip_b)
    if not sa or not sb:
        return []
    scorer = load_scorer()
    cut = scorer.cut if cut is None else cut
    screen = encoder.screen if use_screen else None
    if screen is not None:
        sa, sb = screened(a, b, sa, sb, screen)
        if not sa or not sb:
            return []
    # One call for both sides: the encoder batches by length across them.
    vecs = encoder.encode([_text(a, [i]) for i in sa] + [_text(b, [j]) for j in sb])
    va, vb = vecs[: len(sa)], vecs[len(sa) :]
    sim = va @ vb.T
    linked = _linked(a, b, covered_a, covered_b)
    sides = _Sides(a, b, encoder.screen)

    # Candidates: (rank, P(paraphrase), sentences of a, sentences of b).
    candidates: list[tuple[float, float, tuple[int, ...], tuple[int, ...]]] = []
    xs, ys = np.nonzero((sim >= scorer.prefilter) & _nearest(sim, MAX_PARTNERS))
    merges = _merges(a, b, sa, sb, va, vb, encoder, scorer.prefilter)
    units = [((sa[x],), (sb[y],)) for x, y in zip(xs, ys)] + [(m[0], m[1]) for m in merges]
    cosines = [float(sim[x, y]) for x, y in zip(xs, ys)] + [m[2] for m in merges]
    if not units:
        return []
    probability = _score_units(scorer, sides, units, cosines)
    for p, (xs_, ys_) in zip(probability, units):
        tied = any((i, j) in linked for i in xs_ for j in ys_)
        if p < (min(cut, LINKED_CUT) if tied else cut):
            continue
        overlap = _jaccard(sides.a(xs_).content, sides.b(ys_).content)
        bonus = LEXICAL_WEIGHT * overlap + VERBATIM_BONUS * tied
        candidates.append((float(p) + bonus, float(p), xs_, ys_))

    used_a: set[int] = set()
    used_b: set[int] = set()
    passages = []
    for _, score, xs_, ys_ in sorted(candidates, key=lambda c: -c[0]):
        if used_a.intersection(xs_) or used_b.intersection(ys_):
            continue
        used_a.update(xs_)
        used_b.update(ys_)
        passages.append(Passage("paraphrase", _span(a, xs_), _span(b, ys_), round(score, 4)))
    return sorted(passages, key=lambda p: (p.a.start, p.b.start))


def _score_units(scorer, sides: "_Sides", units, cosines: list[float]) -> np.ndarray:
    """P(paraphrase) of each (sentences of a, sentences of b) unit, given its transformer cosine."""
    return scorer.probability(cosines, [(sides.a(xs_), sides.b(ys_)) for xs_, ys_ in units])


class _Sides:
    """The pair scorer's view of each sentence (or two adjacent sentences), built once."""

    def __init__(self, a: Segmented, b: Segmented, static):
        self._segs = (a, b)
        self._static = static
        self._made: dict[tuple[int, tuple[int, ...]], Side] = {}

    def _side(self, which: int, sentences: tuple[int, ...]) -> Side:
        key = (which, sentences)
        if key not in self._made:
            seg = self._segs[which]
            tokens = [t for s in sentences for t in seg.sentence_tokens(s)]
            surface = [visible(seg.slice(seg.tokens[t])) for t in tokens]
            words = [seg.words[t] for t in tokens]
            self._made[key] = prepare("", words, surface, static=self._static)
        return self._made[key]

    def a(self, sentences: tuple[int, ...]) -> Side:
        return self._side(0, sentences)

    def b(self, sentences: tuple[int, ...]) -> Side:
        return self._side(1, sentences)


def _merges(a, b, sa, sb, va, vb, encoder, bar):
    """One sentence against two adjacent ones on the other side (a split or a merge).

    The transformer pools by averaging token vectors, so the word-weighted mean
    of two sentence vectors approximates the vector of the two together; only
    pairs whose approximation comes near the bar are embedded for real, and
    kept for the scorer when the merged cosine beats the better half by
    ``MERGE_GAIN``. Returns (sentences of a, sentences of b, cosine).
    """
    sim = va @ vb.T
    floor = MERGE_FLOOR
    na = np.array([len(a.sentence_tokens(i)) for i in sa], dtype=np.float32)[:, None]
    nb = np.array([len(b.sentence_tokens(j)) for j in sb], dtype=np.float32)[:, None]
    wanted: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    for one, two, seg_one, seg_two, many_on_b in ((sa, sb, va, vb * nb, True), (sb, sa, vb, va * na, False)):
        s = sim if many_on_b else sim.T
        if len(two) < 2:
            continue
        # Both halves reach the floor, they are adjacent, and one is among x's nearest partners.
        near = _nearest(s, MAX_PARTNERS, columns=False)
        adjacent = np.diff(np.asarray(two)) == 1
        worth = (s[:, :-1] >= floor) & (s[:, 1:] >= floor) & adjacent[None, :] & (near[:, :-1] | near[:, 1:])
        for x, y in zip(*np.nonzero(worth)):
            merged = seg_two[y] + seg_two[y + 1]
            approx = float(seg_one[x] @ merged) / float(np.linalg.norm(merged))
            best_half = float(max(s[x, y], s[x, y + 1]))
            if approx >= max(bar, best_half + MERGE_GAIN) - APPROX_SLACK:
                pair = (two[y], two[y + 1])
                wanted.append(((one[x],), pair, best_half) if many_on_b else (pair, (one[x],), best_half))
    if not wanted:
        return []
    vecs = encoder.encode([_text(a, xs) for xs, _, _ in wanted] + [_text(b, ys) for _, ys, _ in wanted])
    vec_a, vec_b = vecs[: len(wanted)], vecs[len(wanted) :]
    out = []
    for (xs, ys, best_half), u, v in zip(wanted, vec_a, vec_b):
        score = float(u @ v)
        if score >= bar and score >= best_half + MERGE_GAIN:
            out.append((xs, ys, score))
    return out


def _nearest(sim: np.ndarray, k: int, *, columns: bool = True) -> np.ndarray:
    """Cells among the ``k`` largest of their row (or, with ``columns``, of their column)."""
    mask = np.zeros(sim.shape, dtype=bool)
    for axis in (1, 0) if columns else (1,):
        if sim.shape[axis] <= k:
            return np.ones(sim.shape, dtype=bool)
        top = np.argpartition(-sim, k - 1, axis=axis)
        np.put_along_axis(mask, top[:, :k] if axis == 1 else top[:k, :], True, axis=axis)
    return mask


def screened(a: Segmented, b: Segmented, sa: list[int], sb: list[int], screen, bar: float = SCREEN_BAR):
    """The sentences of ``sa`` and ``sb`` the transformer still has to see.

    A sentence stays when its static-model cosine with some sentence, or some
    two adjacent sentences (a split or merge), of the other side reaches
    ``bar``; every sentence of such a pair stays. The static model is additive
    (a text's vector is the mean of its tokens'), so the merged texts cost as
    little as single ones.
    """
    runs_a = [(i, i + 1) for i, j in zip(sa, sa[1:]) if j == i + 1]
    runs_b = [(j, j + 1) for j, k in zip(sb, sb[1:]) if k == j + 1]
    units_a = [(i,) for i in sa] + runs_a
    units_b = [(j,) for j in sb] + runs_b
    vecs = screen.encode([_text(a, u) for u in units_a] + [_text(b, u) for u in units_b])
    sim = vecs[: len(units_a)] @ vecs[len(units_a) :].T
    # Pairs worth a look: one with one, one with two; never two with two.
    sim[len(sa) :, len(sb) :] = -1.0
    hit = sim >= bar
    keep_a = {i for x in np.flatnonzero(hit.any(axis=1)) for i in units_a[x]}
    keep_b = {j for y in np.flatnonzero(hit.any(axis=0)) for j in units_b[y]}
    return [i for i in sa if i in keep_a], [j for j in sb if j in keep_b]


def room(
    a: Segmented,
    b: Segmented,
    screen,
    *,
    covered_a: Sequence[Span] = (),
    covered_b: Sequence[Span] = (),
    skip_a: Sequence[Span] = (),
    skip_b: Sequence[Span] = (),
) -> tuple[float, float]:
    """The most of each text's words that paraphrase passages could still add, without the transformer.

    A passage pairs sentences that are eligible and pass the static screen
    (the same steps :func:`align_paraphrases` takes first), so only their words
    not yet covered verbatim can be added. The corpus scan uses this to skip
    the transformer when even that much paraphrase could not change a verdict.
    """
    sa = _eligible(a, covered_a, skip_a)
    sb = _eligible(b, covered_b, skip_b)
    if sa and sb and screen is not None:
        sa, sb = screened(a, b, sa, sb, screen)
    if not sa or not sb:
        return 0.0, 0.0
    return _open_share(a, sa, covered_a, skip_a), _open_share(b, sb, covered_b, skip_b)


def _open_share(seg: Segmented, sentences: list[int], covered: Sequence[Span], skip: Sequence[Span]) -> float:
    from ..analyse.coverage import word_mask

    done, skipped = word_mask(seg, covered), word_mask(seg, skip)
    total = sum(1 for k in skipped if not k)
    open_words = sum(1 for s in sentences for t in seg.sentence_tokens(s) if not done[t] and not skipped[t])
    return open_words / total if total else 0.0


def _eligible(seg: Segmented, covered: Sequence[Span], skip: Sequence[Span]) -> list[int]:
    """Sentences worth embedding: long enough, not boilerplate, not already verbatim."""
    covered = _disjoint(covered)
    starts = [c.start for c in covered]
    out = []
    for s, sent in enumerate(seg.sentences):
        tokens = seg.sentence_tokens(s)
        if len(tokens) < MIN_WORDS or any(sent.overlaps(k) for k in skip):
            continue
        inside = 0
        for t in tokens:
            k = bisect.bisect_right(starts, seg.tokens[t].start) - 1
            inside += k >= 0 and covered[k].contains(seg.tokens[t])
        if inside < COVERED_ENOUGH * len(tokens):
            out.append(s)
    return out


def _linked(a: Segmented, b: Segmented, covered_a, covered_b) -> set[tuple[int, int]]:
    """(sentence of a, sentence of b) pairs that share a verbatim passage."""
    if len(covered_a) != len(covered_b):
        return set()
    return {
        (i, j)
        for pa, pb in zip(covered_a, covered_b)
        for i in _sentences_in(a, pa)
        for j in _sentences_in(b, pb)
    }


def _sentences_in(seg: Segmented, span: Span) -> range:
    starts = [s.start for s in seg.sentences]
    return range(max(bisect.bisect_right(starts, span.start) - 1, 0), bisect.bisect_left(starts, span.end))


def _disjoint(spans: Sequence[Span]) -> list[Span]:
    """Overlapping spans merged, sorted: one bisect then finds the span holding a point."""
    out: list[Span] = []
    for span in sorted(spans):
        if out and span.start <= out[-1].end:
            out[-1] = Span(out[-1].start, max(out[-1].end, span.end))
        else:
            out.append(span)
    return out


def _span(seg: Segmented, sentences: tuple[int, ...]) -> Span:
    first, last = seg.sentences[sentences[0]], seg.sentences[sentences[-1]]
    end = last.end
    while end > last.start and seg.text[end - 1].isspace():
        end -= 1
    return Span(first.start, end)


def _text(seg: Segmented, sentences) -> str:
    # The models see what a reader sees: zero-width characters salted into a copy would
    # split its words into pieces the tokenizer has never met.
    return visible(seg.slice(_span(seg, tuple(sentences))))


def _jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    return len(x & y) / len(x | y) if x or y else 0.0

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
cross-validation (seed 0): accuracy 77.2% (sd 1.2), F1 83.8, precision 80.5,
recall 87.4, where the bare cosine with its cut (0.67) fitted under the same
folds reaches 72.8% (F1 81.6). Only pairs whose cosine reaches the model's
``prefilter_bar`` (0.514) are scored: on MSRP the bar is the 0.5% quantile of
the cosines of the pairs the scorer accepts, fitted on nine folds, and it drops
0.57% of the accepted pairs of the tenth (every fold's bar 0.512–0.528).
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

What is embedded: the pair scorer is a logistic regression, linear in the
cosine, and a unit is scored only when its cosine reaches the prefilter bar; so
the highest P(paraphrase) a unit (a pair, a split or a merge) could reach
follows from its lexical features alone (:func:`best_probability`). Only the
sentences of units that could reach their cut go to the transformer; a split
or merge that an overlapping sentence pair already outranks in a way the
one-to-one pairing cannot undo is never chosen (:func:`_not_outranked`), so
its halves are not embedded either. The passages are exactly those of scoring every unit
(``tests/test_paraphrase.py::test_bounding_units_changes_no_passage``); on
the seed pair 8 texts are embedded instead of 27, and over the seed pair both
ways, Clough-Stevenson’s 95 pairs and 50 same-topic BBC pairs 876 instead of
3,786, with the same passages, scores and verdicts.

Long texts: past ``FULL_PAIRS`` sentence pairs (2,500: two texts of 50
sentences), each sentence meets only its ``MAX_PARTNERS`` (8) nearest sentences
of the other side by the static model's cosine (the transformer's when there
is no static model), and back
(:func:`_nearest_partners`), so the units grow with the sentence count, not its
square; this matters for texts of many near-identical templated sentences, which
every screen lets through. Forced on for every pair of the seed pair, the 95
Clough-Stevenson pairs and 50 same-topic BBC pairs, the cap changes none of
their 136 paraphrase passages
(``tests/test_paraphrase.py::test_partner_cap_changes_no_passage_on_ordinary_pairs``).

Ranking: the one-to-one pairing is greedy by P(paraphrase) plus a small bonus for
shared content words (``LEXICAL_WEIGHT`` × Jaccard), so of two sentences close
in meaning the one that also shares the names and facts wins; MSRP cannot tune
it (every MSRP pair shares content words), so it is only a tie-breaker.
"""
from __future__ import annotations

import bisect
from collections import OrderedDict
from typing import Iterator, Sequence

import numpy as np

from ..embed import Encoder
from ..segment import Segmented, visible
from ..types import Passage, Span
from .pair_scorer import TOKEN_SET, Side, load_scorer, prepare, side_features, token_set_ratios

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
# Beyond this many sentence pairs, a sentence is weighed only against its MAX_PARTNERS
# nearest sentences of the other side (see _nearest_partners): cost then grows with the
# sentence count, not its square.
FULL_PAIRS = 2_500
MAX_PARTNERS = 8
# Sides the pair scorer has prepared, kept across comparisons: in a scan an article meets
# several others, and its sentences were prepared again for each (BBC 10k: 10,778 sides
# prepared for 4,824 distinct ones). Bounded, least recently used out first: a side holds
# its content words' static vectors, ~1 KB a word.
SIDE_CACHE = 2_048
_prepared_sides: OrderedDict[tuple, Side] = OrderedDict()

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
    linked = _linked(a, b, covered_a, covered_b, sa, sb)

    # Every unit the scorer might accept: one sentence with one, or with two adjacent ones
    # (a split or a merge). Its lexical features come first: P(paraphrase) is monotone in
    # the cosine, so the best a unit could reach is known before anything is embedded,
    # and a unit that cannot reach its cut needs no vector (see best_probability).
    units, sides, features = _weighed_units(a, b, sa, sb, encoder.screen, screen or encoder)
    tied = [any((i, j) in linked for i in xs_ for j in ys_) for xs_, ys_ in units]
    bars = np.array([min(cut, LINKED_CUT) if t else cut for t in tied])
    sides.fill(features, units, np.flatnonzero(best_probability(scorer, features) >= bars))  # ties reach lower
    best = best_probability(scorer, features)
    possible = [int(k) for k in np.flatnonzero(best >= bars)]

    # Sentence pairs first (one call for both sides: the encoder batches by length across them).
    singles = [k for k in possible if len(units[k][0]) == len(units[k][1]) == 1]
    cosine = dict(zip(singles, _pair_cosines(a, b, [units[k] for k in singles], encoder)))
    scored = [k for k in singles if cosine[k] >= scorer.prefilter]
    rank = _ranks(scorer, features, scored, cosine, sides, units, tied)
    # A split or merge is never chosen when a sentence pair overlapping it ranks above
    # anything it could reach and nothing that could take that pair first leaves it free.
    chosen_pairs = {k: rank[k][0] for k in rank if rank[k][1] >= bars[k]}
    merges = [k for k in possible if k not in cosine]
    merges = _not_outranked(units, merges, chosen_pairs, {k: best[k] + _bonus(sides, units[k], tied[k]) for k in merges})
    merged = _merge_cosines(a, b, [units[k] for k in merges], encoder, scorer.prefilter)
    cosine.update((k, c) for k, c in zip(merges, merged) if c is not None)
    rank.update(_ranks(scorer, features, [k for k in merges if k in cosine], cosine, sides, units, tied))

    # Candidates: (rank, P(paraphrase), sentences of a, sentences of b), in the order of the units.
    candidates = [(r, p, *units[k]) for k, (r, p) in sorted(rank.items()) if p >= bars[k]]

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
            first, last = seg.sentence_tokens(sentences[0]), seg.sentence_tokens(sentences[-1])
            self._made[key] = _side_of(seg, first.start, last.stop, self._static)  # one sentence or two
        return self._made[key]

    def a(self, sentences: tuple[int, ...]) -> Side:
        return self._side(0, sentences)

    def b(self, sentences: tuple[int, ...]) -> Side:
        return self._side(1, sentences)

    def features(self, units, floor: float) -> np.ndarray:
        """The pair scorer's feature rows of ``units`` (the cosine column 0), each side prepared once.

        The token-set similarity, the dearest column, only for the units whose
        P(paraphrase) could reach ``floor`` with the rest known; NaN elsewhere
        (see :meth:`fill`).
        """
        lefts = {xs_: k for k, xs_ in enumerate(dict.fromkeys(xs_ for xs_, _ in units))}
        rights = {ys_: k for k, ys_ in enumerate(dict.fromkeys(ys_ for _, ys_ in units))}
        out = side_features([self.a(u) for u in lefts], [self.b(u) for u in rights],
                            [lefts[xs_] for xs_, _ in units], [rights[ys_] for _, ys_ in units], token_set=False)
        self.fill(out, units, np.flatnonzero(best_probability(load_scorer(), out) >= floor))
        return out

    def fill(self, features: np.ndarray, units, keys) -> None:
        """The token-set column of rows ``keys``, where :meth:`features` left it out."""
        keys = [k for k in keys if np.isnan(features[k, TOKEN_SET])]
        if keys:
            features[keys, TOKEN_SET] = token_set_ratios([(self.a(units[k][0]), self.b(units[k][1])) for k in keys])


def _side_of(seg: Segmented, start: int, stop: int, static) -> Side:
    """The pair scorer's side of ``seg``'s tokens ``start:stop``, from :data:`_prepared_sides` when there."""
    key = (seg.text, start, stop, static)  # a text's words follow from it; str keeps its hash
    side = _prepared_sides.get(key)
    if side is None:
        side = _prepared_sides[key] = prepare("", seg.words[start:stop], seg.surfaces[start:stop], static=static)
        if len(_prepared_sides) > SIDE_CACHE:
            _prepared_sides.popitem(last=False)
    else:
        _prepared_sides.move_to_end(key)
    return side


def best_probability(scorer, features: np.ndarray) -> np.ndarray:
    """The highest P(paraphrase) each row of ``features`` can reach, whatever its cosine.

    A unit is scored only when its cosine reaches the prefilter bar, and the
    model is linear in the cosine before the logistic, so the best lies at one
    end of [bar, 1]: a unit whose best stays under the cut needs no vector at all.
    A token-set similarity not computed (NaN, see :meth:`_Sides.features`) is
    taken at whichever end of [0, 1] raises P.
    """
    x = np.array(features, dtype=np.float64)
    unknown = np.isnan(x[:, TOKEN_SET])
    x[unknown, TOKEN_SET] = float(scorer.coef[TOKEN_SET] > 0)
    x[:, 0] = 1.0
    top = scorer.decide(x)
    x[:, 0] = scorer.prefilter
    return np.maximum(top, scorer.decide(x))


def _units(sa: list[int], sb: list[int], partners: set[tuple[int, int]] | None = None
           ) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """(sentences of a, sentences of b): each with each, then each with two adjacent of the other side.

    With ``partners`` (sentence pairs), only units holding one of those pairs.
    """
    runs_a = [(i, i + 1) for i, j in zip(sa, sa[1:]) if j == i + 1]
    runs_b = [(j, j + 1) for j, k in zip(sb, sb[1:]) if k == j + 1]
    if partners is None:
        return (
            [((i,), (j,)) for i in sa for j in sb]
            + [((i,), run) for i in sa for run in runs_b]
            + [(run, (j,)) for j in sb for run in runs_a]
        )
    with_b: dict[int, list[int]] = {}
    with_a: dict[int, list[int]] = {}
    for i, j in partners:
        with_b.setdefault(i, []).append(j)
        with_a.setdefault(j, []).append(i)
    pairs = sorted(partners)
    known_a, known_b = set(runs_a), set(runs_b)
    splits = sorted({(i, run) for i, js in with_b.items() for j in js for run in ((j - 1, j), (j, j + 1))
                     if run in known_b})
    merges = sorted({(run, j) for j, is_ in with_a.items() for i in is_ for run in ((i - 1, i), (i, i + 1))
                     if run in known_a}, key=lambda u: (u[1], u[0]))
    return [((i,), (j,)) for i, j in pairs] + [((i,), run) for i, run in splits] + [(run, (j,)) for run, j in merges]


def _nearest_partners(a: Segmented, b: Segmented, sa: list[int], sb: list[int], model) -> set[tuple[int, int]]:
    """Each sentence of ``sa`` with its ``MAX_PARTNERS`` nearest of ``sb`` by ``model``'s cosine, and back.

    Used only past ``FULL_PAIRS`` sentence pairs (long texts, or texts of many
    near-identical templated sentences), so that weighing every sentence against
    every other does not grow with the square of the text. One vector a sentence;
    the similarities are computed in blocks, never held whole.
    """
    va = np.asarray(model.encode([_text(a, [i]) for i in sa]), dtype=np.float32)
    vb = np.asarray(model.encode([_text(b, [j]) for j in sb]), dtype=np.float32)
    out: set[tuple[int, int]] = set()
    for rows, cols, flip in ((va, vb, False), (vb, va, True)):
        k = min(MAX_PARTNERS, len(cols))
        for start in range(0, len(rows), 1024):
            sim = rows[start:start + 1024] @ cols.T
            near = np.argpartition(-sim, k - 1, axis=1)[:, :k]
            for r, cs in enumerate(near.tolist(), start):
                for c in cs:
                    out.add((sa[c], sb[r]) if flip else (sa[r], sb[c]))
    return out


def _bonus(sides: "_Sides", unit, tied: bool) -> float:
    """What ranking adds to a unit's P(paraphrase): shared content words, a verbatim tie."""
    return LEXICAL_WEIGHT * _jaccard(sides.a(unit[0]).content, sides.b(unit[1]).content) + VERBATIM_BONUS * tied


def _ranks(scorer, features, keys, cosine, sides, units, tied) -> dict[int, tuple[float, float]]:
    """(rank, P(paraphrase)) of the units ``keys``, given their transformer cosines."""
    if not keys:
        return {}
    x = features[keys]
    x[:, 0] = [cosine[k] for k in keys]
    return {
        k: (float(p) + _bonus(sides, units[k], tied[k]), float(p)) for k, p in zip(keys, scorer.decide(x))
    }


def _not_outranked(units, merges: list[int], pairs: dict[int, float], most: dict[int, float]) -> list[int]:
    """The splits and merges the one-to-one pairing could still choose.

    ``pairs`` are the ranks of the sentence pairs that are candidates, ``most``
    the highest rank each merge could reach. The pairing takes candidates by
    rank, each unless a sentence of it is taken. A merge ``u`` is never chosen
    when a candidate pair ``v`` sharing a sentence with it ranks above ``most[u]``
    and every unit that could take a sentence of ``v`` first (a candidate or a
    merge still open, ranking at or above ``v``) shares a sentence with ``u``
    too: whether ``v`` is chosen or blocked, a sentence of ``u`` is gone by its
    turn. Merges shown never chosen block nothing, so this repeats until stable.
    """
    def sentences(k):
        xs_, ys_ = units[k]
        return {(0, i) for i in xs_} | {(1, j) for j in ys_}

    own = {k: sentences(k) for k in [*merges, *pairs]}
    holding: dict[tuple[int, int], list[int]] = {}  # sentence -> the units that hold it
    for k, held in own.items():
        for sentence in held:
            holding.setdefault(sentence, []).append(k)

    def sharing(k):
        return {w for sentence in own[k] for w in holding[sentence]}

    open_ = set(merges)
    changed = True
    while changed:
        changed = False
        for u in sorted(open_):
            for v in sorted(w for w in sharing(u) if w in pairs):
                r = pairs[v]
                if r <= most[u]:
                    continue
                # A rival that could take a sentence of v first, without touching u, leaves u a chance.
                rivals = (w for w in sharing(v) if w != v and (w in pairs or w in open_) and not own[w] & own[u])
                if all((pairs[w] if w in pairs else most[w]) < r for w in rivals):
                    open_.discard(u)
                    changed = True
                    break
    return [k for k in merges if k in open_]


def _vectors(a: Segmented, b: Segmented, need_a, need_b, encoder: Encoder) -> tuple[dict, dict]:
    """Transformer vectors of these sentences of ``a`` and of ``b`` (one call: batched by length across both)."""
    need_a, need_b = sorted(set(need_a)), sorted(set(need_b))
    vecs = encoder.encode([_text(a, [i]) for i in need_a] + [_text(b, [j]) for j in need_b])
    return dict(zip(need_a, vecs[: len(need_a)])), dict(zip(need_b, vecs[len(need_a) :]))


def _pair_cosines(a: Segmented, b: Segmented, units, encoder: Encoder) -> list[float]:
    """The transformer cosine of each (sentence of a, sentence of b); only their sentences are embedded."""
    va, vb = _vectors(a, b, [xs_[0] for xs_, _ in units], [ys_[0] for _, ys_ in units], encoder)
    return [float(va[xs_[0]] @ vb[ys_[0]]) for xs_, ys_ in units]


def _merge_cosines(a: Segmented, b: Segmented, units, encoder: Encoder, bar: float) -> list[float | None]:
    """The cosine of each split or merge, or ``None`` when it is not to be scored.

    A split or merge is considered when both halves reach ``MERGE_FLOOR``. The
    transformer pools by averaging token vectors, so the word-weighted mean of
    the halves' vectors approximates the vector of the two together; only units
    whose approximation comes near the bar have the merged text embedded for
    real, and a unit is scored when that cosine reaches the bar and beats the
    better half by ``MERGE_GAIN``.
    """
    out: list[float | None] = [None] * len(units)
    if not units:
        return out
    va, vb = _vectors(a, b, [i for xs_, _ in units for i in xs_], [j for _, ys_ in units for j in ys_], encoder)
    wanted: list[tuple[int, float]] = []  # (unit, better half) whose merged text must be embedded
    for k, (xs_, ys_) in enumerate(units):
        many_on_b = len(ys_) == 2
        one = va[xs_[0]] if many_on_b else vb[ys_[0]]
        seg, halves, vec = (b, ys_, vb) if many_on_b else (a, xs_, va)
        s1, s2 = float(one @ vec[halves[0]]), float(one @ vec[halves[1]])
        if s1 < MERGE_FLOOR or s2 < MERGE_FLOOR:
            continue
        size = [np.float32(len(seg.sentence_tokens(h))) for h in halves]
        merged = vec[halves[0]] * size[0] + vec[halves[1]] * size[1]
        approx = float(one @ merged) / float(np.linalg.norm(merged))
        best_half = max(s1, s2)
        if approx >= max(bar, best_half + MERGE_GAIN) - APPROX_SLACK:
            wanted.append((k, best_half))
    if wanted:
        vecs = encoder.encode([_text(a, units[k][0]) for k, _ in wanted] + [_text(b, units[k][1]) for k, _ in wanted])
        for (k, best_half), u, v in zip(wanted, vecs[: len(wanted)], vecs[len(wanted) :]):
            score = float(u @ v)
            if score >= bar and score >= best_half + MERGE_GAIN:
                out[k] = score
    return out


def screened(a: Segmented, b: Segmented, sa: list[int], sb: list[int], screen, bar: float = SCREEN_BAR):
    """The sentences of ``sa`` and ``sb`` the transformer still has to see.

    A sentence stays when its static-model cosine with some sentence, or some
    two adjacent sentences (a split or merge), of the other side reaches
    ``bar``; every sentence of such a pair stays. The static model is additive
    (a text's vector is the mean of its tokens'), so the merged texts cost as
    little as single ones. (Screening each unit rather than each sentence
    embeds 5% fewer texts but loses 2 of Clough-Stevenson's paraphrase passages.)
    """
    runs_a = [(i, i + 1) for i, j in zip(sa, sa[1:]) if j == i + 1]
    runs_b = [(j, j + 1) for j, k in zip(sb, sb[1:]) if k == j + 1]
    units_a = [(i,) for i in sa] + runs_a
    units_b = [(j,) for j in sb] + runs_b
    vecs = screen.encode([_text(a, u) for u in units_a] + [_text(b, u) for u in units_b])
    va, vb = vecs[: len(units_a)], vecs[len(units_a) :]
    hit_a = np.zeros(len(units_a), dtype=bool)
    hit_b = np.zeros(len(units_b), dtype=bool)
    for start in range(0, len(units_a), 1024):  # in blocks: a long text's matrix is never held whole
        hit = va[start:start + 1024] @ vb.T >= bar
        # Pairs worth a look: one with one, one with two; never two with two.
        hit[max(len(sa) - start, 0):, len(sb):] = False
        hit_a[start:start + 1024] = hit.any(axis=1)
        hit_b |= hit.any(axis=0)
    keep_a = {i for x in np.flatnonzero(hit_a) for i in units_a[x]}
    keep_b = {j for y in np.flatnonzero(hit_b) for j in units_b[y]}
    return [i for i in sa if i in keep_a], [j for j in sb if j in keep_b]


def rooms(
    a: Segmented,
    b: Segmented,
    screen,
    *,
    covered_a: Sequence[Span] = (),
    covered_b: Sequence[Span] = (),
    skip_a: Sequence[Span] = (),
    skip_b: Sequence[Span] = (),
) -> Iterator[tuple[float, float]]:
    """Ever tighter bounds on how much of each text's words paraphrase passages could still add, without the transformer.

    First: the words not yet covered verbatim of the sentences that are
    eligible and pass the static screen (the steps :func:`align_paraphrases`
    takes first). Then, dearer: of those, the sentences in some unit whose
    P(paraphrase) could reach the scorer's cut (:func:`_reachable`; the
    verdict counts only passages at the cut). The corpus scan stops at the
    first bound that settles a verdict and skips the transformer.
    """
    sa = _eligible(a, covered_a, skip_a)
    sb = _eligible(b, covered_b, skip_b)
    if sa and sb and screen is not None:
        sa, sb = screened(a, b, sa, sb, screen)

    open_a = open_b = None  # each text's words still open, found once for both bounds

    def shares(sa, sb):
        nonlocal open_a, open_b
        if not sa or not sb:
            return 0.0, 0.0
        if open_a is None:
            open_a, open_b = _open_words(a, covered_a, skip_a), _open_words(b, covered_b, skip_b)
        return _share(a, sa, *open_a), _share(b, sb, *open_b)

    yield shares(sa, sb)
    if sa and sb and screen is not None:
        yield shares(*_reachable(a, b, sa, sb, screen))


def _reachable(a: Segmented, b: Segmented, sa: list[int], sb: list[int], screen) -> tuple[list[int], list[int]]:
    """The sentences of ``sa`` and ``sb`` in some unit whose P(paraphrase) could reach the scorer's cut.

    The verdict counts only passages at the cut, and :func:`best_probability`
    bounds a unit's P(paraphrase) from its lexical features alone; the units are
    those :func:`align_paraphrases` weighs, with the same static model.
    """
    scorer = load_scorer()
    units, _, features = _weighed_units(a, b, sa, sb, screen, screen)
    live = [units[k] for k in np.flatnonzero(best_probability(scorer, features) >= scorer.cut)]
    return sorted({i for xs_, _ in live for i in xs_}), sorted({j for _, ys_ in live for j in ys_})


# The last _weighed_units: (texts and models, by identity; sentences; what it returned). A scan
# asks rooms() and then, when that leaves the verdict open, align_paraphrases() for the same sentences.
_last_weighed: list = [None]


def _weighed_units(a: Segmented, b: Segmented, sa: list[int], sb: list[int], static, partner_model):
    """The units :func:`align_paraphrases` weighs for sentences ``sa`` and ``sb``, their sides and feature rows.

    ``static`` gives the pair scorer's word vectors, ``partner_model`` the
    nearest partners of long texts (see :func:`_nearest_partners`). The feature
    rows have the cosine column 0.
    """
    given, sentences = (a, b, static, partner_model), (tuple(sa), tuple(sb))
    last = _last_weighed[0]
    if last is not None and last[1] == sentences and all(x is y for x, y in zip(last[0], given)):
        return last[2]
    sides = _Sides(a, b, static)
    partners = _nearest_partners(a, b, sa, sb, partner_model) if len(sa) * len(sb) > FULL_PAIRS else None
    units = _units(sa, sb, partners)
    out = units, sides, sides.features(units, load_scorer().cut)
    _last_weighed[0] = (given, sentences, out)
    return out


def _open_words(seg: Segmented, covered: Sequence[Span], skip: Sequence[Span]) -> tuple[np.ndarray, int]:
    """Per word: outside ``skip`` and not yet ``covered``; and how many words lie outside ``skip``."""
    from ..analyse.coverage import word_array

    counted = ~word_array(seg, skip)
    return counted & ~word_array(seg, covered), int(np.count_nonzero(counted))


def _share(seg: Segmented, sentences: list[int], open_words: np.ndarray, total: int) -> float:
    """The share of the counted words that are open and inside ``sentences``."""
    if not total:
        return 0.0
    return sum(int(np.count_nonzero(open_words[r.start:r.stop])) for r in map(seg.sentence_tokens, sentences)) / total


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
        for t in tokens:  # the covered span starting last at or before the word holds it, or none does
            k = bisect.bisect_right(starts, seg.token_starts[t]) - 1
            inside += k >= 0 and seg.token_ends[t] <= covered[k].end
        if inside < COVERED_ENOUGH * len(tokens):
            out.append(s)
    return out


def _linked(a: Segmented, b: Segmented, covered_a, covered_b, sa: list[int], sb: list[int]) -> set[tuple[int, int]]:
    """(sentence of a, sentence of b) pairs among ``sa`` × ``sb`` that share a verbatim passage.

    Only eligible sentences count, and those a long passage spans are covered,
    so the set stays small however long the passage.
    """
    if len(covered_a) != len(covered_b):
        return set()
    eligible_a, eligible_b = set(sa), set(sb)
    out = set()
    for pa, pb in zip(covered_a, covered_b):
        xs_ = [i for i in _sentences_in(a, pa) if i in eligible_a]
        ys_ = [j for j in _sentences_in(b, pb) if j in eligible_b]
        out.update((i, j) for i in xs_ for j in ys_)
    return out


def _sentences_in(seg: Segmented, span: Span) -> range:
    starts = seg.sentence_starts
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

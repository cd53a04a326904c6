"""Cost near-linear in text length (issue #13): the long-passage shortcuts give the answers the
whole computation gives, and templated text no longer sends every sentence pair to the scorer."""
import random

import pytest
from rapidfuzz.distance import Indel

from copytrace.align import paraphrase as paraphrase_mod
from copytrace.align.verbatim import LONG_PASSAGE, _chain, _seeds, _similarity, align_verbatim, gram_keys
from copytrace.analyse.evidence import _longest_equal, longest_exact
from copytrace.segment import segment

VOCAB = [f"w{k}" for k in range(3000)]


def _edited(rng: random.Random, n: int, edits: int) -> tuple[list[str], list[str]]:
    """Word lists: a random text and a copy with ``edits`` substitutions, deletions and insertions."""
    a = [rng.choice(VOCAB) for _ in range(n)]
    b = list(a)
    for _ in range(edits):
        k, op = rng.randrange(len(b)), rng.random()
        if op < 0.4:
            b[k] = rng.choice(VOCAB)
        elif op < 0.7:
            del b[k]
        else:
            b.insert(k, rng.choice(VOCAB))
    return a, b


@pytest.mark.parametrize("seed", range(8))
def test_longest_equal_run_matches_the_whole_alignment(seed):
    rng = random.Random(seed)
    a, b = _edited(rng, rng.randint(2500, 6000), rng.randint(1, 60))
    whole = max((o.src_end - o.src_start for o in Indel.opcodes(a, b) if o.tag == "equal"), default=0)
    assert _longest_equal(a, b) == whole


def test_a_run_across_an_anchor_is_counted_whole():
    a = [f"u{k}" for k in range(5000)]  # every trigram unique: anchors everywhere
    b = list(a)
    b[100] = "changed"
    assert _longest_equal(a, b) == 5000 - 101


@pytest.mark.parametrize("seed", range(8))
def test_long_passage_similarity_matches_the_whole_alignment(seed):
    rng = random.Random(100 + seed)
    a, b = _edited(rng, rng.randint(2500, 6000), rng.randint(1, 80))
    chain = max(_chain(_seeds(gram_keys(a, 3), gram_keys(b, 3), [True] * len(a), [True] * len(b), 3)), key=len)
    i1, j1 = chain[-1][0] + 3, chain[-1][1] + 3
    assert max(i1 - chain[0][0], j1 - chain[0][1]) > LONG_PASSAGE  # the piecewise path is taken
    whole = Indel.normalized_similarity(a[chain[0][0] : i1], b[chain[0][1] : j1])
    assert _similarity(a, b, chain, i1, j1) == pytest.approx(whole, abs=1e-3)


def _paragraph(words: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(" ".join(rng.choice(VOCAB) for _ in range(12)).capitalize() + ".")
    return " ".join(sentences)


class _CountingIndel:
    """rapidfuzz's Indel, counting the cells of every alignment it fills (its cost: len a x len b)."""

    def __init__(self):
        self.cells = 0

    def _counted(self, name):
        def call(x, y, **kw):
            self.cells += len(x) * len(y)
            return getattr(Indel, name)(x, y, **kw)
        return call

    def __getattr__(self, name):
        return self._counted(name)


def _verbatim_cells(monkeypatch, words: int) -> int:
    from copytrace.align import verbatim as verbatim_mod
    from copytrace.analyse import evidence as evidence_mod

    counter = _CountingIndel()
    monkeypatch.setattr(verbatim_mod, "Indel", counter)
    monkeypatch.setattr(evidence_mod, "Indel", counter)
    text = _paragraph(words)
    a, b = segment(text), segment(text.replace("w7 ", "w8 "))
    passages = align_verbatim(a, b)
    longest_exact(a, b, passages)
    return counter.cells


def test_verbatim_alignment_and_its_evidence_grow_near_linearly(monkeypatch):
    """4x the words fill at most 4.5x the alignment cells (before: Indel over the whole passage,
    16x). Counted, not timed: a shared machine's clock would make the test flaky."""
    small = _verbatim_cells(monkeypatch, 10_000)
    large = _verbatim_cells(monkeypatch, 40_000)
    assert small > 0
    assert large <= 4.5 * small, (small, large)


def _templated(n: int) -> tuple[str, str]:
    """Two texts of ``n`` near-identical sentences each: every sentence looks like every other."""
    rng = random.Random(0)
    things = ["roads were closed", "schools stayed shut", "power was cut", "water supplies failed"]
    a = " ".join(f"Officials in district {k} said that {rng.choice(things)} after the storm on Monday." for k in range(n))
    b = " ".join(f"In district {k}, {rng.choice(things)} after the storm, officials reported." for k in range(n))
    return a, b


def test_templated_text_weighs_each_sentence_against_few_partners(monkeypatch):
    """150 x 150 near-identical sentences: before the cap every pair, split and merge was scored
    (67,000 units, and the merges checked against every pair); now each sentence meets its
    MAX_PARTNERS nearest of the other side, and the units grow with the sentences, not their square."""
    from copytrace.embed import get_encoder

    n = 150
    a, b = (segment(t) for t in _templated(n))
    scored = []
    real = paraphrase_mod.side_features
    monkeypatch.setattr(paraphrase_mod, "side_features",
                        lambda lefts, rights, rows, cols, **kw: scored.append(len(rows)) or real(lefts, rights, rows, cols, **kw))
    passages = paraphrase_mod.align_paraphrases(a, b, get_encoder())
    assert len(a.sentences) * len(b.sentences) > paraphrase_mod.FULL_PAIRS
    # At most 2 x MAX_PARTNERS pairs a sentence, each in at most two splits and two merges.
    assert sum(scored) <= 5 * 2 * paraphrase_mod.MAX_PARTNERS * n, sum(scored)
    assert len(passages) >= 0.8 * n  # the sentences still pair, one to one
    assert len({p.a for p in passages}) == len({p.b for p in passages}) == len(passages)


def _not_outranked_by_brute_force(units, merges, pairs, most):
    """The rule of ``_not_outranked`` as first written: every merge against every pair and every rival."""
    def sentences(k):
        xs_, ys_ = units[k]
        return {(0, i) for i in xs_} | {(1, j) for j in ys_}

    own = {k: sentences(k) for k in [*merges, *pairs]}
    open_ = set(merges)
    changed = True
    while changed:
        changed = False
        rivals = {**pairs, **{k: most[k] for k in open_}}
        for u in sorted(open_):
            for v, r in pairs.items():
                if r <= most[u] or not own[u] & own[v]:
                    continue
                if all(w == v or not own[w] & own[v] or own[w] & own[u] or rivals[w] < r for w in rivals):
                    open_.discard(u)
                    changed = True
                    break
    return [k for k in merges if k in open_]


@pytest.mark.parametrize("seed", range(30))
def test_not_outranked_indexed_by_sentence_matches_the_brute_force(seed):
    rng = random.Random(seed)
    sa, sb = list(range(rng.randint(2, 7))), list(range(rng.randint(2, 7)))
    units = paraphrase_mod._units(sa, sb)
    singles = [k for k, (x, y) in enumerate(units) if len(x) == len(y) == 1]
    merges = [k for k in range(len(units)) if k not in singles]
    pairs = {k: rng.random() for k in rng.sample(singles, rng.randint(0, len(singles)))}
    most = {k: rng.random() for k in merges}
    assert paraphrase_mod._not_outranked(units, merges, pairs, most) == \
        _not_outranked_by_brute_force(units, merges, pairs, most)

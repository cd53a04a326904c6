"""Cost near-linear in text length (issue #13): the long-passage shortcuts give the answers the
whole computation gives, and templated text no longer sends every sentence pair to the scorer."""
import random
import time

import numpy as np
import pytest
from rapidfuzz.distance import Indel

from copytrace.align import paraphrase as paraphrase_mod
from copytrace.align.verbatim import LONG_PASSAGE, _chain, _seeds, _similarity, align_verbatim
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
    chain = max(_chain(_seeds(a, b, [True] * len(a), [True] * len(b), 3)), key=len)
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


def _verbatim_seconds(words: int) -> float:
    text = _paragraph(words)
    a, b = segment(text), segment(text.replace("w7 ", "w8 "))
    start = time.perf_counter()
    passages = align_verbatim(a, b)
    longest_exact(a, b, passages)
    return time.perf_counter() - start


def test_verbatim_alignment_and_its_evidence_grow_near_linearly():
    """4x the words may cost at most 6x the time (before: Indel over the whole passage, quadratic)."""
    small = min(_verbatim_seconds(10_000) for _ in range(2))
    large = min(_verbatim_seconds(40_000) for _ in range(2))
    assert large <= 6 * small + 0.2, (small, large)


class _Counting:
    """The pair scorer's unit count, by wrapping the function that scores them."""

    def __init__(self, monkeypatch):
        self.units = 0
        real = paraphrase_mod._score_units

        def count(scorer, sides, units, cosines):
            self.units += len(units)
            return real(scorer, sides, units, cosines)

        monkeypatch.setattr(paraphrase_mod, "_score_units", count)


@pytest.mark.slow
def test_templated_sentences_give_each_sentence_a_few_partners_not_all(monkeypatch):
    from copytrace.embed import get_encoder

    n = 120
    a = segment(" ".join(f"Officials in district {k} said {k + 3} rockets hit the base at dawn." for k in range(n)))
    b = segment(" ".join(f"In district {k}, {k + 3} missiles struck a military base early in the morning, "
                         "officials reported." for k in range(n)))
    counting = _Counting(monkeypatch)
    passages = paraphrase_mod.align_paraphrases(a, b, get_encoder())
    # every sentence may bring its nearest partners, both ways (and a few splits/merges)
    assert counting.units <= 2 * paraphrase_mod.MAX_PARTNERS * n * 1.1, counting.units
    # and still pairs the sentences about the same district, only those
    district = lambda seg, span, at: seg.slice(span).split()[at].rstrip(",")  # noqa: E731
    assert passages and all(district(a, p.a, 3) == district(b, p.b, 2) for p in passages)


def test_nearest_marks_the_k_best_of_each_row_and_column():
    sim = np.array([[0.9, 0.8, 0.1, 0.7],
                    [0.2, 0.3, 0.95, 0.1],
                    [0.6, 0.5, 0.4, 0.35]])
    rows = paraphrase_mod._nearest(sim, 2, columns=False)
    assert rows.tolist() == [[True, True, False, False], [False, True, True, False], [True, True, False, False]]
    both = paraphrase_mod._nearest(sim, 2)
    # column 3's two best (rows 0 and 2) join the rows' choices
    assert both[:, 3].tolist() == [True, False, True]
    assert paraphrase_mod._nearest(sim, 4).all()  # fewer partners than k: every pair stays

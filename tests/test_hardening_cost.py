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

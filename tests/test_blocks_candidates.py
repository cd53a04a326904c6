"""Candidate generation: exact groups, LSH buckets, nearest neighbours; recall on planted copies."""
from pathlib import Path

import numpy as np
import pytest

from copytrace.blocks.candidates import (
    band_keys, bucket_pairs, exact_groups, jaccard_estimate, lsh_pairs, neighbour_pairs, text_key,
)
from copytrace.blocks.fingerprint import doc_vectors, minhash
from synthetic.generate import generate, read_sources

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def planted():
    corpus = generate(read_sources(DATA / "bbc-sample.jsonl.gz"), families=30, seed=7)
    ids = [r["id"] for r in corpus.records]
    index = {x: i for i, x in enumerate(ids)}
    texts = [r["text"] for r in corpus.records]
    truth = {kind: {tuple(sorted((index[a], index[b]))) for a, b, k in corpus.pairs if k == kind}
             for kind in ("exact", "near", "rewrite")}
    return corpus, texts, truth


def recall(found, truth):
    got = {tuple(p) for p in np.asarray(found).tolist()}
    return len(got & truth) / len(truth)


def test_exact_groups_fold_case_and_space():
    keys = [text_key(t) for t in ["A  cat sat.", "a cat\nsat.", "A dog sat."]]
    assert exact_groups(keys) == [[0, 1]]


def test_band_keys_separate_bands():
    sig = np.array([[5, 5, 5, 5]], dtype=np.uint32)
    keys = band_keys(sig, bands=2, rows=2)
    assert keys[0, 0] != keys[0, 1]  # same values in different bands must not collide
    # lsh_pairs keys a few bands at a time: bands 3..5 alone are the full keys' columns 3..5.
    sig = np.random.default_rng(0).integers(0, 1 << 32, size=(5, 16), dtype=np.uint32)
    assert np.array_equal(band_keys(sig, bands=3, rows=2, first=3), band_keys(sig, bands=8, rows=2)[:, 3:6])


def test_oversized_bucket_is_skipped():
    assert bucket_pairs([3, 1, 2]) == [(1, 2), (1, 3), (2, 3)]
    assert bucket_pairs(list(range(500)), max_bucket=100) == []


def test_lsh_finds_copies_and_rewrites(planted):
    corpus, texts, truth = planted
    sig = minhash(texts)
    pairs = lsh_pairs(sig)
    assert recall(pairs, truth["exact"]) == 1.0
    assert recall(pairs, truth["near"]) == 1.0
    assert recall(pairs, truth["rewrite"]) >= 0.85
    # Few candidates per article: LSH must not degrade into all pairs.
    assert len(pairs) < 3 * sum(len(t) for t in truth.values()) + len(texts)
    assert (jaccard_estimate(sig, pairs) > 0).all()


def test_neighbours_find_rewrites(planted):
    corpus, texts, truth = planted
    pairs = neighbour_pairs(doc_vectors(texts))
    assert recall(pairs, truth["near"]) >= 0.95
    assert recall(pairs, truth["rewrite"]) >= 0.8
    assert len(pairs) < 10 * len(texts)


def test_lsh_pairs_are_every_pair_of_every_bucket_that_is_not_oversized():
    """lsh_pairs makes all buckets' pairs at once in NumPy; they must be the pairs bucket_pairs
    gives for each bucket (buckets of every size, some over the cap), deduplicated and sorted."""
    rng = np.random.default_rng(3)
    sig = rng.integers(0, 6, size=(400, 128), dtype=np.uint32)  # few values: buckets of many sizes
    sig[:150] = rng.integers(0, 2, size=(150, 128), dtype=np.uint32)  # some buckets past the cap
    keys = band_keys(sig)
    buckets: dict[int, list[int]] = {}
    for doc, row in enumerate(keys.tolist()):
        for key in row:
            buckets.setdefault(key, []).append(doc)
    expected = sorted({p for members in buckets.values() for p in bucket_pairs(members, 20)})
    got = lsh_pairs(sig, max_bucket=20)
    assert len(expected) > 100 and any(len(m) > 20 for m in buckets.values())
    assert [tuple(p) for p in got.tolist()] == expected
    assert lsh_pairs(sig[:1]).shape == (0, 2)

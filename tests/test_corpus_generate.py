"""The test-corpus generator and its scoring."""
from pathlib import Path

from copytrace.corpus.generate import Babbler, generate, read_sources, score, truth_pairs

DATA = Path(__file__).parent / "data"


def test_planted_copies_have_the_advertised_kinds():
    sources = read_sources(DATA / "bbc-sample.jsonl.gz")
    corpus = generate(sources, families=15, background=50, seed=3)
    by_id = {r["id"]: r for r in corpus.records}
    kinds = {k for _, _, k in corpus.pairs}
    assert kinds == {"exact", "near", "rewrite"}
    for origin, copy, kind in corpus.pairs:
        a, b = by_id[origin]["text"], by_id[copy]["text"]
        if kind == "exact":
            assert a == b
        else:
            assert a != b and by_id[copy]["published_at"] > by_id[origin]["published_at"]
        if kind == "rewrite":
            assert len(b) < len(a)  # sentences were dropped
    ids = [r["id"] for r in corpus.records]
    assert len(ids) == len(set(ids))
    assert sorted(m for c in corpus.clusters for m in c) == sorted(ids)
    assert sum(1 for i in ids if i.startswith("bg-")) == 50


def test_generation_is_deterministic():
    sources = read_sources(DATA / "bbc-sample.jsonl.gz")
    one, two = generate(sources, families=5, seed=11), generate(sources, families=5, seed=11)
    assert one.records == two.records and one.pairs == two.pairs


def test_score_perfect_and_empty():
    corpus = generate(read_sources(DATA / "bbc-sample.jsonl.gz"), families=10, seed=2)
    perfect = score([tuple(p) for p in truth_pairs(corpus)], corpus.clusters, corpus)
    assert perfect["recall"] == 1.0 and perfect["precision"] == 1.0 and perfect["ari"] == 1.0
    empty = score([], [], corpus)
    assert empty["recall"] == 0.0 and empty["ari"] < 0.1


def test_babbler_text_shares_no_long_runs_with_sources():
    sources = read_sources(DATA / "bbc-sample.jsonl.gz")[:50]
    import numpy as np

    text = Babbler(s["text"] for s in sources).batch(3, 200, np.random.default_rng(0))[0]
    assert len(text.split()) == 200
    assert not any(text[i : i + 120] in s["text"] for s in sources for i in range(0, len(text) - 120, 40))

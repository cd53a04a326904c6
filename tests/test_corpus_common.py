"""Common text in a corpus: furniture and template frames found by document frequency."""
import numpy as np

from copytrace.corpus.common import CommonText, count_batch, doc_buckets, threshold
from copytrace.corpus.generate import read_sources
from pathlib import Path

DATA = Path(__file__).parent / "data"
FURNITURE = ("This story has not been edited by our staff and is auto-generated from a syndicated feed. "
             "Download our free report on the ten stocks to watch this year.")


def _sketch(texts, buckets=1 << 16):
    sketch = CommonText.empty(buckets)
    docs, rows = count_batch(texts, buckets)
    sketch.add_counts(docs, rows)
    return sketch


def test_furniture_in_many_documents_is_common_a_story_in_two_is_not():
    articles = [r["text"] for r in read_sources(DATA / "bbc-sample.jsonl.gz")[:80]]
    corpus = [a + "\n" + FURNITURE for a in articles] + [articles[0]]  # one real copy of article 0
    sketch = _sketch(corpus)
    assert sketch.n_docs == 81
    spans = sketch.spans(corpus[5], threshold=60)
    assert [corpus[5][s.start:s.end] for s in spans] == [FURNITURE.rstrip(".")]
    # Article 0 is in two documents: far below any threshold, so its copy stays evidence.
    assert sketch.spans(corpus[-1], threshold=60) == []


def test_counts_are_document_frequencies_not_term_frequencies():
    once, many = "alpha beta gamma delta epsilon zeta eta", "alpha beta gamma delta epsilon zeta eta " * 50
    sketch = _sketch([once, many])
    hashes = np.unique(np.concatenate([doc_buckets(once, 1 << 16)[0]]))
    assert sketch.counts[0, hashes].max() == 2


def test_counters_saturate_instead_of_wrapping():
    sketch = CommonText.empty(1 << 8)
    idx = doc_buckets("one two three four five six seven", 1 << 8)
    for _ in range(3):
        sketch.add_counts(30_000, [(idx[r], np.full(idx.shape[1], 30_000)) for r in range(2)])
    assert sketch.counts[0, idx[0]].min() == 65535


def test_threshold_grows_with_the_corpus_but_never_below_the_floor():
    assert threshold(10) == threshold(5_000) == 50
    assert threshold(1_000_000) == 5_000


def test_sketch_round_trips_through_a_file(tmp_path):
    sketch = _sketch(["a b c d e f g h", "a b c d e f g h i"])
    sketch.save(tmp_path / "common.npy")
    again = CommonText.load(tmp_path / "common.npy")
    assert again.n_docs == 2 and np.array_equal(again.counts, sketch.counts)

"""Recall of the Spark engine's bucketed neighbour search against the local engine's usearch candidates.

    python -m synthetic.generate corpus --bbc ../shared/eval/bbc-news/articles.jsonl.gz \
        --families 300 --background 20000 --seed 3 --out /tmp/ann20k
    PYTHONPATH=src python bench/spark_neighbours.py /tmp/ann20k/corpus.jsonl.gz /tmp/ann20k/truth_pairs.jsonl

It runs the block functions the Spark engine schedules (hyperplane keys through
the mean vector, an exact search inside each bucket, each article's nearest kept)
in one process, for the key length the corpus size gets and for longer keys (the
lengths much larger corpora get), and prints how many of usearch's pairs and of
the planted pairs each finds; the last line is an exact search (slow: n^2). The
README's Spark paragraph quotes a run.
"""
import gzip
import json
import sys
import time
from collections import defaultdict
import numpy as np
from copytrace.blocks.candidates import (neighbour_pairs, hyperplane_keys, hyperplane_bits, bucket_neighbours,
                                         nearest_of, unique_pairs, HYPERPLANE_TABLES)
from copytrace.blocks.fingerprint import doc_vectors

def bucketed(vec, bits, center=None, tables=HYPERPLANE_TABLES):
    keys = hyperplane_keys(vec, bits, tables, center=center)
    found = defaultdict(list)
    buckets = defaultdict(list)
    for i, ks in enumerate(keys.tolist()):
        for k in ks:
            buckets[k].append(i)
    sizes = [len(m) for m in buckets.values()]
    for m in buckets.values():
        for a, b, s in bucket_neighbours(m, vec[m]):
            found[a].append((b, s))
    pairs = [(min(a, b), max(a, b)) for a, f in found.items() for b in nearest_of(f)]
    return set(map(tuple, unique_pairs(pairs).tolist())), max(sizes), float(np.mean(sizes))


if __name__ == "__main__":
    recs = [json.loads(l) for l in gzip.open(sys.argv[1], "rt")]
    texts = [r["text"] for r in recs]
    ids = {r["id"]: i for i, r in enumerate(recs)}
    vec = np.concatenate([doc_vectors(texts[i:i+2000]) for i in range(0, len(texts), 2000)]).astype(np.float16).astype(np.float32)
    center = vec.mean(axis=0)
    truth = set()
    for l in open(sys.argv[2]):
        p = json.loads(l); a, b = ids[p["a"]], ids[p["b"]]; truth.add((min(a, b), max(a, b)))
    t = time.time()
    usearch = set(map(tuple, neighbour_pairs(vec).tolist()))
    print(f"usearch: {len(usearch)} pairs, {time.time()-t:.1f} s", flush=True)
    for bits in [hyperplane_bits(len(vec)), 8, 12, 16]:
        t = time.time()
        got, biggest, mean = bucketed(vec, bits, center)
        print(f"centered bits {bits}: pairs {len(got)}, of usearch's {len(usearch & got) / len(usearch):.4f}, "
              f"planted found {len(truth & got)} (usearch {len(truth & usearch)}), bucket mean {mean:.0f} max {biggest}, {time.time()-t:.1f} s", flush=True)
    t = time.time()
    exact, _, _ = bucketed(vec, 0, None, tables=1)
    print(f"exact: {len(exact)} pairs, usearch recall of exact {len(usearch & exact)/len(exact):.4f}, {time.time()-t:.1f} s", flush=True)

"""The default scan on same-beat wire reports with earnings tables among them.

    python bench/tables.py              # 10,000 reports
    python bench/tables.py --n 1000

``generate_wire(tables=True)`` with the same-beat corpus's share of reuse
families (``bench/scan.py``'s ``beat``): a seventh of the reports are earnings
tables ("Shr 23 cts vs 19 cts", a row to a line), the rest prose frames.
Prints pair precision and recall by kind over all planted pairs, and the
planted copies of a table the scan missed, by kind (README, "Tables").
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # synthetic/ and bench/ sit beside src/


def run(n: int, seed: int = 0) -> dict:
    from bench.scan import BEAT_ORIGINS
    from copytrace.corpus.scan import scan
    from synthetic.generate import generate_wire, truth_pairs

    corpus = generate_wire(n, seed=seed, origins=BEAT_ORIGINS, tables=True)
    text = {r["id"]: r["text"] for r in corpus.records}
    is_table = {i for i, t in text.items() if "\n\nShr " in t}
    with tempfile.TemporaryDirectory(prefix="bench-tables-") as tmp:
        path = corpus.write(Path(tmp) / "corpus")
        start = time.perf_counter()
        scan(path, Path(tmp) / "out", processes=2, progress=False)
        seconds = time.perf_counter() - start
        found = {frozenset((p["a"], p["b"])) for p in map(json.loads, open(Path(tmp) / "out" / "pairs.jsonl"))}
    planted = Counter(k for *_, k in corpus.pairs)
    hit = Counter(k for a, b, k in corpus.pairs if frozenset((a, b)) in found)
    tables = Counter(k for a, _, k in corpus.pairs if a in is_table)
    missed = Counter(k for a, b, k in corpus.pairs if a in is_table and frozenset((a, b)) not in found)
    right = found & truth_pairs(corpus)
    return {
        "articles": len(corpus.records),
        "seconds": round(seconds, 1),
        "found_pairs": len(found),
        "wrong_pairs": len(found - right),
        "precision": round(len(right) / len(found), 4) if found else 1.0,
        "recall": round(sum(hit.values()) / sum(planted.values()), 4),
        "recall_by_kind": {k: round(hit[k] / planted[k], 4) for k in sorted(planted)},
        "table_pairs_by_kind": dict(sorted(tables.items())),
        "table_pairs_missed_by_kind": dict(sorted(missed.items())),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="reports in the corpus")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(run(args.n, args.seed), indent=1))

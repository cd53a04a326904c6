"""Run-time cost of the paraphrase pair scorer inside a warm comparison (one thread).

    OMP_NUM_THREADS=1 python bench/pair_scorer_overhead.py [a.txt b.txt] [--runs 40]

Compares the seed pair (tests/data/seeds/000.txt, 003.txt) once to warm the
encoder's cache, then times ``compare`` and, within it, the pair scorer
(pair features of every unit, then the logistic regression of those embedded) over
``--runs`` runs, and prints the medians.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import torch  # noqa: E402

torch.set_num_threads(1)

from copytrace.align import paraphrase as para  # noqa: E402
from copytrace.align import pair_scorer as ps  # noqa: E402
from copytrace.pipeline import compare  # noqa: E402

SEEDS = ROOT / "tests" / "data" / "seeds"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path, default=[SEEDS / "000.txt", SEEDS / "003.txt"])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    a, b = (f.read_text(encoding="utf-8") for f in args.files)

    spent = [0.0]
    pairs_scored = [0]
    originals = {name: getattr(para, name) for name in ("feature_matrix", "_ranks")}

    def timed(name):
        def wrapper(*pos, **kw):
            started = time.perf_counter()
            out = originals[name](*pos, **kw)
            spent[0] += time.perf_counter() - started
            if name == "_ranks":
                pairs_scored[0] += len(out)
            return out

        return wrapper

    for name in originals:
        setattr(para, name, timed(name))
    compare(a, b)  # warm: model loaded, sentence vectors cached
    total, scorer = [], []
    for _ in range(args.runs):
        spent[0] = 0.0
        pairs_scored[0] = 0
        started = time.perf_counter()
        compare(a, b)
        total.append(time.perf_counter() - started)
        scorer.append(spent[0])
    t, s = statistics.median(total) * 1e3, statistics.median(scorer) * 1e3
    print(f"warm compare: median {t:.1f} ms over {args.runs} runs; pair scorer {s:.2f} ms "
          f"({s / t:.1%}) for {pairs_scored[0]} scored pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

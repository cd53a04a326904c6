"""Peak memory of the default scan as the corpus grows: 100k, 200k and 300k articles.

    python bench/scan_memory.py                  # the bbc corpus of bench/scan.py
    python bench/scan_memory.py --corpus beat    # the same-beat wire corpus
    python bench/scan_memory.py --quick          # 10k and 20k articles
    python bench/scan_memory.py --sizes 300000   # only the size the target names

Each size runs ``copytrace.scan`` (default settings, 2 worker processes) in its
own process on a corpus made by ``bench/scan.py``'s ``make_corpus``. Peak memory
is the largest sum of RSS over the scan's process tree (the driver, the
forkserver and the workers), sampled every 0.25 s: pages the processes share
(the 128 MB common-text sketch each worker maps, the model files) count once per
process, so the figure is an upper bound. The growth per 100k articles is the
least-squares slope through the sizes. The target: under 4 GB at 300k.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from scan import COPYTRACE, PY, make_corpus, measure  # noqa: E402  (bench/scan.py, beside this file)

TARGET_MB = 4096
TARGET_ARTICLES = 300_000


def run(quick: bool = False, corpus: str = "bbc", sizes: list[int] | None = None) -> dict:
    sizes = sizes or ([10_000, 20_000] if quick else [100_000, 200_000, 300_000])
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scanmem-") as tmp:
        work = Path(tmp)
        for n in sizes:
            generated, path = make_corpus(corpus, n, work)
            got = measure([PY, "-c", COPYTRACE, str(path), str(work / f"out-{n}"), "1", "1"])
            if "error" in got:
                rows.append({"articles": len(generated.records), "error": got["error"]})
                break
            rows.append({"size": n, "articles": len(generated.records), "peak_mb": round(got["peak_mb"]),
                         "seconds": round(got["seconds"], 1),
                         "stages": {k: round(v, 1) for k, v in got.get("stages", {}).items()}})
            print(f"  {rows[-1]}", file=sys.stderr)
            for f in work.iterdir():  # each size's corpus and outputs: keep the disk free
                if f.is_dir():
                    shutil.rmtree(f, ignore_errors=True)
    ok = [r for r in rows if "error" not in r]
    slope = (float(np.polyfit([r["articles"] for r in ok], [r["peak_mb"] for r in ok], 1)[0]) * 100_000
             if len(ok) >= 2 else None)
    largest = max(ok, key=lambda r: r["articles"]) if ok else None
    return {"corpus": corpus, "rows": rows, "by_size": {str(r["size"]): r for r in ok},
            "growth_mb_per_100k": round(slope) if slope is not None else None,
            "peak_mb_at_largest": largest["peak_mb"] if largest else None,
            "target_mb_at_300k": TARGET_MB}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--corpus", choices=("bbc", "beat"), default="bbc")
    parser.add_argument("--sizes", type=lambda v: [int(x) for x in v.split(",")],
                        help="comma-separated corpus sizes (default 100000,200000,300000)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()
    result = run(quick=args.quick, corpus=args.corpus, sizes=args.sizes)
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))

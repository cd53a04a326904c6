"""Pair precision and recall of the default scan on corpora that hold what real news holds.

    python bench/scan_quality.py            # the BBC corpus of 3,000 articles, the wire ones of 1,000
    python bench/scan_quality.py --quick    # 1,000 articles each

Three corpora, made two different ways (a figure from one generated corpus is a
hypothesis; the README reports the worst of them):

- ``bbc``: ``synthetic.generate`` from the BBC articles — planted exact
  copies, near copies, rewrites, shortened copies and excerpts (a few paragraphs inside an
  article 5–15x longer), among template families (wire reports from one frame,
  template twins of real articles: every figure and name replaced), articles
  carrying shared site furniture, and unrelated articles on the same topics;
- ``wire``: ``synthetic.generate.generate_wire`` — 1,000 grammar wire reports
  only, almost every one sharing its frames with hundreds of others, some
  copied (exactly, nearly, rewritten or shortened; every pair of a template family is a candidate, so this corpus is
  kept small: 56k candidate pairs);
- ``tables``: the same with earnings reports filed as tables among the
  families (``generate_wire(tables=True)``: "Shr 23 cts vs 19 cts", a row to
  a line, as a fifth of a real newswire corpus is), whose copies run the rows
  together or drop some.

Each runs through the default full scan (``copytrace.scan``, 2 processes). A
found pair is right when both articles belong to one planted family; template
and furniture pairs are wrong by definition. Precision is over the pairs in
``pairs.jsonl`` (not the clusters), recall over the planted pairs; wrong pairs
are split by cause (template, furniture, other).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))  # synthetic/ sits beside src/, outside the package, when run as a script
BBC = REPO.parent / "shared" / "eval" / "bbc-news" / "articles.jsonl.gz"
SAMPLE = REPO / "tests" / "data" / "bbc-sample.jsonl.gz"
WIRE_SIZE = 1_000


def corpora(n: int, seed: int = 0):
    from synthetic.generate import generate, generate_wire, read_sources

    sources = read_sources(BBC if BBC.exists() else SAMPLE)
    sources = sources[: max(50, int(n * 0.4))]
    families = min(len(sources) // 3, max(10, n // 15))
    bbc = generate(sources, families=families, seed=seed)
    if len(bbc.records) < n:
        bbc = generate(sources, families=families, background=n - len(bbc.records), seed=seed)
    # Every wire report shares its frames with a sixth of the corpus, so every pair of a family
    # is a candidate (56k at 1,000 reports, growing with the square): kept at 1,000.
    return {"bbc": bbc, "wire": generate_wire(min(n, WIRE_SIZE), seed=seed),
            "tables": generate_wire(min(n, WIRE_SIZE), seed=seed, tables=True)}


def measure(corpus, work: Path) -> dict:
    from synthetic.generate import score
    from copytrace.corpus.scan import scan

    path = corpus.write(work / "corpus")
    start = time.perf_counter()
    result = scan(path, work / "out", processes=2, progress=False)
    seconds = time.perf_counter() - start
    pairs = [json.loads(line) for line in open(work / "out" / "pairs.jsonl")]
    clusters = [json.loads(line)["members"] for line in open(work / "out" / "clusters.jsonl")]
    got = score([(p["a"], p["b"]) for p in pairs], clusters, corpus)
    return {
        "articles": len(corpus.records),
        "planted_pairs": got["planted_pairs"],
        "found_pairs": got["found_pairs"],
        "precision": round(got["precision"], 4),
        "recall": round(got["recall"], 4),
        "recall_by_kind": {k: round(v, 4) for k, v in got["recall_by_kind"].items()},
        "wrong_by_cause": got["wrong_by_cause"],
        "ari": round(got["ari"], 4),
        "seconds": round(seconds, 1),
        "candidates": result.candidates,
    }


def run(quick: bool = False, n: int | None = None) -> dict:
    n = n or (1_000 if quick else 3_000)
    out = {}
    for name, corpus in corpora(n).items():
        with tempfile.TemporaryDirectory(prefix=f"bench-scanq-{name}-") as tmp:
            out[name] = measure(corpus, Path(tmp))
        print(f"  {name}: {out[name]}", file=sys.stderr)
    worse = min(out.values(), key=lambda r: r["precision"])
    return {"corpora": out, "worse_precision": worse["precision"],
            "worse_recall": min(r["recall"] for r in out.values())}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n", type=int, help="articles in each corpus")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()
    result = run(quick=args.quick, n=args.n)
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))

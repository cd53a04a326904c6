"""Corpus scan throughput: copytrace against datasketch, rensa and text-dedup.

    python bench/scan.py            # 10k and 100k articles of each corpus
    python bench/scan.py --quick    # 2k articles of each

Two corpora, each at both sizes:

- ``bbc``: generated from the BBC articles (../shared/eval/bbc-news) by
  ``synthetic.generate``: planted exact copies, near copies, rewrites,
  shortened copies and excerpts among template twins, shared site furniture
  and unrelated filler;
- ``beat``: ``synthetic.generate.generate_wire`` — grammar wire reports, a
  third of them in reuse families (an origin and its exact, near, rewritten
  and shortened copies by other outlets) and the rest same-beat reports: the same frames
  with other figures, names and dates, as a newswire files every week. Its
  template pairs make most of the candidates, so it is the slower corpus.

Every tool runs in its own process on the same corpus file, one after
another, and is scored the same way: the articles it groups together (its
clusters, all pairs within each) against the planted families — precision of
those pairs (a template pair is wrong), recall of the planted pairs.

What each row includes:

- ``copytrace lexical``: read + exact hash + MinHash (2 worker processes) +
  LSH + clusters + all output files; no alignment (``align=False``): the
  like-for-like row against the MinHash tools, which stop at candidates;
- ``copytrace full``: the default scan — LSH and static-model neighbours,
  every candidate judged by the comparison engine (the sentence model where
  it could change a verdict), clusters, provenance, report and 40 side-by-side
  views. Its hours per 1M are the largest linear projection over both
  corpora and both sizes (constant costs, the sentence model's loading among
  them, weigh most in the smaller runs);
- ``datasketch``: ``MinHash.update_batch`` + ``MinHashLSH`` (threshold 0.3,
  128 permutations, word 3-grams), one process — it has no parallel mode;
- ``rensa``: ``RMinHash`` + ``RMinHashLSH`` (32 bands of 4: rensa needs the
  bands to divide 128), one process;
- ``text-dedup``: ``python -m text_dedup.minhash`` 0.4.0 from its own venv
  (/tmp/tdvenv, installed from PyPI on first use), ``--num_proc 2``, same ngram/permutations/threshold.

Peak memory is the largest sum of RSS over the tool's process tree, sampled
every 0.25 s from /proc.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))  # synthetic/ sits beside src/, outside the package, when run as a script
BBC = REPO.parent / "shared" / "eval" / "bbc-news" / "articles.jsonl.gz"
SAMPLE = REPO / "tests" / "data" / "bbc-sample.jsonl.gz"
TD_VENV = Path("/tmp/tdvenv")
CORPORA = ("bbc", "beat")
TD_PACKAGE = "text-dedup==0.4.0"
PY = sys.executable
TOOL_TIMEOUT = 1800  # seconds one tool may take on one corpus


# --- measuring ---------------------------------------------------------------------

def _processes() -> tuple[dict[int, list[int]], dict[int, int]]:
    """Every process's children and resident bytes, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return children, rss


def _tree(root: int, children: dict[int, list[int]]) -> list[int]:
    """``root`` and all its descendants, parents first."""
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _tree_rss(root: int) -> int:
    children, rss = _processes()
    return sum(rss.get(pid, 0) for pid in _tree(root, children))


def _kill_tree(root: int) -> None:
    import signal

    for pid in reversed(_tree(root, _processes()[0])):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def measure(cmd: list[str], env: dict | None = None, parse: bool = True, timeout: float = TOOL_TIMEOUT) -> dict:
    """Run ``cmd``; wall time, peak tree RSS, and the JSON its last stdout line holds.

    A run past ``timeout`` seconds is stopped and reported as an error."""
    # Files, not pipes: a child blocked on a full pipe would never finish.
    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, text=True, env={**os.environ, **(env or {})})
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            if time.perf_counter() - start > timeout:
                _kill_tree(proc.pid)
                proc.wait()
                return {"error": f"stopped after {timeout:.0f} s"}
            time.sleep(0.25)
        seconds = time.perf_counter() - start
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    if proc.returncode != 0:
        return {"error": (err.strip().splitlines() or ["failed"])[-1][:300], "seconds": seconds}
    result = json.loads(out.strip().splitlines()[-1]) if parse else {}
    return {"seconds": seconds, "peak_mb": peak / 2**20, **result}


# --- the tools (each a small script run in its own interpreter) ----------------------

COPYTRACE = """
import json, sys
from copytrace.corpus.scan import scan
corpus, out, semantic, align = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4] == "1"
r = scan(corpus, out, semantic=semantic, align=align, processes=2, progress=False)
clusters = [json.loads(l)["members"] for l in open(out + "/clusters.jsonl")]
found = [[p["a"], p["b"]] for p in map(json.loads, open(out + "/pairs.jsonl"))]
print(json.dumps({"clusters": [c for c in clusters if len(c) > 1], "pairs": r.pairs, "found": found,
                  "candidates": r.candidates, "stages": r.seconds}))
"""

# The MinHash tools' scripts join what each query returns into clusters as they go (union-find),
# and print the clusters: on the same-beat corpus a query returns thousands of reports, and
# the edges themselves would not fit in memory. The union-find costs a microsecond a hit.
UNION_FIND = """
parent = {}
def find(x):
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x
def union(a, b):
    ra, rb = find(a), find(b)
    if ra != rb:
        parent[ra] = rb
def clusters(ids):
    groups = {}
    for x in ids:
        groups.setdefault(find(x), []).append(x)
    return [g for g in groups.values() if len(g) > 1]
"""

DATASKETCH = UNION_FIND + """
import gzip, json, re, sys
from datasketch import MinHash, MinHashLSH
WORD = re.compile(r"[^\\W_]+")
lsh = MinHashLSH(threshold=0.3, num_perm=128)
ids = []
for line in gzip.open(sys.argv[1], "rt"):
    r = json.loads(line)
    w = WORD.findall(r["text"].casefold())
    m = MinHash(num_perm=128)
    m.update_batch([" ".join(w[i:i+3]).encode() for i in range(max(1, len(w) - 2))])
    for other in lsh.query(m):
        union(other, r["id"])
    lsh.insert(r["id"], m)
    ids.append(r["id"])
print(json.dumps({"clusters": clusters(ids)}))
"""

RENSA = UNION_FIND + """
import gzip, json, re, sys
from rensa import RMinHash, RMinHashLSH
WORD = re.compile(r"[^\\W_]+")
lsh = RMinHashLSH(threshold=0.3, num_perm=128, num_bands=32)  # bands must divide 128
ids = []
for n, line in enumerate(gzip.open(sys.argv[1], "rt")):
    r = json.loads(line)
    w = WORD.findall(r["text"].casefold())
    m = RMinHash(num_perm=128, seed=1)
    m.update([" ".join(w[i:i+3]) for i in range(max(1, len(w) - 2))])
    for other in lsh.query(m):
        union(ids[other], r["id"])
    lsh.insert(n, m)
    ids.append(r["id"])
print(json.dumps({"clusters": clusters(ids)}))
"""

TEXT_DEDUP_CLUSTERS = """
import json, pickle, sys
uf = pickle.load(open(sys.argv[1], "rb"))
groups = {}
for x in list(uf.parent):
    groups.setdefault(uf.find(x), []).append(x)
print(json.dumps({"clusters": [sorted(g) for g in groups.values() if len(g) > 1]}))
"""


def ensure_text_dedup() -> str | None:
    """The tdvenv interpreter, or why text-dedup cannot run.

    text-dedup pins its own datasets/transformers versions, so it gets a venv
    of its own, installed from the package registry on first use.
    """
    python = TD_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(TD_VENV)], check=True)
        done = subprocess.run([str(TD_VENV / "bin" / "pip"), "install", "-q", TD_PACKAGE], capture_output=True, text=True)
        if done.returncode != 0:
            return f"error: pip install {TD_PACKAGE} failed: " + done.stderr.strip().splitlines()[-1]
    return str(python)


def run_text_dedup(corpus: Path, work: Path) -> dict:
    python = ensure_text_dedup()
    if python.startswith("error"):
        return {"error": python}
    out = work / "td-out"
    env = {"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_DATASETS_CACHE": str(work / "hf-cache")}
    # text-dedup's own CLI, exactly as its README runs it.
    got = measure([python, "-m", "text_dedup.minhash", "--path", "json", "--data_files", str(corpus), "--split", "train",
                   "--cache_dir", str(work / "hf-cache"), "--output", str(out), "--column", "text",
                   "--idx_column", "id", "--num_perm", "128", "--ngram", "3", "--threshold", "0.3",
                   "--min_length", "1", "--num_proc", "2", "--debug", "--hash_func", "xxh3"], env, parse=False)
    if "error" in got:
        return got
    clusters = subprocess.run([python, "-c", TEXT_DEDUP_CLUSTERS, str(out / "uf.pkl")], capture_output=True, text=True)
    if clusters.returncode != 0:
        return {"error": "cannot read text-dedup clusters: " + clusters.stderr.strip().splitlines()[-1]}
    return got | json.loads(clusters.stdout)


# --- scoring ------------------------------------------------------------------------

def quality(found_clusters: list[list[str]], truth) -> dict:
    """Precision / recall of the pairs implied by the clusters, and ARI (counted, not listed:
    a MinHash tool's cluster of same-beat reports holds millions of pairs)."""
    from synthetic.generate import score_clusters

    got = score_clusters(found_clusters, truth)
    return {k: got[k] for k in ("precision", "recall", "ari")}


def pair_precision(found: list[list[str]], truth) -> float:
    """Share of the listed pairs whose two articles are in one planted family."""
    from synthetic.generate import truth_pairs

    pairs = {frozenset(p) for p in found if p[0] != p[1]}
    return round(len(pairs & truth_pairs(truth)) / len(pairs), 4) if pairs else 1.0


BEAT_ORIGINS = 0.15  # origins copied 1-3 times: a third of the reports are in reuse families


def make_corpus(kind: str, n: int, work: Path, seed: int = 0):
    """The ``kind`` corpus (``bbc`` or ``beat``) of about ``n`` articles, written under ``work``."""
    from synthetic.generate import generate, generate_wire, read_sources

    if kind == "beat":
        corpus = generate_wire(n, seed=seed, origins=BEAT_ORIGINS)
    else:
        sources = read_sources(BBC if BBC.exists() else SAMPLE)
        sources = sources[: max(50, int(n * 0.6))]  # leave room for the copies in small corpora
        families = min(len(sources) // 3, max(10, n // 12))
        base = generate(sources, families=families, seed=seed)
        background = max(0, n - len(base.records))
        corpus = generate(sources, families=families, background=background, seed=seed) if background else base
    path = corpus.write(work / f"corpus-{kind}-{n}")
    return corpus, path


def run_size(kind: str, n: int, work: Path) -> list[dict]:
    corpus, path = make_corpus(kind, n, work)
    rows = []

    def add(tool: str, got: dict):
        row = {"tool": tool, "articles": len(corpus.records)}
        if "error" in got:
            row["error"] = got["error"]
        else:
            clusters = got["clusters"]
            row.update(seconds=round(got["seconds"], 2), peak_mb=round(got["peak_mb"]),
                       docs_per_s=round(len(corpus.records) / got["seconds"]), **quality(clusters, corpus))
            if "found" in got:  # copytrace lists its pairs: their own precision, beside the clusters'
                row["pair_precision"] = pair_precision(got["found"], corpus)
            for key in ("stages", "candidates"):
                if key in got:
                    row[key] = {k: round(v, 2) for k, v in got[key].items()}
        rows.append(row)
        print(f"  {tool:<20} {row}", file=sys.stderr)

    in_families = sum(len(c) for c in corpus.clusters if len(c) > 1)
    print(f"{kind}: {len(corpus.records):,} articles, {in_families:,} in reuse families "
          f"({len(corpus.pairs)} planted copies)", file=sys.stderr)
    add("copytrace lexical", measure([PY, "-c", COPYTRACE, str(path), str(work / f"ct-lex-{kind}-{n}"), "0", "0"]))
    add("copytrace full", measure([PY, "-c", COPYTRACE, str(path), str(work / f"ct-full-{kind}-{n}"), "1", "1"]))
    add("datasketch", measure([PY, "-c", DATASKETCH, str(path)]))
    add("rensa", measure([PY, "-c", RENSA, str(path)]))
    add("text-dedup", run_text_dedup(path, work / f"td-{kind}-{n}"))
    return rows


def ratios(rows: list[dict]) -> dict:
    by = {r["tool"]: r for r in rows if "error" not in r}
    out = {}
    for ours in ("copytrace lexical", "copytrace full"):
        for other in ("datasketch", "rensa", "text-dedup"):
            if ours in by and other in by:
                out[f"throughput {ours} / {other}"] = round(by[ours]["docs_per_s"] / by[other]["docs_per_s"], 2)
                if other == "datasketch":  # the independent check's bar: at most 5.5x its wall time
                    out[f"time {ours} / {other}"] = round(by[ours]["seconds"] / by[other]["seconds"], 2)
                out[f"recall {ours} - {other}"] = round(by[ours]["recall"] - by[other]["recall"], 4)
    return out


def project(corpora: dict) -> dict:
    """Hours for a million articles on these cores: linear from each run, the largest kept.

    Candidates and clusters grow with the corpus; alignment grows with the
    candidate pairs, and constant costs weigh most in the small runs.
    """
    out: dict[str, float] = {}
    for sizes in corpora.values():
        for entry in sizes.values():
            for r in entry["rows"]:
                if "error" not in r:
                    hours = round(1_000_000 / r["docs_per_s"] / 3600, 2)
                    out[r["tool"]] = max(out.get(r["tool"], 0.0), hours)
    return out


def run(quick: bool = False, sizes: list[int] | None = None) -> dict:
    sizes = sizes or ([2_000] if quick else [10_000, 100_000])
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        work = Path(tmp)
        corpora: dict[str, dict] = {}
        for kind in CORPORA:
            corpora[kind] = {}
            for n in sizes:
                rows = run_size(kind, n, work)
                corpora[kind][n] = {"rows": rows, "ratios": ratios(rows)}
                for f in work.glob(f"*-{kind}-{n}*"):  # 100k outputs are large; keep the disk free
                    shutil.rmtree(f, ignore_errors=True) if f.is_dir() else f.unlink()
        return {"corpora": corpora, "hours_per_million": project(corpora),
                "hours_per_million_by_corpus": {k: project({k: v}) for k, v in corpora.items()},
                "cores": os.cpu_count(), "alignment_included": "only in the 'copytrace full' rows",
                "target_full_hours_per_million": 1.0}


def table(result: dict) -> str:
    lines = []
    for kind, sizes in result["corpora"].items():
        for n, got in sizes.items():
            lines.append(f"\n{kind}, {int(n):,} articles")
            lines.append(f"{'tool':<20} {'time s':>8} {'docs/s':>8} {'peak MB':>8} {'prec':>6} {'recall':>6} {'ARI':>6}")
            for r in got["rows"]:
                if "error" in r:
                    lines.append(f"{r['tool']:<20} error: {r['error']}")
                else:
                    lines.append(f"{r['tool']:<20} {r['seconds']:>8.1f} {r['docs_per_s']:>8,} {r['peak_mb']:>8,} "
                                 f"{r['precision']:>6.3f} {r['recall']:>6.3f} {r['ari']:>6.3f}")
            for k, v in got["ratios"].items():
                lines.append(f"  {k}: {v}")
    lines.append("\nprojected hours for 1M articles on this machine (largest of the linear projections): " +
                 ", ".join(f"{k} {v}" for k, v in result["hours_per_million"].items()))
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2k articles only")
    parser.add_argument("--sizes", type=int, nargs="+", help="corpus sizes to run (default 10000 100000)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()
    result = run(quick=args.quick, sizes=args.sizes)
    print(table(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))

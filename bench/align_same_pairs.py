"""The align stage's cost per judged pair, this code against an older commit, on the same pairs.

    python bench/align_same_pairs.py                      # bbc 10k, against 55daf71
    python bench/align_same_pairs.py --corpus beat --against 55daf71 --rounds 3

Scans a corpus made by ``bench/scan.py``'s ``make_corpus`` with this code and
keeps the align stage's task file (the candidate pairs the scan judges, with
their articles). Each version then judges every pair of that file in one
process on one thread, the older one from a git worktree of ``--against``; the
rounds alternate between the two, as this machine's speed drifts from minute
to minute. Prints each round's seconds, the ratio of the medians, and how often
the two versions agree (derived or not at the scan's threshold; label).

The older commit must read the task format (``docs``, ``pairs``, ``common``
with ``path`` and ``min_docs``): 55daf71, when issue #12 was filed, does.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

from scan import make_corpus  # noqa: E402  (bench/scan.py, beside this file)

# Run in a child: the scan with its task file copied out before the align stage reads it.
KEEP_TASKS = """
import shutil, sys
from pathlib import Path
import copytrace.engines.local as local
from copytrace.corpus.scan import scan

align = local.LocalEngine.align

def keeping(self, tasks_file, n_tasks, progress=True):
    keep = Path(sys.argv[3])
    shutil.copy(tasks_file, keep / "tasks.jsonl")
    for f in Path(tasks_file).parent.glob("common.npy*"):  # the sketch and its sidecar
        shutil.copy(f, keep / f.name)
    return align(self, tasks_file, n_tasks, progress)

local.LocalEngine.align = keeping
scan(sys.argv[1], sys.argv[2], processes=2, progress=False)
"""

# Run in a child with PYTHONPATH set to one version's source: judge every pair, one thread.
JUDGE = """
import json, os, sys, time
for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[k] = "1"
from copytrace.corpus.align import align_task
try:  # what a scan's worker sets up, in versions that have it
    from copytrace.engines.collector import fewer_collections
    fewer_collections()
except ImportError:
    pass
work, out = sys.argv[1], sys.argv[2]
tasks = [json.loads(line) for line in open(os.path.join(work, "tasks.jsonl"))]
for t in tasks:
    if "common" in t:
        t["common"]["path"] = os.path.join(work, "common.npy")
align_task(tasks[0])  # loads the models: not the pairs' cost
start = time.perf_counter()
results = [r for t in tasks for r in align_task(t)]
seconds = time.perf_counter() - start
json.dump({"seconds": seconds, "results": results}, open(out, "w"))
"""


def judge(src: Path, work: Path, out: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src), TOKENIZERS_PARALLELISM="false")
    subprocess.run([sys.executable, "-c", JUDGE, str(work), str(out)], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    got = json.loads(out.read_text())
    failed = [r for r in got["results"] if r["label"] == "error"]
    if failed:  # a version that cannot read the tasks would look very fast
        raise SystemExit(f"{src}: {len(failed):,} pairs failed, e.g. {failed[0]['error']}")
    return got


def agreement(a: list[dict], b: list[dict], threshold: float = 0.5) -> tuple[int, int, int]:
    """(pairs, same derived-or-not, same label) over the pairs both judged."""
    def derived(r):
        return r["label"] not in ("non", "error") and r["score"] >= threshold

    old = {(r["row_a"], r["row_b"]): r for r in b}
    both = [(r, old[(r["row_a"], r["row_b"])]) for r in a if (r["row_a"], r["row_b"]) in old]
    return len(both), sum(derived(x) == derived(y) for x, y in both), sum(x["label"] == y["label"] for x, y in both)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("bbc", "beat"), default="bbc")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--against", default="55daf71", help="the older commit (default: when #12 was filed)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-same-pairs-") as tmp:
        tmp = Path(tmp)
        _, corpus = make_corpus(args.corpus, args.size, tmp)
        work = tmp / "work"
        work.mkdir()
        subprocess.run([sys.executable, "-c", KEEP_TASKS, str(corpus), str(tmp / "out"), str(work)],
                       env=dict(os.environ, PYTHONPATH=str(ROOT / "src")), check=True)
        older = tmp / "older"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(older), args.against],
                       check=True, capture_output=True)
        try:
            times: dict[str, list[float]] = {"now": [], args.against: []}
            results = {}
            for k in range(args.rounds):
                for name, src in (("now", ROOT / "src"), (args.against, older / "src")):
                    got = judge(src, work, tmp / f"{name}.json")
                    times[name].append(got["seconds"])
                    results[name] = got["results"]
                    print(f"round {k + 1}: {name:<10} {got['seconds']:7.1f} s for {len(got['results']):,} pairs",
                          flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(older)], capture_output=True)
            shutil.rmtree(older, ignore_errors=True)
    n, same_derived, same_label = agreement(results["now"], results[args.against])
    ratio = statistics.median(times[args.against]) / statistics.median(times["now"])
    print(f"{args.corpus} {args.size:,}: {n:,} pairs; median {statistics.median(times['now']):.1f} s now, "
          f"{statistics.median(times[args.against]):.1f} s at {args.against}: {ratio:.2f}x per judged pair")
    print(f"derived or not the same on {same_derived:,} of {n:,}, the label on {same_label:,}")


if __name__ == "__main__":
    main()

"""Where the default scan's memory goes: the peak of the driver and of its workers, stage by stage.

    python bench/scan_memory_stages.py 300000            # the bbc corpus of bench/scan.py
    python bench/scan_memory_stages.py 100000 --corpus beat

Runs ``copytrace.scan`` (2 worker processes) in a child process on a corpus made
by ``bench/scan.py``'s ``make_corpus`` and samples, every 0.5 s, the RSS of the
child (the driver) and the sum over its descendants (forkserver and workers).
Each sample is put in the stage the scan last announced: its progress bars
(read, common text, fingerprint, align, views) and marks printed on entering
and leaving the driver's steps between them (candidate search, task writing,
clustering, report). For each stage it prints the largest total and its
driver / workers split, in MB. As in ``bench/scan_memory.py``, pages the
processes share count once per process.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from scan import make_corpus  # noqa: E402  (bench/scan.py, beside this file)

# The driver's steps between progress bars, by name in copytrace.corpus.scan.
STEPS = ("anchor_pairs", "_neighbours", "_merge", "filed_twice_many", "_write_tasks", "pair_records",
         "find_clusters", "write_outputs", "reported_pairs", "write_views", "write_report")
CHILD = """
import sys
from copytrace.corpus import scan as S

def marked(name):
    inner = getattr(S, name)
    def step(*args, **kwargs):
        print(f"\\n{name}: in", file=sys.stderr, flush=True)
        out = inner(*args, **kwargs)
        print(f"\\nafter {name}: out", file=sys.stderr, flush=True)
        return out
    setattr(S, name, step)

for name in sys.argv[3:]:
    marked(name)
S.scan(sys.argv[1], sys.argv[2], processes=2, progress=True)
"""


def sample(corpus: Path, out: Path) -> tuple[list[tuple[float, float, float]], list[tuple[float, str]]]:
    """(seconds, driver MB, workers MB) samples and (seconds, stage) marks of one scan."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(corpus), str(out), *STEPS],
                             stderr=subprocess.PIPE, text=True)
    start = time.time()
    marks: list[tuple[float, str]] = []

    def read_marks() -> None:
        line = ""
        while (c := child.stderr.read(1)):
            if c in "\r\n":
                if line.strip():  # a progress bar's line starts with its label ("fingerprint: 40%|…")
                    marks.append((time.time() - start, line.strip().split(":")[0]))
                line = ""
            else:
                line += c

    reader = threading.Thread(target=read_marks, daemon=True)
    reader.start()
    proc = psutil.Process(child.pid)
    samples = []
    while child.poll() is None:
        try:
            workers = sum(k.memory_info().rss for k in proc.children(recursive=True))
            samples.append((time.time() - start, proc.memory_info().rss / 1e6, workers / 1e6))
        except psutil.Error:
            pass
        time.sleep(0.5)
    reader.join(timeout=5)
    if child.returncode:
        raise SystemExit(f"the scan failed (exit {child.returncode})")
    return samples, marks


def by_stage(samples, marks) -> dict[str, tuple[int, int, int]]:
    """Stage -> (total, driver, workers) MB at the stage's largest total, in the order stages came."""
    peaks: dict[str, tuple[int, int, int]] = {}
    for t, driver, workers in samples:
        stage = next((m for at, m in reversed(marks) if at <= t), "start")
        if driver + workers > peaks.get(stage, (0, 0, 0))[0]:
            peaks[stage] = (round(driver + workers), round(driver), round(workers))
    return peaks


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, help="articles in the generated corpus")
    parser.add_argument("--corpus", choices=("bbc", "beat"), default="bbc")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as tmp:
        _, path = make_corpus(args.corpus, args.size, Path(tmp))
        samples, marks = sample(path, Path(tmp) / "out")
    peaks = by_stage(samples, marks)
    total, driver, workers = max(peaks.values())
    print(f"peak {total} MB (driver {driver}, workers {workers})")
    print(f"{'stage':<24}{'total':>8}{'driver':>8}{'workers':>9}")
    for stage, (total, driver, workers) in peaks.items():
        print(f"{stage:<24}{total:>8}{driver:>8}{workers:>9}")

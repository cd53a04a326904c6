"""Run every benchmark on this machine, print one table, write bench/results.json.

    python -m bench              # the full suite (tens of minutes: 100k-article corpora)
    python -m bench --quick      # small sizes, a few minutes
    python bench/run.py --only compare,index

Each benchmark is a module ``bench/NAME.py`` exposing ``run(quick: bool = False) -> dict``
(figures, plus ratios against the reference tools measured in the same run). Each
runs in a fresh Python process, so one benchmark's model, caches or peak memory
never colour another's, and a crash in one is reported and skipped, not fatal.
A missing module is skipped with a note.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results.json"
BENCHES = ("compare", "scan", "scan_quality", "scan_memory", "index", "load", "long_text")


def machine() -> dict:
    """Cores, RAM and CPU model: the figures mean nothing without them."""
    info = {
        "cores": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "ram_gb": None,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["ram_gb"] = round(int(line.split()[1]) / 1024**2, 1)
                break
    except OSError:  # not Linux: keep what platform knows
        pass
    if hasattr(os, "sched_getaffinity"):
        info["cores_usable"] = len(os.sched_getaffinity(0))
    return info


def run_one(name: str, quick: bool, timeout: float | None = None) -> dict:
    """``{"status": "ok"|"missing"|"failed", "seconds", "result" | "note"}`` for bench/NAME.py."""
    if not (BENCH / f"{name}.py").exists():
        return {"status": "missing", "note": f"bench/{name}.py does not exist yet"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        code = (
            "import json, sys; sys.path.insert(0, sys.argv[1]); "
            f"from bench import {name} as m; "
            "r = m.run(quick=sys.argv[2] == '1'); "
            "open(sys.argv[3], 'w').write(json.dumps(r, default=str))"
        )
        started = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, "-c", code, str(ROOT), "1" if quick else "0", str(out)],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {"status": "failed", "note": f"timed out after {timeout:.0f} s"}
        seconds = round(time.perf_counter() - started, 1)
        if proc.returncode != 0 or not out.exists():
            last = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
            return {"status": "failed", "seconds": seconds, "note": last[:300]}
        return {"status": "ok", "seconds": seconds, "result": json.loads(out.read_text())}


def flatten(value, prefix: str = "") -> list[tuple[str, object]]:
    """Nested dicts and lists → ``("a.b.c", scalar)`` rows."""
    if isinstance(value, dict):
        return [row for k, v in value.items() for row in flatten(v, f"{prefix}.{k}" if prefix else str(k))]
    if isinstance(value, list) and not all(isinstance(v, (int, float, str, bool, type(None))) for v in value):
        return [row for i, v in enumerate(value) for row in flatten(v, f"{prefix}[{i}]")]
    return [(prefix, value)]


def table(results: dict) -> str:
    """One table for the whole run: benchmark, figure, value."""
    m = results["machine"]
    lines = [
        f"machine: {m['cores']} cores ({m.get('cores_usable', m['cores'])} usable), {m['ram_gb']} GB RAM, {m['cpu']}",
        f"python {m['python']}, {m['platform']}; quick={results['quick']}; {results['when']}",
        "",
    ]
    rows = []
    for name, entry in results["benches"].items():
        if entry["status"] != "ok":
            rows.append((name, f"({entry['status']})", entry.get("note", "")))
            continue
        for key, value in flatten(entry["result"]):
            rows.append((name, key, f"{value:,}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)))
        rows.append((name, "(wall seconds)", str(entry["seconds"])))
    widths = [max(len(r[i]) for r in rows + [("bench", "figure", "value")]) for i in range(3)]
    lines.append(f"{'bench':<{widths[0]}}  {'figure':<{widths[1]}}  value")
    lines.append(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * max(5, widths[2])}")
    lines += [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}" for a, b, c in rows]
    return "\n".join(lines)


def _merged(path: Path, fresh: dict) -> dict:
    """A subset rerun (``--only``) updates its benchmarks in the existing results, keeping the rest.

    Each rerun benchmark carries its own ``when`` and ``machine``, so the README can say it was
    measured apart, and on what.
    """
    if not path.exists():
        return fresh
    old = json.loads(path.read_text(encoding="utf-8"))
    for name, entry in fresh["benches"].items():
        old.setdefault("benches", {})[name] = {**entry, "when": fresh["when"], "machine": fresh["machine"]}
    return old


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run copytrace's benchmarks.")
    parser.add_argument("--quick", action="store_true", help="small sizes (minutes, not tens of minutes)")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHES)}")
    parser.add_argument("--timeout", type=float, default=None, help="seconds allowed per benchmark")
    parser.add_argument("-o", "--output", default=str(RESULTS), help="where to write the JSON results")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else list(BENCHES)
    unknown = [n for n in names if n not in BENCHES and not (BENCH / f"{n}.py").exists()]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    results = {
        "machine": machine(),
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "benches": {},
    }
    try:
        for name in names:
            print(f"bench: running {name} …", file=sys.stderr, flush=True)
            results["benches"][name] = entry = run_one(name, args.quick, args.timeout)
            print(f"bench: {name} {entry['status']} ({entry.get('seconds', '–')} s)", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        print("bench: interrupted; results so far are not written", file=sys.stderr)
        return 130
    results = _merged(Path(args.output), results) if args.only else results
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwritten: {args.output}", file=sys.stderr)
    return 0 if all(e["status"] != "failed" for e in results["benches"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())

"""A bounded load test of the HTTP server: loopback only, a fixed number of requests.

    python bench/load.py            # 200 compare + 200 query requests, 8 at a time
    python bench/load.py --quick    # 40 + 40

Starts the real server (``copytrace.server.app.serve`` in a subprocess, the model
loaded once at start-up) on a free 127.0.0.1 port with an archive of the BBC sample
(tests/data/bbc-sample.jsonl.gz, 200 articles), then sends, 8 at a time:

- POST /compare: every request a different pair — a BBC article and a near copy or
  a rewrite of it (synthetic.generate), the seed pair among them — so the
  encoder's sentence cache cannot turn the test into a cache benchmark;
- POST /query: every request a different rewrite or near copy of an archived article,
  which must come back as the first match.

Reports requests/s, latency p50/p95/p99 and errors for each. The reference in the
same run is the same comparisons called in this process one after another (no HTTP,
no concurrency): ``ratio`` is server throughput over it.
"""
from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # synthetic/ sits beside src/, outside the package, when run as a script
DATA = ROOT / "tests" / "data"


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(p * len(xs)))] * 1000, 1)


def _hammer(client, path: str, bodies: list[dict], checks: list, concurrency: int) -> dict:
    def one(i):
        t = time.perf_counter()
        try:
            r = client.post(path, json=bodies[i])
            ok = r.status_code == 200 and checks[i](r.json())
        except Exception:
            ok = False
        return time.perf_counter() - t, ok

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(len(bodies))))
    wall = time.perf_counter() - t0
    lat = [t for t, _ in results]
    return {
        "requests": len(bodies),
        "concurrency": concurrency,
        "errors": sum(not ok for _, ok in results),
        "req_per_s": round(len(bodies) / wall, 2),
        "p50_ms": _pct(lat, 0.5),
        "p95_ms": _pct(lat, 0.95),
        "p99_ms": _pct(lat, 0.99),
    }


def _workload(n: int, seed: int = 11):
    from synthetic.generate import near_copy, read_sources, rewrite

    sources = read_sources(DATA / "bbc-sample.jsonl.gz")
    rng = random.Random(seed)
    a = (DATA / "seeds" / "000.txt").read_text(encoding="utf-8")
    b = (DATA / "seeds" / "003.txt").read_text(encoding="utf-8")
    pairs, queries = [(a, b)], []
    for i in range(n):
        src = sources[i % len(sources)]
        make = near_copy if i % 2 else rewrite
        copy = make(src["text"], rng, "Metro Wire" if make is near_copy else "BBC News")
        pairs.append((src["text"], copy))
        other = sources[(i * 7 + 3) % len(sources)]
        qmake = rewrite if i % 2 else near_copy
        queries.append((qmake(other["text"], rng, "BBC News" if qmake is rewrite else "Metro Wire"), other))
    return sources, pairs[:n], queries


def _start_server(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = f"from copytrace.server.app import serve; serve({str(db)!r}, port={port})"
    # The access log goes to a file: a pipe nobody reads fills up and stalls the server.
    with open(log, "wb") as sink:
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited: " + log.read_text(errors="replace")[-2000:])
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("server did not start")


def run(quick: bool = False) -> dict:
    import httpx

    from copytrace import compare
    from copytrace.document import from_record
    from copytrace.index import Index

    n = 40 if quick else 200
    sources, pairs, queries = _workload(n)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "archive.db"
        with Index(db) as index:
            index.add([from_record(r, "bbc") for r in sources])
            index._save_vectors()
        proc, url = _start_server(db, Path(tmp) / "server.log")
        try:
            with httpx.Client(base_url=url, timeout=300, limits=httpx.Limits(max_connections=8)) as client:
                cmp_bodies = [{"a": a, "b": b} for a, b in pairs]
                cmp_checks = [lambda d: d["verdict"]["label"] != "non"] * len(pairs)
                q_bodies = [{"text": q, "limit": 5} for q, _ in queries]
                q_checks = [
                    (lambda want: lambda d: bool(d["matches"]) and d["matches"][0]["text"] == want)(src["text"])
                    for _, src in queries
                ]
                out = {
                    "compare": _hammer(client, "/compare", cmp_bodies, cmp_checks, 8),
                    "query": _hammer(client, "/query", q_bodies, q_checks, 8),
                }
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    compare("Warm the model up.", "Warm the model up, please.")
    t0 = time.perf_counter()
    failed = 0
    for a, b in pairs:
        try:
            compare(a, b)
        except Exception:  # a pipeline bug on one pair is counted, as the server's 500s are
            failed += 1
    serial = len(pairs) / (time.perf_counter() - t0)
    out["in_process_serial_compare_per_s"] = round(serial, 2)
    out["in_process_errors"] = failed
    out["ratio_http_concurrent_vs_in_process_serial"] = round(out["compare"]["req_per_s"] / serial, 2)
    out["cores"] = os.cpu_count()
    return out


def _table(res: dict) -> str:
    rows = ["| endpoint | requests | concurrency | errors | req/s | p50 ms | p95 ms | p99 ms |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name in ("compare", "query"):
        r = res[name]
        rows.append(f"| POST /{name} | {r['requests']} | {r['concurrency']} | {r['errors']} | {r['req_per_s']} | "
                    f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} |")
    return "\n".join(rows) + (
        f"\n\nin-process, one at a time: {res['in_process_serial_compare_per_s']} comparisons/s; "
        f"server with 8 clients / in-process serial: {res['ratio_http_concurrent_vs_in_process_serial']}x "
        f"({res['cores']} cores); in-process errors: {res['in_process_errors']}")


if __name__ == "__main__":
    print(_table(run(quick="--quick" in sys.argv)))

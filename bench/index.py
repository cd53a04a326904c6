"""Archive index: add rate and query latency at 10k and 100k articles, projected to 1M.

    python bench/index.py            # 10k and 100k (several minutes)
    python bench/index.py --quick    # 2k

Corpus: the BBC News articles (../shared/eval/bbc-news, or tests/data/bbc-sample)
with planted near copies and rewrites (synthetic.generate), padded with
unrelated articles sampled from a word-bigram model of the same text. The planted
copies are held out of the index and used as the queries, so each query has one
known source in the archive.

Figures: add rate (articles/s, fingerprints + SQLite + band keys; the vector index
is built at the end and timed apart), candidate latency (LSH + vector lookup, no
comparison), full query latency (candidates + copytrace.compare of the survivors,
paraphrase model loaded once), recall@1 of the planted source, DB size. Reference
in the same run: datasketch MinHash + MinHashLSH insert rate and query latency on the
same articles (the usual do-it-yourself alternative), at the smaller size.
The 1M projection fits latency = a + b·log10(n) through the two sizes (both lookups
are B-tree / HNSW searches) and keeps the add rate per article constant.
"""
from __future__ import annotations

import math
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # synthetic/ sits beside src/, outside the package, when run as a script
SHARED = ROOT.parent / "shared" / "eval" / "bbc-news" / "articles.jsonl.gz"
SAMPLE = ROOT / "tests" / "data" / "bbc-sample.jsonl.gz"


def _corpus(size: int, seed: int = 7):
    from synthetic.generate import generate, read_sources
    from copytrace.document import from_record

    sources = read_sources(SHARED if SHARED.exists() else SAMPLE)
    families = min(60, len(sources) // 4)
    corpus = generate(sources, families=families, copies=(1, 2), background=max(0, size - len(sources) - 2 * families), seed=seed)
    held = {copy for _, copy, kind in corpus.pairs if kind in ("near", "rewrite")}
    origin_of = {copy: origin for origin, copy, _ in corpus.pairs}
    indexed = [from_record(r, "bench") for r in corpus.records if r["id"] not in held]
    text_of = {r["id"]: r["text"] for r in corpus.records}
    # the planted source is found when its text comes back (an exact copy of it is as good)
    queries = [(from_record(r, "bench"), text_of[origin_of[r["id"]]]) for r in corpus.records if r["id"] in held]
    random.Random(seed).shuffle(queries)
    return indexed, queries


def _percentiles(xs: list[float]) -> dict:
    xs = sorted(xs)
    q = lambda p: xs[min(len(xs) - 1, int(p * len(xs)))]  # noqa: E731
    return {"p50_ms": round(q(0.5) * 1000, 1), "p95_ms": round(q(0.95) * 1000, 1), "max_ms": round(xs[-1] * 1000, 1)}


def bench_copytrace(indexed, queries, workdir: Path, n_full: int) -> dict:
    from copytrace import compare
    from copytrace.blocks.fingerprint import doc_vectors, minhash
    from copytrace.index import MIN_COSINE, MIN_JACCARD, Index

    compare("Warm the model up once.", "Warm the model up once, please.")  # model load is not query time
    db = workdir / f"index-{len(indexed)}.db"
    t0 = time.perf_counter()
    with Index(db) as index:
        index.add(indexed)
        t_add = time.perf_counter() - t0
        t1 = time.perf_counter()
        index._save_vectors()  # builds the usearch index from the BLOBs and persists it
        t_vec = time.perf_counter() - t1
    sample = [d.text for d in indexed[:2000]]
    t2 = time.perf_counter()
    minhash(sample)
    t_sig = time.perf_counter() - t2
    doc_vectors(sample)
    t_vecs = time.perf_counter() - t2 - t_sig
    size_mb = (db.stat().st_size + db.with_name(db.name + ".usearch").stat().st_size) / 1e6
    with Index(db) as index:  # a fresh open, as the CLI and the server do
        index.candidates(queries[0][0])  # opens the vector index file
        cand_t, hits, passing = [], 0, []
        for doc, origin in queries:
            t = time.perf_counter()
            cands = index.candidates(doc)
            cand_t.append(time.perf_counter() - t)
            hits += bool(cands) and index.get(cands[0].id).text == origin
            passing.append(sum(c.jaccard >= MIN_JACCARD or c.cosine >= MIN_COSINE for c in cands[:20]))
        full_t, full_hits, errors = [], 0, []
        for doc, origin in queries[:n_full]:
            t = time.perf_counter()
            try:
                matches = index.query(doc, limit=5)
            except Exception as exc:  # a pipeline bug on one pair is reported, not fatal to the bench
                errors.append(f"{doc.id}: {type(exc).__name__}: {exc}")
                continue
            full_t.append(time.perf_counter() - t)
            full_hits += bool(matches) and matches[0].document.text == origin
    return {
        "articles": len(indexed),
        "add_per_s": round(len(indexed) / t_add, 1),
        "vector_index_build_s": round(t_vec, 2),
        # where add time goes, per article: MinHash, document vector, and the rest (SQLite, bands)
        "add_ms_per_article": {
            "minhash": round(t_sig / len(sample) * 1000, 3),
            "vector": round(t_vecs / len(sample) * 1000, 3),
            "total": round(t_add / len(indexed) * 1000, 3),
        },
        "db_mb": round(size_mb, 1),
        "candidates": _percentiles(cand_t),
        "candidates_recall_at_1": round(hits / len(queries), 3),
        "compared_per_query": round(sum(passing) / len(passing), 2),  # full comparisons a query runs
        "query_full": _percentiles(full_t),
        "query_full_recall_at_1": round(full_hits / max(1, len(full_t)), 3),
        "queries": len(queries),
        "query_errors": errors,
    }


def bench_datasketch(indexed, queries, limit: int) -> dict:
    from datasketch import MinHash, MinHashLSH

    from copytrace.blocks.fingerprint import NUM_PERM, SHINGLE, words

    def mh(text):
        w = words(text)
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([" ".join(w[i : i + SHINGLE]).encode() for i in range(max(1, len(w) - SHINGLE + 1))])
        return m

    docs = indexed[:limit]
    lsh = MinHashLSH(threshold=0.15, num_perm=NUM_PERM)
    t0 = time.perf_counter()
    for d in docs:
        lsh.insert(d.id, mh(d.text))
    t_add = time.perf_counter() - t0
    lat = []
    for doc, _ in queries:
        t = time.perf_counter()
        lsh.query(mh(doc.text))
        lat.append(time.perf_counter() - t)
    return {"articles": len(docs), "add_per_s": round(len(docs) / t_add, 1), "candidates": _percentiles(lat), "storage": "in memory, not persisted"}


def _project(small: dict, large: dict, key: str, n: int = 1_000_000) -> float:
    """Extend the growth per tenfold from the two sizes once more (never below the larger)."""
    (n1, t1), (n2, t2) = (small["articles"], small[key]["p50_ms"]), (large["articles"], large[key]["p50_ms"])
    b = max(0.0, (t2 - t1) / (math.log10(n2) - math.log10(n1)))
    return round(t2 + b * (math.log10(n) - math.log10(n2)), 1)


def run(quick: bool = False) -> dict:
    sizes = [2_000] if quick else [10_000, 100_000]
    import os

    out: dict = {"sizes": {}, "load_average_at_start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            indexed, queries = _corpus(size)
            queries = queries[:40 if quick else 100]
            out["sizes"][size] = ours = bench_copytrace(indexed, queries, Path(tmp), n_full=10 if quick else 25)
            if size == sizes[0]:
                ref = bench_datasketch(indexed, queries, limit=size)
                out["datasketch"] = ref
                out["ratio_add_vs_datasketch"] = round(ours["add_per_s"] / ref["add_per_s"], 2)
                out["ratio_candidates_latency_vs_datasketch"] = round(
                    ref["candidates"]["p50_ms"] / max(ours["candidates"]["p50_ms"], 1e-3), 2)
            del indexed
    if len(sizes) == 2:
        small, large = out["sizes"][sizes[0]], out["sizes"][sizes[1]]
        out["projected_1M"] = {
            "candidates_p50_ms": _project(small, large, "candidates"),
            "query_full_p50_ms": _project(small, large, "query_full"),
            "add_hours": round(1_000_000 / large["add_per_s"] / 3600, 2),
        }
    return out


def _table(res: dict) -> str:
    rows = ["| articles | add/s | vectors build s | DB MB | candidates p50/p95 ms | recall@1 | compared/query | full query p50/p95 ms | recall@1 |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for n, r in res["sizes"].items():
        rows.append(f"| {n:,} | {r['add_per_s']:,} | {r['vector_index_build_s']} | {r['db_mb']} | "
                    f"{r['candidates']['p50_ms']} / {r['candidates']['p95_ms']} | {r['candidates_recall_at_1']} | "
                    f"{r['compared_per_query']} | {r['query_full']['p50_ms']} / {r['query_full']['p95_ms']} | {r['query_full_recall_at_1']} |")
    d = res["datasketch"]
    rows.append(f"| datasketch {d['articles']:,} | {d['add_per_s']:,} | – | in memory | "
                f"{d['candidates']['p50_ms']} / {d['candidates']['p95_ms']} | – | – | – | – |")
    text = "\n".join(rows)
    for n, r in res["sizes"].items():
        text += f"\nadd, ms per article at {n:,}: {r['add_ms_per_article']}"
        if r["query_errors"]:
            text += f"\nquery errors at {n:,}: {len(r['query_errors'])}, first: {r['query_errors'][0]}"
    text += (f"\n\nadd rate, ours / datasketch: {res['ratio_add_vs_datasketch']}; candidate p50 latency, "
             f"datasketch / ours: {res['ratio_candidates_latency_vs_datasketch']} (above 1: ours faster)")
    if "projected_1M" in res:
        p = res["projected_1M"]
        text += f"\nprojected to 1M: candidates p50 {p['candidates_p50_ms']} ms, full query p50 {p['query_full_p50_ms']} ms, build {p['add_hours']} h"
    return text


if __name__ == "__main__":
    print(_table(run(quick="--quick" in sys.argv)))

"""The scan's stages in the order the Spark engine runs them, without the corpus on the driver.

:func:`copytrace.corpus.scan.scan` calls :func:`scan_on_spark` for
``engine="spark"``; the jobs themselves are in :mod:`copytrace.engines.spark`.
The driver holds what is proportional to the pairs found (the candidates to
align, the pair results, the articles in some pair: ids, times, outlets,
titles) and to the clusters of two or more, plus the common-shingle table the
workers also load (fixed size). It never holds a list or array over every
article: rows are numbers Spark gives each record (file number and line), the
clusters of one are streamed from Spark into the output files, and the
report's per-outlet article counts come from a ``groupBy``.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from datetime import datetime
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from ..blocks.cluster import held_links
from ..blocks.provenance import Edge, root
from ..errors import InputError
from .align import plan
from .report import reported_pairs, write_report
from .spool import to_document
from .steps import (ScanResult, aligned_if, candidate_result, common_settings, edges_by_cluster,
                    fingerprint_settings, pair_records, paired_if, publish, representatives, semantic_on, write_outputs, write_views)


def scan_on_spark(runner, source: Path, out: Path, work: Path, *, lexical: bool, semantic: bool, threshold: float,
                  paraphrase: bool, align: bool, progress: bool):
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    n, rejects = runner.read(source, work)
    with open(out / "rejects.jsonl.tmp", "w") as f:
        for r in rejects:
            f.write(json.dumps(r.to_dict()) + "\n")
    seconds["read"] = time.perf_counter() - clock
    if n == 0:
        publish(out, ["rejects.jsonl"])
        raise InputError(str(source), "no readable articles (see rejects.jsonl)")

    clock = time.perf_counter()
    # Exact copies: only the documents whose text another has come to the driver.
    ids: dict[int, str] = {}
    published: dict[int, datetime | None] = {}
    by_key: dict[str, list[int]] = {}
    for key, row, doc_id, when in sorted(runner.copies(), key=lambda c: c[1]):
        by_key.setdefault(key, []).append(row)
        ids[row], published[row] = doc_id, _parse(when)
    groups = sorted(by_key.values(), key=lambda g: g[0])
    representative = representatives(groups, published, ids)
    dropped = [r for r, head in representative.items() if r != head]
    n_kept = runner.keep(dropped)
    seconds["exact"] = time.perf_counter() - clock

    semantic = semantic_on(semantic, lexical)
    clock = time.perf_counter()
    # Furniture and template frames, known before fingerprinting (as in corpus.scan), in both modes.
    runner.common(progress).save(work / "common.npy")
    common = common_settings(work / "common.npy", n_kept)
    seconds["common"] = time.perf_counter() - clock
    clock = time.perf_counter()
    runner.fingerprint(work, semantic, fingerprint_settings(common))
    seconds["fingerprint"] = time.perf_counter() - clock

    clock = time.perf_counter()
    keep = partial(aligned_if, threshold=threshold) if align else paired_if
    counts, picked = runner.candidates(lexical, semantic, keep)
    candidates = {k: v for k, v in counts.items() if k not in ("total", "template")} | {
        "total": counts["total"], "template": counts.get("template", 0), "aligned": len(picked) if align else 0}
    seconds["candidates"] = time.perf_counter() - clock

    clock = time.perf_counter()
    aligned, failed = [], []
    if align and picked:
        tasks = _plan(picked)
        for r in runner.align(runner.write_tasks(work, tasks, common), len(tasks), progress):
            if r["label"] == "error":
                failed.append(r)
            elif r["label"] != "non" and r["score"] >= threshold:
                aligned.append(r)
    elif not align:
        aligned = [candidate_result(a, b, v, j) for a, b, v, j in picked]
    looked_up = runner.rows({x for r in aligned + failed for x in (r["row_a"], r["row_b"])} - ids.keys())
    for row, (doc_id, when) in looked_up.items():
        ids[row], published[row] = doc_id, _parse(when)
    with open(out / "errors.jsonl.tmp", "w") as f:
        for r in failed:
            f.write(json.dumps({"a": ids[r["row_a"]], "b": ids[r["row_b"]], "error": r["error"]}) + "\n")
    seconds["align"] = time.perf_counter() - clock

    clock = time.perf_counter()
    records = pair_records(aligned, groups, representative, SimpleNamespace(ids=ids, published=published))
    labels = runner.components(held_links([(r["a"], r["b"]) for r in records]))
    members: dict[str, list[str]] = {}
    for doc_id, label in labels.items():
        members.setdefault(label, []).append(doc_id)
    clusters = sorted((sorted(g) for g in members.values()), key=lambda g: (-len(g), g[0]))
    info = {r.id: r for r in runner.articles(labels, ("id", "outlet", "title", "published_at"))}
    when = {doc_id: _parse(r.published_at) for doc_id, r in info.items()}
    edges = [Edge(r["source"], r["derived"], r["by"]) for r in records if r["source"]]
    members_edges = edges_by_cluster(clusters, edges)
    multi = [{"cluster": i, "members": m, "root": root(m, members_edges.get(i, []), when)}
             for i, m in enumerate(clusters)]
    seconds["cluster"] = time.perf_counter() - clock

    # Clusters of one: every other article, in id order (as the local engine sorts them), from Spark.
    alone = ({"cluster": len(multi) + k, "members": [doc_id], "root": doc_id}
             for k, doc_id in enumerate(runner.singletons(labels)))
    n_clusters = write_outputs(out, records, _chain(multi, alone))
    shown = reported_pairs(records, multi, published=when)
    docs = {r.id: to_document(r.asDict()) for r in runner.articles({x for p in shown for x in p})}
    views = write_views(out / "views.tmp", shown, docs, paraphrase and align)
    outlet_of = {doc_id: r.outlet for doc_id, r in info.items()}
    articles = Counter()
    for outlet, count in runner.outlets().items():
        articles[outlet or "(unknown outlet)"] += count
    write_report(out / "report.html.tmp", records, multi, outlet_of, n_docs=n, n_rejects=len(rejects),
                 n_errors=len(failed), candidates=candidates, seconds=seconds, views=views, published=when,
                 titles={doc_id: r.title for doc_id, r in info.items()}, articles=articles, n_clusters=n_clusters)
    return ScanResult(out, n, len(rejects), n - n_kept, candidates, len(records), n_clusters, seconds,
                      errors=len(failed), labels=dict(Counter(r["label"] for r in records)))


def _plan(picked: list[tuple[int, int, str, float]]) -> list[list[tuple[int, int, str]]]:
    """The tasks :func:`~copytrace.corpus.align.plan` makes, over the rows in some candidate only."""
    pairs = np.array([(a, b) for a, b, _, _ in picked], dtype=np.int64)
    rows, local = np.unique(pairs, return_inverse=True)
    local = local.reshape(-1, 2)
    return [[(int(rows[a]), int(rows[b]), v) for a, b, v in chunk]
            for chunk in plan(local, [v for _, _, v, _ in picked], len(rows))]


def _parse(when: str | None) -> datetime | None:
    return datetime.fromisoformat(when) if when else None


def _chain(*parts):
    for part in parts:
        yield from part

"""Reuse across a whole corpus: every reuse pair, the clusters, who copied whom.

>>> from copytrace import scan
>>> result = scan("corpus.jsonl.gz", "out/")          # doctest: +SKIP
>>> result.pairs, result.clusters, result.rejects    # doctest: +SKIP
(812, 1930, 3)

Stages (each with a progress bar on stderr; with ``engine="spark"`` each is a Spark
job and the driver holds no per-article array, see :mod:`copytrace.corpus.scan_spark`):

1. **read** — stream the corpus into a Parquet spool; bad records go to ``rejects.jsonl``;
2. **exact** — articles with the same text collapse to one representative;
3. **common** and **fingerprint** — how many documents hold each shingle (:mod:`copytrace.blocks.common`:
   furniture and template frames), then MinHash signatures of the rest and static-model
   document vectors;
4. **candidates** — LSH buckets (``lexical``) and nearest neighbours (``semantic``);
5. **align** — each candidate pair judged as :func:`copytrace.compare` would (:mod:`.align`);
6. **cluster** and **provenance**; then the files in ``out_dir``:
   ``pairs.jsonl`` / ``.parquet``, ``clusters.jsonl`` / ``.parquet``,
   ``rejects.jsonl``, ``errors.jsonl`` (pairs whose comparison failed) and ``report.html``.

Every output file is written under a temporary name and renamed only when the
whole scan has finished, so an interrupted scan never leaves files that look
complete. Ctrl-C, SIGTERM (:class:`~copytrace.errors.Terminated`) or a failure
stops the workers and removes the spool (``.work``) and the partial files; a
full disk becomes a one-line :class:`~copytrace.errors.InputError`.
"""
from __future__ import annotations

import errno
import json
import shutil
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
from tqdm import tqdm

from . import spool as spooling
from .align import make_task, plan
from ..blocks.candidates import DUPLICATE_JACCARD, anchor_pairs, exact_groups, jaccard_estimate, neighbour_pairs, text_key
from ..blocks.cluster import clusters as find_clusters
from ..blocks.common import template_threshold, threshold as common_threshold
from ..blocks.provenance import Edge, orient, root
from ..blocks.read import Reject, read_corpus
from ..document import Document
from .report import reported_pairs, write_report
from ..engines import get_engine
from ..errors import InputError, sigterm_raises
from ..verdict import load_model

THRESHOLD = 0.5  # P(derived) below which a pair is not reuse: the verdict's own "non"
OUTPUTS = ("pairs.jsonl", "pairs.parquet", "clusters.jsonl", "clusters.parquet", "rejects.jsonl",
           "errors.jsonl", "report.html")
MIN_JACCARD = DUPLICATE_JACCARD  # align=False: a candidate this close is a pair (see candidates.py)
ALIGN_JACCARD = 0.03  # align=True: estimated shingle Jaccard a candidate needs to be compared (see _worth_aligning)
MAX_EXPAND = 50  # copies of one text expanded into pairs; beyond, one representative stands for all
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)  # a full disk or quota: the user's to fix, not a bug to trace


@dataclass(frozen=True)
class ScanResult:
    """What a scan wrote and what it counted."""

    out_dir: Path
    documents: int
    rejects: int
    exact_duplicates: int
    candidates: dict[str, int]
    pairs: int
    clusters: int
    seconds: dict[str, float] = field(default_factory=dict)
    errors: int = 0  # candidate pairs whose comparison failed (errors.jsonl)
    labels: dict[str, int] = field(default_factory=dict)  # pairs by verdict label ("candidate" without align)

    @property
    def files(self) -> dict[str, Path]:
        return {n: self.out_dir / n for n in OUTPUTS}

    def to_dict(self) -> dict:
        """The counts, stage times and output files, for a script (``copytrace scan --json``)."""
        return {
            "out_dir": str(self.out_dir), "documents": self.documents, "rejects": self.rejects,
            "exact_duplicates": self.exact_duplicates, "candidates": self.candidates, "pairs": self.pairs,
            "labels": self.labels, "clusters": self.clusters, "errors": self.errors,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "files": {k: str(v) for k, v in self.files.items()},
        }

    def summary(self) -> str:
        """A few lines for a person: what was read, what was found, how long, where it is."""
        labels = ", ".join(f"{n:,} {label}" for label, n in sorted(self.labels.items(), key=lambda x: (-x[1], x[0])))
        rejected = f", {self.rejects:,} rejected (rejects.jsonl)" if self.rejects else ""
        failed = f"; {self.errors:,} comparisons failed (errors.jsonl)" if self.errors else ""
        return "\n".join([
            f"read {self.documents:,} documents{rejected}, {self.exact_duplicates:,} exact duplicates",
            f"found {self.pairs:,} reuse pairs{f' ({labels})' if labels else ''} in {self.clusters:,} clusters{failed}",
            f"took {sum(self.seconds.values()):.1f} s; report: {self.out_dir / 'report.html'}",
            f"pairs and clusters: {self.out_dir}/{{pairs,clusters}}.{{jsonl,parquet}}",
        ])


def scan(
    corpus: str | Path,
    out_dir: str | Path,
    *,
    engine: str = "local",
    master: str | None = None,
    lexical: bool = True,
    semantic: bool = True,
    threshold: float = THRESHOLD,
    paraphrase: bool = True,
    align: bool = True,
    verdict_model: str | Path | None = None,
    processes: int | None = None,
    progress: bool = True,
) -> ScanResult:
    """Scan ``corpus`` (a file or directory, see :mod:`copytrace.blocks.read`) into ``out_dir``.

    ``engine`` is ``"local"`` (a process pool, ``processes`` workers, all cores
    by default) or ``"spark"`` (``master`` a Spark master URL, ``local[2]`` by
    default). ``lexical`` / ``semantic`` switch the two candidate sources;
    ``paraphrase=False`` aligns without the sentence model. Pairs whose verdict
    is ``non`` or whose score (P derived) is below ``threshold`` are dropped;
    ``verdict_model`` is a model file from ``copytrace fit`` (default: shipped).

    ``align=False`` is the fast de-duplication mode: no comparison at all; a
    candidate (from either source) is a pair when its MinHash estimate of
    shingle Jaccard is at least ``MIN_JACCARD`` (label ``"candidate"``, score
    the estimate). Neighbours that share few shingles need alignment to be
    told from articles that are merely on the same topic.
    """
    source = Path(corpus)
    if not source.exists():
        raise InputError(str(corpus), "no such file or directory")
    if not (lexical or semantic):
        raise InputError("scan", "at least one candidate source (lexical or semantic) must be on")
    if verdict_model is not None:
        load_model(verdict_model)  # a bad model file fails now, not in every worker
        verdict_model = str(Path(verdict_model).resolve())
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(str(out_dir), "output path exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    work = out / ".work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    # Outputs of an earlier run must not pass for this run's if it is interrupted.
    for name in OUTPUTS:
        (out / name).unlink(missing_ok=True)
    for views in (out / "views", out / "views.tmp"):
        shutil.rmtree(views, ignore_errors=True)

    runner = None
    handlers = ExitStack()
    handlers.enter_context(sigterm_raises())  # SIGTERM takes the clean-up path below, as Ctrl-C does
    try:
        runner = get_engine(engine, master=master, processes=processes, paraphrase=paraphrase, floor=threshold,
                            verdict_model=verdict_model)
        if runner.name == "spark":
            from .scan_spark import scan_on_spark as body
        else:
            body = _scan_local
        result = body(runner, source, out, work, lexical=lexical, semantic=semantic, threshold=threshold,
                      paraphrase=paraphrase, align=align, progress=progress)
        _publish(out, OUTPUTS)
        (out / "views.tmp").replace(out / "views")
        runner.close()
        runner = None
        shutil.rmtree(work, ignore_errors=True)
        return result
    except BaseException as exc:
        # Ctrl-C, SIGTERM or a failure: stop the workers, and leave no partial file and
        # no spool behind (the spool is as large as the corpus; a new scan starts afresh).
        if runner is not None:
            runner.close(abort=True)
        for tmp in out.glob("*.tmp"):
            shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, OSError) and exc.errno in NO_SPACE:
            raise InputError(str(out), f"cannot write: {exc.strerror or 'no space left on device'}") from None
        raise
    finally:
        handlers.close()


def _scan_local(runner, source: Path, out: Path, work: Path, *, lexical: bool, semantic: bool, threshold: float,
                paraphrase: bool, align: bool, progress: bool) -> ScanResult:
    """The stages on this machine: the driver holds per-document arrays (ids, signatures, vectors)."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    meta, n_rejects = _read(source, work, progress)
    seconds["read"] = time.perf_counter() - clock
    n = len(meta.ids)
    if n == 0:
        _publish(out, ["rejects.jsonl"])
        raise InputError(str(source), "no readable articles (see rejects.jsonl)")

    clock = time.perf_counter()
    groups = exact_groups(meta.keys)
    keep = np.ones(n, dtype=bool)
    representative = {}
    for g in groups:
        head = min(g, key=lambda r: (_time(meta.published[r]), meta.ids[r]))
        for r in g:
            keep[r] = r == head
            representative[r] = head
    reps = np.flatnonzero(keep)
    seconds["exact"] = time.perf_counter() - clock

    semantic = _semantic_on(semantic, lexical)
    clock = time.perf_counter()
    common = None
    if align:
        # Furniture and template frames: shared by too many documents to tell two stories apart.
        # Known before fingerprinting, so they neither become candidates nor count as evidence.
        runner.common(work / "docs.parquet", keep, progress).save(work / "common.npy")
        common = {"path": str((work / "common.npy").resolve()), "min_docs": common_threshold(len(reps)),
                  "template_docs": template_threshold(len(reps))}
    seconds["common"] = time.perf_counter() - clock
    clock = time.perf_counter()
    frequent = {"path": common["path"], "max_df": common["min_docs"]} if common else None
    sig, vec, anchors = runner.fingerprint(work / "docs.parquet", keep, semantic, progress, frequent)
    seconds["fingerprint"] = time.perf_counter() - clock

    clock = time.perf_counter()
    found: dict[str, np.ndarray] = {}
    if lexical:
        found["lsh"] = runner.lsh(sig)
        if anchors is not None:
            found["anchor"] = anchor_pairs(*anchors)
    if semantic:
        found["ann"] = neighbour_pairs(vec.astype(np.float32))
    pairs, via = _merge(found)
    pairs = reps[pairs] if len(pairs) else pairs  # positions among representatives -> rows
    n_candidates = len(pairs)
    if align:
        pairs, via = _worth_aligning(pairs, via, _jaccard(pairs, sig, reps), threshold)
    seconds["candidates"] = time.perf_counter() - clock

    clock = time.perf_counter()
    n_tasks = _write_tasks(work, pairs, via, n, common) if align else 0
    aligned, n_errors = ([] if align else _unaligned(pairs, via, sig, reps)), 0
    with open(out / "errors.jsonl.tmp", "w") as errors:
        for r in runner.align(work / "tasks.jsonl", n_tasks, progress) if align else ():
            if r["label"] == "error":
                n_errors += 1
                errors.write(json.dumps({"a": meta.ids[r["row_a"]], "b": meta.ids[r["row_b"]], "error": r["error"]}) + "\n")
            elif r["label"] != "non" and r["score"] >= threshold:
                aligned.append(r)
    seconds["align"] = time.perf_counter() - clock

    clock = time.perf_counter()
    records = _pair_records(aligned, groups, representative, meta)
    clusters = find_clusters(meta.ids, [(r["a"], r["b"]) for r in records])
    edges = [Edge(r["source"], r["derived"], r["by"]) for r in records if r["source"]]
    members_edges = _edges_by_cluster(clusters, edges)
    published = dict(zip(meta.ids, meta.published))
    cluster_rows = [
        {"cluster": i, "members": members, "root": root(members, members_edges.get(i, []), published)}
        for i, members in enumerate(clusters)
    ]
    seconds["cluster"] = time.perf_counter() - clock

    _write_outputs(out, records, cluster_rows)
    candidates = {k: int(len(v)) for k, v in found.items()} | {"total": int(n_candidates),
                                                                 "aligned": int(len(pairs)) if align else 0}
    shown = reported_pairs(records, cluster_rows, published=published)
    views = _write_views(out / "views.tmp", shown, _spooled(work / "docs.parquet", meta, shown), paraphrase and align)
    write_report(out / "report.html.tmp", records, cluster_rows, meta.outlet_of(), n_docs=n,
                 n_rejects=n_rejects, n_errors=n_errors, candidates=candidates, seconds=seconds, views=views,
                 published=published, titles=dict(zip(meta.ids, meta.titles)))
    labels = dict(Counter(r["label"] for r in records))
    return ScanResult(out, n, n_rejects, int(n - len(reps)), candidates, len(records), len(cluster_rows),
                      seconds, errors=n_errors, labels=labels)


@dataclass
class _Meta:
    ids: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    published: list[datetime | None] = field(default_factory=list)
    outlets: list[str | None] = field(default_factory=list)
    titles: list[str | None] = field(default_factory=list)  # for the report's story maps

    def outlet_of(self) -> dict[str, str | None]:
        return dict(zip(self.ids, self.outlets))


def _read(source: Path, work: Path, progress: bool) -> tuple[_Meta, int]:
    meta = _Meta()
    rejects = 0
    with spooling.SpoolWriter(work / "docs.parquet") as spool, open(work.parent / "rejects.jsonl.tmp", "w") as rej, \
            tqdm(desc="read", unit="doc", disable=not progress) as bar:
        for item in read_corpus(source):
            if isinstance(item, Reject):
                rej.write(json.dumps(item.to_dict()) + "\n")
                rejects += 1
                continue
            spool.add(item)
            meta.ids.append(item.id)
            meta.keys.append(text_key(item.text))
            meta.published.append(item.published_at)
            meta.outlets.append(item.outlet)
            meta.titles.append(item.title)
            bar.update(1)
    return meta, rejects


def _semantic_on(semantic: bool, lexical: bool) -> bool:
    """Whether the scan can look for semantic candidates (the static model is there); says so if not."""
    if semantic and not _static_available():
        print("copytrace: no static sentence model; semantic candidates are off for this scan", file=sys.stderr)
        if not lexical:
            raise InputError("scan", "semantic candidates need the static sentence model (see above)")
        return False
    return semantic


def _static_available() -> bool:
    # Distils the model once per machine, here in the parent, before any worker needs it.
    from ..static import get_static

    return get_static() is not None


def _time(t: datetime | None) -> float:
    return t.timestamp() if t is not None else float("inf")


def _merge(found: dict[str, np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """Union of the candidate sources, each pair labelled with every source that found it."""
    seen: dict[tuple[int, int], list[str]] = {}
    for name, pairs in found.items():
        for a, b in pairs.tolist():
            seen.setdefault((a, b), []).append(name)
    if not seen:
        return np.zeros((0, 2), dtype=np.int64), []
    keys = sorted(seen)
    return np.asarray(keys, dtype=np.int64), ["+".join(seen[k]) for k in keys]


def _unaligned(pairs: np.ndarray, via: list[str], sig: np.ndarray, reps: np.ndarray) -> list[dict]:
    """Candidates as pairs without comparison (``align=False``)."""
    if not len(pairs):
        return []
    est = _jaccard(pairs, sig, reps)
    return [_candidate(a, b, v, j) for (a, b), v, j in zip(pairs.tolist(), via, est) if _paired_if(v, j)]


def _candidate(a: int, b: int, via: str, jaccard: float) -> dict:
    """A pair result for a candidate taken without comparison, its score the Jaccard estimate."""
    return {"row_a": int(a), "row_b": int(b), "via": via, "label": "candidate", "score": round(float(jaccard), 4),
            "direction": "unknown", "credited": None, "coverage_a": None, "coverage_b": None}


def _aligned_if(via: str, jaccard: float, threshold: float) -> bool:
    """One candidate by the rule of :func:`_worth_aligning` (the Spark engine filters with it)."""
    return threshold < THRESHOLD or jaccard >= ALIGN_JACCARD or "anchor" in via


def _paired_if(via: str, jaccard: float) -> bool:
    """One candidate by the rule of :func:`_unaligned`: close enough to be a pair without comparison."""
    return jaccard >= MIN_JACCARD


def _worth_aligning(pairs: np.ndarray, via: list[str], jaccard: np.ndarray, threshold: float) -> tuple[np.ndarray, list[str]]:
    """Candidates that could reach ``threshold``: those sharing enough shingles to hold verbatim passages.

    Planted 10k / 100k corpora: requiring a MinHash estimate of shingle
    Jaccard of ``ALIGN_JACCARD`` drops 97% of the 64x2-band and neighbour
    candidates — chance agreements of one band on common shingles, same-topic
    neighbours — and (under the share-threshold verdict it was measured with)
    no pair that scored as reuse when all were compared (lowest estimate among
    those: 0.047). What it gives up: a rewrite that shares almost no word
    shingles with its source (a sentence-by-sentence paraphrase), which the
    verdict can judge derived but the scan then never compares. A threshold
    below the verdict's own (0.5) compares every candidate. Pairs that share
    rare passages (``anchor``) are always compared: a few paragraphs copied
    into a much longer article are a small share of either's shingles.
    """
    if not len(pairs) or threshold < THRESHOLD:
        return pairs, via
    # Pairs sharing rare passages hold verbatim evidence whatever their Jaccard.
    keep = (jaccard >= ALIGN_JACCARD) | np.array(["anchor" in v for v in via], dtype=bool)
    return pairs[keep], [v for v, k in zip(via, keep) if k]


def _jaccard(pairs: np.ndarray, sig: np.ndarray, reps: np.ndarray) -> np.ndarray:
    """MinHash estimate of shingle Jaccard for candidate pairs given as rows."""
    if not len(pairs):
        return np.zeros(0)
    return jaccard_estimate(sig, np.searchsorted(reps, pairs))


def _write_tasks(work: Path, pairs: np.ndarray, via: list[str], n: int, common: dict | None = None) -> int:
    if not len(pairs):
        (work / "tasks.jsonl").write_text("")
        return 0
    needed = np.zeros(n, dtype=bool)
    needed[pairs.ravel()] = True
    # Only the articles in some candidate pair are held, not the corpus.
    docs = spooling.fetch_mask(work / "docs.parquet", needed)
    count = 0
    with open(work / "tasks.jsonl", "w") as f:
        for chunk in plan(pairs, via, n):
            rows = sorted({r for a, b, *_ in chunk for r in (a, b)})
            f.write(json.dumps(make_task({r: docs[r] for r in rows}, chunk, common)) + "\n")
            count += 1
    return count


def _pair_records(aligned: list[dict], groups: list[list[int]], representative: dict[int, int], meta: _Meta) -> list[dict]:
    """Pair results expanded to exact copies, oriented, sorted; one record per pair."""
    members = {}
    for g in groups:
        head = representative[g[0]]
        members[head] = [head] + [r for r in g if r != head]
    out: dict[tuple[str, str], dict] = {}

    def add(ra: int, rb: int, result: dict, kind: str) -> None:
        a, b = meta.ids[ra], meta.ids[rb]
        if a == b:
            return
        if b < a:
            a, b, ra, rb = b, a, rb, ra
            flip = {"a->b": "b->a", "b->a": "a->b"}
            result = result | {"direction": flip.get(result["direction"], result["direction"]),
                               "coverage_a": result["coverage_b"], "coverage_b": result["coverage_a"]}
        edge = orient(a, b, meta.published[ra], meta.published[rb], result["direction"])
        direction = "unknown" if edge.by == "none" else ("a->b" if edge.source == a else "b->a")
        out[(a, b)] = {
            "a": a, "b": b, "label": result["label"], "score": result["score"], "direction": direction,
            "source": edge.source if edge.by != "none" else None,
            "derived": edge.derived if edge.by != "none" else None,
            "by": edge.by, "kind": kind, "via": result.get("via", "exact"),
            "credited": result.get("credited"),
            "coverage_a": result.get("coverage_a"), "coverage_b": result.get("coverage_b"),
            "model": result.get("model"),
        }

    exact = {"label": "wholly", "score": 1.0, "direction": "unknown", "via": "exact",
             "credited": None, "coverage_a": 1.0, "coverage_b": 1.0, "model": False}
    for g in groups:
        head = representative[g[0]]
        for r in members[head][: MAX_EXPAND + 1]:
            add(head, r, exact, "exact")
    for result in aligned:
        ra, rb = result["row_a"], result["row_b"]
        for xa in members.get(ra, [ra])[:MAX_EXPAND]:
            for xb in members.get(rb, [rb])[:MAX_EXPAND]:
                add(xa, xb, result, "aligned")
    return [out[k] for k in sorted(out)]


def _edges_by_cluster(clusters: list[list[str]], edges: list[Edge]) -> dict[int, list[Edge]]:
    where = {m: i for i, members in enumerate(clusters) for m in members}
    by: dict[int, list[Edge]] = {}
    for e in edges:
        by.setdefault(where[e.source], []).append(e)
    return by


def _write_outputs(out: Path, records: list[dict], cluster_rows: Iterable[dict], batch: int = 1_000) -> int:
    """pairs and clusters, JSON lines and Parquet; clusters are written as they come (the Spark engine
    streams the clusters of one). Returns the number of clusters."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with open(out / "pairs.jsonl.tmp", "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    pair_schema = pa.schema([
        ("a", pa.string()), ("b", pa.string()), ("label", pa.string()), ("score", pa.float64()),
        ("direction", pa.string()), ("source", pa.string()), ("derived", pa.string()), ("by", pa.string()),
        ("kind", pa.string()), ("via", pa.string()), ("credited", pa.bool_()),
        ("coverage_a", pa.float64()), ("coverage_b", pa.float64()), ("model", pa.bool_()),
    ])
    pq.write_table(pa.Table.from_pylist(records, schema=pair_schema), out / "pairs.parquet.tmp")
    cluster_schema = pa.schema([("cluster", pa.int64()), ("members", pa.list_(pa.string())), ("root", pa.string())])
    count = 0
    with open(out / "clusters.jsonl.tmp", "w") as f, pq.ParquetWriter(out / "clusters.parquet.tmp", cluster_schema) as pw:
        held: list[dict] = []
        for c in cluster_rows:
            f.write(json.dumps(c) + "\n")
            held.append(c)
            count += 1
            if len(held) >= batch:
                pw.write_table(pa.Table.from_pylist(held, schema=cluster_schema))
                held = []
        if held or not count:
            pw.write_table(pa.Table.from_pylist(held, schema=cluster_schema))
    return count


def _spooled(spool_path: Path, meta: _Meta, shown: list[tuple[str, str]]) -> dict[str, Document]:
    """The articles of the pairs ``shown``, by id, from the local spool."""
    row_of = {doc_id: row for row, doc_id in enumerate(meta.ids)}
    needed = sorted({row_of[x] for pair in shown for x in pair})
    # One read of the spool for all pages: reading it per page cost 0.4 s a page at 100k articles.
    return {d.id: d for d in spooling.fetch(spool_path, needed)} if needed else {}


def _write_views(target: Path, shown: list[tuple[str, str]], docs: Mapping[str, Document], paraphrase: bool) -> dict:
    """The side-by-side page of each pair the report lists, for its links: ``{(a, b): "views/N.html"}``."""
    from ..pipeline import compare
    from ..render.html import render_html

    target.mkdir()
    links = {}
    for k, (a, b) in enumerate(tqdm(shown, desc="views", unit="pair", disable=not shown)):
        (target / f"{k}.html").write_text(render_html(compare(docs[a], docs[b], paraphrase=paraphrase)), encoding="utf-8")
        links[(a, b)] = f"views/{k}.html"
    return links


def _publish(out: Path, names: list[str]) -> None:
    for name in names:
        (out / f"{name}.tmp").replace(out / name)

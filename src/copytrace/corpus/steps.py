"""What the two scans share: the result, the rules for candidates, the pair records and the output files.

:func:`copytrace.corpus.scan.scan` runs the stages on a process pool
(``engine="local"``) or hands them to :func:`copytrace.corpus.scan_spark.scan_on_spark`;
both end here, so both engines write the same files from the same records.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Mapping

from tqdm import tqdm

from ..blocks.candidates import DUPLICATE_JACCARD
from ..blocks.common import frame_threshold, template_threshold, threshold as common_threshold
from ..blocks.provenance import Edge, orient
from ..document import Document
from ..errors import InputError

SOURCES = ("lsh", "anchor", "ann")  # candidate sources, in the order a pair's ``via`` names them
THRESHOLD = 0.5  # P(derived) below which a pair is not reuse: the verdict's own "non"
OUTPUTS = ("pairs.jsonl", "pairs.parquet", "clusters.jsonl", "clusters.parquet", "rejects.jsonl",
           "errors.jsonl", "report.html")
MIN_JACCARD = DUPLICATE_JACCARD  # align=False: a candidate this close is a pair (see candidates.py)
ALIGN_JACCARD = 0.03  # align=True: estimated shingle Jaccard a candidate needs to be compared (see _worth_aligning)
MAX_EXPAND = 50  # copies of one text expanded into pairs; beyond, one representative stands for all


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


def common_settings(path: Path, n_kept: int) -> dict:
    """Where the align tasks find the corpus's common text, and its bars for ``n_kept`` articles.

    Text in ``min_docs`` documents is furniture; a report whose figures sit in
    frames ``template_docs`` documents fill is templated, and in it text in
    ``frame_docs`` is a template frame (:meth:`copytrace.blocks.common.CommonText.left_out`).
    """
    return {"path": str(path.resolve()), "min_docs": common_threshold(n_kept),
            "template_docs": template_threshold(n_kept), "frame_docs": frame_threshold(n_kept)}


def fingerprint_settings(common: dict | None) -> dict | None:
    """What the fingerprint stage needs of :func:`common_settings`: the counts, the furniture bar
    (shingles left out of the signatures) and the template bar (reports whose figures are kept)."""
    if not common:
        return None
    return {"path": common["path"], "max_df": common["min_docs"], "template_docs": common["template_docs"]}


def representatives(groups: list[list[int]], published, ids) -> dict[int, int]:
    """Each row of an exact-copy group -> the row that stands for the group: the earliest, then the lowest id.

    ``published[row]`` and ``ids[row]`` give each row's time and id.
    """
    out = {}
    for g in groups:
        head = min(g, key=lambda r: (published_key(published[r]), ids[r]))
        out.update((r, head) for r in g)
    return out


def semantic_on(semantic: bool, lexical: bool) -> bool:
    """Whether the scan can look for semantic candidates (the static model is there); says so if not."""
    if semantic and not static_available():
        print("copytrace: no static sentence model; semantic candidates are off for this scan", file=sys.stderr)
        if not lexical:
            raise InputError("scan", "semantic candidates need the static sentence model (see above)")
        return False
    return semantic


def static_available() -> bool:
    # Distils the model once per machine, here in the parent, before any worker needs it.
    from ..static import get_static

    return get_static() is not None


def published_key(t: datetime | None) -> float:
    return t.timestamp() if t is not None else float("inf")


def candidate_result(a: int, b: int, via: str, jaccard: float) -> dict:
    """A pair result for a candidate taken without comparison, its score the Jaccard estimate."""
    return {"row_a": int(a), "row_b": int(b), "via": via, "label": "candidate", "score": round(float(jaccard), 4),
            "direction": "unknown", "credited": None, "coverage_a": None, "coverage_b": None}


def aligned_if(via: str, jaccard: float, threshold: float) -> bool:
    """One candidate by the rule of :func:`_worth_aligning` (the Spark engine filters with it)."""
    return threshold < THRESHOLD or jaccard >= ALIGN_JACCARD or "anchor" in via


def paired_if(via: str, jaccard: float) -> bool:
    """Close enough to be a pair without comparison (``align=False``); ``jaccard`` may be a NumPy array."""
    return jaccard >= MIN_JACCARD


def pair_records(aligned: list[dict], groups: list[list[int]], representative: dict[int, int], meta) -> list[dict]:
    """Pair results expanded to exact copies, oriented, sorted; one record per pair.

    ``meta`` gives each row's ``meta.ids[row]`` and ``meta.published[row]``.
    """
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


def edges_by_cluster(clusters: list[list[str]], edges: list[Edge]) -> dict[int, list[Edge]]:
    """Each cluster's edges; an edge between two clusters (a stray link, blocks.cluster.held_links) is in none."""
    where = {m: i for i, members in enumerate(clusters) for m in members}
    by: dict[int, list[Edge]] = {}
    for e in edges:
        here = where.get(e.source)
        if here is not None and here == where.get(e.derived):
            by.setdefault(here, []).append(e)
    return by


def write_outputs(out: Path, records: list[dict], cluster_rows: Iterable[dict], batch: int = 1_000) -> int:
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


def write_views(target: Path, shown: list[tuple[str, str]], docs: Mapping[str, Document], paraphrase: bool,
                mapper: Callable = map) -> dict:
    """The side-by-side page of each pair the report lists, for its links: ``{(a, b): "views/N.html"}``.

    ``mapper`` is an ordered ``map``: the local engine passes its pool's, whose
    workers already hold the sentence model (loading it in the driver took 6 s).
    """
    target.mkdir()
    links = {}
    jobs = ((docs[a], docs[b], paraphrase) for a, b in shown)
    pages = mapper(view_page, jobs)
    for k, ((a, b), page) in enumerate(tqdm(zip(shown, pages), desc="views", unit="pair", total=len(shown),
                                            disable=not shown)):
        (target / f"{k}.html").write_text(page, encoding="utf-8")
        links[(a, b)] = f"views/{k}.html"
    return links


def view_page(job: tuple[Document, Document, bool]) -> str:
    """The side-by-side HTML page of one pair: ``(a, b, paraphrase)``."""
    from ..pipeline import compare
    from ..render.html import render_html

    a, b, paraphrase = job
    return render_html(compare(a, b, paraphrase=paraphrase))


def publish(out: Path, names: list[str]) -> None:
    for name in names:
        (out / f"{name}.tmp").replace(out / name)

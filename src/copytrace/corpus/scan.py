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
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Mapping
from datetime import datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from . import spool as spooling
from .align import make_task, plan
from .fingerprint_stage import common_figures, figure_counts, filed_twice_many
from ..blocks.candidates import anchor_pairs, exact_groups, jaccard_estimate, neighbour_pairs, text_key
from ..blocks.cluster import clusters as find_clusters, held_links
from ..blocks.provenance import Edge, root
from ..blocks.read import Reject, read_corpus
from ..document import Document
from .report import reported_pairs, write_report
from .steps import (ALIGN_JACCARD, OUTPUTS, SOURCES, THRESHOLD, ScanResult, candidate_result, common_settings,
                    fingerprint_settings,
                    edges_by_cluster, pair_records, paired_if, publish, representatives, semantic_on, write_outputs,
                    write_views)
from ..engines import get_engine
from ..errors import InputError, sigterm_raises
from ..verdict import load_model

NO_SPACE = (errno.ENOSPC, errno.EDQUOT)  # a full disk or quota: the user's to fix, not a bug to trace


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
    told from articles that are merely on the same topic. Both modes leave
    furniture and template frames out of the signatures and drop two reports
    of one template (few figures in common) before any pair is made.
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
        publish(out, OUTPUTS)
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
        publish(out, ["rejects.jsonl"])
        raise InputError(str(source), "no readable articles (see rejects.jsonl)")

    clock = time.perf_counter()
    groups = exact_groups(meta.keys)
    representative = representatives(groups, meta.published, meta.ids)
    keep = np.ones(n, dtype=bool)
    for r, head in representative.items():
        keep[r] = r == head
    reps = np.flatnonzero(keep)
    seconds["exact"] = time.perf_counter() - clock

    semantic = semantic_on(semantic, lexical)
    clock = time.perf_counter()
    # Furniture and template frames: shared by too many documents to tell two stories apart.
    # Known before fingerprinting, so they neither become candidates nor count as evidence,
    # with or without alignment (without, a same-beat corpus was one cluster of millions of pairs).
    runner.common(work / "docs.parquet", keep, progress).save(work / "common.npy")
    common = common_settings(work / "common.npy", len(reps))
    seconds["common"] = time.perf_counter() - clock
    clock = time.perf_counter()
    sig, vec, anchors, figures = runner.fingerprint(work / "docs.parquet", keep, semantic, progress,
                                                    fingerprint_settings(common))
    seconds["fingerprint"] = time.perf_counter() - clock

    clock = time.perf_counter()
    found: dict[str, np.ndarray] = {}
    if lexical:
        found["lsh"] = runner.lsh(sig)
        if anchors is not None:
            found["anchor"] = anchor_pairs(*anchors)
    if semantic:
        found["ann"] = _neighbours(vec, figures)
    pairs, flags = _merge(found)
    n_candidates = len(pairs)
    # One template filed twice: its verdict is known before alignment (fingerprint_stage.filed_twice).
    template = filed_twice_many(pairs, figures, common_figures(figure_counts(figures), len(reps)))
    pairs, flags, n_templates = pairs[~template], flags[~template], int(template.sum())
    pairs = reps[pairs] if len(pairs) else pairs  # positions among representatives -> rows
    if align:
        pairs, flags = _worth_aligning(pairs, flags, _jaccard(pairs, sig, reps), threshold)
    via = _via(flags)
    aligned = [] if align else _unaligned(pairs, via, sig, reps)
    candidates = {k: int(len(v)) for k, v in found.items()} | {"total": int(n_candidates), "template": n_templates,
                                                                 "aligned": int(len(pairs)) if align else 0}
    del sig, vec, anchors, figures, found  # ~1 GB at 300k articles that no later stage reads
    seconds["candidates"] = time.perf_counter() - clock

    clock = time.perf_counter()
    n_tasks = _write_tasks(work, pairs, via, n, common) if align else 0
    n_errors = 0
    with open(out / "errors.jsonl.tmp", "w") as errors:
        for r in runner.align(work / "tasks.jsonl", n_tasks, progress) if align else ():
            if r["label"] == "error":
                n_errors += 1
                errors.write(json.dumps({"a": meta.ids[r["row_a"]], "b": meta.ids[r["row_b"]], "error": r["error"]}) + "\n")
            elif r["label"] != "non" and r["score"] >= threshold:
                aligned.append(r)
    seconds["align"] = time.perf_counter() - clock

    clock = time.perf_counter()
    records = pair_records(aligned, groups, representative, meta)
    clusters = find_clusters(meta.ids, held_links([(r["a"], r["b"]) for r in records]))
    edges = [Edge(r["source"], r["derived"], r["by"]) for r in records if r["source"]]
    members_edges = edges_by_cluster(clusters, edges)
    published = dict(zip(meta.ids, meta.published))
    cluster_rows = [
        {"cluster": i, "members": members, "root": root(members, members_edges.get(i, []), published)}
        for i, members in enumerate(clusters)
    ]
    seconds["cluster"] = time.perf_counter() - clock

    write_outputs(out, records, cluster_rows)
    shown = reported_pairs(records, cluster_rows, published=published)
    views = write_views(out / "views.tmp", shown, _spooled(work / "docs.parquet", meta, shown), paraphrase and align,
                        runner.imap)
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


def _merge(found: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Union of the candidate sources, sorted: each pair and a bit per source that found it (``SOURCES``)."""
    parts = [(pairs, 1 << SOURCES.index(name)) for name, pairs in found.items() if len(pairs)]
    if not parts:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.uint8)
    pairs = np.concatenate([p for p, _ in parts]).astype(np.int64)
    bits = np.concatenate([np.full(len(p), bit, dtype=np.uint8) for p, bit in parts])
    unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
    flags = np.zeros(len(unique), dtype=np.uint8)
    np.bitwise_or.at(flags, inverse.ravel(), bits)
    return unique, flags


def _neighbours(vec: np.ndarray, templated: Mapping[int, np.ndarray]) -> np.ndarray:
    """Nearest-neighbour candidates (positions) among the articles that are not templated reports.

    A templated report's vector is its frames': its neighbours are the other
    reports of its beat, pairs the figures rule drops (``filed_twice``), and a
    copy keeps the figures that LSH and anchors match. Thousands of
    near-identical vectors also slowed the HNSW index fourfold (same-beat
    corpus, 30k reports: 11.6 s), and on that corpus no pair was found by
    neighbours alone.
    """
    plain = np.ones(len(vec), dtype=bool)
    plain[list(templated)] = False
    if plain.all():  # no copy: the index reads the float16 vectors as they are (an f32 copy: 1 KB an article)
        return neighbour_pairs(vec)
    rows = np.flatnonzero(plain)
    found = neighbour_pairs(vec[rows])
    return rows[found] if len(found) else found


def _via(flags: np.ndarray) -> list[str]:
    """The sources of each pair by name, ``"lsh+ann"``."""
    names = ["+".join(s for k, s in enumerate(SOURCES) if f >> k & 1) for f in range(1 << len(SOURCES))]
    return [names[f] for f in flags.tolist()]


def _unaligned(pairs: np.ndarray, via: list[str], sig: np.ndarray, reps: np.ndarray) -> list[dict]:
    """Candidates as pairs without comparison (``align=False``)."""
    if not len(pairs):
        return []
    est = _jaccard(pairs, sig, reps)
    # Filtered as arrays first: a same-beat corpus has millions of candidates, few of them pairs.
    kept = np.flatnonzero(paired_if(via, est)).tolist()
    return [candidate_result(int(pairs[k, 0]), int(pairs[k, 1]), via[k], float(est[k])) for k in kept]


def _worth_aligning(pairs: np.ndarray, flags: np.ndarray, jaccard: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
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
        return pairs, flags
    # Pairs sharing rare passages hold verbatim evidence whatever their Jaccard.
    keep = (jaccard >= ALIGN_JACCARD) | (flags & (1 << SOURCES.index("anchor")) > 0)
    return pairs[keep], flags[keep]


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


def _spooled(spool_path: Path, meta: _Meta, shown: list[tuple[str, str]]) -> dict[str, Document]:
    """The articles of the pairs ``shown``, by id, from the local spool."""
    row_of = {doc_id: row for row, doc_id in enumerate(meta.ids)}
    needed = sorted({row_of[x] for pair in shown for x in pair})
    # One read of the spool for all pages: reading it per page cost 0.4 s a page at 100k articles.
    return {d.id: d for d in spooling.fetch(spool_path, needed)} if needed else {}



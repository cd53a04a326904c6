"""The alignment stage: candidate pairs through the engine of :func:`copytrace.compare`.

Pairs are grouped into *tasks* — pieces of one connected group of candidates,
with the documents they need — so a worker prepares (segments) each article
once and its sentence model's cache embeds each sentence once. Each pair is
judged by :func:`copytrace.pipeline.judge_pair`: the same alignment and
verdict as ``compare``, without the change analysis a scan does not report,
and with the sentence model only where it could change the verdict.

>>> from copytrace.document import Document
>>> docs = {0: Document("Four militants were killed in the strike on Thursday.", id="x"),
...         1: Document("Officials said four militants were killed in the strike on Thursday.", id="y")}
>>> [(r["label"], r["model"]) for r in align_task(make_task(docs, [(0, 1, "lsh")]))]
[('wholly', False)]
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator, Mapping, Sequence

import numpy as np

from ..document import Document
from ..blocks.cluster import components
from ..blocks.common import load_shared
from .spool import to_document, to_record

TASK_PAIRS = 64
PREPARED_CACHE = 2_000  # articles per worker process (~100 KB each)


def make_task(docs: Mapping[int, Document], pairs: Sequence[tuple], common: Mapping | None = None) -> dict:
    """A JSON-able task: the documents by row and the pairs ``(row_a, row_b, via)``.

    ``common`` (``{"path", "min_docs", "template_docs", "frame_docs"}``) names the corpus's shingle counts
    (:mod:`copytrace.blocks.common`): text in at least ``min_docs`` documents
    is treated as boilerplate.
    """
    task = {"docs": [to_record(r, d) for r, d in docs.items()], "pairs": [list(p) for p in pairs]}
    if common:
        task["common"] = dict(common)
    return task


def plan(pairs: np.ndarray, via: Sequence[str], n: int, size: int = TASK_PAIRS) -> Iterator[list[tuple]]:
    """Candidate pairs cut into tasks, one connected group (or a slice of it) each.

    The order is fixed by the rows alone, so every engine plans the same tasks.
    """
    if not len(pairs):
        return
    labels = components(n, pairs)
    order = np.lexsort((pairs[:, 1], pairs[:, 0], labels[pairs[:, 0]]))
    current: list[tuple[int, int, str]] = []
    last = None
    for k in order.tolist():
        label = labels[pairs[k, 0]]
        if current and (label != last or len(current) >= size):
            yield current
            current = []
        current.append((int(pairs[k, 0]), int(pairs[k, 1]), via[k]))
        last = label
    if current:
        yield current


def align_task(task: Mapping, *, paraphrase: bool = True, model: str | None = None, floor: float = 0.5,
               verdict_model: str | None = None) -> list[dict]:
    """Judge every pair of a task; one result per pair (``non`` ones included).

    ``floor`` is the score below which the caller drops a pair (see
    :func:`~copytrace.pipeline.judge_pair`); ``verdict_model`` a model file
    from ``copytrace fit`` (the shipped model by default).

    ``model`` in a result says whether the sentence model ran for that pair.
    A pair whose comparison fails comes back with ``label == "error"`` and the
    exception in ``error``; the scan lists it in ``errors.jsonl``.
    """
    from ..pipeline import judge_pair

    records = {rec["row"]: rec for rec in task["docs"]}
    common = task.get("common") or {}
    where, min_docs = common.get("path"), int(common.get("min_docs", 0))
    template_docs = int(common.get("template_docs", 0))
    frame_docs = int(common.get("frame_docs", 0))  # 0: left_out uses the template bar

    def article(row: int):
        rec = records[row]
        return _prepared(*(rec.get(k) for k in _FIELDS), common=where, min_docs=min_docs, template_docs=template_docs,
                         frame_docs=frame_docs)

    out = []
    for a, b, via in task["pairs"]:
        try:
            j = judge_pair(article(a), article(b), paraphrase=paraphrase, model=model, floor=floor,
                           verdict_model=verdict_model)
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as exc:  # one pair the engine chokes on must not end a corpus scan
            out.append({"row_a": a, "row_b": b, "via": via, "label": "error", "score": 0.0,
                        "direction": "unknown", "error": f"{type(exc).__name__}: {exc}"})
            continue
        out.append({
            "row_a": a, "row_b": b, "via": via,
            "label": j.verdict.label, "score": round(float(j.verdict.score), 4),
            "direction": j.verdict.direction, "credited": j.credited, "model": j.used_model,
            "coverage_a": round(float(j.coverage_a), 4),
            "coverage_b": round(float(j.coverage_b), 4),
        })
    return out


_FIELDS = ("id", "text", "title", "outlet", "url", "published_at")


@lru_cache(maxsize=PREPARED_CACHE)
def _prepared(*values, common: str | None = None, min_docs: int = 0, template_docs: int = 0, frame_docs: int = 0):
    """The prepared article with these record fields, once per worker process.

    Candidate groups are cut into tasks of ``TASK_PAIRS`` pairs, and a large
    group (same-topic neighbours) spreads one article over many tasks; the
    cache keeps a worker from segmenting it again for each.
    """
    from ..pipeline import prepare

    doc = to_document(dict(zip(_FIELDS, values)))
    if not common:
        return prepare(doc)
    common_spans, templated, frames = load_shared(common).left_out(doc.text, min_docs, template_docs, frame_docs)
    return prepare(doc, common=common_spans, templated=templated, frames=frames)


def align_tasks(tasks: Iterable[Mapping], **kw) -> Iterator[dict]:
    for task in tasks:
        yield from align_task(task, **kw)

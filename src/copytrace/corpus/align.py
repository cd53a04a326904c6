"""The alignment stage: candidate pairs through :func:`copytrace.compare`.

Pairs are grouped into *tasks* — pieces of one connected group of candidates,
with the documents they need — so a worker meets an article's sentences in
one place and its sentence model's cache embeds each sentence once.

>>> from copytrace.document import Document
>>> docs = {0: Document("Four militants were killed in the strike on Thursday.", id="x"),
...         1: Document("Officials said four militants were killed in the strike on Thursday.", id="y")}
>>> [r["label"] for r in align_task(make_task(docs, [(0, 1, "lsh")]), paraphrase=False)]
['wholly']
"""
from __future__ import annotations

from typing import Iterable, Iterator, Mapping, Sequence

import numpy as np

from ..document import Document
from .cluster import components
from .spool import to_document, to_record

TASK_PAIRS = 64
# Pairs whose shingles overlap this much are near copies: verbatim alignment
# covers them, and the sentence model would only confirm what it already found.
LEXICAL_ENOUGH = 0.8


def make_task(docs: Mapping[int, Document], pairs: Sequence[tuple]) -> dict:
    """A JSON-able task: the documents by row and the pairs ``(row_a, row_b, via[, jaccard])``.

    A pair whose estimated shingle Jaccard is at least ``LEXICAL_ENOUGH`` is
    compared without the sentence model.
    """
    return {"docs": [to_record(r, d) for r, d in docs.items()], "pairs": [list(p) for p in pairs]}


def plan(pairs: np.ndarray, via: Sequence[str], n: int, jaccard: Sequence[float] | None = None,
         size: int = TASK_PAIRS) -> Iterator[list[tuple]]:
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
        j = round(float(jaccard[k]), 4) if jaccard is not None else 0.0
        current.append((int(pairs[k, 0]), int(pairs[k, 1]), via[k], j))
        last = label
    if current:
        yield current


def align_task(task: Mapping, *, paraphrase: bool = True, model: str | None = None) -> list[dict]:
    """Compare every pair of a task; one result per pair (``non`` ones included).

    A pair whose comparison fails comes back with ``label == "error"`` and the
    exception in ``error``; the scan lists it in ``errors.jsonl``.
    """
    from .. import compare

    docs = {rec["row"]: to_document(rec) for rec in task["docs"]}
    out = []
    for a, b, via, *rest in task["pairs"]:
        near_copy = bool(rest) and rest[0] >= LEXICAL_ENOUGH
        try:
            c = compare(docs[a], docs[b], paraphrase=paraphrase and not near_copy, model=model)
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as exc:  # one pair the engine chokes on must not end a corpus scan
            out.append({"row_a": a, "row_b": b, "via": via, "label": "error", "score": 0.0,
                        "direction": "unknown", "error": f"{type(exc).__name__}: {exc}"})
            continue
        out.append({
            "row_a": a, "row_b": b, "via": via,
            "label": c.verdict.label, "score": round(float(c.verdict.score), 4),
            "direction": c.verdict.direction, "credited": c.credited,
            "coverage_a": round(float(c.coverage.get("a", 0.0)), 4),
            "coverage_b": round(float(c.coverage.get("b", 0.0)), 4),
        })
    return out


def align_tasks(tasks: Iterable[Mapping], **kw) -> Iterator[dict]:
    for task in tasks:
        yield from align_task(task, **kw)

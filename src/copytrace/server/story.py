"""``GET /clusters/{id}``: one archive cluster as a story map (the JSON the page draws).

>>> from copytrace.index import Index
>>> with Index("archive.db") as index:                               # doctest: +SKIP
...     found = index.clusters()
...     story = cluster_story(index, found[0], compared={})
>>> story["nodes"][0]["id"], story["edges"][0]["label"]              # doctest: +SKIP
('bbc-001', 'wholly')

An archive keeps no pairs, so the arrows are worked out here: every pair of
members sharing enough shingles is a link (:meth:`copytrace.Index.links`),
oriented by publication time; each article's likeliest source (its
best-linked earlier member) is then compared as ``POST /compare`` would, but
without the sentence model — a cluster is made of near copies, and 500
comparisons with the model would take minutes. At most ``MAX_COMPARED``
arrows per request are compared (results are kept in ``compared``); the rest
keep label ``candidate`` and their shingle estimate as score, and the map's
legend draws them dotted as "not compared".
"""
from __future__ import annotations

from typing import Any, Iterable, Literal

from pydantic import BaseModel, Field

from ..blocks.provenance import orient
from ..render.story_map import layout

MAX_COMPARED = 150  # ~0.04 s each without the sentence model: a few seconds for the largest cluster


class StoryLane(BaseModel):
    outlet: str = Field(description="the outlet's name; 'other outlets' gathers the smallest beyond 12 lanes")
    y: float = Field(description="centre of the lane, pixels from the top")
    count: int = Field(description="articles in the lane")


class StoryTick(BaseModel):
    x: float
    label: str = Field(description="date (or hour, when the whole cluster is one day)")


class StoryArticle(BaseModel):
    id: str
    title: str | None
    outlet: str
    published_at: str | None = Field(description="ISO 8601, or null when unknown")


class StoryNode(StoryArticle):
    """One article, or a bundle of near-identical copies (``count`` > 1, ``members`` set)."""

    count: int = 1
    lane: int = Field(description="index into lanes")
    x: float
    y: float
    root: bool = Field(description="the cluster's root: its likely origin")
    members: list[StoryArticle] | None = Field(None, description="a bundle's articles")


class StoryEdge(BaseModel):
    """An arrow: ``derived`` reuses ``source`` (both article ids; open them side by side)."""

    source: str
    derived: str
    source_node: str = Field(description="id of the node the arrow starts at (an article or a bundle)")
    derived_node: str = Field(description="id of the node the arrow ends at")
    label: str = Field(description="wholly | partially | non | candidate (not compared)")
    score: float = Field(description="P(derived) from the verdict; for a candidate, the shingle Jaccard estimate")
    credited: bool | None = Field(description="whether the copy credits its source; null: unknown")
    reused: float | None = Field(description="share of the copy's text reused from the source")
    by: Literal["time", "text", "none"] = Field(description="what decided the direction")
    directed: bool = Field(description="false: direction unknown, drawn in reading order without a head")
    count: int = Field(1, description="arrows merged into this one (into a bundle)")
    credited_count: int | None = None
    path: str = Field(description="SVG path data from source node to derived node")


class StoryMap(BaseModel):
    """A cluster's story map: articles in outlet lanes left to right in publication order, arrows source → copy."""

    cluster: int | None
    size: int = Field(description="articles in the cluster")
    root: str | None
    order: Literal["time", "provenance"] = Field(
        description="time: left to right is publication order; provenance: some times are missing, "
                    "so it is the order of who copied whom")
    note: str | None = Field(description="what the reader must know about the order, when it is not time")
    width: int
    height: int
    lanes: list[StoryLane]
    ticks: list[StoryTick]
    nodes: list[StoryNode]
    edges: list[StoryEdge]
    bundles: int = Field(description="bundles of near-identical copies drawn as one node")
    other_links: int = Field(description="links between members that are not drawn (each article shows one source)")


def cluster_story(index, cluster: dict[str, Any], *, compared: dict, bundle: bool | None = None,
                  expand: Iterable[str] = (), model: str | None = None, verdict_model=None) -> dict[str, Any]:
    """The story map of one of ``index.clusters()``; ``compared`` caches comparisons between calls."""
    from ..pipeline import compare

    members = cluster["members"]
    docs = {m: index.get(m) for m in members}
    docs = {m: d for m, d in docs.items() if d is not None}  # removed meanwhile by another writer
    when = {m: d.published_at for m, d in docs.items()}
    pairs = []
    for a, b, jaccard in index.links(sorted(docs)):
        e = orient(a, b, when[a], when[b], "unknown")
        pairs.append({"a": a, "b": b, "label": "candidate", "score": jaccard, "credited": None,
                      "coverage_a": None, "coverage_b": None, "by": e.by,
                      "source": e.source if e.by != "none" else None, "derived": e.derived if e.by != "none" else None})
    nodes = [d.describe() for d in docs.values()]
    # Only each article's likeliest source is drawn, so only those are compared.
    sketch = layout(nodes, pairs, root=cluster["root"], bundle=False)
    drawn = {(e["source"], e["derived"]) for e in sketch["edges"]}
    budget = MAX_COMPARED
    edges = []
    for p in pairs:
        if (p["a"], p["b"]) not in drawn and (p["b"], p["a"]) not in drawn:
            continue
        key = (p["a"], p["b"], docs[p["a"]].content_hash, docs[p["b"]].content_hash)
        if key not in compared and budget > 0:
            budget -= 1
            c = compare(docs[p["a"]], docs[p["b"]], paraphrase=False, model=model, verdict_model=verdict_model)
            compared[key] = c
        c = compared.get(key)
        if c is not None:
            e = orient(p["a"], p["b"], when[p["a"]], when[p["b"]], c.verdict.direction)
            p = p | {"label": c.verdict.label, "score": round(c.verdict.score, 4), "credited": c.credited,
                     "coverage_a": c.coverage.get("a"), "coverage_b": c.coverage.get("b"), "by": e.by,
                     "source": e.source if e.by != "none" else None,
                     "derived": e.derived if e.by != "none" else None}
        edges.append(p)
    story = layout(nodes, edges, root=cluster["root"], bundle=bundle, expand=expand, cluster=cluster["cluster"])
    story["other_links"] = sketch["other_links"]  # the links that were never compared, not just the drawn ones
    return story

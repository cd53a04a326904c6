"""Who copied whom: a direction for each reuse pair and a root for each cluster.

Publication time decides first: the earlier article is the source. When a time
is missing or equal, the textual evidence of the comparison decides
(``verdict.direction``); when that is ``unknown`` too, the edge stays undirected.

>>> from datetime import datetime, timezone
>>> t = lambda d: datetime(2024, 1, d, tzinfo=timezone.utc)
>>> orient("x", "y", t(2), t(1), "a->b")
Edge(source='y', derived='x', by='time')
>>> root(["x", "y", "z"], [Edge("y", "x", "time"), Edge("y", "z", "text")], {"y": t(1)})
'y'
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Literal, Mapping, Sequence

By = Literal["time", "text", "none"]


@dataclass(frozen=True)
class Edge:
    """``derived`` reuses ``source``; ``by`` says what decided the direction.

    With ``by == "none"`` the direction is unknown and the order is just ``(a, b)``.
    """

    source: str
    derived: str
    by: By


def orient(a: str, b: str, time_a: datetime | None, time_b: datetime | None, direction: str) -> Edge:
    """The edge between articles ``a`` and ``b`` of one compared pair."""
    if time_a is not None and time_b is not None and time_a != time_b:
        return Edge(a, b, "time") if time_a < time_b else Edge(b, a, "time")
    if direction == "a->b":
        return Edge(a, b, "text")
    if direction == "b->a":
        return Edge(b, a, "text")
    return Edge(a, b, "none")


def root(members: Sequence[str], edges: Iterable[Edge], published: Mapping[str, datetime | None]) -> str:
    """The likely origin of a cluster.

    The earliest-published member when any time is known; otherwise the member
    that is a source most often and derived least often; ties go to the
    smallest id so the answer never depends on order.
    """
    times = [(published[m], m) for m in members if published.get(m) is not None]
    if times:
        return min(times)[1]
    score: Counter[str] = Counter()
    for e in edges:
        if e.by != "none":
            score[e.source] += 1
            score[e.derived] -= 1
    return min(members, key=lambda m: (-score[m], m))

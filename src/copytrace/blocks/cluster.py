"""Duplicate clusters: the connected groups of the reuse graph.

Every article is in exactly one cluster; an article that reuses nothing and
is reused by nothing is a cluster of one.

>>> clusters(["a", "b", "c", "d"], [("a", "b"), ("c", "b")])
[['a', 'b', 'c'], ['d']]
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np


def components(n: int, pairs: np.ndarray) -> np.ndarray:
    """A component label per node ``0..n-1`` for edges ``pairs`` (shape ``(m, 2)``)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels


def clusters(ids: Sequence[str], pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Clusters as sorted member lists, largest first, then by first member.

    The order depends only on the ids and pairs, never on input order, so two
    engines that find the same pairs write the same clusters.
    """
    index = {doc: i for i, doc in enumerate(ids)}
    edges = np.array([(index[a], index[b]) for a, b in pairs], dtype=np.int64).reshape(-1, 2)
    labels = components(len(ids), edges)
    groups: dict[int, list[str]] = {}
    for doc, label in zip(ids, labels.tolist()):
        groups.setdefault(label, []).append(doc)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))

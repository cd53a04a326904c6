"""Clusters (connected groups) and provenance (who copied whom)."""
from datetime import datetime, timezone

from copytrace.blocks.cluster import clusters, held_links
from copytrace.blocks.provenance import Edge, orient, root


def t(day):
    return datetime(2024, 1, day, tzinfo=timezone.utc)


def test_every_article_in_exactly_one_cluster():
    ids = [f"d{i}" for i in range(7)]
    found = clusters(ids, [("d1", "d2"), ("d2", "d3"), ("d5", "d6")])
    assert found == [["d1", "d2", "d3"], ["d5", "d6"], ["d0"], ["d4"]]
    flat = [m for c in found for m in c]
    assert sorted(flat) == ids and len(flat) == len(set(flat))


def test_cluster_order_does_not_depend_on_input_order():
    ids = ["x", "y", "z", "w"]
    assert clusters(ids, [("x", "y"), ("z", "w")]) == clusters(ids[::-1], [("w", "z"), ("y", "x")])


def test_a_single_link_between_two_stories_does_not_chain_them_into_one_cluster():
    """Two families (a source and its copies, which also pair with each other) and one stray link
    between them; a rewrite of a rewrite hangs on as a leaf; an article whose every link is stray
    is left a cluster of one, and no edge is filed under a cluster that does not hold both ends."""
    from copytrace.corpus.steps import edges_by_cluster

    family_a = [("a", "a1"), ("a", "a2"), ("a1", "a2"), ("a2", "a3")]  # a3 rewrote a2
    family_b = [("b", "b1"), ("b", "b2"), ("b1", "b2")]
    family_c = [("c", "c1"), ("c", "c2"), ("c1", "c2")]
    stray = [("a", "b"), ("x", "a1"), ("x", "c")]  # x: linked only to two articles with other links
    pairs = family_a + family_b + family_c + stray
    ids = sorted({m for p in pairs for m in p})
    assert clusters(ids, pairs) == [sorted(ids)]  # connected components alone chain all of them
    found = clusters(ids, held_links(pairs))
    assert found == [["a", "a1", "a2", "a3"], ["b", "b1", "b2"], ["c", "c1", "c2"], ["x"]]
    by = edges_by_cluster(found, [Edge(a, b, "time") for a, b in pairs])
    assert sorted((e.source, e.derived) for es in by.values() for e in es) == sorted(family_a + family_b + family_c)


def test_time_decides_before_text():
    assert orient("a", "b", t(3), t(1), "a->b") == Edge("b", "a", "time")
    assert orient("a", "b", None, t(1), "a->b") == Edge("a", "b", "text")
    assert orient("a", "b", t(1), t(1), "b->a") == Edge("b", "a", "text")
    assert orient("a", "b", None, None, "unknown").by == "none"


def test_root_is_earliest_else_most_copied_from():
    assert root(["a", "b", "c"], [], {"a": t(5), "b": t(2), "c": None}) == "b"
    edges = [Edge("c", "a", "text"), Edge("c", "b", "text"), Edge("a", "b", "text")]
    assert root(["a", "b", "c"], edges, {}) == "c"
    assert root(["q", "p"], [Edge("q", "p", "none")], {}) == "p"  # no evidence: smallest id

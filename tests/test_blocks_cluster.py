"""Clusters (connected groups) and provenance (who copied whom)."""
from datetime import datetime, timezone

from copytrace.blocks.cluster import clusters
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

"""Story maps: the layout, the report's pictures and GET /clusters/{id} (no browser here)."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from copytrace.corpus.report import reported_pairs, write_report
from copytrace.render.story_map import layout

T0 = datetime(2024, 3, 1, 9, tzinfo=timezone.utc)


def family(times: bool = True):
    """o (BBC) copied by c1 (Wire, credited), c2 (Post, partially), and c3 (Wire) copying c1."""
    nodes = [{"id": i, "title": f"Title {i}", "outlet": o, "published_at": (T0 + timedelta(hours=h)) if times else None}
             for i, o, h in [("o", "BBC", 0), ("c1", "Wire", 2), ("c2", "Post", 5), ("c3", "Wire", 9)]]
    def pair(s, d, label, score, credited, by="time"):
        a, b = sorted((s, d))
        return {"a": a, "b": b, "source": s, "derived": d, "by": by, "label": label, "score": score,
                "credited": credited, "coverage_a": 0.8, "coverage_b": 0.7}
    by = "time" if times else "text"
    edges = [pair("o", "c1", "wholly", 0.97, True, by), pair("o", "c2", "partially", 0.7, None, by),
             pair("c1", "c3", "wholly", 0.99, False, by), pair("o", "c3", "wholly", 0.9, False, by)]
    return nodes, edges


def test_nodes_sit_in_outlet_lanes_in_time_order_with_one_arrow_into_each_copy():
    nodes, edges = family()
    m = layout(nodes, edges, root="o")
    assert m["order"] == "time" and m["note"] is None
    assert [l["outlet"] for l in m["lanes"]] == ["BBC", "Wire", "Post"]
    x = {n["id"]: n["x"] for n in m["nodes"]}
    assert x["o"] < x["c1"] < x["c2"] < x["c3"]
    lane = {n["id"]: m["lanes"][n["lane"]]["outlet"] for n in m["nodes"]}
    assert lane == {"o": "BBC", "c1": "Wire", "c2": "Post", "c3": "Wire"}
    arrows = {(e["source"], e["derived"]): e for e in m["edges"]}
    assert set(arrows) == {("o", "c1"), ("o", "c2"), ("c1", "c3")}  # c3's best source is c1 (0.99 > 0.9)
    assert m["other_links"] == 1
    assert arrows[("o", "c1")]["credited"] is True and arrows[("o", "c2")]["credited"] is None
    assert arrows[("o", "c2")]["reused"] == 0.8  # coverage of the copy (a = "c2" < "o")
    assert [n["id"] for n in m["nodes"] if n["root"]] == ["o"]


def test_without_times_the_map_follows_provenance_and_says_so():
    nodes, edges = family(times=False)
    m = layout(nodes, edges, root="o")
    assert m["order"] == "provenance" and "no publication time" in m["note"]
    x = {n["id"]: n["x"] for n in m["nodes"]}
    assert x["o"] < x["c1"] < x["c3"]
    assert {(e["source"], e["derived"]) for e in m["edges"]} == {("o", "c1"), ("o", "c2"), ("c1", "c3")}


def big_cluster(n: int = 500, seed: int = 0, outlets: int = 20):
    """An origin and n - 1 copies; most are near-identical copies of the origin (bundled)."""
    rng = random.Random(seed)
    nodes = [{"id": f"a{i:04d}", "title": f"Story {i}", "outlet": f"Outlet {rng.randrange(outlets)}",
              "published_at": T0 + timedelta(minutes=7 * i)} for i in range(n)]
    edges = []
    for i in range(1, n):
        src = 0 if rng.random() < 0.7 else rng.randrange(i)
        score = 0.95 if src == 0 else 0.6 + rng.random() * 0.3
        edges.append({"a": f"a{src:04d}", "b": f"a{i:04d}", "source": f"a{src:04d}", "derived": f"a{i:04d}",
                      "by": "time", "label": "wholly" if score > 0.9 else "partially", "score": score,
                      "credited": rng.choice([True, False, None]), "coverage_a": 0.9, "coverage_b": 0.8})
    return nodes, edges


def test_large_clusters_collapse_outlets_and_bundle_near_identical_copies_which_expand():
    nodes, edges = big_cluster()
    m = layout(nodes, edges, root="a0000")
    assert len(m["lanes"]) == 12 and m["lanes"][-1]["outlet"] == "other outlets"
    assert sum(l["count"] for l in m["lanes"]) == 500
    bundles = [n for n in m["nodes"] if n["count"] > 1]
    assert m["bundles"] == len(bundles) > 0
    assert sum(n["count"] for n in m["nodes"]) == 500  # every article drawn once, alone or in a bundle
    assert len(m["nodes"]) < 500
    one = bundles[0]["id"]
    opened = layout(nodes, edges, root="a0000", expand=[one])
    assert opened["bundles"] == m["bundles"] - 1 and one not in {n["id"] for n in opened["nodes"]}
    full = layout(nodes, edges, root="a0000", bundle=False)
    assert len(full["nodes"]) == 500 and len(full["edges"]) == 499


def test_report_draws_maps_matrix_and_histogram_without_none_or_script(tmp_path):
    nodes, edges = family()
    big_nodes, big_edges = big_cluster(120)
    outlet_of = {n["id"]: n["outlet"] for n in nodes + big_nodes} | {"lonely": None}
    published = {n["id"]: n["published_at"] for n in nodes + big_nodes}
    titles = {n["id"]: n["title"] for n in nodes + big_nodes}
    clusters = [{"cluster": 0, "members": sorted(published)[:0] + [n["id"] for n in big_nodes], "root": "a0000"},
                {"cluster": 1, "members": ["c1", "c2", "c3", "o"], "root": "o"},
                {"cluster": 2, "members": ["lonely"], "root": "lonely"}]
    pairs = sorted(big_edges + edges, key=lambda p: (p["a"], p["b"]))
    views = {p: f"views/{k}.html" for k, p in enumerate(reported_pairs(pairs, clusters, published=published))}
    assert ("c1", "o") in views and ("c1", "c3") in views  # the small cluster's arrows get pages too
    page = write_report(tmp_path / "report.html", pairs, clusters, outlet_of, n_docs=125, n_rejects=0,
                        candidates={"lsh": 10, "total": 10}, seconds={"read": 0.1}, views=views,
                        published=published, titles=titles).read_text()
    assert "<script" not in page and "http" not in page
    assert "None" not in page and "True" not in page and "False" not in page
    assert page.count("class='story-map'") == 3  # two clusters, and the big one again with its bundles expanded
    assert "flow-matrix" in page and "score-histogram" in page
    assert "href='views/" in page and "not credited" in page


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """An archive of two generated families: origins and their planted copies."""
    from pathlib import Path

    from synthetic.generate import generate, read_sources
    from copytrace.document import Document
    from copytrace.index import Index

    data = Path(__file__).parent / "data" / "bbc-sample.jsonl.gz"
    corpus = generate(read_sources(data), families=2, seed=4, copies=(3, 4), excerpts=0, templates=0, furniture=0)
    keep = {m for c in corpus.clusters if len(c) > 1 for m in c}
    db = tmp_path_factory.mktemp("archive") / "archive.db"
    with Index(db) as index:
        index.add([Document(r["text"], id=r["id"], title=r["title"], outlet=r["outlet"],
                            published_at=r["published_at"]) for r in corpus.records if r["id"] in keep])
    return db, corpus


def test_get_cluster_returns_the_story_map_as_json(archive):
    from fastapi.testclient import TestClient

    from copytrace.server.app import create_app

    db, corpus = archive
    with TestClient(create_app(db, warm=False)) as client:
        listing = client.get("/clusters").json()
        first = listing["clusters"][0]
        story = client.get(f"/clusters/{first['cluster']}").json()
        assert story["size"] == first["size"] and story["root"] == first["root"]
        assert len(story["nodes"]) == first["size"] and len(story["edges"]) == first["size"] - 1
        truth = {(a, b) for a, b, _ in corpus.pairs}
        # copies of one origin are also copies of each other; every arrow runs forward in time
        when = {n["id"]: n["published_at"] for n in story["nodes"]}
        assert all(when[e["source"]] < when[e["derived"]] for e in story["edges"])
        assert any((e["source"], e["derived"]) in truth for e in story["edges"])
        assert {e["label"] for e in story["edges"]} <= {"wholly", "partially", "non"}
        assert client.get("/clusters/999").status_code == 404
        schema = client.get("/openapi.json").json()
        get = schema["paths"]["/clusters/{cluster_id}"]["get"]
        assert get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/StoryMap")
        assert "StoryEdge" in schema["components"]["schemas"]

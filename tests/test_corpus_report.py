"""The HTML report and the per-outlet table."""
from copytrace.corpus.report import outlet_table, write_report

PAIRS = [
    {"a": "x", "b": "y", "label": "wholly", "score": 0.95, "direction": "a->b", "source": "x", "derived": "y",
     "by": "time", "credited": False},
    {"a": "x", "b": "z", "label": "partially", "score": 0.4, "direction": "a->b", "source": "x", "derived": "z",
     "by": "time", "credited": True},
    {"a": "u", "b": "v", "label": "partially", "score": 0.3, "direction": "unknown", "source": None, "derived": None,
     "by": "none", "credited": None},
]
OUTLETS = {"x": "BBC News", "y": "Metro Wire", "z": "Metro Wire", "u": "Post", "v": "<Evil & Co>", "w": None}


def test_outlet_table_counts_reuse_sources_and_credit():
    table = outlet_table(PAIRS, OUTLETS)
    assert table["Metro Wire"]["reused"] == 2
    assert table["Metro Wire"]["from"]["BBC News"] == 2
    assert (table["Metro Wire"]["credited"], table["Metro Wire"]["uncredited"]) == (1, 1)
    assert table["BBC News"]["reused_by_others"] == 2
    assert "Post" not in table  # an undirected pair says nothing about who reused whom


def test_report_is_self_contained_and_escaped(tmp_path):
    clusters = [{"cluster": 0, "members": ["x", "y", "z"], "root": "x"},
                {"cluster": 1, "members": ["u", "v"], "root": "u"}, {"cluster": 2, "members": ["w"], "root": "w"}]
    path = write_report(tmp_path / "report.html", PAIRS, clusters, OUTLETS, n_docs=6, n_rejects=2,
                        candidates={"lsh": 4, "total": 4}, seconds={"read": 0.1})
    page = path.read_text()
    assert page.startswith("<!doctype html>")
    assert "<script" not in page and "http" not in page
    assert "&lt;Evil &amp; Co&gt;" in page and "<Evil" not in page
    assert "Metro Wire" in page and "Cluster 0" in page and "records rejected" in page

"""The archive index: storage, transactions, candidates and queries."""
from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from synthetic.generate import near_copy, read_sources, rewrite
from copytrace.document import Document, from_record
from copytrace.errors import InputError
from copytrace.index import BANDS, Index, Match

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def bbc() -> list[Document]:
    return [from_record(r, "bbc-sample") for r in read_sources(DATA / "bbc-sample.jsonl.gz")]


def test_add_get_len_and_reopen(tmp_path, bbc):
    db = tmp_path / "archive.db"
    with Index(db) as index:
        result = index.add(bbc[:50])
        assert (result.added, result.skipped) == (50, 0)
        assert len(index) == 50
        got = index.get(bbc[7].id)
        assert got.text == bbc[7].text and got.title == bbc[7].title and got.outlet == bbc[7].outlet
        assert index.get("no-such-id") is None
        assert bbc[3].id in index
    with Index(db) as index:  # persisted
        assert len(index) == 50
        assert index.get(bbc[49].id).text == bbc[49].text


def test_metadata_round_trips(tmp_path):
    doc = from_record(
        {"id": "x1", "text": "Ministers met on Monday.", "url": "https://example.org/a",
         "published_at": "2024-03-01T10:00:00Z", "topic": "politics"},
        "rec",
    )
    with Index(tmp_path / "a.db") as index:
        index.add([doc])
        back = index.get("x1")
    assert back.published_at == doc.published_at and back.url == doc.url
    assert back.meta == {"topic": "politics"}


def test_same_article_twice_is_a_no_op(tmp_path, bbc):
    with Index(tmp_path / "a.db") as index:
        index.add(bbc[:10])
        again = index.add(bbc[:10])
        assert (again.added, again.skipped) == (0, 10)
        assert len(index) == 10
        bands = index._db.execute("SELECT count(*) FROM bands").fetchone()[0]
        assert bands <= 10 * BANDS


def test_same_id_new_text_replaces(tmp_path, bbc):
    with Index(tmp_path / "a.db") as index:
        index.add(bbc[:5])
        changed = Document(bbc[0].text + "\nA correction was appended.", id=bbc[0].id)
        assert index.add([changed]).added == 1
        assert len(index) == 5
        assert index.get(bbc[0].id).text.endswith("correction was appended.")
        # the old version's band keys are gone: nothing dangles
        assert _orphan_band_keys(index) == 0


def _orphan_band_keys(index) -> int:
    """Band keys whose document is gone: a half-written or half-replaced article."""
    return index._db.execute("SELECT count(*) FROM bands WHERE n NOT IN (SELECT n FROM documents)").fetchone()[0]


def test_interrupted_add_keeps_committed_batches_only(tmp_path, bbc):
    db = tmp_path / "a.db"

    def stream():
        for i, doc in enumerate(bbc[:25]):
            if i == 17:
                raise KeyboardInterrupt  # Ctrl-C in the middle of the third batch
            yield doc

    index = Index(db, batch_size=8)
    with pytest.raises(KeyboardInterrupt):
        index.add(stream())
    index.close()
    with Index(db) as index:
        assert len(index) == 16  # two whole batches, nothing of the third
        assert sorted(index.ids()) == sorted(d.id for d in bbc[:16])
        assert _orphan_band_keys(index) == 0


def test_wal_mode_and_blobs(tmp_path, bbc):
    db = tmp_path / "a.db"
    with Index(db) as index:
        index.add(bbc[:3])
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    sig, vec = con.execute("SELECT minhash, vector FROM documents LIMIT 1").fetchone()
    assert isinstance(sig, bytes) and len(sig) == 128 * 4
    assert isinstance(vec, bytes) and len(vec) == 256 * 4


def test_not_an_index_is_a_clear_error(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(InputError, match="notes.db"):
        Index(bad)
    with pytest.raises(InputError, match="directory"):
        Index(tmp_path)
    with pytest.raises(InputError, match="does not exist"):
        Index(tmp_path / "missing" / "a.db")


def _planted(bbc: list[Document]) -> tuple[list[Document], dict[str, Document]]:
    """Indexed: the BBC sample. Queries: a near copy and a rewrite of three of them."""
    rng = random.Random(3)
    queries = {}
    for doc in (bbc[11], bbc[77], bbc[150]):
        queries[f"{doc.id}~near"] = Document(near_copy(doc.text, rng, "Metro Wire"), id=f"{doc.id}~near")
        queries[f"{doc.id}~rewrite"] = Document(rewrite(doc.text, rng, "BBC News"), id=f"{doc.id}~rewrite")
    return bbc, queries


def test_candidates_find_copies_and_rewrites(tmp_path, bbc):
    indexed, queries = _planted(bbc)
    with Index(tmp_path / "a.db") as index:
        index.add(indexed)
        for qid, query in queries.items():
            origin = qid.split("~")[0]
            cands = index.candidates(query)
            assert cands, qid
            assert cands[0].id == origin, (qid, cands[:3])
            # copies share shingles; rewrites are found by meaning whatever their shingles
            assert ("lsh" if qid.endswith("near") else "vector") in cands[0].via, (qid, cands[0])
            assert cands[0].cosine > 0.9


def test_vector_index_is_rebuilt_when_missing_or_stale(tmp_path, bbc):
    db = tmp_path / "a.db"
    with Index(db) as index:
        index.add_path(DATA / "bbc-sample.jsonl.gz")
    sidecar = db.with_name(db.name + ".usearch")
    assert sidecar.exists()
    sidecar.write_bytes(b"torn")
    with Index(db) as index:
        cands = index.candidates(bbc[20])
        assert cands[0].id == bbc[20].id and "vector" in cands[0].via


def test_add_path_reports_bad_records(tmp_path):
    corpus = tmp_path / "c.jsonl"
    lines = [
        json.dumps({"id": "ok1", "text": "The council approved the budget on Tuesday."}),
        "{not json",
        json.dumps({"id": "empty", "text": "   "}),
        json.dumps({"id": "ok2", "text": "Rail fares will rise by 3% in January."}),
    ]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Index(tmp_path / "a.db") as index:
        result = index.add_path(corpus)
        assert result.added == 2 and len(index) == 2
        assert len(result.rejected) == 2
        assert all("c.jsonl" in r.file for r in result.rejected)


def test_add_path_reads_a_directory_of_texts(tmp_path, seed_paths):
    folder = tmp_path / "articles"
    folder.mkdir()
    for p in seed_paths:
        (folder / p.name).write_bytes(p.read_bytes())
    with Index(tmp_path / "a.db") as index:
        assert index.add_path(folder).added == 2
        assert {"000", "003"} == set(index.ids())


def _has_compare() -> bool:
    try:
        from copytrace import compare  # noqa: F401
    except ImportError:
        return False
    return True


needs_compare = pytest.mark.skipif(not _has_compare(), reason="copytrace.compare not importable yet")


@needs_compare
def test_query_finds_the_rewrite_source_with_full_comparison(tmp_path, bbc, seeds):
    a, b = seeds
    with Index(tmp_path / "a.db") as index:
        index.add(bbc[:80] + [Document(a, id="seed-000", outlet="Fox News")])
        matches = index.query(Document(b, id="seed-003"))
        assert matches, "the seed rewrite must find its source"
        top = matches[0]
        assert isinstance(top, Match) and top.document.id == "seed-000"
        assert top.comparison.verdict.label in {"wholly", "partially"}
        assert any(p.kind == "verbatim" for p in top.comparison.passages)
        d = top.to_dict()
        assert d["id"] == "seed-000" and d["comparison"]["b"]["id"] == "seed-000"
        assert all(m.comparison.verdict.label != "non" for m in matches)


@needs_compare
def test_query_ranks_planted_copies_first(tmp_path, bbc):
    indexed, queries = _planted(bbc)
    with Index(tmp_path / "a.db") as index:
        index.add(indexed)
        for qid in (f"{bbc[11].id}~near", f"{bbc[77].id}~rewrite"):
            matches = index.query(queries[qid], limit=3, paraphrase=False)
            assert matches and matches[0].document.id == qid.split("~")[0], qid
            assert len(matches) <= 3


def test_a_second_writer_is_seen_by_an_open_index(tmp_path, bbc):
    """`copytrace index add` beside a running server: the server's index sees the new articles."""
    db = tmp_path / "a.db"
    with Index(db) as server_side:
        server_side.add(bbc[:30])
        assert server_side.candidates(bbc[5])[0].id == bbc[5].id  # vector index now open
        with Index(db) as cli_side:
            cli_side.add(bbc[30:60])
        cands = server_side.candidates(bbc[45])
        assert cands[0].id == bbc[45].id and "vector" in cands[0].via
        assert len(server_side) == 60


def test_clusters_are_the_planted_families(tmp_path):
    from synthetic.generate import generate, score
    from copytrace.corpus.spool import to_document

    # Index.clusters groups near copies by shingle Jaccard alone, as a scan without alignment
    # would: template twins would join them and excerpts stay apart (README, Known limits).
    corpus = generate(read_sources(Path(__file__).parent / "data" / "bbc-sample.jsonl.gz")[:60], families=5, seed=1,
                      templates=0, excerpts=0, furniture=0)
    with Index(tmp_path / "a.db") as index:
        index.add([to_document(r) for r in corpus.records])
        found = index.clusters()
    assert found and [c["size"] for c in found] == sorted((c["size"] for c in found), reverse=True)
    members = [c["members"] for c in found]
    got = score([(a, b) for m in members for a in m for b in m if a < b], members, corpus)
    assert got["precision"] == 1.0 and got["recall"] >= 0.9, got
    published = {r["id"]: r["published_at"] for r in corpus.records}
    for c in found:  # the root is the earliest-published member
        assert c["root"] == min(c["members"], key=lambda m: (published[m] or "~", m))


def test_clusters_of_an_archive_without_copies_are_none(tmp_path, bbc):
    with Index(tmp_path / "a.db") as index:
        index.add(bbc[:20])
        assert index.clusters() == []


MASTHEAD = ("The Morning Briefing from the Northern Ledger brings you the five stories our editors think matter "
            "most, every weekday before breakfast, with analysis from correspondents around the world.")


def test_furniture_common_in_the_archive_is_not_reuse(tmp_path):
    """Seventy archived articles carry one masthead: a new article with it matches none of them."""
    sources = read_sources(Path(__file__).parent / "data" / "bbc-sample.jsonl.gz")
    archived = [Document(s["text"] + "\n\n" + MASTHEAD, id=s["id"]) for s in sources[:70]]
    fresh = Document(sources[100]["text"] + "\n\n" + MASTHEAD, id="new")
    with Index(tmp_path / "a.db") as index:
        index.add(archived)
        assert index.query(fresh, paraphrase=False) == []
        # A real copy still matches, and the counts survive a reopen (a cache beside the database).
        copy = Document(sources[3]["text"], id="copy")
        assert [m.document.id for m in index.query(copy, paraphrase=False)] == [sources[3]["id"]]
    assert (tmp_path / "a.db.common.npy").exists()
    with Index(tmp_path / "a.db") as index:
        assert index._common_text().n_docs == 70
        assert index.query(fresh, paraphrase=False) == []


def test_an_archive_of_wire_reports_matches_a_rewrite_to_its_source_not_to_its_template(tmp_path):
    """Reports filed from shared frames: a rewrite of one finds its source, and no other report
    written from the same frames is judged derived (the archive marks templated reports and
    their frames as the scan does: blocks.common.CommonText.left_out)."""
    from synthetic.generate import generate_wire

    corpus = generate_wire(400, seed=2)
    by_id = {r["id"]: r for r in corpus.records}
    source, copy = next((a, b) for a, b, kind in corpus.pairs if kind == "rewrite")
    with Index(tmp_path / "wire.db") as index:
        index.add([from_record(r, "wire") for r in corpus.records if r["id"] != copy])
        matches = index.query(from_record(by_id[copy], "wire"), paraphrase=False)
    family = next(c for c in corpus.clusters if source in c)
    assert source in [m.document.id for m in matches]
    wrong = [m.document.id for m in matches if m.document.id not in family]
    assert wrong == [], wrong

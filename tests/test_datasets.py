"""Loaders read the corpora as published: mixed encodings, CRLF, BOMs, stray quotes."""
import json
from pathlib import Path

import pytest

from copytrace.errors import InputError
from copytrace.evaluate.datasets import (
    clough_counts,
    load_clough_stevenson,
    load_generic,
    load_msrp,
)

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"  # ../shared beside the repository
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/eval is not beside the repository")


# -- Clough & Stevenson ----------------------------------------------------------------


def test_clough_stevenson_sample_decodes_every_encoding():
    docs, pairs = load_clough_stevenson(DATA / "clough-stevenson")
    assert len(pairs) == 19 and len(docs) == 20
    assert clough_counts(pairs) == {"cut": 4, "light": 3, "heavy": 3, "non": 9}
    assert all(p.a == "orig_taska.txt" for p in pairs)
    # g1pB_taska.txt is Windows-1252: its 0x92 is an apostrophe, not a C1 control
    text = docs["g1pB_taska.txt"].text
    assert "It’s" in text and "\x92" not in text
    assert not any("\ufffd" in d.text for d in docs.values())
    # CRLF is kept as published (offsets index the text as given)
    assert any("\r\n" in d.text for d in docs.values())
    assert pairs[0].meta["task"] == "a"


@needs_shared
def test_clough_stevenson_full_counts():
    docs, pairs = load_clough_stevenson(SHARED / "clough-stevenson")
    assert len(pairs) == 95 and len(docs) == 100
    assert clough_counts(pairs) == {"cut": 19, "light": 19, "heavy": 19, "non": 38}
    assert len({p.a for p in pairs}) == 5


def test_clough_stevenson_texts_directly_in_the_directory(tmp_path):
    for f in (DATA / "clough-stevenson" / "texts").iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "pairs.jsonl").write_bytes((DATA / "clough-stevenson" / "pairs.jsonl").read_bytes())
    docs, pairs = load_clough_stevenson(tmp_path)
    assert len(pairs) == 19


def test_clough_stevenson_errors_name_file_and_line(tmp_path):
    with pytest.raises(InputError, match="no such directory"):
        load_clough_stevenson(tmp_path / "missing")
    (tmp_path / "pairs.jsonl").write_text('{"a": "x.txt", "b": "y.txt", "label": "cut"}\n{"a": "x.txt", "b": "y.txt", "label": "copied"}\n')
    with pytest.raises(InputError, match=r"pairs.jsonl:2: label 'copied'"):
        load_clough_stevenson(tmp_path)
    (tmp_path / "pairs.jsonl").write_text('{"a": "x.txt", "b": "y.txt", "label": "cut"}\nnot json\n')
    with pytest.raises(InputError, match=r"pairs.jsonl:2: not valid JSON"):
        load_clough_stevenson(tmp_path)
    (tmp_path / "pairs.jsonl").write_text('{"a": "x.txt", "b": "y.txt", "label": "cut"}\n')
    with pytest.raises(InputError, match=r"x.txt: text named in pairs.jsonl is missing"):
        load_clough_stevenson(tmp_path)


# -- MSRP --------------------------------------------------------------------------------


def test_msrp_sample_keeps_quotes_that_are_not_csv_quoting():
    pairs = load_msrp(DATA / "msrp")
    assert len(pairs) == 80
    first = pairs[0]
    assert (first.label, first.id_a, first.id_b) == (1, "702876", "702977")
    assert first.a.startswith("Amrozi accused his brother") and '"the witness"' in first.a
    assert not first.b.endswith("\r")
    # line 11 of the file has an odd number of double quotes: a CSV reader swallows the next lines
    assert pairs[9].a.count('"') % 2 == 1 or pairs[9].b.count('"') % 2 == 1
    assert {p.label for p in pairs} == {0, 1}


def test_msrp_accepts_the_file_itself():
    assert len(load_msrp(DATA / "msrp" / "msr_paraphrase_train.txt")) == 80


@needs_shared
def test_msrp_full_training_part():
    pairs = load_msrp(SHARED / "msrp")
    assert len(pairs) == 4076
    assert sum(p.label for p in pairs) == 2753  # 67.5% paraphrases, as published


def test_msrp_malformed(tmp_path):
    bad = tmp_path / "msr_paraphrase_train.txt"
    bad.write_text("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n1\t1\t2\tA b.\tA c.\r\n2\t3\t4\tX\tY\r\n")
    with pytest.raises(InputError, match=r"msr_paraphrase_train.txt:3: Quality must be 0 or 1"):
        load_msrp(bad)
    bad.write_text("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tonly four\n")
    with pytest.raises(InputError, match=r":2: expected 5 tab-separated fields, found 4"):
        load_msrp(bad)
    bad.write_text("id,text\n1,hello\n")
    with pytest.raises(InputError, match=r":1: not an MSRP file"):
        load_msrp(bad)
    with pytest.raises(InputError, match="no msr_paraphrase"):
        load_msrp(tmp_path / "..")


# -- generic -------------------------------------------------------------------------------


def _write(path: Path, rows) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


DOCS = [
    {"id": "x", "text": "The minister resigned on Monday after the vote.", "outlet": "A"},
    {"id": "y", "text": "The minister resigned on Monday after the vote, officials said."},
    {"id": "z", "text": "Rain is expected across the north on Friday."},
]


def test_generic_pairs(tmp_path):
    _write(tmp_path / "docs.jsonl", DOCS)
    _write(tmp_path / "pairs.jsonl", [{"a": "x", "b": "y", "label": "wholly"}, {"a": "x", "b": "z", "label": "non", "note": 1}])
    data = load_generic(tmp_path)
    assert data.clusters is None and [p.label for p in data.pairs] == ["wholly", "non"]
    assert data.docs["x"].outlet == "A" and data.pairs[1].meta == {"note": 1}


def test_generic_clusters(tmp_path):
    _write(tmp_path / "docs.jsonl", DOCS)
    _write(tmp_path / "clusters.jsonl", [{"cluster": "resign", "members": ["x", "y"]}])
    data = load_generic(tmp_path)
    assert data.pairs is None and data.clusters == {"x": "resign", "y": "resign"}


@pytest.mark.parametrize(
    "docs, extra, message",
    [
        (DOCS, None, "needs pairs.jsonl"),
        (DOCS + [DOCS[0]], ("pairs.jsonl", []), r"docs.jsonl:4: duplicate document id 'x'"),
        ([{"text": "no id here"}], ("pairs.jsonl", []), r"docs.jsonl:1: record has no 'id'"),
        (DOCS, ("pairs.jsonl", [{"a": "x", "b": "nope", "label": "non"}]), r"pairs.jsonl:1: document 'nope' is not in docs.jsonl"),
        (DOCS, ("pairs.jsonl", [{"a": "x", "b": "y"}]), r"pairs.jsonl:1: record has no 'label' string"),
        (DOCS, ("clusters.jsonl", [{"cluster": "c", "members": ["x"]}, {"cluster": "d", "members": ["x"]}]), r"clusters.jsonl:2: document 'x' is in two clusters"),
        (DOCS, ("clusters.jsonl", [{"cluster": "c", "members": "x"}]), r"clusters.jsonl:1: record has no 'members'"),
    ],
)
def test_generic_errors_name_file_and_line(tmp_path, docs, extra, message):
    _write(tmp_path / "docs.jsonl", docs)
    if extra:
        _write(tmp_path / extra[0], extra[1])
    with pytest.raises(InputError, match=message):
        load_generic(tmp_path)


def test_generic_empty_text_is_reported(tmp_path):
    _write(tmp_path / "docs.jsonl", [{"id": "x", "text": "   "}])
    with pytest.raises(InputError, match=r"docs.jsonl:1: text is empty"):
        load_generic(tmp_path)

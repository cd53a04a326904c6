"""Streaming readers and their rejects: every format, every kind of bad record."""
import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from copytrace.blocks.read import Reject, read_corpus
from copytrace.document import Document
from copytrace.errors import InputError

TEXT = "Quarterly profits at the media giant jumped 76% to $1.13bn for the three months to December."


def split(items):
    docs = [i for i in items if isinstance(i, Document)]
    rejects = [i for i in items if isinstance(i, Reject)]
    return docs, rejects


def test_jsonl_bad_records_are_rejected_with_line_and_reason(tmp_path):
    path = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"id": "ok1", "text": TEXT, "outlet": "BBC", "published_at": "2024-01-02T10:00:00Z"}).encode(),
        json.dumps({"id": "empty", "text": "   "}).encode(),
        json.dumps({"id": "notext", "title": "no text here"}).encode(),
        b'{"id": "broken", "text": "unterminated',
        b"\x00\x01\x02\x03binary\xff\xfe",
        json.dumps({"id": "ok1", "text": "Another text with the same id as the first record."}).encode(),
        b'{"id": "latin1", "text": "caf\xe9 society returns to the city centre"}',
        json.dumps({"id": "ok2", "text": TEXT + " Shares rose."}).encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    docs, rejects = split(list(read_corpus(path)))
    assert [d.id for d in docs] == ["ok1", "ok2"]
    assert docs[0].outlet == "BBC" and docs[0].published_at.year == 2024
    by_line = {r.line: r.reason for r in rejects}
    assert set(by_line) == {2, 3, 4, 5, 6, 7}
    assert "empty" in by_line[2]
    assert "text" in by_line[3]
    assert "JSON" in by_line[4]
    assert "binary" in by_line[5]
    assert "duplicate id" in by_line[6]
    assert "UTF-8" in by_line[7]
    assert all(r.file == str(path) for r in rejects)


def test_gzip_jsonl_streams(tmp_path):
    path = tmp_path / "c.jsonl.gz"
    with gzip.open(path, "wt") as f:
        for i in range(5):
            f.write(json.dumps({"id": f"d{i}", "text": f"{TEXT} Item {i}."}) + "\n")
    items = read_corpus(path)
    assert not isinstance(items, list)  # a generator, not a loaded list
    assert [d.id for d in items] == [f"d{i}" for i in range(5)]


def test_csv_with_metadata_and_bad_rows(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "id,text,outlet,published_at\n"
        f'a,"{TEXT}",Wire,2024-03-01\n'
        "b,,Wire,2024-03-01\n"
        f'c,"{TEXT} Second.",Post,not a date at all\n'
        f'd,"{TEXT} Third.",Post,\n',
        encoding="utf-8",
    )
    docs, rejects = split(list(read_corpus(path)))
    assert [d.id for d in docs] == ["a", "d"]
    assert docs[0].outlet == "Wire" and docs[1].published_at is None
    assert {r.id for r in rejects} == {"b", "c"}
    assert any("date" in r.reason for r in rejects)


def test_parquet_in_batches(tmp_path):
    path = tmp_path / "c.parquet"
    rows = [{"id": f"p{i}", "text": f"{TEXT} Row {i}.", "outlet": "Feed"} for i in range(3)]
    rows.append({"id": "p9", "text": None, "outlet": "Feed"})
    pq.write_table(pa.Table.from_pylist(rows), path)
    docs, rejects = split(list(read_corpus(path)))
    assert [d.id for d in docs] == ["p0", "p1", "p2"]
    assert rejects[0].line == 4 and rejects[0].id == "p9"


def test_directory_of_text_and_html_recursively(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "one.txt").write_text(TEXT)
    (tmp_path / "sub" / "two.txt").write_text(TEXT + " More.")
    (tmp_path / "sub" / "empty.txt").write_text("")
    (tmp_path / "sub" / "blob.bin").write_bytes(b"\x00\x01")
    (tmp_path / "page.html").write_text(
        "<html><head><title>Profits jump</title></head><body><article><h1>Profits jump</h1>"
        f"<p>{TEXT}</p><p>{TEXT} It was the best quarter in five years, the company said in a statement.</p>"
        "</article></body></html>"
    )
    docs, rejects = split(list(read_corpus(tmp_path)))
    assert sorted(d.id for d in docs) == ["one", "page", "sub/two"]
    assert "Quarterly profits" in next(d for d in docs if d.id == "page").text
    reasons = {r.file.split("/")[-1]: r.reason for r in rejects}
    assert "empty" in reasons["empty.txt"]
    assert "unsupported" in reasons["blob.bin"]


def test_unreadable_corpus_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_corpus(tmp_path / "missing"))
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK")
    with pytest.raises(InputError, match="not a corpus file"):
        list(read_corpus(odd))

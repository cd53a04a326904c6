"""The Spark engine reads a corpus as the local reader does: the same documents, the same rejects."""
import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from copytrace.blocks.read import Reject, read_corpus
from copytrace.document import Document

pytest.importorskip("pyspark")
TEXT = "Quarterly profits at the media giant jumped 76% to $1.13bn for the three months to December."


def write_corpus(root):
    """Every format, bad records of every kind, and ids repeated across files and lines."""
    root.mkdir()
    lines = [json.dumps({"id": f"j{i}", "text": f"{TEXT} Line {i}.", "outlet": "Wire",
                         "published_at": "2024-01-02T10:00:00Z"}).encode() for i in range(40)]
    lines[3] = json.dumps({"id": "empty", "text": "   "}).encode()
    lines[5] = b'{"id": "broken", "text": "unterminated'
    lines[7] = b"\x00\x01\x02\x03binary\xff\xfe"
    lines[9] = json.dumps({"id": "j1", "text": "Another text with the same id as line two."}).encode()
    lines[11] = b'{"id": "latin1", "text": "caf\xe9 society returns to the city centre"}'
    lines[13] = b""
    lines[15] = json.dumps({"id": "crlf", "text": TEXT + " Windows line end."}).encode() + b"\r"
    lines[17] = json.dumps({"id": "c", "text": TEXT + " Same id as a CSV row read earlier."}).encode()
    lines[19] = b'{"id": "cut", "text": '
    (root / "b.jsonl").write_bytes(b"\n".join(lines) + b'\n{"id": "last", "text": "no newline at the end')
    (root / "a.csv").write_text("id,text,outlet\n" f'c,"{TEXT} CSV.",Post\nd,,Post\n', encoding="utf-8")
    with gzip.open(root / "c.jsonl.gz", "wt") as f:
        f.write(json.dumps({"id": "j2", "text": TEXT + " Same id, other file, later."}) + "\n")
        f.write(json.dumps({"id": "g1", "text": TEXT + " Gzip."}) + "\n")
    pq.write_table(pa.Table.from_pylist([{"id": "p1", "text": TEXT + " Parquet.", "words": 14},
                                         {"id": "p2", "text": None, "words": 0},
                                         {"id": "j3", "text": TEXT + " Same id as a JSONL line.", "words": 15},
                                         {"id": "p4", "text": TEXT + " Parquet again.", "words": 15}]),
                   root / "d.parquet", row_group_size=2)
    (root / "e.txt").write_text(TEXT + " A text file.")
    (root / "f.txt").write_text("")


@pytest.mark.slow
def test_spark_reader_gives_the_local_readers_documents_and_rejects(tmp_path, monkeypatch):
    from copytrace.corpus.spool import to_document
    from copytrace.engines import spark as spark_engine

    corpus = tmp_path / "corpus"
    write_corpus(corpus)
    # Every uncompressed JSONL file through Spark's text reader, in splits of a few lines,
    # and the Parquet file through Spark's Parquet reader.
    monkeypatch.setattr(spark_engine, "SPLIT_BYTES", 0)
    monkeypatch.setattr(spark_engine, "SPLIT_MAX", 300)
    expected = list(read_corpus(corpus))
    work = tmp_path / "work"
    work.mkdir()
    engine = spark_engine.SparkEngine(master="local[2]")
    try:
        n, rejects = engine.read(corpus, work)
        lines = engine.spark.sparkContext.newAPIHadoopFile(
            str(corpus / "b.jsonl"), "org.apache.hadoop.mapreduce.lib.input.TextInputFormat",
            "org.apache.hadoop.io.LongWritable", "org.apache.hadoop.io.Text", conf=spark_engine._split_conf())
        assert lines.getNumPartitions() >= 10  # the file was read in many splits, lines cut across them
        docs = [to_document(r.asDict()) for r in engine.docs.orderBy("row").collect()]
    finally:
        engine.close()
    assert [r.to_dict() for r in rejects] == [r.to_dict() for r in expected if isinstance(r, Reject)]
    local = [d for d in expected if isinstance(d, Document)]
    assert n == len(local)
    assert spark_engine._splittable(str(corpus / "d.parquet")) == "parquet"
    assert [(d.id, d.text, d.title, d.outlet, d.url, d.published_at) for d in docs] == \
           [(d.id, d.text, d.title, d.outlet, d.url, d.published_at) for d in local]
    reasons = " ".join(r.reason for r in rejects)
    for expected_reason in ("duplicate id", "malformed JSON", "binary", "UTF-8", "empty"):
        assert expected_reason in reasons

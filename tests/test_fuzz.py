"""Property-based fuzzing (issue #13): compare, document loading, corpus reading and the
HTTP API take arbitrary input and answer with a result or a clear error, never a crash.

Example counts are bounded so the whole file runs in well under a minute.
"""
from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copytrace import compare
from copytrace.blocks.read import Reject, read_corpus
from copytrace.document import Document, from_record, load_bytes
from copytrace.errors import InputError
from copytrace.server.app import create_app

# News-like text with the characters that broke things: surrogates, zero-width
# characters, control characters, curly quotes, dotted numbers, astral emoji.
NASTY = st.sampled_from(["\ud800", "\udfff", "\u200b", "\u00ad", "\ufeff", "\x1b[31m", "\r", "“", "”", "’",
                         "1.000.000", "192.168.0.1", "U.S.", "May 5", "😀", "\n", " ", ". "])
WORDS = st.sampled_from(["rockets", "hit", "the", "base", "officials", "said", "four", "for", "Thursday",
                         "militants", "killed", "in", "Syria", "CNN", "reported", "not", "at", "least"])
TEXT = st.lists(st.one_of(WORDS, NASTY, st.text(max_size=6)), min_size=1, max_size=60).map(" ".join)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(a=TEXT, b=TEXT)
def test_compare_gives_a_result_or_an_input_error(a, b):
    try:
        c = compare(a, b, paraphrase=False)
    except InputError:
        return
    for p in c.passages:
        assert 0 <= p.a.start <= p.a.end <= len(c.a.text) and 0 <= p.b.start <= p.b.end <= len(c.b.text)
    json.dumps(c.to_dict(), ensure_ascii=False).encode("utf-8")  # serialisable, no surrogate left


@FAST
@given(data=st.binary(max_size=400) | TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
       name=st.sampled_from(["a.txt", "a.html", "a"]))
def test_loading_bytes_gives_a_document_or_an_input_error(data, name):
    try:
        doc = load_bytes(data, name)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    doc.text.encode("utf-8")


RECORD = st.dictionaries(
    st.sampled_from(["id", "text", "title", "outlet", "url", "published_at", "extra"]),
    st.one_of(st.none(), st.integers(), st.floats(allow_nan=False), TEXT, st.lists(st.integers(), max_size=2)),
)


@FAST
@given(record=RECORD)
def test_records_give_a_document_or_an_input_error(record):
    try:
        doc = from_record(record, "rec")
    except InputError:
        return
    assert isinstance(doc, Document) and doc.text.strip()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(RECORD.map(json.dumps), st.binary(max_size=40).map(lambda b: b.decode("latin-1"))),
                      max_size=8))
def test_corpus_reading_never_raises_inside_a_file(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("fuzz") / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    items = list(read_corpus(path))
    assert all(isinstance(i, (Document, Reject)) for i in items)
    ids = [i.id for i in items if isinstance(i, Document)]
    assert len(ids) == len(set(ids))


@pytest.fixture(scope="module")
def api():
    with TestClient(create_app(None, warm=False), raise_server_exceptions=False) as c:
        yield c


BODY = st.one_of(
    st.fixed_dictionaries({"a": TEXT, "b": TEXT, "paraphrase": st.just(False)}),
    st.dictionaries(st.sampled_from(["a", "b", "a_id", "a_meta", "paraphrase", "x"]),
                    st.one_of(st.none(), st.integers(), TEXT, st.booleans(), st.dictionaries(WORDS, TEXT, max_size=2))),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=BODY)
def test_http_compare_never_answers_5xx_and_errors_match_the_schema(api, body):
    body.setdefault("paraphrase", False)  # the sentence model is exercised elsewhere; keep this fast
    r = api.post("/compare", content=json.dumps(body).encode("utf-8", "surrogatepass"),
                 headers={"content-type": "application/json"})
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        detail = r.json()
        assert isinstance(detail["detail"], str)
        assert set(detail) <= {"detail", "errors"}

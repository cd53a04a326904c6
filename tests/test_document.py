from datetime import datetime, timezone

import pytest

from copytrace.document import Document, as_document, from_record, load
from copytrace.errors import InputError


def test_load_text_file_uses_stem_as_id(seed_paths):
    doc = load(seed_paths[0])
    assert doc.id == "000"
    assert doc.text.startswith("U.S. forces on Thursday")


def test_detects_windows_1252(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("The café’s owner said “no comment” to reporters on Monday.".encode("cp1252"))
    assert load(p).text == "The café’s owner said “no comment” to reporters on Monday."


def test_utf8_bom_is_not_part_of_the_text(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbfHello world, this is news.")
    assert load(p).text == "Hello world, this is news."


def test_html_main_text_is_extracted_without_navigation(tmp_path):
    body = " ".join(["The council approved the new budget after a long debate on Tuesday evening."] * 4)
    html = f"""<!doctype html><html><head><title>Budget passes</title></head><body>
    <nav><a href="/">Home</a> <a href="/sport">Sport</a> Subscribe now</nav>
    <article><h1>Budget passes</h1><p>{body}</p><p>Councillors voted 7 to 2 in favour of the plan.</p></article>
    <footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"""
    p = tmp_path / "page.html"
    p.write_text(html, encoding="utf-8")
    doc = load(p)
    assert "Councillors voted 7 to 2" in doc.text
    assert "Sport" not in doc.text and "All rights reserved" not in doc.text


@pytest.mark.parametrize(
    "content, problem",
    [(b"", "empty"), (b"\x00\x01\x02\x03binary\x00", "binary"), (b"  \n\t ", "empty"), (b"... --- !!!", "no words")],
)
def test_bad_files_give_one_line_errors(tmp_path, content, problem):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError) as err:
        load(p)
    assert str(p) in str(err.value) and problem in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "nope.txt")


def test_record_with_metadata():
    doc = from_record({"id": 7, "text": "Some news text here.", "outlet": "CNN", "published_at": "2023-08-24T10:00:00Z"}, "x.jsonl:1")
    assert doc.id == "7" and doc.outlet == "CNN"
    assert doc.published_at == datetime(2023, 8, 24, 10, tzinfo=timezone.utc)


def test_record_without_text_is_rejected():
    with pytest.raises(InputError, match="x.jsonl:3: record has no 'text'"):
        from_record({"id": "a"}, "x.jsonl:3")


def test_strings_become_documents_with_content_ids():
    a = as_document("Same words here.")
    b = as_document("Same words here.")
    assert a.id == b.id and len(a.id) == 16
    assert as_document(Document("x y", id="k")).id == "k"

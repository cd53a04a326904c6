"""Ordinary-but-nasty news text (issue #13): each case gives a correct result, not a crash."""
import difflib
import time
from datetime import datetime

import pytest

from copytrace import compare
from copytrace.analyse import changes as changes_mod
from copytrace.blocks.provenance import orient, root
from copytrace.document import Document, from_record
from copytrace.segment import segment, split_sentences

ARTICLE = (
    "Four militants were killed in the strike on Thursday night, officials said. "
    "The rockets hit the base at dawn and wounded three soldiers, the army confirmed. "
    "Investigators are still searching the area for unexploded shells."
)


# --- lone surrogates ---------------------------------------------------------------

def test_lone_surrogate_becomes_replacement_character_at_the_same_offset():
    doc = Document("Rockets\ud800 hit the base.", title="Bad \udc00 title")
    assert doc.text == "Rockets\ufffd hit the base."
    assert len(doc.text) == len("Rockets\ud800 hit the base.")  # offsets unchanged
    assert doc.title == "Bad \ufffd title"
    doc.text.encode("utf-8")  # no surrogate left to fail an encoder


def test_lone_surrogate_in_a_record_and_in_full_compare():
    doc = from_record({"id": "x", "text": ARTICLE.replace("militants", "mili\udbfftants")}, "rec")
    assert "\ufffd" in doc.text
    c = compare(ARTICLE, ARTICLE.replace("rockets", "rock\udfffets"))  # sentence model runs
    assert c.verdict.label != "non"


# --- naive and aware times ---------------------------------------------------------

def test_naive_published_at_is_read_as_utc_so_provenance_can_order_it():
    naive = Document("Rockets hit the base.", published_at=datetime(2023, 1, 2))
    aware = Document("Rockets hit the base too.", published_at="2023-01-01T00:00:00Z")
    assert naive.published_at.tzinfo is not None
    assert root(["n", "a"], [], {"n": naive.published_at, "a": aware.published_at}) == "a"
    edge = orient("n", "a", naive.published_at, aware.published_at, "none")
    assert (edge.source, edge.by) == ("a", "time")


# --- zero-width characters ---------------------------------------------------------

SALT = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


def _salted(text: str) -> str:
    """Every word longer than three letters gets an invisible character after its second letter."""
    out = []
    for k, w in enumerate(text.split(" ")):
        out.append(w[:2] + SALT[k % len(SALT)] + w[2:] if len(w) > 3 else w)
    return " ".join(out)


def test_zero_width_characters_do_not_hide_a_copy():
    salted = _salted(ARTICLE)
    c = compare(ARTICLE, salted, paraphrase=False)
    assert c.verdict.label == "wholly"
    assert c.coverage["b"] > 0.9
    # spans index the salted text as given: rendering shows the invisible characters in place
    longest = max(c.passages, key=lambda p: len(p.b))
    shown = c.b.text[longest.b.start : longest.b.end]
    assert any(ch in shown for ch in SALT)
    assert shown.replace("\u200b", "").replace("\u200c", "").replace("\u200d", "").replace(
        "\u2060", "").replace("\ufeff", "").replace("\u00ad", "") in ARTICLE


def test_zero_width_characters_inside_words_keep_token_offsets_exact():
    seg = segment("Mili\u200btants fi\u00adred 1\u2060000 rockets.")
    assert seg.words == ("militants", "fired", "1000", "rockets")
    assert [seg.slice(t) for t in seg.tokens][:2] == ["Mili\u200btants", "fi\u00adred"]


def test_zero_width_characters_do_not_hide_a_paraphrase():
    a = "The State Department lists the IRGC as a foreign terrorist organization."
    b = _salted("The IRGC has been designated a foreign terrorist group by the US State Department.")
    c = compare(a, b)
    assert any(p.kind == "paraphrase" for p in c.passages)


# --- long paragraphs ---------------------------------------------------------------

def _long_paragraph(n: int) -> str:
    sentences = [f"Officials in district {k} said {k + 3} rockets hit the base at dawn." for k in range(n // 50 + 2)]
    return " ".join(sentences)[:n]


def test_long_paragraph_splits_like_short_ones():
    text = _long_paragraph(30_000)
    spans = split_sentences(text)
    pieces = [text[s.start : s.end].strip() for s in spans]
    assert all(p.startswith("Officials in district") for p in pieces[:-1])
    assert "".join(text[s.start : s.end] for s in spans) == text  # nothing lost, nothing twice


@pytest.mark.parametrize("text", ["U.S. " * 20_000, " ".join(["Capitalised"] * 20_000), "x" * 30_000])
def test_pathological_paragraphs_segment_quickly_and_cover_the_text(text):
    start = time.perf_counter()
    spans = split_sentences(text)
    assert time.perf_counter() - start < 10
    assert spans and spans[0].start == 0 and spans[-1].end == len(text.rstrip()) or spans[-1].end == len(text)
    assert all(s.end <= t.start for s, t in zip(spans, spans[1:]))


def test_long_diff_is_anchored_but_finds_the_same_change():
    words = [f"w{k % 997}x{k // 997}" for k in range(5000)]  # distinct trigrams everywhere
    other = list(words)
    other[2500] = "changed"
    ours = changes_mod._matching_blocks(words, other)
    theirs = difflib.SequenceMatcher(None, words, other, autojunk=False).get_matching_blocks()
    assert [tuple(m) for m in ours] == [tuple(m) for m in theirs]


def _comparison_cells(monkeypatch, text_a: str, text_b: str) -> int:
    """The cells every alignment of one lexical comparison fills: rapidfuzz's Indel (verbatim
    passages, their evidence, quotations) and difflib's matcher (the change analysis), each
    costing len a x len b at most. Work counted, not time: no timed unit tests."""
    import difflib as real_difflib
    from types import SimpleNamespace

    from copytrace.align import quotes as quotes_mod, verbatim as verbatim_mod
    from copytrace.analyse import evidence as evidence_mod
    from rapidfuzz.distance import Indel

    cells = [0]

    class CountingIndel:
        def __getattr__(self, name):
            def call(x, y, **kw):
                cells[0] += len(x) * len(y)
                return getattr(Indel, name)(x, y, **kw)
            return call

    class CountingMatcher(real_difflib.SequenceMatcher):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            cells[0] += len(a) * len(b)
            super().__init__(isjunk, a, b, autojunk)

    for mod in (verbatim_mod, evidence_mod, quotes_mod):
        monkeypatch.setattr(mod, "Indel", CountingIndel())
    monkeypatch.setattr(changes_mod, "difflib", SimpleNamespace(SequenceMatcher=CountingMatcher, Match=real_difflib.Match))
    compare(text_a, text_b, paraphrase=False)
    return cells[0]


def test_cost_grows_near_linearly_with_a_paragraph(monkeypatch):
    """4x the text may cost at most 6x the work (the issue's bar): every alignment stays within
    anchors, never one matrix over the whole paragraph (which would fill 16x the cells)."""
    import random

    def paragraph(chars: int) -> tuple[str, str]:
        """One paragraph of random words (no boilerplate, no repeated sentence) and a copy with
        one word in 40 changed: every stretch between edits is a verbatim passage."""
        rng = random.Random(chars)
        vocab = [f"{rng.choice('bdfgklmnprstv')}{rng.choice('aeiou')}{rng.choice('lmnrst')}{k}" for k in range(3000)]
        words = []
        while sum(len(w) + 1 for w in words) < chars:
            words.append(rng.choice(vocab))
        edited = [f"{w}x" if k % 40 == 39 else w for k, w in enumerate(words)]
        return " ".join(words) + ".", " ".join(edited) + "."

    c_small = _comparison_cells(monkeypatch, *paragraph(25_000))
    c_large = _comparison_cells(monkeypatch, *paragraph(100_000))
    assert c_small > 0
    assert c_large <= 6 * c_small, (c_small, c_large)


# --- escape sequences in --format text ---------------------------------------------

def test_text_report_shows_control_characters_instead_of_sending_them():
    from copytrace.render.text import render_text

    nasty = ARTICLE.replace("officials said", "officials \x1b[2J\x1b[31msaid\x07\x9b1m")
    out = render_text(compare(nasty, ARTICLE, paraphrase=False))
    assert not any(ch in out for ch in "\x1b\x07\x9b\r")
    assert "\\x1b[31m" in out  # shown, so the reader sees what the article holds


def test_cli_text_format_sends_no_escape_sequence(tmp_path, capsys):
    from copytrace.cli import main

    (tmp_path / "a.txt").write_text(ARTICLE + " \x1b]0;pwned\x07")
    (tmp_path / "b.txt").write_text(ARTICLE)
    main(["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--lexical", "--format", "text"])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out


# --- duplicate ids across files ----------------------------------------------------

def test_duplicate_id_reject_names_the_record_kept_and_why(tmp_path):
    import json

    from copytrace.blocks.read import Reject, read_corpus

    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "x", "text": "Impostor text about a raid."}) + "\n")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "x", "text": "The genuine article on the raid."}) + "\n"
                                      + json.dumps({"id": "x", "text": "Impostor text about a raid."}) + "\n")
    items = list(read_corpus(tmp_path))
    kept = [i for i in items if not isinstance(i, Reject)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [d.text for d in kept] == ["Impostor text about a raid."]
    assert len(rejects) == 2
    assert f"{tmp_path / 'a.jsonl'}:1 has it and is kept" in rejects[0].reason
    assert "first record read" in rejects[0].reason
    assert "different text" in rejects[0].reason and "same text" in rejects[1].reason


def test_quote_prefilter_keeps_every_pair_the_exact_test_accepts():
    """The prefix filter may only skip pairs that cannot share enough words."""
    import random

    from rapidfuzz.distance import LCSseq

    from copytrace.align import quotes as q

    rnd = random.Random(7)
    vocab = ["the", "a", "said", "we", "will", "strike", "back", "now", "troops", "base", "fire", "it"]
    wa = [tuple(rnd.choice(vocab) for _ in range(rnd.randint(1, 9))) for _ in range(60)]
    wb = [tuple(rnd.choice(vocab) for _ in range(rnd.randint(1, 9))) for _ in range(60)]
    kept = set(q._pairs_worth_checking(wa, wb))
    for i, x in enumerate(wa):
        for j, y in enumerate(wb):
            shared = LCSseq.similarity(x, y)
            if shared >= min(q.MIN_SHARED, len(x), len(y)) and shared >= q.MIN_SHARED_FRACTION * min(len(x), len(y)):
                assert (i, j) in kept, (x, y)
    assert len(kept) < len(wa) * len(wb)  # and it does skip some

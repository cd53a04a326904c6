from pathlib import Path

import pytest

from copytrace import compare
from copytrace.comparison import Comparison
from copytrace.document import Document
from copytrace.render.what_changed import what_changed_section
from copytrace.types import Attribution, Boilerplate, Change, Span, Verdict

SEEDS = Path(__file__).parent / "data" / "seeds"
A = "At least four militants were killed on Wednesday, the Pentagon says. Critics called it a disgrace."
B = "Four militants were killed on Wednesday, the Pentagon claims, CNN reported. The ministry added a note."


def _comparison(**fields):
    a, b = Document(A, id="src"), Document(B, id="copy")
    sa, sb = A.index("says"), B.index("claims")
    change = Change("attribution", Span(sa, sa + 4), Span(sb, sb + 6), "says", "claims")
    cnn = B.index("CNN reported")
    base = dict(
        a=a, b=b, verdict=Verdict("partially", 0.6, "a->b"), passages=(),
        changes=(change,),
        attributions=(Attribution("b", "CNN", Span(cnn, cnn + 12)),),
        added=(Span(B.index("The ministry"), len(B)),), dropped=(Span(A.index("Critics"), len(A)),),
        boilerplate=(), credited=False,
    )
    base.update(fields)
    return Comparison(**base)


def test_each_change_shows_both_sides_its_kind_and_its_sentence():
    text = what_changed_section(_comparison())
    assert text.startswith("What changed")
    line = next(l for l in text.splitlines() if "attribution" in l)
    assert "says" in line and "claims" in line
    assert "the Pentagon [says]" in text  # the sentence around it, change marked
    assert "the Pentagon [claims]" in text


def test_added_dropped_credits_and_credit_verdict_are_listed():
    text = what_changed_section(_comparison())
    assert "Added in copy" in text and "The ministry added a note." in text
    assert "Dropped from src" in text and "Critics called it a disgrace." in text
    assert "copy: CNN" in text and "src: none" in text
    assert "NOT credited" in text
    assert "Reuse is credited" in what_changed_section(_comparison(credited=True))


def test_boilerplate_and_empty_changes():
    c = _comparison(changes=(), boilerplate=(Boilerplate("b", Span(0, 4)),))
    text = what_changed_section(c)
    assert "No changes" in text
    assert "Boilerplate" in text and "Four" in text


@pytest.mark.parametrize("width", [40, 80, 120])
def test_lines_fit_the_width_and_carry_no_colour_codes(width):
    text = what_changed_section(_comparison(), width=width)
    assert "\x1b[" not in text
    # words longer than the width are never broken, everything else wraps
    assert all(len(line) <= width for line in text.splitlines() if " " in line.strip())


def test_seed_pair_end_to_end():
    a = Document((SEEDS / "000.txt").read_text(encoding="utf-8"), id="000")
    b = Document((SEEDS / "003.txt").read_text(encoding="utf-8"), id="003")
    text = what_changed_section(compare(a, b))
    assert "“the two sides” → “the two countries”" in text
    assert "“says” → “claims”" in text
    assert "CNN" in text and "The Dallas Express" in text
    assert "CLICK HERE TO GET THE DALLAS EXPRESS APP" in text


def test_facts_are_listed_under_their_heading_before_wording():
    wording = Change("other", Span(0, 2), Span(0, 4), "At", "Four")
    text = what_changed_section(_comparison(changes=(_comparison().changes[0], wording)))
    lines = text.splitlines()
    facts_at, wording_at = lines.index("Facts (1)"), lines.index("Wording (1)")
    says = next(i for i, l in enumerate(lines) if "“says” → “claims”" in l)
    other = next(i for i, l in enumerate(lines) if "“At” → “Four”" in l)
    assert facts_at < says < wording_at < other
    assert lines[other].lstrip().startswith("2.")  # numbered on through both groups


def test_seed_pair_json_marks_factual_changes():
    a = Document((SEEDS / "000.txt").read_text(encoding="utf-8"), id="000")
    b = Document((SEEDS / "003.txt").read_text(encoding="utf-8"), id="003")
    changes = compare(a, b).to_dict()["changes"]
    assert [c["factual"] for c in changes] == sorted((c["factual"] for c in changes), reverse=True)
    assert all(c["factual"] == (c["kind"] != "other") for c in changes)

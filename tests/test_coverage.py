from copytrace.analyse.coverage import covered_share, uncovered
from copytrace.segment import segment
from copytrace.types import Span


def test_share_counts_words_and_ignores_boilerplate():
    text = "Rockets hit the base. SUBSCRIBE NOW FOR MORE\nNobody was hurt."
    seg = segment(text)
    bp = [Span(text.index("SUBSCRIBE"), text.index("\n"))]
    assert covered_share(seg, [Span(0, 21)], bp) == 4 / 7
    assert covered_share(seg, [], bp) == 0.0
    assert covered_share(seg, [Span(0, len(text))], bp) == 1.0


def test_uncovered_reports_clauses_not_single_words():
    text = "Officials said four militants were killed. A new paragraph about something else entirely."
    seg = segment(text)
    cov = [Span(text.index("four"), text.index("killed") + 6)]
    assert [seg.slice(s) for s in uncovered(seg, cov)] == ["A new paragraph about something else entirely"]
    # "Officials said" is two words left over in a covered sentence: an edit, not added text
    assert all("Officials" not in seg.slice(s) for s in uncovered(seg, cov))


def test_short_whole_sentence_counts_as_uncovered():
    text = "Four died. Rockets hit the base on Tuesday night near the river."
    seg = segment(text)
    cov = [Span(text.index("Rockets"), len(text) - 1)]
    assert [seg.slice(s) for s in uncovered(seg, cov)] == ["Four died"]

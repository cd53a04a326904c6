import pytest

from copytrace.segment import normalise, segment


def test_sentences_respect_abbreviations_and_quotes(seeds):
    seg = segment(seeds[0])
    texts = [seg.slice(s).strip() for s in seg.sentences]
    assert texts[0].startswith("U.S. forces on Thursday launched")
    assert texts[0].endswith("between the two sides.")
    # "Gen." does not end a sentence; the curly-quoted statement stays whole
    kurilla = [t for t in texts if "Kurilla" in t]
    assert len(kurilla) == 1 and kurilla[0].startswith("“We will respond")


def test_every_line_is_its_own_paragraph(seeds):
    seg = segment(seeds[1])
    texts = [seg.slice(s).strip() for s in seg.sentences]
    assert "CLICK HERE TO GET THE DALLAS EXPRESS APP" in texts


def test_offsets_index_the_original_text(seeds):
    for text in seeds:
        seg = segment(text)
        for span, word in zip(seg.tokens, seg.words):
            assert normalise(text[span.start : span.end]) == word
        for s in seg.sentences:
            assert 0 <= s.start < s.end <= len(text)
            assert text[s.start].strip()
        starts = [s.start for s in seg.sentences]
        assert starts == sorted(starts)


def test_sentence_of_maps_tokens_to_their_sentence(seeds):
    seg = segment(seeds[0])
    for i, t in enumerate(seg.tokens):
        s = seg.sentences[seg.sentence_of[i]]
        assert s.start <= t.start < s.end
    assert sum(len(seg.sentence_tokens(i)) for i in range(len(seg.sentences))) == len(seg.tokens)


def test_normalise_folds_case_quotes_and_accents():
    assert normalise("Iran’s") == "iran's"
    assert normalise("Café") == "cafe"
    assert normalise("CENTCOM") == "centcom"


def test_repeated_sentences_get_distinct_offsets():
    text = "Shots were fired. Shots were fired. Nobody was hurt."
    seg = segment(text)
    assert [s.start for s in seg.sentences] == [0, 18, 36]


def test_capitalised_words_are_those_grammar_does_not_capitalise():
    from copytrace.segment import segment

    seg = segment('Officials said Ahmed Khan had left. He told them: "Nobody saw Basra again."')
    caps = [w for w, c in zip(seg.words, seg.capitalised) if c]
    assert caps == ["ahmed", "khan", "basra"]  # not "officials"/"he" (sentence start), not "nobody" (quotation)


def test_only_the_stretch_with_a_doubtful_full_stop_goes_to_pysbd(monkeypatch):
    """pysbd weighs "U.S. Central" (an abbreviation, or a sentence end?); the sure ends around it
    are cut without it, so it reads one sentence, not the paragraph. A paragraph with a
    quotation left open, or an ellipsis, still goes to it whole."""
    import copytrace.segment as seg

    seen = []
    real = seg._splitter()

    class Spy:
        def processor(self, text):
            seen.append(text)
            return real.processor(text)

    monkeypatch.setattr(seg, "_splitter", lambda: Spy())
    first = "Militants fired rockets at two bases. "
    doubtful = "Hours later U.S. Central Command said it struck back. "
    last = "Nobody was hurt. The strikes were the third this month."
    text = first + doubtful + last
    assert [text[s.start:s.end].strip() for s in seg.split_sentences(text)] == [
        "Militants fired rockets at two bases.", "Hours later U.S. Central Command said it struck back.",
        "Nobody was hurt.", "The strikes were the third this month."]
    assert seen == [doubtful.strip()]  # the piece up to the next sure end

    seen.clear()
    opened = doubtful + 'He said: "We will respond. ' + last
    seg.split_sentences(opened)
    assert seen == [opened]
    seen.clear()
    seg.split_sentences("Wait for it... " + doubtful)
    assert seen == ["Wait for it... " + doubtful]


@pytest.mark.parametrize("body", [
    "Dr. Smith went to Washington D.C. yesterday. He said \"hi.\" Then he left...",
    "U.S. forces said so.  He left.   Then more.",
    "a. b. a. b. a. b.",
    "“Go.” He said. “Go.” He said.",
    "Mr. X... and Mrs. Y. arrived at 5 p.m. on Jan. 3. They stayed.",
    "It rose 3.5 pct. It rose 3.5 pct. It rose 3.5 pct.",
    "Gen. Michael “Erik” Kurilla said: “We will respond.” The U.S. Central Command agreed.\t",
    "gen. smith met st. john at approx. 5 pm. no. 10 said so. fig. 3 shows it, e.g. here.",
    "He lives at No. 10 Downing St. in London. Prof. Ames, Ph.D., arrived Jan. 5. A. B. Smith left.",
    "The \u212aelvin sign: approx. 5 \u212a. It fell. \u017ft. Ann came. \u0130nc. rose. The end.",
    "",
])
def test_sentences_are_located_as_pysbd_locates_them(body):
    """pysbd finds each sentence it returns with a regex of its own; segment.py finds them with
    str.find (pysbd's way compiled a pattern per sentence), and its abbreviation pass skips the
    abbreviations no full stop follows. Same strings, same order as pysbd as it ships."""
    import pysbd

    import copytrace.segment as seg

    assert seg._pysbd_sentences(body) == pysbd.Segmenter(language="en", clean=False).segment(body)


@pytest.mark.parametrize("text", [
    "Iran’s 1,000 con\u200bfirmed 3.5 a_b_c x²y Straße İstanbul ﬁne 22nd 5,5,5 ..1.. 'tis don't",
    "aa a aaa a5a 5 55 5a a5 __a a__ 1.2.3 1..2 ’’’x",
    "",
    "   \n\t ",
])
def test_locate_finds_each_word_where_the_regex_matched_it(text):
    from copytrace.blocks.common import _WORD
    from copytrace.segment import TOKEN, locate

    for regex in (TOKEN, _WORD):
        starts, ends = locate(text, regex.findall(text))
        assert list(zip(starts, ends)) == [m.span() for m in regex.finditer(text)]

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

from copytrace.align.verbatim import align_verbatim
from copytrace.segment import segment
from copytrace.types import Span


def _pairs(a_text, b_text, **kw):
    a, b = segment(a_text), segment(b_text)
    return [(a.slice(p.a), b.slice(p.b), p) for p in align_verbatim(a, b, **kw)]


def test_seed_quote_survives_small_edits(seeds):
    found = _pairs(*seeds)
    quote = [x for x in found if "respond appropriately" in x[0]]
    assert len(quote) == 1
    a_side, b_side, p = quote[0]
    assert "servicemembers" in a_side and "service members" in b_side  # joined across the edit
    assert "Gen. Michael" in a_side and "said Michael" in b_side  # and across the dropped title
    assert 0.8 < p.score < 1.0


def test_seed_pentagon_says_claims_is_one_passage(seeds):
    found = _pairs(*seeds)
    hit = [x for x in found if "Pentagon says are directly linked" in x[0]]
    assert hit and "Pentagon claims are directly linked" in hit[0][1]


def test_each_word_aligns_once(seeds):
    a, b = segment(seeds[0]), segment(seeds[1])
    ps = align_verbatim(a, b)
    for side in ("a", "b"):
        spans = sorted(getattr(p, side) for p in ps)
        assert all(x.end <= y.start for x, y in zip(spans, spans[1:]))


def test_embedded_text_found_at_its_offsets():
    inner = "The mayor announced a new tram line linking the airport to the old town by 2027."
    outer = "Other news first. Sports results were mixed this weekend. " + inner + " Weather will be mild."
    found = _pairs(inner, outer)
    assert len(found) == 1
    _, b_side, p = found[0]
    start = outer.index("The mayor")
    assert p.b == Span(start, start + len(inner) - 1)  # up to the last word, without the full stop
    assert p.score == 1.0


def test_unrelated_texts_share_nothing():
    assert _pairs(
        "The central bank raised interest rates by a quarter point on Wednesday.",
        "A storm knocked out power to thousands of homes along the coast overnight.",
    ) == []


def test_short_common_phrases_are_not_passages():
    assert _pairs("He said on Monday that it was over.", "She said on Monday they would win.") == []


def test_skipped_spans_are_not_aligned():
    text = "CLICK HERE TO GET THE NEWS APP ON YOUR PHONE TODAY\nThe river burst its banks after three days of rain."
    seg = segment(text)
    skip = [seg.sentences[0]]
    ps = align_verbatim(seg, segment(text), skip_a=skip, skip_b=[segment(text).sentences[0]])
    assert len(ps) == 1 and seg.slice(ps[0].a).startswith("The river")


def test_seeds_are_every_shared_usable_ngram_not_too_frequent():
    """The seeds (found by sorting n-gram hashes) against the definition, on texts with repeats and skipped words."""
    import random

    from copytrace.align.verbatim import MAX_SEED_REPEATS, _seeds, gram_keys

    rng = random.Random(3)
    for _ in range(20):
        vocab = [f"w{k}" for k in range(rng.randint(2, 12))]
        a = [rng.choice(vocab) for _ in range(rng.randint(0, 120))]
        b = [rng.choice(vocab) for _ in range(rng.randint(0, 120))]
        ua = [rng.random() > 0.1 for _ in a]
        ub = [rng.random() > 0.1 for _ in b]
        n = 3
        grams_b: dict[tuple, list[int]] = {}
        for j in range(len(b) - n + 1):
            if all(ub[j:j + n]):
                grams_b.setdefault(tuple(b[j:j + n]), []).append(j)
        expected = [(i, j) for i in range(len(a) - n + 1) if all(ua[i:i + n])
                    for j in grams_b.get(tuple(a[i:i + n]), []) if len(grams_b[tuple(a[i:i + n])]) <= MAX_SEED_REPEATS]
        assert _seeds(gram_keys(a, n), gram_keys(b, n), ua, ub, n) == expected

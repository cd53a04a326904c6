"""Paraphrase alignment on the seed articles and constructed cases."""
from pathlib import Path

import numpy as np
import pytest

from copytrace.align.pair_scorer import load_scorer
from copytrace.align.paraphrase import SCREEN_BAR, align_paraphrases, screened
from copytrace.evaluate import paraphrase_fit
from copytrace.evaluate.datasets import load_msrp
from copytrace.embed import get_encoder
from copytrace.segment import segment
from copytrace.types import Span

DATA = Path(__file__).parent / "data" / "seeds"
MSRP = Path(__file__).resolve().parents[2] / "shared" / "eval" / "msrp" / "msr_paraphrase_train.txt"
MSRP_SAMPLE = Path(__file__).parent / "data" / "msrp" / "msr_paraphrase_train.txt"


@pytest.fixture(scope="module")
def enc():
    return get_encoder()


@pytest.fixture(scope="module")
def segs():
    return segment((DATA / "000.txt").read_text()), segment((DATA / "003.txt").read_text())


@pytest.fixture(scope="module")
def seed_passages(segs, enc):
    return align_paraphrases(*segs, enc)


def find(seg, fragment: str) -> Span:
    at = seg.text.index(fragment)
    return Span(at, at + len(fragment))


def partner(passages, seg_a, fragment: str) -> Span | None:
    where = find(seg_a, fragment)
    hits = [p.b for p in passages if p.a.overlaps(where)]
    assert len(hits) <= 1
    return hits[0] if hits else None


def test_rewritten_lead_is_paired(segs, seed_passages):
    a, b = segs
    got = partner(seed_passages, a, "the latest blow in what’s become a rapidly escalating conflict between the two sides")
    assert got is not None
    assert b.slice(got).startswith("The U.S. launched a major counter-offensive")


def test_says_claims_sentence_is_paired(segs, seed_passages):
    a, b = segs
    got = partner(seed_passages, a, "the Pentagon says are directly linked")
    assert got is not None and "the Pentagon claims are directly linked" in b.slice(got)


def test_unrelated_sentences_are_not_paired(segs, seed_passages):
    a, b = segs
    isis = find(b, "The head of the Islamic State in Syria (ISIS), Maher al-Agal, was killed")
    drone = find(b, "a drone attack the previous day hit the compound")
    opinion = find(a, "critics say it’s outrageous for the administration to negotiate")
    for p in seed_passages:
        assert not p.b.overlaps(isis)
        assert not p.b.overlaps(drone)
        assert not p.a.overlaps(opinion)


def test_spans_are_whole_sentences_inside_bounds(segs, seed_passages):
    a, b = segs
    assert seed_passages
    for p in seed_passages:
        for seg, span in ((a, p.a), (b, p.b)):
            assert 0 <= span.start < span.end <= len(seg.text)
            assert seg.slice(span).strip() == seg.slice(span)
            assert any(s.start == span.start for s in seg.sentences)
        assert p.kind == "paraphrase"
        assert load_scorer().cut <= p.score <= 1.0  # P(paraphrase) of an accepted pair


def test_pairing_is_one_to_one(segs, seed_passages):
    for side in ("a", "b"):
        spans = sorted(getattr(p, side) for p in seed_passages)
        assert all(x.end <= y.start for x, y in zip(spans, spans[1:]))


def test_split_sentence_comes_back_as_one_passage(enc):
    a, b = segment(MERGE_A), segment(MERGE_B)
    passages = align_paraphrases(a, b, enc)
    long = find(a, "The finance minister resigned on Tuesday")
    (split,) = [p for p in passages if p.a.overlaps(long)]
    assert b.slice(split.b).startswith("On Tuesday the finance minister stepped down")
    assert b.slice(split.b).endswith("by the prime minister.")


def test_merged_sentences_come_back_as_one_passage(enc):
    # The reverse: two sentences of a merged into one of b.
    a = segment(
        "On Tuesday the finance minister stepped down after she lost a vote of confidence in parliament. "
        "Her deputy was named acting head of the treasury by the prime minister."
    )
    b = segment(
        "The finance minister resigned on Tuesday after losing a confidence vote in parliament, "
        "and the prime minister named her deputy as acting head of the treasury."
    )
    (p,) = align_paraphrases(a, b, enc)
    assert p.a == Span(0, len(a.text))


# --- the transformer only for units that could pass ----------------------------------


def _unpruned(monkeypatch, *args, **kwargs):
    """align_paraphrases as it was before units were bounded: every unit embedded and scored."""
    import copytrace.align.paraphrase as para

    with monkeypatch.context() as m:
        m.setattr(para, "best_probability", lambda scorer, features: np.full(len(features), np.inf))
        return align_paraphrases(*args, **kwargs)


MERGE_A = (
    "The ruling party chose a new leader on Monday. "
    "The finance minister resigned on Tuesday after losing a confidence vote in parliament, "
    "and the prime minister named her deputy as acting head of the treasury. "
    "Markets in Asia rose sharply overnight."
)
MERGE_B = (
    "Asian stock markets climbed overnight. "
    "On Tuesday the finance minister stepped down after she lost a vote of confidence in parliament. "
    "Her deputy was named acting head of the treasury by the prime minister. "
    "A new party leader was chosen on Monday."
)


def test_bounding_units_changes_no_passage(monkeypatch, segs, enc, seed_passages):
    from copytrace.align.verbatim import align_verbatim

    a, b = segs
    assert seed_passages == _unpruned(monkeypatch, a, b, enc)
    verbatim = align_verbatim(a, b)
    covered = {"covered_a": [p.a for p in verbatim], "covered_b": [p.b for p in verbatim]}
    assert align_paraphrases(a, b, enc, **covered) == _unpruned(monkeypatch, a, b, enc, **covered)
    split = segment(MERGE_A), segment(MERGE_B)
    assert align_paraphrases(*split, enc) == _unpruned(monkeypatch, *split, enc)
    assert align_paraphrases(*split[::-1], enc) == _unpruned(monkeypatch, *split[::-1], enc)


def test_best_probability_bounds_every_cosine():
    from copytrace.align.pair_scorer import feature_matrix, prepare
    from copytrace.align.paraphrase import best_probability

    scorer = load_scorer()
    sides = [(prepare("The minister resigned on Tuesday."), prepare("On Tuesday the minister stepped down.")),
             (prepare("Stocks fell 3% in Tokyo."), prepare("The recipe needs two eggs."))]
    features = feature_matrix(np.zeros(len(sides)), sides)
    best = best_probability(scorer, features)
    for cosine in np.linspace(scorer.prefilter, 1.0, 11):
        assert (scorer.probability([cosine] * len(sides), sides) <= best + 1e-12).all()


def test_seed_pair_embeds_only_the_sentences_that_could_pair(segs, enc, seed_passages):
    from copytrace.align.verbatim import align_verbatim

    a, b = segs
    verbatim = align_verbatim(a, b)
    covered = {"covered_a": [p.a for p in verbatim], "covered_b": [p.b for p in verbatim]}
    enc._cache.clear()
    before = enc.embedded
    align_paraphrases(a, b, enc, **covered)
    # 27 texts (21 sentences, 6 merged pairs) before units were bounded; now the 8 sentences of
    # the four pairs that could pass (every split or merge is outranked by one of them).
    assert enc.embedded - before <= 8


def test_boilerplate_is_skipped(segs, enc):
    a, b = segs
    lead_b = b.sentences[0]
    passages = align_paraphrases(a, b, enc, skip_b=[lead_b])
    assert not any(p.b.overlaps(lead_b) for p in passages)


def test_sentences_covered_verbatim_are_not_embedded_again(enc):
    text = "The State Department lists the IRGC as a foreign terrorist organization, officials said on Friday."
    a, b = segment(text), segment(text)
    whole = [Span(0, len(text))]
    before = enc.embedded
    assert align_paraphrases(a, b, enc, covered_a=whole, covered_b=whole) == []
    assert enc.embedded == before  # nothing went through the model


def test_a_sentence_partly_covered_can_still_be_paired(segs, enc):
    a, b = segs
    fragment_a = find(a, "the Pentagon says are directly linked to Iran’s Islamic Revolutionary Guard Corps")
    fragment_b = find(b, "the Pentagon claims are directly linked to Iran’s Islamic Revolutionary Guard Corps")
    passages = align_paraphrases(a, b, enc, covered_a=[fragment_a], covered_b=[fragment_b])
    hit = [p for p in passages if p.a.overlaps(fragment_a)]
    assert hit and hit[0].b.contains(fragment_b)


def test_nothing_to_pair(enc):
    assert align_paraphrases(segment(""), segment("Some words here to read."), enc) == []
    a = segment("The recipe calls for two cups of flour and an egg.")
    b = segment("Stocks in Tokyo closed lower on weak export data.")
    assert align_paraphrases(a, b, enc) == []


def test_score_is_the_scorers_probability(segs, enc, seed_passages):
    # The passage's score is P(paraphrase) from the shipped model, recomputed here from scratch.
    from copytrace.align.pair_scorer import prepare

    a, b = segs
    p = next(p for p in seed_passages if "State Department lists the IRGC" in a.slice(p.a))
    x, y = a.slice(p.a), b.slice(p.b)
    u, v = enc.encode([x, y])
    scorer = load_scorer()
    expected = scorer.probability([float(u @ v)], [(prepare(x, static=enc.screen), prepare(y, static=enc.screen))])[0]
    assert p.score == pytest.approx(expected, abs=2e-4)
    assert p.score > scorer.cut


def test_prefilter_bar_sits_below_every_seed_paraphrase(segs, enc, seed_passages):
    a, b = segs
    bar = load_scorer().prefilter
    assert 0.3 < bar < 0.7
    for p in seed_passages:
        u, v = enc.encode([a.slice(p.a), b.slice(p.b)])
        assert float(u @ v) >= bar


# --- the static screen ------------------------------------------------------------


@pytest.fixture(scope="module")
def screen(enc):
    got = enc.screen
    if got is None:
        pytest.skip("no static screen (model2vec missing)")
    return got


def test_screen_keeps_the_seed_pairs_result(segs, enc, screen, seed_passages):
    assert align_paraphrases(*segs, enc, use_screen=False) == seed_passages


def test_screen_drops_sentences_with_no_possible_partner(enc, screen):
    a = segment(
        "The finance minister resigned on Tuesday after losing a confidence vote in parliament. "
        "The recipe calls for two cups of flour, a pinch of salt and an egg. "
        "Heavy snow closed every ski resort in the Alps for the weekend."
    )
    b = segment("On Tuesday the finance minister stepped down after she lost a vote of confidence in parliament.")
    keep_a, keep_b = screened(a, b, [0, 1, 2], [0], screen)
    assert keep_a == [0] and keep_b == [0]
    enc._cache.clear()
    before = enc.embedded
    with_screen = align_paraphrases(a, b, enc)
    assert enc.embedded - before == 2  # the two finance sentences only
    assert with_screen == align_paraphrases(a, b, enc, use_screen=False)
    assert len(with_screen) == 1


def test_screen_keeps_both_halves_of_a_split(enc, screen):
    a = segment(
        "The finance minister resigned on Tuesday after losing a confidence vote in parliament, "
        "and the prime minister named her deputy as acting head of the treasury."
    )
    b = segment(
        "On Tuesday the finance minister stepped down after she lost a vote of confidence in parliament. "
        "Her deputy was named acting head of the treasury by the prime minister."
    )
    assert screened(a, b, [0], [0, 1], screen) == ([0], [0, 1])
    (p,) = align_paraphrases(a, b, enc)
    assert p.b == Span(0, len(b.text))


def screen_loss(path: Path, enc, screen) -> tuple[int, int]:
    """(pairs the pair scorer accepts, of those the screen would drop)."""
    pairs = load_msrp(path)
    first, second = [p.a for p in pairs], [p.b for p in pairs]
    cos = np.einsum("ij,ij->i", enc.encode(first), enc.encode(second))
    static = np.einsum("ij,ij->i", screen.encode(first), screen.encode(second))
    scorer = load_scorer()
    accepted = scorer.decide(paraphrase_fit.msrp_features(pairs, cos, static=screen)) >= scorer.cut
    return int(accepted.sum()), int((accepted & (static < SCREEN_BAR)).sum())


def test_screen_bar_keeps_the_msrp_sample(enc, screen):
    accepted, lost = screen_loss(MSRP_SAMPLE, enc, screen)
    assert accepted > 35
    assert lost <= 1


@pytest.mark.slow
@pytest.mark.skipif(not MSRP.exists(), reason="needs ../shared/eval/msrp")
def test_screen_bar_loses_little_on_msrp(enc, screen):
    accepted, lost = screen_loss(MSRP, enc, screen)
    assert accepted > 2900
    assert lost / accepted <= 0.006  # measured: 13 of the 2,999 pairs the scorer accepts


def test_partner_cap_changes_no_passage_on_ordinary_pairs(monkeypatch, segs, enc, seed_passages):
    """The nearest-partner cap, forced on for texts far below FULL_PAIRS, finds the same passages."""
    from copytrace.align import paraphrase as para

    a, b = segs
    split = segment(MERGE_A), segment(MERGE_B)
    expected = [align_paraphrases(*split, enc), align_paraphrases(*split[::-1], enc)]
    monkeypatch.setattr(para, "FULL_PAIRS", 0)
    assert align_paraphrases(a, b, enc) == seed_passages
    assert [align_paraphrases(*split, enc), align_paraphrases(*split[::-1], enc)] == expected


def test_sentence_sides_are_prepared_once_across_comparisons(monkeypatch):
    """In a scan an article meets several others: its sentences' pair-scorer sides are kept
    (bounded, least recently used out first) rather than prepared again for each comparison."""
    from copytrace.align import paraphrase as P
    from copytrace.segment import segment

    monkeypatch.setattr(P, "_prepared_sides", type(P._prepared_sides)())
    monkeypatch.setattr(P, "SIDE_CACHE", 3)
    made = []
    monkeypatch.setattr(P, "prepare", lambda *a, **k: made.append(a) or object())
    a = segment("The council approved the budget on Monday. Critics said it was too small. Hence the row.")
    b = segment("On Monday the budget was approved by the council.")
    first, again = P._Sides(a, b, None), P._Sides(a, b, None)
    assert first.a((0,)) is again.a((0,)) and first.a((0, 1)) is again.a((0, 1))
    assert len(made) == 2
    assert first.b((0,)) is not first.a((0,))  # another text, another side
    for k in range(3):
        first.a((k,))
    assert len(P._prepared_sides) == 3  # bounded
    P._Sides(a, b, None).a((0, 1))  # evicted (least recently used), so prepared again
    assert len(made) == 6


def test_rooms_tighten_and_hold_every_passage_the_verdict_counts(segs, enc):
    """The scan's bounds on what paraphrase could add: the static screen's, then the one that
    also asks whether a unit's lexical features let it reach the scorer's cut. Every passage
    at the cut stays inside the tighter one; asking for it costs align_paraphrases nothing
    more (the unit features are kept for the same sentences)."""
    from copytrace.align import paraphrase as P
    from copytrace.align.verbatim import align_verbatim
    from copytrace.analyse.coverage import covered_share

    a, b = segs
    verbatim = align_verbatim(a, b)
    covered = {"covered_a": [p.a for p in verbatim], "covered_b": [p.b for p in verbatim]}
    P._last_weighed[0] = None
    screen_room, reachable = P.rooms(a, b, enc.screen, **covered)
    assert reachable[0] < screen_room[0] / 2 and reachable[1] < screen_room[1] / 2  # seed pair: 0.49 -> 0.11

    weighed = P._last_weighed[0][2]
    passages = align_paraphrases(a, b, enc, **covered)
    assert P._last_weighed[0][2] is weighed  # reused, not computed again
    P._last_weighed[0] = None
    assert align_paraphrases(a, b, enc, **covered) == passages  # and the same as computing afresh

    counted = [p for p in passages if p.score >= load_scorer().cut]
    assert counted
    for side, seg, room_ in (("a", a, reachable[0]), ("b", b, reachable[1])):
        before = covered_share(seg, covered[f"covered_{side}"])
        after = covered_share(seg, covered[f"covered_{side}"] + [getattr(p, side) for p in counted])
        assert 0 < after - before <= room_ + 1e-9


def test_token_set_left_out_only_where_it_cannot_matter(segs, enc):
    """The token-set similarity, the dearest feature, is computed only for units that could
    reach the cut with the rest known: every unit left without it stays under the cut at its
    true value, the bound taken in its place is never below the truth, and the rows computed
    are the full features."""
    from copytrace.align import paraphrase as P
    from copytrace.align.pair_scorer import TOKEN_SET, feature_matrix

    a, b = segs
    scorer = load_scorer()
    sa, sb = P._eligible(a, (), ()), P._eligible(b, (), ())
    units = P._units(sa, sb)
    sides = P._Sides(a, b, enc.screen)
    partial = sides.features(units, scorer.cut)
    full = partial.copy()
    sides.fill(full, units, range(len(units)))
    assert np.array_equal(full, feature_matrix(np.zeros(len(units)), [(sides.a(x), sides.b(y)) for x, y in units]))
    left_out = np.isnan(partial[:, TOKEN_SET])
    assert 0 < left_out.sum() < len(units)  # most seed units cannot pair; some can
    assert np.array_equal(partial[~left_out], full[~left_out])
    exact, bound = P.best_probability(scorer, full), P.best_probability(scorer, partial)
    assert (bound >= exact - 1e-12).all()
    assert (exact[left_out] < scorer.cut).all() and (bound[left_out] < scorer.cut).all()
    assert (exact[~left_out] >= scorer.cut).any()

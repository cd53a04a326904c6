"""The learned verdict: the shipped model's behaviour, its file format, and the scan's bound."""
import json
from datetime import datetime, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace.errors import InputError
from copytrace.verdict import FEATURES, Evidence, default_model, features, judge, load_model

COPY = dict(verbatim_a=0.97, verbatim_b=0.96, words_a=400, words_b=410, longest_run=380, long_runs=1, units=1,
            in_order=1, identity=0.99, facts=30)


def test_a_copy_is_wholly_derived_and_unrelated_texts_are_not():
    assert judge(Evidence(**COPY)).label == "wholly"
    assert judge(Evidence(words_a=400, words_b=380)).label == "non"


def test_non_derived_has_no_direction():
    v = judge(Evidence(words_a=400, words_b=380))
    assert v.direction == "unknown" and v.score < 0.5


def test_score_is_a_probability_that_rises_with_reuse():
    scores = [judge(Evidence(verbatim_a=v, verbatim_b=v, words_a=400, words_b=400, longest_run=int(400 * v),
                             long_runs=int(v > 0.05), units=1, in_order=1, identity=0.95)).score
              for v in (0.0, 0.1, 0.3, 0.6, 0.95)]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores) and scores[0] < 0.5 < scores[-1]


def test_a_long_copied_run_counts_however_long_the_documents():
    # Three copied paragraphs (150 words) inside a document ten times longer.
    e = Evidence(verbatim_a=0.6, verbatim_b=0.06, words_a=250, words_b=2500, longest_run=150, long_runs=3,
                 units=3, in_order=3, identity=0.99, facts=12)
    assert judge(e).label == "partially"


def test_a_long_copied_passage_whose_facts_agree_is_derived_however_small_its_share():
    """A 52-word paragraph copied into a 700-word article: a 7% share, which the learned heads
    put among unrelated pairs on one story (held-out generated pairs, P 0.28)."""
    from copytrace.verdict import COPIED_RUN, COPIED_SCORE

    e = Evidence(verbatim_a=0.071, verbatim_b=0.073, words_a=734, words_b=717, longest_run=52, long_runs=1,
                 units=1, in_order=1, identity=1.0, longest_exact=52, facts=5)
    assert judge(e).label == "partially" and judge(e).score >= COPIED_SCORE
    short = Evidence(**{**e.__dict__, "longest_run": COPIED_RUN - 1, "longest_exact": COPIED_RUN - 1})
    changed = Evidence(**{**e.__dict__, "facts_differ": 1})  # a fact changed: the heads decide alone
    for e in (short, changed):
        assert judge(e).score == round(default_model().derived.proba(features(e)), 4) < COPIED_SCORE


def test_a_pair_a_long_copied_passage_lifts_waits_for_the_sentence_model():
    """The scan skips the sentence model for a settled pair. A paraphrase found later may add a
    changed fact and end the lift, so such a pair is settled only if the heads alone decide."""
    m = default_model()
    e = Evidence(verbatim_a=0.071, verbatim_b=0.073, words_a=734, words_b=717, longest_run=52, long_runs=1,
                 units=1, in_order=1, identity=1.0, longest_exact=52, facts=5)
    assert m.judge(e).label == "partially"
    assert not m.settled(e, room=(0.01, 0.01))  # the heads alone would say non, a paraphrase could end the lift
    ended = Evidence(**{**e.__dict__, "paraphrase_a": 0.01, "paraphrase_b": 0.01, "units": 2, "in_order": 2,
                        "facts": 6, "facts_differ": 1})
    assert m.judge(ended).label == "non"  # what a paraphrase could have made of it


def test_a_template_with_every_fact_changed_is_not_a_copy():
    # Same frames, other figures and names: aligned, but the facts inside disagree.
    copy = Evidence(verbatim_a=0.7, verbatim_b=0.7, words_a=120, words_b=120, longest_run=12, long_runs=4,
                    units=5, in_order=5, identity=0.97, facts=14, facts_differ=0)
    template = Evidence(**{**copy.__dict__, "facts_differ": 14, "identity": 0.8})
    assert judge(template).score < judge(copy).score


def test_publication_time_decides_direction_naive_and_aware_alike():
    early, late = datetime(2023, 1, 1, tzinfo=timezone.utc), datetime(2023, 1, 2)  # late is naive
    v = judge(Evidence(**COPY, published_a=early, published_b=late))
    assert v.direction == "a->b"
    v = judge(Evidence(**COPY, published_a=late, published_b=early))
    assert v.direction == "b->a"


def test_direction_model_is_antisymmetric():
    """Swapping the texts swaps the direction: the model cannot prefer a for coming first."""
    m = default_model()
    e = Evidence(verbatim_a=0.35, verbatim_b=0.9, words_a=900, words_b=300, longest_run=120, long_runs=4, units=4,
                 in_order=4, identity=0.95, reported_credits_b=1)
    swapped = Evidence(verbatim_a=0.9, verbatim_b=0.35, words_a=300, words_b=900, longest_run=120, long_runs=4,
                       units=4, in_order=4, identity=0.95, reported_credits_a=1)
    d1, d2 = m.judge(e).direction, m.judge(swapped).direction
    assert {d1, d2} == {"a->b", "b->a"} or d1 == d2 == "unknown"


def test_features_are_symmetric():
    e = Evidence(verbatim_a=0.2, verbatim_b=0.7, paraphrase_a=0.1, paraphrase_b=0.05, words_a=100, words_b=40)
    f = Evidence(verbatim_a=0.7, verbatim_b=0.2, paraphrase_a=0.05, paraphrase_b=0.1, words_a=40, words_b=100)
    assert np.allclose(features(e), features(f))


shares = st.floats(0.0, 1.0)


@settings(max_examples=300, deadline=None)
@given(va=shares, vb=shares, pa=shares, pb=shares, close=shares, order=shares, facts=shares, differ=shares,
       run=st.integers(0, 400), units=st.integers(0, 30), screen=shares, agreed=st.booleans())
def test_settled_bounds_every_paraphrase_outcome(va, vb, pa, pb, close, order, facts, differ, run, units, screen,
                                                 agreed):
    """When the scan skips the sentence model, no paraphrase evidence could have changed the verdict."""
    m = default_model()
    words_a, words_b = 300, 250
    lexical = Evidence(verbatim_a=va, verbatim_b=vb, words_a=words_a, words_b=words_b, longest_run=run,
                       long_runs=min(run // 8, 5), units=units, in_order=units, identity=0.9, facts=10,
                       facts_differ=0 if agreed else 2)  # agreed: copied_outright may hold
    room = (screen * (1 - va), screen * (1 - vb))
    if not m.settled(lexical, floor=0.5, room=room):
        return
    # Whatever the sentence model then finds, within that room:
    pa, pb = pa * room[0], pb * room[1]
    most_units = int(min(pa * words_a, pb * words_b) // 4)
    extra = int(order * most_units)
    new_facts = int(facts * (pa * words_a + pb * words_b))
    full = Evidence(**{**lexical.__dict__, "paraphrase_a": pa, "paraphrase_b": pb,
                       "close_paraphrase_a": pa * close, "close_paraphrase_b": pb * close,
                       "units": units + extra, "in_order": units + int(extra * order),
                       "facts": 10 + new_facts, "facts_differ": lexical.facts_differ + int(new_facts * differ)})
    before, after = m.judge(lexical), m.judge(full)
    kept = lambda v: v.label != "non" and v.score >= 0.5
    if kept(before) or kept(after):
        assert (before.label, before.direction) == (after.label, after.direction)


def test_settled_needs_room_for_a_rewrite():
    m = default_model()
    nothing = Evidence(words_a=300, words_b=300)
    assert not m.settled(nothing)  # every sentence could be a paraphrase: a full rewrite is possible
    assert m.settled(nothing, room=(0.0, 0.0))  # the static screen pairs no sentence: non for sure
    copy = Evidence(**COPY)
    assert m.settled(copy, room=(0.0, 0.0))  # nothing left to pair: a copy stays a copy


def test_model_file_round_trips(tmp_path):
    m = default_model()
    m.save(tmp_path / "m.json")
    again = load_model(tmp_path / "m.json")
    e = Evidence(**COPY)
    assert again.judge(e) == m.judge(e)
    assert json.loads((tmp_path / "m.json").read_text())["features"] == list(FEATURES)


@pytest.mark.parametrize("content, problem", [
    ("{not json", "not a verdict model"),
    ('{"format": "something-else"}', "format"),
    ('{"format": "copytrace-verdict/2", "features": ["x"], "direction_features": []}', "features"),
])
def test_a_bad_model_file_is_a_one_line_error(tmp_path, content, problem):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError, match=problem) as info:
        load_model(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_shipped_model_says_what_it_was_trained_on():
    info = default_model().info
    assert "Clough" in info["trained_on"] and info["clough_stevenson_cv"]["folds"] == 10


def test_the_bound_assumes_the_aligner_s_smallest_paraphrase():
    from copytrace.align.paraphrase import MIN_WORDS
    from copytrace.verdict import MIN_UNIT_WORDS

    assert MIN_UNIT_WORDS == MIN_WORDS  # settled() counts at most one new unit per MIN_UNIT_WORDS words


# The generated wire pair the rule was written for: one weather-report frame, every figure other.
TEMPLATE = dict(verbatim_a=0.375, verbatim_b=0.587, paraphrase_a=0.125, paraphrase_b=0.196, close_paraphrase_a=0.125,
                close_paraphrase_b=0.196, words_a=72, words_b=46, longest_run=27, long_runs=1, units=3, in_order=3,
                facts=20, facts_differ=14, numbers=12, numbers_differ=12, longest_exact=9, identity=0.85)


def test_a_template_filed_again_with_other_figures_is_not_derived_a_copy_keeping_some_is():
    assert judge(Evidence(**TEMPLATE)).label == "non"
    # The same frame where two figures agree is an update of one report, left to the learned heads.
    kept = judge(Evidence(**{**TEMPLATE, "numbers_differ": 10, "facts_differ": 12}))
    assert kept.label != "non", kept
    # A long stretch shared unchanged is a copy whatever its figures say.
    assert judge(Evidence(**{**TEMPLATE, "longest_exact": 25})).label != "non"


def test_a_pair_that_may_still_prove_a_template_is_not_settled_before_the_sentence_model():
    model = default_model()
    verbatim_only = Evidence(**{**TEMPLATE, "paraphrase_a": 0.0, "paraphrase_b": 0.0, "close_paraphrase_a": 0.0,
                                "close_paraphrase_b": 0.0})
    assert not model.settled(verbatim_only, floor=0.5)


def test_with_a_corpus_two_templated_reports_whose_figures_mostly_differ_are_not_derived():
    # Scan view of two central-bank reports: the common frame is gone, the bank and the
    # decision agree, the two figures left differ.
    pair = dict(verbatim_a=0.48, verbatim_b=0.67, words_a=46, words_b=33, longest_run=22, long_runs=1, units=1,
                in_order=1, facts=5, facts_differ=2, numbers=2, numbers_differ=2, longest_exact=13, identity=0.9)
    assert judge(Evidence(**pair)).label != "non"  # without the corpus: nothing says template
    assert judge(Evidence(**pair, templated=True)).label == "non"
    # A copy of a templated report keeps its figures: still derived.
    assert judge(Evidence(**{**pair, "numbers_differ": 0, "facts_differ": 0}, templated=True)).label != "non"


def test_with_a_corpus_a_brief_naming_another_day_than_its_match_is_another_filing_of_the_frame():
    """A same-beat brief ("Central Bank of Chile left unchanged rate at 4.11 pct. The Central Bank of
    Chile left unchanged its benchmark interest rate at 4.11 percent on Tuesday, ...") against
    another report of its beat that says Wednesday: a 25-word unedited run, one figure, kept."""
    from copytrace.analyse.evidence import changed_dates
    from copytrace.pipeline import align_verbatim
    from copytrace.segment import segment

    lead = "The Central Bank of Chile left unchanged its benchmark interest rate at 4.11 percent on {}, the bank said."
    a, b = segment(lead.format("Tuesday")), segment(lead.format("Wednesday") + " Inflation stood at 19.1 percent.")
    passages = align_verbatim(a, b)
    assert changed_dates(a, b, passages) == 2 and changed_dates(a, a, align_verbatim(a, a)) == 0
    pair = dict(verbatim_a=1.0, verbatim_b=0.18, words_a=2, words_b=11, longest_run=32, long_runs=1, units=1,
                in_order=1, facts=6, facts_differ=2, numbers=1, names=5, names_differ=2, longest_exact=25,
                identity=0.97, figures_kept=1.0)
    assert judge(Evidence(**pair, templated=True)).label != "non"  # no rule fires on what it had before
    assert judge(Evidence(**pair, templated=True, dates_differ=2)).label == "non"
    assert judge(Evidence(**pair, dates_differ=2)).label != "non"  # without the corpus: nothing says template
    assert default_model().settled(Evidence(**pair, templated=True, dates_differ=2))  # no paraphrase changes it


def test_with_a_corpus_templated_reports_keeping_few_of_each_others_figures_are_not_derived():
    # A scan's view of two rain reports from one template: a 9-word passage through the frames
    # ("... 29 degrees Celsius. More rain is expected over the next") whose one figure agrees by chance.
    pair = dict(verbatim_a=0.09, verbatim_b=0.27, words_a=32, words_b=11, longest_run=9, long_runs=1, units=1,
                in_order=1, facts=7, facts_differ=4, numbers=2, numbers_differ=0, longest_exact=9, identity=1.0)
    assert judge(Evidence(**pair, templated=True)).label != "non"  # the aligned figures say nothing
    assert judge(Evidence(**pair, templated=True, figures_kept=0.2)).label == "non"
    # A rewrite keeps its figures; and without the corpus's word the share is not used.
    assert judge(Evidence(**pair, templated=True, figures_kept=0.9)).label != "non"
    assert judge(Evidence(**pair, figures_kept=0.2)).label != "non"
    model = load_model()
    assert model.settled(Evidence(**{**pair, "verbatim_a": 0.0, "verbatim_b": 0.0}, templated=True,
                                  figures_kept=0.2), floor=0.5)


def test_with_a_corpus_templated_reports_whose_aligned_names_differ_are_not_derived():
    # A scan's view of two tender-offer reports from one template (100,000 same-beat reports): the
    # frame aligns, two figures agree by chance, the bidder and the target are other companies.
    pair = dict(verbatim_a=0.35, verbatim_b=0.6, words_a=60, words_b=35, longest_run=14, long_runs=2, units=3,
                in_order=3, facts=9, facts_differ=4, numbers=3, numbers_differ=1, longest_exact=14, identity=0.9)
    assert judge(Evidence(**pair, templated=True)).label != "non"  # the figures say copy
    assert judge(Evidence(**pair, templated=True, names=4, names_differ=4)).label == "non"
    assert judge(Evidence(**pair, templated=True, names=3, names_differ=2)).label == "non"
    # A copy or a rewrite keeps the names; a long unedited stretch is a copy whatever they say;
    # and without the corpus's word the names are not read this way.
    assert judge(Evidence(**pair, templated=True, names=4, names_differ=1)).label != "non"
    assert judge(Evidence(**{**pair, "longest_exact": 25}, templated=True, names=4, names_differ=4)).label != "non"
    assert judge(Evidence(**pair, names=4, names_differ=4)).label != "non"
    # Before the sentence model: paraphrased passages may still bring names that differ.
    model = load_model()
    verbatim_only = Evidence(**{**pair, "facts": 4, "facts_differ": 0, "numbers": 1, "numbers_differ": 0},
                             templated=True, names=1, names_differ=0)
    assert not model.settled(verbatim_only, floor=0.5)


def test_name_agreement_counts_names_of_aligned_passages_outside_credits_and_furniture():
    from copytrace.analyse.evidence import name_agreement
    from copytrace.segment import segment
    from copytrace.types import Passage, Span

    a = segment("Daltek Resources said it has begun a tender offer for Norex Corp at 41 dollars a share.")
    b = segment("Corex Group said it has begun a tender offer for Norex Corp at 41 dollars a share. "
                "The story was first reported by Global Feed.")
    whole = lambda seg: Span(0, seg.text.index(".") + 1)
    p = [Passage("verbatim", whole(a), whole(b), 0.8)]
    # Daltek / Corex differ (the sentence's first word is a name here too, but grammar capitalises it,
    # so only Resources / Group count); Norex and Corp agree.
    assert name_agreement(a, b, p) == (2, 4)
    credit = Span(b.text.index("The story"), len(b.text))
    with_credit = [Passage("verbatim", whole(a), Span(0, len(b.text)), 0.8)]
    assert name_agreement(a, b, with_credit, (), [credit]) == (2, 4)  # Global Feed is skipped
    assert name_agreement(a, b, with_credit)[1] == 6
    assert name_agreement(a, b, []) == (0, 0)


def test_facts_beyond_a_passage_count_where_both_texts_changed_them_not_where_a_copy_was_pasted_together():
    from copytrace.analyse.evidence import fact_agreement
    from copytrace.segment import segment
    from copytrace.types import Passage, Span

    def verbatim(a, b, phrase_a, phrase_b=None):
        phrase_b = phrase_b or phrase_a
        i, j = a.text.index(phrase_a), b.text.index(phrase_b)
        return Passage("verbatim", Span(i, i + len(phrase_a)), Span(j, j + len(phrase_b)), 1.0)

    # A template: the passage stops at the changed figures, which both texts hold just beyond it.
    a = segment("Thailand exported 56,652 tonnes of rice in the week ended April 7.")
    b = segment("Thailand exported 61,200 tonnes of rice in the week ended April 14.")
    assert fact_agreement(a, b, [verbatim(a, b, "tonnes of rice in the week ended")])[2:] == (4, 4)
    # A copy pasted together from two stretches of its source: what the source says between them
    # (a name, a year) was left out, not changed, and the copy goes straight on with its next passage.
    source = segment("The engine was designed in Cambridge by Charles Babbage in 1837 for the Navy. "
                     "It was never finished because funding ran out.")
    copy = segment("The engine was designed in Cambridge. It was never finished because funding ran out.")
    pasted = [verbatim(source, copy, "The engine was designed in Cambridge"),
              verbatim(source, copy, "It was never finished because funding ran out.")]
    assert fact_agreement(source, copy, pasted) == (0, 1, 0, 0)  # only Cambridge, on both sides
    # Rewritten between two passages on both sides: the facts there count again.
    other = segment("The engine was designed in Cambridge by Ada Lovelace in 1843 for the Navy. "
                    "It was never finished because funding ran out.")
    both = [verbatim(source, other, "The engine was designed in Cambridge by"),
            verbatim(source, other, "for the Navy. It was never finished because funding ran out.")]
    differ, total, numbers_differ, numbers = fact_agreement(source, other, both)
    assert numbers_differ == numbers == 2 and differ >= 4


def test_figures_kept_counts_the_figures_of_the_text_with_fewer():
    from copytrace.analyse.evidence import figures_kept

    a = "Exports rose 12 percent to 4,500 tonnes in week 7. Prices were 310 dollars."
    b = "Exports rose 12 percent to 4,500 tonnes."
    c = "Exports fell 9 percent to 3,100 tonnes in week 7."
    assert figures_kept(a, b) == 1.0
    assert figures_kept(a, c) == 1 / 3
    assert figures_kept("Lows of -4 and 31.", "Lows of 4 and 31.") == 1 / 2  # -4 is not 4
    assert figures_kept(a, "No figures here.") is None


def test_the_tree_ensemble_walked_all_at_once_gives_each_trees_own_leaf():
    """Trees.logit walks every tree at once on one flat array of nodes; it must add the same leaves, in the
    same order, as walking each tree node by node."""
    import random

    model = load_model()
    rng = random.Random(0)
    for head in (model.derived, model.wholly):
        n = len(head.monotone)
        for _ in range(300):
            x = np.array([rng.choice([0.0, 1.0, rng.random(), rng.random() * 40]) for _ in range(n)])
            total = head.base
            for t in head.trees:
                node = 0
                while t["feature"][node] >= 0:
                    node = t["left"][node] if x[t["feature"][node]] <= t["threshold"][node] else t["right"][node]
                total += t["value"][node]
            assert head.logit(x) == total


def test_trees_score_many_rows_at_once_as_one_by_one():
    model = load_model()
    rng = np.random.default_rng(1)
    for head in (model.derived, model.wholly):
        X = rng.random((50, len(head.monotone))) * rng.choice([1.0, 5.0, 40.0], size=(50, 1))
        assert head.logits(X) == [head.logit(x) for x in X]

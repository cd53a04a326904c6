from pathlib import Path

import pytest

from copytrace.analyse.changes import find_changes
from copytrace.segment import segment
from copytrace.types import Passage, Span

SEEDS = Path(__file__).parent / "data" / "seeds"


@pytest.fixture(scope="module")
def seeds():
    a = segment((SEEDS / "000.txt").read_text(encoding="utf-8"))
    b = segment((SEEDS / "003.txt").read_text(encoding="utf-8"))
    return a, b


def _sentence(seg, starts_with):
    for s in seg.sentences:
        if seg.slice(s).startswith(starts_with):
            return s
    raise AssertionError(f"no sentence starts with {starts_with!r}")


def _seed_changes(seeds, start_a, start_b, kind="paraphrase"):
    a, b = seeds
    pair = Passage(kind, _sentence(a, start_a), _sentence(b, start_b), 0.9)
    return [(c.kind, c.a_text, c.b_text) for c in find_changes(a, b, [pair])]


def _changes(x, y, kind="verbatim"):
    a, b = segment(x), segment(y)
    pair = Passage(kind, Span(0, len(x)), Span(0, len(y)), 1.0)
    return [(c.kind, c.a_text, c.b_text) for c in find_changes(a, b, [pair])]


def test_seed_two_sides_two_countries_is_an_entity_change(seeds):
    found = _seed_changes(seeds, "U.S. forces on Thursday", "The U.S. launched")
    assert ("entity", "the two sides", "the two countries") in found
    assert ("attribution", "", "CNN reported") in found


def test_seed_says_claims_is_an_attribution_change(seeds):
    found = _seed_changes(seeds, "Thursday’s U.S. strikes", "The U.S. strikes on Thursday")
    assert ("attribution", "says", "claims") in found
    assert not any(kind == "date" for kind, _, _ in found)  # "Thursday’s" moved, not changed


def test_seed_lists_has_designated_is_an_attribution_change(seeds):
    found = _seed_changes(seeds, "The State Department lists", "The U.S. State Department")
    assert ("attribution", "lists", "has designated") in found


def test_seed_wednesday_night_last_week_is_a_date_change(seeds):
    found = _seed_changes(seeds, "Thursday’s American counterstrikes", "The American counterattacks")
    assert ("date", "Wednesday night", "last week") in found
    entity = [(a, b) for kind, a, b in found if kind == "entity"]
    assert any("Mission Support Site Conoco" in a and "al-Tanf garrison" in b for a, b in entity)


def test_seed_at_least_four_four_is_a_hedge_change(seeds):
    found = _seed_changes(seeds, "At least four militants", "“Over the past 24 hours")
    assert ("hedge", "At least four", "four") in found
    assert not any(kind == "number" for kind, _, _ in found)  # 4 and 7 on both sides


def test_seed_four_two_or_three_is_a_number_change(seeds):
    a, b = seeds
    s = _sentence(b, "In the initial defensive")
    start = b.text.index("killed two or three", s.start)
    src = _sentence(a, "At least four militants")
    pair = Passage("paraphrase", Span(src.start, src.start + 37), Span(start, start + 41), 0.8)
    found = [(c.kind, c.a_text, c.b_text) for c in find_changes(a, b, [pair])]
    assert ("number", "four", "two or three") in found


def test_seed_identical_quote_has_no_changes(seeds):
    assert _seed_changes(seeds, "“No group will strike", "“No group will strike", "verbatim") == []


def test_seed_change_spans_are_slices_of_the_texts(seeds):
    a, b = seeds
    pairs = [Passage("paraphrase", sa, sb, 0.8) for sa in a.sentences for sb in b.sentences[:4]]
    changes = find_changes(a, b, pairs)
    assert changes
    for c in changes:
        assert a.text[c.a.start : c.a.end] == c.a_text
        assert b.text[c.b.start : c.b.end] == c.b_text
        assert c.a_text or c.b_text


@pytest.mark.parametrize(
    "x, y, expected",
    [
        ("Four militants were killed.", "Two or three militants were killed.", ("number", "Four", "Two or three")),
        ("The strike killed 12 people.", "The strike killed 15 people.", ("number", "12", "15")),
        ("Rockets hit the base on Thursday.", "Rockets hit the base the day before.", ("date", "Thursday", "the day before")),
        ("The attack happened on August 16.", "The attack happened on August 17.", ("date", "16", "17")),
        ("Biden met Macron in Paris.", "Biden met Scholz in Paris.", ("entity", "Macron", "Scholz")),
        ("The minister said the deal was fair.", "The minister alleged the deal was fair.", ("attribution", "said", "alleged")),
        ("The strike killed about 20 people.", "The strike killed 20 people.", ("hedge", "about 20", "20")),
        ("Up to 300 troops were sent.", "300 troops were sent.", ("hedge", "Up to 300", "300")),
        ("The militia reportedly fired rockets.", "The militia fired rockets.", ("hedge", "reportedly", "")),
        ("The army did not confirm the strike.", "The army confirmed the strike.", ("negation", "did not confirm", "confirmed")),
        ("The army confirmed the strike.", "The army didn't confirm the strike.", ("negation", "confirmed", "didn't confirm")),
        ("There were casualties.", "There were no casualties.", ("negation", "", "no")),
        ("The talks collapsed on Monday.", "The talks resumed on Monday.", ("other", "collapsed", "resumed")),
    ],
)
def test_constructed_changes_by_kind(x, y, expected):
    assert _changes(x, y) == [expected]


@pytest.mark.parametrize(
    "x, y",
    [
        ("The servicemembers were hurt in Deir ez-Zor, officials said.",
         "The service members were hurt in Deir-ez-Zor; Officials said!"),
        ("THE ORGANISATION WAS FOUNDED IN 1990.", "The organization was founded in 1990."),
        ("Seven rocket launchers were destroyed.", "7 rocket launchers were destroyed."),
        ("Twenty-four people died.", "24 people died."),
        ("Officials said 1,000 people fled.", "Officials said 1000 people fled."),
        ("The attack happened on Aug. 16, 2023.", "The attack happened on August 16, 2023."),
        ("Thursday's strikes hit the base.", "The strikes on Thursday hit the base."),
        ("Iran’s “proxies” fired.", "Iran's \"proxies\" fired."),
    ],
)
def test_form_only_rewrites_are_not_changes(x, y):
    assert _changes(x, y) == []


def test_insertion_has_an_empty_span_in_place():
    x, y = "Two were hurt.", "Two were hurt, CNN reported."
    a, b = segment(x), segment(y)
    [c] = find_changes(a, b, [Passage("verbatim", Span(0, len(x)), Span(0, len(y)), 1.0)])
    assert c.kind == "attribution" and c.b_text == "CNN reported"
    assert c.a.start == c.a.end == x.index(".")


def test_overlapping_passages_report_a_change_once():
    x, y = "Rockets hit the base on Thursday.", "Rockets hit the base on Friday."
    a, b = segment(x), segment(y)
    whole = Passage("paraphrase", Span(0, len(x)), Span(0, len(y)), 0.9)
    part = Passage("verbatim", Span(8, len(x)), Span(8, len(y)), 0.9)
    assert [c.kind for c in find_changes(a, b, [whole, part])] == ["date"]


def test_no_passages_no_changes(seeds):
    a, b = seeds
    assert find_changes(a, b, []) == []


@pytest.mark.parametrize(
    "x, y, expected",
    [
        ("The fund lost 1.000.000 euros.", "The fund lost 2.000.000 euros.", ("number", "1.000.000", "2.000.000")),
        ("The server at 192.168.0.1 was hit.", "The server at 192.168.0.7 was hit.",
         ("number", "192.168.0.1", "192.168.0.7")),
        ("The raid came on 16.08.2023 at dawn.", "The raid came on 17.08.2023 at dawn.",
         ("date", "16.08.2023", "17.08.2023")),
    ],
)
def test_numbers_with_several_dots_are_values(x, y, expected):
    assert _changes(x, y) == [expected]


@pytest.mark.parametrize(
    "x, y, expected",
    [
        ("The raid came on May 5 at dawn.", "The raid came on June 5 at dawn.", ("date", "May", "June")),
        ("May 5 was the day of the raid.", "June 5 was the day of the raid.", ("date", "May", "June")),
        ("The talks began in May.", "The talks began in June.", ("date", "May", "June")),
        ("The rebels may have fired first.", "The rebels have fired first.", ("hedge", "may", "")),
        ("May the army strike again?", "Will the army strike again?", ("hedge", "May", "")),
        ("US troops were hit.", "UK troops were hit.", ("entity", "US", "UK")),
        ("They fired at us.", "They fired at the US.", ("entity", "", "US")),
    ],
)
def test_ambiguous_words_are_read_in_context(x, y, expected):
    assert _changes(x, y) == [expected]


@pytest.mark.parametrize(
    "x, y",
    [
        ("They told us the truth.", "They told them the truth."),  # pronouns are function words
        ("US troops were hit.", "U.S. troops were hit."),
    ],
)
def test_us_the_pronoun_and_us_the_country_spelled_alike(x, y):
    assert _changes(x, y) == []


@pytest.fixture(scope="module")
def seed_comparison():
    from copytrace import compare

    return compare((SEEDS / "000.txt").read_text(encoding="utf-8"), (SEEDS / "003.txt").read_text(encoding="utf-8"))


def test_seed_pair_reports_the_brief_changes(seed_comparison):
    found = {(c.kind, c.a_text, c.b_text) for c in seed_comparison.changes}
    assert ("entity", "the two sides", "the two countries") in found
    assert ("attribution", "says", "claims") in found
    assert ("date", "Wednesday night", "last week") in found
    assert ("entity", "Mission Support Site Conoco and Mission Support Site Green Village", "al-Tanf garrison") in found
    assert ("hedge", "At least four", "four") in found
    assert ("attribution", "lists", "has designated") in found
    assert ("other", "revive", "resurrect") in found


def test_seed_pair_changes_are_short_disjoint_and_facts_first(seed_comparison):
    changes = seed_comparison.changes
    assert all(len(c.a_text.split()) <= 12 and len(c.b_text.split()) <= 12 for c in changes)
    for side in ("a", "b"):
        spans = sorted(getattr(c, side) for c in changes if getattr(c, side).end > getattr(c, side).start)
        assert all(x.end <= y.start for x, y in zip(spans, spans[1:])), side
    kinds = [c.kind for c in changes]
    assert "other" in kinds and kinds.index("other") == len(kinds) - kinds.count("other")
    facts = [c for c in changes if c.kind != "other"]
    assert facts == sorted(facts, key=lambda c: (c.a, c.b))


def test_seed_pair_no_change_pairs_unrelated_clauses(seed_comparison):
    texts = [(c.a_text, c.b_text) for c in seed_comparison.changes]
    assert not any("resulting" in b and "Pentagon" in a for a, b in texts)
    assert not any(a == "battle between the two sides comes" and c.kind == "entity"
                   for c, (a, _) in zip(seed_comparison.changes, texts))


def test_a_sentence_end_on_one_side_only_splits_the_clauses():
    found = _changes("The base was hit, officials said. At least four died.", "The base was hit, killing four.")
    assert ("hedge", "At least four", "four") in found
    assert not any(a and b for kind, a, b in found if kind != "hedge")  # "officials said" is not paired with "killing"


def test_a_hedged_number_is_shown_once():
    found = _changes("At least four militants were killed.", "Four enemy fighters were killed.")
    assert ("hedge", "At least four", "Four") in found
    assert ("entity", "militants", "enemy fighters") in found


def test_a_rewritten_clause_longer_than_twelve_words_is_not_a_change():
    x = "The talks collapsed on Monday."
    y = ("The talks, which diplomats from three continents had prepared through a long and difficult "
         "winter of meetings, collapsed on Monday.")
    assert _changes(x, y) == []


def test_facts_come_before_wording_each_in_reading_order():
    found = _changes("The talks collapsed when envoys met Monday in Paris, officials said.",
                     "The talks stalled when envoys met Tuesday in Berlin, officials claimed.")
    assert found == [("date", "Monday", "Tuesday"), ("entity", "Paris", "Berlin"),
                     ("attribution", "said", "claimed"), ("other", "collapsed", "stalled")]

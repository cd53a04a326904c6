"""Quoted speech: found, matched across texts, alterations flagged."""
from pathlib import Path

import pytest

from copytrace.align.quotes import align_quotes, find_quotes
from copytrace.segment import segment

SEEDS = Path(__file__).parent / "data" / "seeds"


@pytest.fixture(scope="module")
def segs():
    return segment((SEEDS / "000.txt").read_text()), segment((SEEDS / "003.txt").read_text())


def quotes(text: str) -> list[str]:
    seg = segment(text)
    return [seg.slice(q) for q in find_quotes(seg)]


def test_quote_span_is_the_words_inside_the_marks():
    assert quotes('“We will respond appropriately,” he said.') == ["We will respond appropriately"]
    assert quotes('He said "the deal is off" and left.') == ["the deal is off"]


def test_a_quote_runs_over_several_sentences():
    text = "“No group will strike with impunity. We will defend our people.” said the general."
    assert quotes(text) == ["No group will strike with impunity. We will defend our people"]


def test_nicknames_and_scare_quotes_are_not_speech(segs):
    a, _ = segs
    found = [a.slice(q) for q in find_quotes(a)]
    assert "Erik" not in found
    assert not any(q == "Erik" or q.startswith("Erik") for q in found)
    assert quotes("Gen. Michael “Erik” Kurilla called the plan “very bold” yesterday.") == []


def test_short_speech_that_opens_a_sentence_is_a_quote():
    assert quotes("“No,” he said.") == ["No"]


def test_apostrophes_are_not_single_quotes():
    assert quotes("Iran’s troops and the soldiers’ families met at Tehran’s gate.") == []
    assert quotes("He called it ‘a reckless act of war’ on Monday.") == ["a reckless act of war"]


def test_an_unclosed_quote_runs_to_the_end_of_its_paragraph():
    text = "“We will not stop until the job is done. Nobody should doubt it\n“We will win,” he said."
    assert quotes(text) == ["We will not stop until the job is done. Nobody should doubt it", "We will win"]


def test_seed_quotes_are_found(segs):
    a, b = segs
    found_a = [a.slice(q) for q in find_quotes(a)]
    found_b = [b.slice(q) for q in find_quotes(b)]
    assert found_a[0].startswith("We will respond appropriately") and found_a[0].endswith("servicemembers")
    assert any(q.startswith("Over the past 24 hours") for q in found_b)
    assert len(found_b) == 5


def test_centcom_quote_is_matched_and_not_altered(segs):
    a, b = segs
    matches = align_quotes(a, b)
    centcom = [m for m in matches if a.slice(m.a).startswith("We will respond appropriately")]
    assert len(centcom) == 1
    m = centcom[0]
    assert b.slice(m.b) == "We will respond appropriately and proportionally to attacks on our service members"
    assert m.altered is False  # "servicemembers" / "service members" is spelling
    assert m.score == pytest.approx(1.0)


def test_quote_with_no_counterpart_is_unmatched(segs):
    a, b = segs
    for m in align_quotes(a, b):
        assert not b.slice(m.b).startswith("Over the past 24 hours")
        assert not b.slice(m.b).startswith("Such attacks put the lives")


def test_matches_are_one_to_one_and_inside_quotes(segs):
    a, b = segs
    matches = align_quotes(a, b)
    assert len({m.a for m in matches}) == len(matches) == len({m.b for m in matches})
    qa, qb = find_quotes(a), find_quotes(b)
    for m in matches:
        assert any(q.contains(m.a) for q in qa)
        assert any(q.contains(m.b) for q in qb)


def test_changed_word_is_altered():
    a = segment("“We will respond firmly and proportionally to attacks on our troops,” he said.")
    b = segment("The general said: “We will respond harshly and proportionally to attacks on our troops.”")
    (m,) = align_quotes(a, b)
    assert m.altered is True
    assert 0.5 < m.score < 1.0


def test_changed_number_is_altered():
    a = segment("“Three of our soldiers were wounded in the attack,” officials said.")
    b = segment("“Four of our soldiers were wounded in the attack,” officials said.")
    (m,) = align_quotes(a, b)
    assert m.altered is True


def test_case_punctuation_and_spelling_are_not_alterations():
    a = segment("“Our defence of the centre will not falter; we honour our allies,” she said.")
    b = segment("She said: “our defense of the center will not falter. We honor our allies!”")
    (m,) = align_quotes(a, b)
    assert m.altered is False
    assert m.score == pytest.approx(1.0)


def test_an_excerpt_matches_the_part_it_shares():
    a = segment("“We will take all necessary measures to defend our people,” he said.")
    b = segment(
        "“No group will strike at our troops with impunity. We will take all necessary measures "
        "to defend our people,” Kurilla said."
    )
    (m,) = align_quotes(a, b)
    assert b.slice(m.b) == "We will take all necessary measures to defend our people"
    assert m.altered is False


def test_different_speech_is_not_matched():
    a = segment("“The economy is growing faster than anyone expected,” the minister said.")
    b = segment("“We will take all necessary measures to defend our people,” the general said.")
    assert align_quotes(a, b) == []


@pytest.mark.parametrize(
    "before, after",
    [("four hours", "for hours"), ("the trucks were filled", "the trucks were filed"), ("our troops", "or troops")],
)
def test_distinct_words_that_look_like_spelling_variants_are_altered(before, after):
    a = segment(f"“They waited {before} at the border crossing,” he said.")
    b = segment(f"“They waited {after} at the border crossing,” he said.")
    (m,) = align_quotes(a, b)
    assert m.altered is True


def test_british_doubled_l_is_spelling():
    a = segment("“The convoy travelled north and was refuelled at dawn,” he said.")
    b = segment("“The convoy traveled north and was refueled at dawn,” he said.")
    (m,) = align_quotes(a, b)
    assert m.altered is False

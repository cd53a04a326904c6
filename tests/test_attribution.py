from pathlib import Path

import pytest

from copytrace.analyse.attribution import credits, find_attributions, same_source
from copytrace.segment import segment

SEEDS = Path(__file__).parent / "data" / "seeds"


def _found(text):
    seg = segment(text)
    return [(name, seg.slice(span)) for name, span in find_attributions(seg)]


def test_seed_rewrite_credits_cnn_and_the_dallas_express():
    found = _found((SEEDS / "003.txt").read_text(encoding="utf-8"))
    names = [name for name, _ in found]
    assert "CNN" in names
    assert "The Dallas Express" in names
    assert ("U.S. forces", "according to an assessment by U.S. forces") in found
    assert ("U.S. Central Command", "U.S. Central Command said in a statement") in found
    assert ("The Dallas Express", "The Dallas Express reported") in found


def test_seed_source_credits_officials_and_the_general():
    found = _found((SEEDS / "000.txt").read_text(encoding="utf-8"))
    names = [name for name, _ in found]
    assert "officials" in names
    assert "Pentagon officials" in names
    assert any("Kurilla" in n for n in names)
    assert "CNN" not in names


def test_spans_point_into_the_text():
    text = (SEEDS / "003.txt").read_text(encoding="utf-8")
    for name, span in find_attributions(segment(text)):
        assert name in text[span.start : span.end]


@pytest.mark.parametrize(
    "sentence, name, phrase",
    [
        ("The minister quit, CNN reported.", "CNN", "CNN reported"),
        ("Two were hurt, officials said.", "officials", "officials said"),
        ("It was fine, said Gen. Michael Kurilla.", "Gen. Michael Kurilla", "said Gen. Michael Kurilla"),
        ("The deal is off, two officials told Reuters.", "Reuters", "told Reuters"),
        ("The story was first reported by The Washington Post.", "The Washington Post", "first reported by The Washington Post"),
        ("WASHINGTON (AP) — The Senate passed the bill.", "AP", "(AP)"),
        ("Three died, according to a statement from U.S. Central Command.", "U.S. Central Command",
         "according to a statement from U.S. Central Command"),
    ],
)
def test_attribution_frames(sentence, name, phrase):
    assert (name, phrase) in _found(sentence)


def test_pronouns_and_days_are_not_sources():
    names = [n for n, _ in _found("He said Thursday that it was over. They said nothing.")]
    assert names == []


def test_credits_matches_outlet_names_fuzzily():
    found = find_attributions(segment("The attack failed, The Dallas Express reported. CNN reported more."))
    assert credits(found, "Dallas Express")
    assert credits(found, "CNN.com")
    assert not credits(found, "Fox News")
    assert not credits([], "CNN")


@pytest.mark.parametrize(
    "name, outlet, same",
    [
        ("AP", "Associated Press", True),
        ("The Dallas Express", "dallasexpress.com", True),
        ("Reuters", "Reuters", True),
        ("CNN", "NBC News", False),
        ("U.S. Central Command", "CNN", False),
    ],
)
def test_same_source(name, outlet, same):
    assert same_source(name, outlet) is same


@pytest.mark.parametrize("verb", ["said", "SAID", "ſaid", "SAİD"])
def test_frames_found_in_any_case_the_regex_matches(verb):
    """A sentence is searched with a frame only if it holds one of the frame's words; in lower case
    for the case-blind frames, except where a letter (long s, dotted I) matches an ASCII one in
    the regex but not after lower()."""
    seg = segment(f"“We will,” {verb} John Smith.")
    assert [(name, seg.slice(span)) for name, span in find_attributions(seg)] == [("John Smith", f"{verb} John Smith")]


@pytest.mark.parametrize(
    "sentence, credited",
    [
        # Clough-Stevenson's PageRank answers: the toolbar is Google's, not a source that reported.
        ("PageRank values, as reported by the Google toolbar, are updated rarely.", []),
        ("Sales fell, according to the Nielsen ratings tracker.", []),
        ("The story was first reported by the BBC website.", ["BBC"]),
        ("The plan was dropped, according to Reuters news agency.", ["Reuters"]),
        ("Prices rose, according to Bloomberg figures.", ["Bloomberg"]),
        ("Three died, according to Pentagon officials familiar with the matter.", ["Pentagon officials"]),
        ("He told CNN that the war was over.", ["CNN"]),
        ("The leak was first reported by Axios reporters in Washington.", ["Axios"]),
    ],
)
def test_a_name_before_a_common_noun_names_a_things_maker_not_a_source(sentence, credited):
    assert [name for name, _ in _found(sentence)] == credited

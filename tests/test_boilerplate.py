from pathlib import Path

import pytest

from copytrace.analyse.boilerplate import find_boilerplate, is_boilerplate
from copytrace.segment import segment

SEEDS = Path(__file__).parent / "data" / "seeds"


def test_click_here_line_of_the_seed_is_boilerplate():
    seg = segment((SEEDS / "003.txt").read_text(encoding="utf-8"))
    found = [seg.slice(s) for s in find_boilerplate(seg)]
    assert found == ["CLICK HERE TO GET THE DALLAS EXPRESS APP"]


def test_the_source_seed_has_no_boilerplate():
    seg = segment((SEEDS / "000.txt").read_text(encoding="utf-8"))
    assert find_boilerplate(seg) == []


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe",
        "Sign up for our newsletter",
        "Read more: Iran vows to answer U.S. strikes on its proxies in Syria and Iraq within days",
        "Advertisement",
        "Share this article",
        "Follow us on Twitter",
        "Follow Metro Wire on social media for the latest updates.",
        "Download the Fox News app",
        "© 2023 Dallas Express. All rights reserved.",
        "Related: Pentagon confirms new drone strike",
        "Click here to read the full report",
    ],
)
def test_promotional_and_navigation_lines(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "sentence",
    [
        "Users who click the link install the app without knowing it, police said.",
        "The app lets voters click through every filing, officials said.",
        "Subscribers to the service lost access on Monday.",
        "Officials said the download of the app had been blocked in Iran.",
        "Read the statement, he said, and you will see the threat is real and growing every single day now.",
        "Supporters follow the candidate on social media closely, aides said.",
    ],
)
def test_real_sentences_that_mention_click_or_app_are_kept(sentence):
    assert not is_boilerplate(sentence)


def test_spans_point_at_the_lines_and_stop_at_the_line_end():
    text = "Rockets hit the base.\nAdvertisement\nThe army said two were hurt. Subscribe now. Follow us on X.\n"
    seg = segment(text)
    spans = find_boilerplate(seg)
    assert [text[s.start : s.end] for s in spans] == ["Advertisement", "Subscribe now. Follow us on X."]

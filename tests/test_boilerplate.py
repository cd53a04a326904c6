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


@pytest.mark.parametrize(
    "line",
    [
        # syndication notes
        "(This story has not been edited by Business Standard staff and is auto-generated from a syndicated feed.)",
        "Only the headline of this report may have been reworked by Daily Ledger staff; the rest of the content is auto-generated from a syndicated feed.",
        # newsletter and subscription banners
        "Get the day's top stories delivered to your inbox every morning.",
        "Already a subscriber?",
        "Log in here.",
        "Subscribe to Market Herald for unlimited access to our journalism.",
        "Support independent journalism today.",
        # free report blocks
        "FREE REPORT: The five dividend shares our analysts rate as buys this year",
        "Download our free report to discover which stocks made the list.",
        "Click here to claim your free copy now.",
        # cookie notices
        "We use cookies to give you the best experience on our website. By continuing to browse, you agree to our use of cookies.",
        "Manage cookie preferences",
        "Accept all cookies",
        # press-wire footers
        "About Norvex Holdings",
        "Forward-Looking Statements",
        "This press release contains forward-looking statements within the meaning of the Private Securities Litigation Reform Act of 1995.",
        "Actual results may differ materially from those expressed or implied, and Norvex undertakes no obligation to update any forward-looking statement.",
        "SOURCE Norvex Holdings",
        "Media contact: Anna Keller, press@norvex.com",
        "Contact: Investor Relations, +1 555 0100",
        "###",
        "WE USE COOKIES TO IMPROVE YOUR EXPERIENCE.",
        "Get the morning briefing DELIVERED STRAIGHT TO YOUR INBOX.",
    ],
)
def test_site_furniture_lines(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "sentence",
    [
        # false positives a hardening pass reported: ordinary news sentences
        "Like us, they have been hit by rising energy costs, the farmers said.",
        "Copyright law is changing across Europe as courts rule on AI training.",
        "Join the march on Saturday, the organisers urged supporters.",
        # furniture words in news
        "About 300 people joined the protest outside parliament.",
        "Sources said the deal could be announced on Monday.",
        "The company said subscribers would get the report free of charge.",
        "Regulators said the cookie rules had cost publishers millions.",
        "Analysts said the forward-looking guidance was weaker than expected.",
    ],
)
def test_news_sentences_near_furniture_words_are_kept(sentence):
    assert not is_boilerplate(sentence)


def test_a_press_release_footer_is_boilerplate_down_to_the_company_description():
    story = "Norvex Holdings said on Monday it would buy Altara for $2bn.\nThe deal is expected to close in June."
    footer = (
        "About Norvex Holdings\n"
        "Norvex Holdings is a leading provider of payment solutions, serving customers in 40 countries.\n"
        "\n"
        "SOURCE Norvex Holdings\n"
        "###"
    )
    text = f"{story}\n\n{footer}\n"
    seg = segment(text)
    spans = find_boilerplate(seg)
    covered = "".join(text[s.start : s.end] for s in spans)
    assert "leading provider" in covered and "SOURCE Norvex Holdings" in covered and "###" in covered
    assert not any(s.start < len(story) for s in spans)  # the story itself is content


def test_the_description_rule_needs_the_about_heading():
    text = "Norvex Holdings is a leading provider of payment solutions, serving customers in 40 countries.\n"
    assert find_boilerplate(segment(text)) == []


def test_generated_furniture_blocks_are_found_whole():
    import random

    from synthetic.templates import furnish, furniture_blocks

    story = (SEEDS / "000.txt").read_text(encoding="utf-8")
    for seed in range(3):
        for name, lines in furniture_blocks(random.Random(seed)).items():
            text = furnish(story, lines, at_end=name != "cookies")
            seg = segment(text)
            found = [seg.slice(s) for s in find_boilerplate(seg)]
            assert all(any(line in f for f in found) for line in lines), (name, found)
            assert all(any(f in line for line in lines) for f in found), (name, found)  # nothing of the story


def test_about_heading_with_a_lower_case_company_suffix_and_its_description():
    text = ("Shares rose sharply on Monday after the results.\n\nAbout Brynex plc\nBrynex plc is a leading provider "
            "of data and payment solutions, serving customers in more than 46 countries.\nSOURCE Brynex plc\n")
    seg = segment(text)
    found = [seg.slice(s) for s in find_boilerplate(seg)]
    assert "About Brynex plc" in found[0] and any("leading provider" in f for f in found)
    assert not any("Shares rose" in f for f in found)


def test_fingerprints_read_the_text_without_its_boilerplate_lines():
    from copytrace.analyse.boilerplate import without_boilerplate_lines

    story = "Norvex Holdings said on Monday it would buy Altara for $2bn.\nThe deal is expected to close in June."
    footer = ("About Norvex Holdings\n\nNorvex Holdings is a leading provider of payment solutions.\n"
              "SOURCE Norvex Holdings\nCLICK HERE TO GET THE DAILY LEDGER APP")
    assert without_boilerplate_lines(f"{story}\n\n{footer}").strip() == story
    assert without_boilerplate_lines(story) is story  # nothing dropped: the same text, no copy
    # the description rule needs its heading, as find_boilerplate's does
    alone = "Norvex Holdings is a leading provider of payment solutions.\nShares rose 3%."
    assert without_boilerplate_lines(alone) is alone

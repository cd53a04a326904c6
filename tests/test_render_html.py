"""The standalone HTML report: one file, no network, the page's own view."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from copytrace import compare
from copytrace.document import Document
from copytrace.render.html import render_html

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="module")
def comparison(seeds):
    a, b = seeds
    return compare(Document(a, id="000", title="Fox News: U.S. strikes"), Document(b, id="003"), paraphrase=False)


def _data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="comparison-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def test_self_contained(comparison):
    page = render_html(comparison)
    assert page.startswith("<!doctype html>")
    # nothing fetched: no external scripts, styles, images or fonts
    assert not re.search(r'<(script|link|img)[^>]+(src|href)=', page)
    assert "http://" not in page.replace("http://www.w3.org", "") and "url(" not in page
    assert "copytrace.render(" in page and ".m-verbatim" in page


def test_embeds_the_comparison_and_both_texts(comparison, seeds):
    data = _data(render_html(comparison))
    assert data["comparison"] == json.loads(json.dumps(comparison.to_dict()))
    assert data["texts"] == {"a": seeds[0], "b": seeds[1]}
    assert data["titles"]["a"] == "Fox News: U.S. strikes"


def test_shares_the_pages_script_and_style(comparison):
    from importlib.resources import files

    static = files("copytrace.server") / "static"
    page = render_html(comparison)
    assert static.joinpath("render.js").read_text(encoding="utf-8") in page
    assert static.joinpath("style.css").read_text(encoding="utf-8") in page


def test_article_text_cannot_break_out_of_the_page():
    a = "The minister said </script><script>alert(1)</script> on Monday & left. <!-- x"
    b = "The minister said </script><script>alert(1)</script> on Monday & left, officials said."
    page = render_html(compare(Document(a, id="<b>a</b>"), Document(b, id="b"), paraphrase=False))
    assert page.count("<script") == 3  # data, renderer, the call: none from the text
    assert "<b>a</b>" not in page
    assert _data(page)["texts"]["a"] == a


@pytest.mark.slow
def test_report_draws_in_chromium_offline(tmp_path, comparison):
    from browser_support import chromium_page

    report = tmp_path / "report.html"
    report.write_text(render_html(comparison), encoding="utf-8")
    with chromium_page(tmp_path) as page:
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        page.wait_for_selector(".pane-b .m-verbatim")
        assert page.locator(".legend").count() == 1
        assert page.locator(".pane-a h2").inner_text() == "Fox News: U.S. strikes"
        assert page.locator(".pane-a .text").inner_text() == comparison.a.text
        page.locator(".pane-a [data-pair]").first.click()
        assert page.locator(".pane-b .is-active").count() >= 1
        assert all(u.startswith("file://") for u in requests), requests
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

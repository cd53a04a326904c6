"""The web page in real headless Chromium against the real server."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser_support import chromium_page, running_server  # noqa: E402

pytestmark = pytest.mark.slow


def _compare(page, url: str, a: str, b: str, *, paraphrase: bool = True, wait: str = ".pane .m-verbatim") -> None:
    """Type two texts into the page and compare them, as a reader would."""
    page.goto(url + "/")
    page.fill("#text-a", a)
    page.fill("#text-b", b)
    if not paraphrase:
        page.uncheck("#paraphrase")
    page.click("#compare-button")
    page.wait_for_selector(wait)


def test_compare_two_seeds_side_by_side(tmp_path, seeds):
    a, b = seeds
    with running_server(None) as url, chromium_page(tmp_path) as page:
        _compare(page, url, a, b)

        assert page.locator("#compare-button").is_enabled()
        assert page.locator(".pane-a .m-verbatim").count() > 0 and page.locator(".pane-b .m-verbatim").count() > 0
        assert page.locator(".pane .m-paraphrase").count() > 0
        assert page.locator(".pane .m-change").count() > 0
        assert page.locator(".changes li").count() > 0
        legend = page.locator(".legend").inner_text().lower()
        for word in ("verbatim", "paraphrase", "added", "dropped", "credited", "boilerplate", "number", "hedge"):
            assert word in legend
        # each side shows its own text, unchanged, so offsets drawn are offsets given
        assert page.locator(".pane-a .text").inner_text() == a
        assert page.locator(".pane-b .text").inner_text() == b

        # clicking a verbatim passage highlights its counterpart on the other side
        first = page.locator(".pane-a .m-verbatim[data-pair]").first
        pair = first.get_attribute("data-pair").split()[0]
        first.click()
        counterpart = page.locator(f'.pane-b [data-pair~="{pair}"]').first
        page.wait_for_function(
            "p => document.querySelector(`.pane-b [data-pair~=\"${p}\"]`).classList.contains('is-active')", arg=pair
        )
        assert "is-active" in counterpart.get_attribute("class")
        assert page.locator(".pane-a .is-active").count() >= 1
        # the highlighted counterpart is the same words
        left = " ".join(page.locator(f'.pane-a [data-pair~="{pair}"]').all_inner_texts()).split()
        right = " ".join(page.locator(f'.pane-b [data-pair~="{pair}"]').all_inner_texts()).split()
        assert left[-1].strip(".,") == right[-1].strip(".,")
        page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
        assert (tmp_path / "compare.png").stat().st_size > 10_000


def test_bad_input_shows_the_servers_message(tmp_path):
    with running_server(None) as url, chromium_page(tmp_path) as page:
        page.goto(url + "/")
        page.fill("#text-a", "   ")
        page.fill("#text-b", "Some words.")
        page.click("#compare-button")
        page.wait_for_selector("#compare-status.error")
        assert "empty" in page.locator("#compare-status").inner_text().lower()


def test_archive_query_lists_matches_that_open_side_by_side(tmp_path, seeds):
    from copytrace.document import Document
    from copytrace.index import Index

    a, b = seeds
    db = tmp_path / "archive.db"
    with Index(db) as index:
        index.add([Document(a, id="seed-000", title="U.S. strikes back", outlet="Fox News")])
    with running_server(db) as url, chromium_page(tmp_path) as page:
        page.goto(url + "/")
        page.click("#tab-archive")
        page.fill("#query-text", b)
        page.click("#query-button")
        page.wait_for_selector("#matches li")
        assert "U.S. strikes back" in page.locator("#matches li").first.inner_text()
        assert page.locator("#query-button").is_enabled()  # ready for the next article
        page.locator("#matches li button").first.click()
        page.wait_for_selector("#match-view .pane-b .m-verbatim")
        assert page.locator("#match-view .pane-b .text").inner_text() == a
        page.screenshot(path=str(tmp_path / "archive.png"), full_page=True)


def test_cluster_browser_lists_archive_clusters_and_opens_a_member_beside_its_root(tmp_path, seeds):
    import random

    from synthetic.generate import near_copy
    from copytrace.document import Document
    from copytrace.index import Index

    a, _ = seeds
    db = tmp_path / "archive.db"
    copy = near_copy(a, random.Random(3), "Metro Wire")
    with Index(db) as index:
        index.add([
            Document(a, id="seed-000", title="U.S. strikes back", outlet="Fox News", published_at="2023-03-24T10:00:00Z"),
            Document(copy, id="copy", title="Strikes, again", outlet="Metro Wire", published_at="2023-03-25T10:00:00Z"),
        ])
    with running_server(db) as url, chromium_page(tmp_path) as page:
        page.goto(url + "/")
        page.click("#tab-clusters")
        page.wait_for_selector("#clusters > li")
        first = page.locator("#clusters > li").first.inner_text()
        assert "2 articles" in first and "root: U.S. strikes back" in first and "Strikes, again" in first
        assert "1 clusters" in page.locator("#clusters-status").inner_text()
        page.locator("#clusters .members button").first.click()
        page.wait_for_selector("#cluster-view .pane-b .m-verbatim")
        assert page.locator("#cluster-view .pane-a .text").inner_text() == a
        assert page.locator("#cluster-view .pane-b .text").inner_text() == copy
        page.screenshot(path=str(tmp_path / "clusters.png"), full_page=True)


def test_highlights_after_emoji_cover_the_copied_passage(tmp_path):
    """The API counts code points and JavaScript UTF-16 units; an emoji is one of
    the first and two of the second, so unconverted offsets shift every highlight after it."""
    passage = ("The minister said on Tuesday that the new bridge across the river would open in the spring "
               "of next year, two years later than first planned, because of rising costs")
    a = "\U0001F389\U0001F389 Breaking \U0001F680 news from the capital. " + passage + ". Residents have waited a long time."
    b = "In other reports \U0001F600 today, the weather was fine. " + passage + ". Critics called the delay a scandal."
    with running_server(None) as url, chromium_page(tmp_path) as page:
        _compare(page, url, a, b, paraphrase=False, wait=".pane-a .m-verbatim")
        for side in ("a", "b"):
            marked = "".join(page.locator(f'.pane-{side} [data-pair~="p0"]').all_inner_texts())
            assert marked == passage
        # the text between the marks is intact too: the emoji are drawn whole
        assert page.locator(".pane-a .text").inner_text() == a
        assert page.locator(".pane-b .text").inner_text() == b

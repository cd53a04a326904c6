"""Story maps in real headless Chromium: the page's cluster browser, a 500-article map, the report offline."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser_support import chromium_page, running_server  # noqa: E402
from test_story_map import archive, big_cluster, family  # noqa: E402,F401  (archive: a fixture)

pytestmark = pytest.mark.slow
STATIC = Path(__file__).parents[1] / "src" / "copytrace" / "server" / "static"
DRAW_BOUND_MS = 1000  # the "under a second for 500 nodes", measured in the browser


def point_on(page, selector: str, index: int = 0) -> tuple[float, float]:
    """Viewport coordinates of the middle of the index-th arrow's path (its bounding box's centre may miss it)."""
    return tuple(page.evaluate(
        """([sel, i]) => {
             const path = document.querySelectorAll(sel)[i].querySelector('path');
             path.scrollIntoView({block: 'center', inline: 'center'});
             const p = path.getPointAtLength(path.getTotalLength() / 2);
             const m = path.getScreenCTM();
             return [p.x * m.a + p.y * m.c + m.e, p.x * m.b + p.y * m.d + m.f];
           }""", [selector, index]))


def test_cluster_story_map_draws_lanes_and_arrows_and_an_arrow_opens_its_pair(tmp_path, archive):  # noqa: F811
    from copytrace.index import Index

    db, corpus = archive
    with Index(db) as index:
        first = index.clusters()[0]
        docs = {m: index.get(m) for m in first["members"]}
    truth = {(a, b) for a, b, _ in corpus.pairs}
    with running_server(db) as url, chromium_page(tmp_path) as page:
        page.goto(url + "/")
        page.click("#tab-clusters")
        page.wait_for_selector("#clusters > li")
        page.locator("#clusters > li").first.locator(".story-button").click()
        page.wait_for_selector("#clusters .story-map .sm-article")
        story = page.locator("#clusters > li").first
        # every article a node, each outlet a lane, one arrow into every article but the root
        assert story.locator(".sm-article").count() == len(docs)
        outlets = {d.outlet for d in docs.values()}
        assert story.locator(".sm-lane").count() == len(outlets)
        drawn_lanes = {t.split(" (")[0] for t in story.locator(".sm-lane").all_text_contents()}
        assert drawn_lanes == outlets
        arrows = [(g.get_attribute("data-source"), g.get_attribute("data-derived"))
                  for g in story.locator(".sm-edge").all()]
        assert len(arrows) == len(docs) - 1
        assert all(docs[s].published_at < docs[d].published_at for s, d in arrows)  # source → copy
        assert {d for _, d in arrows} == set(docs) - {first["root"]}
        assert story.locator(".is-root").get_attribute("data-id") == first["root"]
        # each article sits in its outlet's lane
        lane_names = [t.split(" (")[0] for t in story.locator(".sm-lane").all_text_contents()]
        for node in story.locator(".sm-article").all():
            assert lane_names[int(node.get_attribute("data-lane"))] == docs[node.get_attribute("data-id")].outlet

        # hover an arrow: its score and the share reused
        k = next((i for i, a in enumerate(arrows) if a in truth), 0)
        x, y = point_on(page, "#clusters .sm-edge", k)
        page.mouse.move(x, y)
        tip = story.locator(".sm-tip")
        tip.wait_for(state="visible")
        assert "score" in tip.inner_text() and "reused" in tip.inner_text()
        # click it: the pair opens side by side, source on the left
        page.mouse.click(x, y)
        page.wait_for_selector("#cluster-view .pane-b .text")
        source, derived = arrows[k]
        assert page.locator("#cluster-view .pane-a .text").inner_text() == docs[source].text
        assert page.locator("#cluster-view .pane-b .text").inner_text() == docs[derived].text

        # click a node: its title, outlet, time and edges
        node = story.locator(f'.sm-article[data-id="{derived}"] .sm-node')
        node.scroll_into_view_if_needed()
        node.click()
        info = story.locator(".sm-info")
        info.wait_for(state="visible")
        text = info.inner_text()
        assert docs[derived].outlet in text and docs[derived].published_at.isoformat()[:10] in text
        assert "Reuses (1)" in text and (docs[derived].title or derived) in text
        page.screenshot(path=str(tmp_path / "story.png"), full_page=True)


@pytest.mark.parametrize("bundle", [True, False])
def test_a_500_article_map_draws_within_a_second(tmp_path, bundle):
    from copytrace.render.story_map import layout

    nodes, edges = big_cluster(500)
    m = layout(nodes, edges, root="a0000", bundle=bundle)
    assert m["size"] == 500
    html = tmp_path / "map.html"
    html.write_text(f"<!doctype html><meta charset=utf-8><style>{(STATIC / 'style.css').read_text()}</style>"
                    f"<body><div id=map></div><script>{(STATIC / 'storymap.js').read_text()}</script>", encoding="utf-8")
    with chromium_page(tmp_path) as page:
        page.goto(html.as_uri())
        # drawing = building the SVG, the browser's layout and the first paint after it
        ms = page.evaluate("""async (map) => {
            const t0 = performance.now();
            copytrace.storyMap(document.getElementById('map'), map, {});
            document.getElementById('map').getBoundingClientRect();
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            return performance.now() - t0;
        }""", m)
        print(f"500-article story map ({'bundled' if bundle else 'every article'}): drawn in {ms:.0f} ms")
        assert page.locator(".sm-article").count() == len(m["nodes"])
        assert page.locator(".sm-edge").count() == len(m["edges"])
        assert ms < DRAW_BOUND_MS


def test_report_opens_from_disk_with_the_network_off(tmp_path):
    from copytrace.corpus.report import reported_pairs, write_report

    nodes, edges = family()
    outlet_of = {n["id"]: n["outlet"] for n in nodes}
    published = {n["id"]: n["published_at"] for n in nodes}
    clusters = [{"cluster": 0, "members": sorted(outlet_of), "root": "o"}]
    views = {p: f"views/{k}.html" for k, p in enumerate(reported_pairs(edges, clusters, published=published))}
    (tmp_path / "views").mkdir()
    for (a, b), link in views.items():
        (tmp_path / link).write_text(f"<!doctype html><title>{a} {b}</title><h1>{a} beside {b}</h1>")
    report = write_report(tmp_path / "report.html", edges, clusters, outlet_of, n_docs=4, n_rejects=0,
                          candidates={"lsh": 4, "total": 4}, seconds={}, views=views, published=published,
                          titles={n["id"]: n["title"] for n in nodes})
    requests = []
    with chromium_page(tmp_path) as page:
        page.context.set_offline(True)
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        box = page.locator(".story-map").first.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100
        assert page.locator(".story-map .sm-node").count() == 4
        assert page.locator(".flow-matrix").is_visible() and page.locator(".score-histogram").is_visible()
        assert "None" not in page.locator("body").inner_text()
        assert all(u.startswith("file:") for u in requests)
        # a node goes to its row in the article table; an arrow to its pair's side-by-side page
        page.locator(".story-map a[href^='#c0-']").first.click()
        assert page.evaluate("location.hash").startswith("#c0-")
        x, y = point_on(page, ".story-map a.sm-edge", 0)
        page.mouse.click(x, y)
        page.wait_for_url("**/views/*.html")
        assert "beside" in page.locator("h1").inner_text()
        assert all(u.startswith("file:") for u in requests)

"""The README's story-map screenshot (docs/story-map.png), from a generated corpus.

    PYTHONPATH=src:tests .venv/bin/python scripts/story_map_screenshot.py [--out docs/story-map.png]

Generates a corpus from the BBC sample in tests/data (families of real
articles and their planted copies), indexes the families in a throwaway
archive, serves it, opens the page's cluster browser in headless Chromium
(tests/browser_support.py), draws the largest cluster's story map, opens
one article's details and photographs the map.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests"), str(ROOT)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "story-map.png"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from browser_support import chromium_page, running_server

    from synthetic.generate import generate, read_sources
    from copytrace.document import Document
    from copytrace.index import Index

    corpus = generate(read_sources(ROOT / "tests" / "data" / "bbc-sample.jsonl.gz"), families=6, seed=args.seed,
                      copies=(6, 8), excerpts=0, templates=0, furniture=0)
    keep = {m for c in corpus.clusters if len(c) > 1 for m in c}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        db = work / "archive.db"
        with Index(db) as index:
            index.add([Document(r["text"], id=r["id"], title=r["title"], outlet=r["outlet"],
                                published_at=r["published_at"]) for r in corpus.records if r["id"] in keep])
        with running_server(db) as url, chromium_page(work, width=1100, height=900) as page:
            page.goto(url + "/")
            page.click("#tab-clusters")
            page.wait_for_selector("#clusters > li")
            cluster = page.locator("#clusters > li").first
            cluster.locator(".story-button").click()
            page.wait_for_selector("#clusters .story-map .sm-article")
            # Show what a click on an article gives: the last copy's details.
            cluster.locator(".sm-article .sm-node").last.click()
            cluster.locator(".sm-info").wait_for(state="visible")
            out = Path(args.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            cluster.locator(".story").screenshot(path=str(out))
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

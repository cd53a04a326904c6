"""The standalone HTML report: the web page's side-by-side view in one file.

>>> from copytrace import compare
>>> from copytrace.render.html import render_html
>>> page = render_html(compare(open("000.txt").read(), open("003.txt").read()))   # doctest: +SKIP
>>> Path("report.html").write_text(page)                                         # doctest: +SKIP

Nothing is drawn twice: the report inlines the page's own ``render.js`` and
``style.css`` (from ``copytrace/server/static``) with the comparison JSON and the
two texts, so it opens offline and looks exactly like the page.
"""
from __future__ import annotations

import html
import json
from importlib.resources import files
from string import Template

from ..comparison import Comparison

_STATIC = files("copytrace.server") / "static"
_TEMPLATE = files("copytrace.render") / "templates" / "report.html"


def render_html(comparison: Comparison) -> str:
    """One self-contained HTML page (inline CSS and JS, no network) for ``comparison``."""
    titles = {side: doc.title or doc.id for side, doc in (("a", comparison.a), ("b", comparison.b))}
    data = {
        "comparison": comparison.to_dict(),
        "texts": {"a": comparison.a.text, "b": comparison.b.text},
        "titles": titles,
    }
    heading = f"{titles['a']} ↔ {titles['b']}"
    return Template(_TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=html.escape(f"copytrace: {heading}"),
        heading=html.escape(heading),
        css=_STATIC.joinpath("style.css").read_text(encoding="utf-8"),
        js=_STATIC.joinpath("render.js").read_text(encoding="utf-8"),
        data=_script_safe(json.dumps(data, ensure_ascii=False)),
    )


def _script_safe(text: str) -> str:
    # Inside <script>, "</script" or "<!--" in an article would end or confuse the block.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

"""The scan report's pictures other than story maps, as inline SVG (no script, no network).

>>> pairs = [{"a": "x", "b": "y", "source": "x", "derived": "y", "credited": False, "label": "wholly", "score": 0.9}]
>>> outlet_flows(pairs, {"x": "BBC", "y": "Wire"})[("BBC", "Wire")]
{'credited': 0, 'uncredited': 1, 'unknown': 0}
>>> "<svg" in flow_matrix(outlet_flows(pairs, {"x": "BBC", "y": "Wire"})) and "<svg" in score_histogram(pairs)
True
"""
from __future__ import annotations

import html
from collections import Counter, defaultdict
from typing import Mapping, Sequence

from .story_map import COLOURS

MOST_OUTLETS = 12  # rows and columns of the matrix; the rest are summed as "other outlets"
UNKNOWN_OUTLET = "(unknown outlet)"
LABEL_COLOURS = {"wholly": "#d55e00", "partially": "#e69f00", "candidate": "#56b4e9"}  # others: grey


def outlet_flows(pairs: Sequence[Mapping], outlet_of: Mapping[str, str | None]) -> dict[tuple[str, str], dict]:
    """``(source outlet, copying outlet) -> {"credited", "uncredited", "unknown"}`` over directed pairs."""
    flows: dict[tuple[str, str], dict] = defaultdict(lambda: {"credited": 0, "uncredited": 0, "unknown": 0})
    for p in pairs:
        if not p.get("source"):
            continue
        key = (outlet_of.get(p["source"]) or UNKNOWN_OUTLET, outlet_of.get(p["derived"]) or UNKNOWN_OUTLET)
        credit = p.get("credited")
        flows[key]["credited" if credit is True else "uncredited" if credit is False else "unknown"] += 1
    return dict(flows)


def flow_matrix(flows: Mapping[tuple[str, str], Mapping[str, int]]) -> str:
    """Who reuses whom: rows are the outlets taken from, columns the outlets that took; each cell a bar
    split into credited / not credited / unknown, its height by count (hover for the figures)."""
    e = html.escape
    volume: Counter[str] = Counter()
    for (src, der), c in flows.items():
        n = sum(c.values())
        volume[src] += n
        volume[der] += n
    keep = [o for o, _ in sorted(volume.items(), key=lambda kv: (-kv[1], kv[0]))[:MOST_OUTLETS]]
    other = "other outlets"
    cells: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (src, der), c in flows.items():
        cells[(src if src in keep else other, der if der in keep else other)].update(c)
    names = keep + ([other] if any(other in k for k in cells) else [])
    if not names:
        return "<p>No directed reuse between outlets.</p>"
    cell, left, top = 46, 160, 130
    width, height = left + cell * len(names) + 70, top + cell * len(names) + 10
    biggest = max(sum(c.values()) for c in cells.values())
    parts = [f"<svg class='chart flow-matrix' role='img' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' aria-label='reuse between outlets'>"]
    for k, name in enumerate(names):
        y = top + cell * k + cell / 2 + 4
        parts.append(f"<text x='{left - 6}' y='{y}' text-anchor='end'>{e(_short(name))}</text>")
        x = left + cell * k + cell / 2 + 4
        parts.append(f"<text x='{x}' y='{top - 6}' transform='rotate(-50 {x} {top - 6})'>{e(_short(name))}</text>")
    for i, src in enumerate(names):
        for j, der in enumerate(names):
            x, y = left + cell * j, top + cell * i
            parts.append(f"<rect x='{x}' y='{y}' width='{cell}' height='{cell}' fill='#fafafa' stroke='#e2e2e2'/>")
            c = cells.get((src, der))
            if not c or not sum(c.values()):
                continue
            total = sum(c.values())
            full = (cell - 20) * (0.15 + 0.85 * total / biggest)
            bottom = y + cell - 4
            for kind, colour in (("credited", COLOURS[True]), ("uncredited", COLOURS[False]), ("unknown", COLOURS[None])):
                h = full * c[kind] / total
                if h > 0:
                    parts.append(f"<rect x='{x + 8}' y='{bottom - h:.1f}' width='{cell - 16}' height='{h:.1f}' fill='{colour}'/>")
                    bottom -= h
            tip = (f"{der} reused {src} {total:,} times: {c['credited']:,} credited, {c['uncredited']:,} not credited, "
                   f"{c['unknown']:,} credit unknown")
            parts.append(f"<text x='{x + cell / 2}' y='{y + 11}' text-anchor='middle' class='n'>{total:,}</text>")
            parts.append(f"<rect x='{x}' y='{y}' width='{cell}' height='{cell}' fill='transparent'>"
                         f"<title>{e(tip)}</title></rect>")
    parts.append(f"<text x='4' y='{top - 6}' class='axis'>taken from ↓ · taken by →</text></svg>")
    return "".join(parts)


def score_histogram(pairs: Sequence[Mapping], bins: int = 20) -> str:
    """The distribution of pair scores, 0 to 1 in ``bins`` bars stacked by label."""
    e = html.escape
    counts: list[Counter] = [Counter() for _ in range(bins)]
    for p in pairs:
        k = min(bins - 1, max(0, int(float(p["score"]) * bins)))
        counts[k][p["label"]] += 1
    labels = sorted({p["label"] for p in pairs}, key=lambda l: (l not in LABEL_COLOURS, l))
    biggest = max((sum(c.values()) for c in counts), default=0) or 1
    bar, left, top, plot = 28, 50, 14, 160
    width, height = left + bar * bins + 20, top + plot + 44
    parts = [f"<svg class='chart score-histogram' role='img' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' aria-label='distribution of pair scores'>"]
    parts.append(f"<text x='{left - 6}' y='{top + 4}' text-anchor='end'>{biggest:,}</text>")
    parts.append(f"<text x='{left - 6}' y='{top + plot}' text-anchor='end'>0</text>")
    parts.append(f"<line x1='{left}' y1='{top + plot}' x2='{left + bar * bins}' y2='{top + plot}' stroke='#888'/>")
    for k, c in enumerate(counts):
        x, bottom = left + bar * k, top + plot
        for label in labels:
            h = plot * c[label] / biggest
            if h > 0:
                parts.append(f"<rect x='{x + 2}' y='{bottom - h:.1f}' width='{bar - 4}' height='{h:.1f}' "
                             f"fill='{LABEL_COLOURS.get(label, '#999')}'/>")
                bottom -= h
        if sum(c.values()):
            tip = f"score {k / bins:.2f}–{(k + 1) / bins:.2f}: " + ", ".join(f"{c[l]:,} {l}" for l in labels if c[l])
            parts.append(f"<rect x='{x}' y='{top}' width='{bar}' height='{plot}' fill='transparent'><title>{e(tip)}</title></rect>")
    for t in range(0, 5):
        x = left + bar * bins * t / 4
        parts.append(f"<text x='{x}' y='{top + plot + 14}' text-anchor='middle'>{t / 4:.2f}</text>")
    legend = " · ".join(f"<tspan fill='{LABEL_COLOURS.get(l, '#999')}'>■</tspan> {e(l)}" for l in labels)
    parts.append(f"<text x='{left}' y='{top + plot + 34}'>score (P derived) · {legend}</text></svg>")
    return "".join(parts)


CHART_CSS = """
.chart{display:block;font:11px system-ui,sans-serif;background:#fff;border:1px solid #ddd;margin:.5em 0}
.chart .n{font-size:10px;fill:#222}.chart .axis{fill:#555}
"""


def _short(text: str, most: int = 24) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"

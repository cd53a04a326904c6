"""The scan report: counts, pictures of who reuses whom, the largest clusters as story maps.

The page is self-contained (inline CSS and SVG drawn here, no scripts, no
external links) so it can be mailed or archived as is and opens offline.
Pictures come first (a reuse matrix between outlets, the score distribution,
a story map per large cluster: :mod:`copytrace.render.story_map`); tables keep
the exact figures, in words a reader reads ("not credited", never ``None``).

>>> pairs = [{"a": "x", "b": "y", "label": "wholly", "score": 0.9, "direction": "a->b",
...           "source": "x", "derived": "y", "credited": False}]
>>> outlet_table(pairs, {"x": "BBC", "y": "Wire"})["Wire"]["reused"]
1
"""
from __future__ import annotations

import html
from collections import Counter, defaultdict
from pathlib import Path
from datetime import datetime
from typing import Mapping, Sequence

from ..render import story_map
from ..render.charts import CHART_CSS, flow_matrix, outlet_flows, score_histogram

LARGEST = 20
VIEWS = 40  # side-by-side pages written with a scan, for the first pairs the report lists
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}.n{text-align:right}code{font-size:12px}h1{font-size:1.6em}
.scroll{overflow-x:auto;max-width:100%}tr:target{background:#fff3c4;outline:2px solid #e69f00}
.sm-legend{color:#555;font-size:13px}.sm-legend span{margin-right:.6em}details{margin:.5em 0}
""" + story_map.SVG_CSS + CHART_CSS
BY = {"time": "publication time", "text": "the texts", "none": "unknown"}
CREDIT = {True: "credited", False: "not credited", None: "unknown"}


def outlet_table(pairs: Sequence[Mapping], outlet_of: Mapping[str, str | None]) -> dict[str, dict]:
    """Per outlet: articles it derived from others, from whom, and how many credit the source.

    Only directed pairs count (``source`` known); an article that reuses two
    sources counts once per source.
    """
    table: dict[str, dict] = defaultdict(lambda: {"reused": 0, "credited": 0, "uncredited": 0,
                                                  "unknown_credit": 0, "from": Counter(), "reused_by_others": 0})
    for p in pairs:
        if not p.get("source"):
            continue
        src = outlet_of.get(p["source"]) or "(unknown outlet)"
        der = outlet_of.get(p["derived"]) or "(unknown outlet)"
        row = table[der]
        row["reused"] += 1
        row["from"][src] += 1
        credit = p.get("credited")
        row["credited" if credit is True else "uncredited" if credit is False else "unknown_credit"] += 1
        table[src]["reused_by_others"] += 1
    return dict(table)


def reported_pairs(pairs: Sequence[Mapping], clusters: Sequence[Mapping], most: int = VIEWS,
                   published: Mapping[str, datetime | None] | None = None) -> list[tuple[str, str]]:
    """The (a, b) pairs the report's "largest clusters" section shows, at most ``most``: cluster by
    cluster, the story map's arrows first (so they open side by side), then the other listed pairs."""
    by_member = _by_member(pairs)
    published = published or {}
    arrows, listed = [], []
    for c in [c for c in clusters if len(c["members"]) > 1][:LARGEST]:
        mine = _own_pairs(by_member, c["members"])
        nodes = [{"id": m, "published_at": published.get(m)} for m in c["members"]]
        edges = story_map.layout(nodes, mine, root=c["root"], bundle=False)["edges"]
        arrows.append([tuple(sorted((e["source"], e["derived"]))) for e in edges])
        listed += [(p["a"], p["b"]) for p in mine]
    # A few arrows of every cluster first, so one huge cluster cannot take every page.
    share = max(3, most // max(1, len(arrows)))
    order = [a for group in arrows for a in group[:share]] + [a for group in arrows for a in group[share:]] + listed
    return list(dict.fromkeys(order))[:most]


def _own_pairs(by_member: Mapping[str, list[Mapping]], members) -> list[Mapping]:
    """The pairs inside one cluster, by member. A stray link (blocks.cluster.held_links) joins no
    two clusters: its pair is in neither's map."""
    members = set(members)
    return [p for m in sorted(members) for p in by_member.get(m, []) if p["b"] in members]


def _by_member(pairs: Sequence[Mapping]) -> dict[str, list[Mapping]]:
    by_member: dict[str, list[Mapping]] = defaultdict(list)
    for p in pairs:
        by_member[p["a"]].append(p)
    return by_member


def write_report(path: str | Path, pairs: Sequence[Mapping], clusters: Sequence[Mapping],
                 outlet_of: Mapping[str, str | None], *, n_docs: int, n_rejects: int, n_errors: int = 0,
                 candidates: Mapping[str, int], seconds: Mapping[str, float],
                 views: Mapping[tuple[str, str], str] | None = None,
                 published: Mapping[str, datetime | None] | None = None,
                 titles: Mapping[str, str | None] | None = None,
                 articles: Mapping[str, int] | None = None, n_clusters: int | None = None) -> Path:
    """Write ``report.html`` for a finished scan and return its path.

    ``outlet_of`` names the outlet of every article, or (with ``articles``, the
    number of articles per outlet, and ``n_clusters``, the number of clusters
    with the ones of one article) of those in pairs and in the ``clusters``
    passed, which may then be the clusters of two or more only: the Spark
    engine does not bring every article to the driver.

    ``views`` maps a pair to its side-by-side page (relative to the report); listed pairs and
    story-map arrows link to it. ``published`` and ``titles`` (by article id) place and name
    the story maps' articles; without times a map is drawn in provenance order and says so.
    """
    views = views or {}
    published = published or {}
    titles = titles or {}
    e = html.escape
    labels = Counter(p["label"] for p in pairs)
    multi = [c for c in clusters if len(c["members"]) > 1]
    if articles is None:
        articles = Counter(o or "(unknown outlet)" for o in outlet_of.values())
    if n_clusters is None:
        n_clusters = len(clusters)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>copytrace scan report</title>",
        f"<style>{_CSS}</style></head><body><h1>copytrace scan report</h1>",
        "<h2>Counts</h2><table>",
    ]
    counts = [
        ("articles read", n_docs), ("records rejected (rejects.jsonl)", n_rejects),
        *((f"candidate pairs ({k})", v) for k, v in candidates.items()),
        ("candidate pairs whose comparison failed (errors.jsonl)", n_errors), ("reuse pairs", len(pairs)), *((f"&nbsp;&nbsp;{k}", v) for k, v in sorted(labels.items())),
        ("clusters (all)", n_clusters), ("clusters with reuse", len(multi)),
    ]
    parts += [f"<tr><td>{k}</td><td class=n>{v:,}</td></tr>" for k, v in counts]
    parts.append("</table>")
    if seconds:
        parts.append("<p>Time per stage: " + ", ".join(f"{e(k)} {v:.1f} s" for k, v in seconds.items()) + "</p>")

    parts.append("<h2>Who reuses whom</h2><p>Each cell: how often the outlet of the column reused the outlet of the "
                 "row (directed pairs only), split into <span style='color:#009e73'>credited</span>, "
                 "<span style='color:#d55e00'>not credited</span> and <span style='color:#8a8a8a'>credit unknown"
                 "</span>; hover for the figures.</p>")
    parts.append(f"<div class=scroll>{flow_matrix(outlet_flows(pairs, outlet_of))}</div>")
    parts.append("<h2>Scores</h2><p>The score is the verdict's probability that one article derives from the other; "
                 "pairs below the scan's threshold are not kept.</p>")
    parts.append(score_histogram(pairs) if pairs else "<p>No reuse pairs.</p>")

    parts.append("<h2>Reuse by outlet</h2><table><tr><th>outlet</th><th>articles</th><th>reuse pairs as the copy</th>"
                 "<th>credited</th><th>not credited</th><th>credit unknown</th><th>reused by others</th><th>from whom</th></tr>")
    table = outlet_table(pairs, outlet_of)
    for outlet in sorted(set(articles) | set(table), key=lambda o: (-table.get(o, {}).get("reused", 0), o)):
        row = table.get(outlet)
        if row is None:
            row = {"reused": 0, "credited": 0, "uncredited": 0, "unknown_credit": 0, "from": Counter(), "reused_by_others": 0}
        sources = ", ".join(f"{e(s)} ({n})" for s, n in row["from"].most_common(5))
        parts.append(
            f"<tr><td>{e(outlet)}</td><td class=n>{articles.get(outlet, 0):,}</td><td class=n>{row['reused']:,}</td>"
            f"<td class=n>{row['credited']:,}</td><td class=n>{row['uncredited']:,}</td>"
            f"<td class=n>{row['unknown_credit']:,}</td><td class=n>{row['reused_by_others']:,}</td><td>{sources}</td></tr>"
        )
    parts.append("</table>")

    by_member = _by_member(pairs)
    parts.append(f"<h2>Largest clusters</h2><p>{min(LARGEST, len(multi))} of {len(multi):,} clusters with reuse, each "
                 "as a story map: every article in its outlet's lane, left to right in publication order, one arrow "
                 "into each article from its likeliest source. Click an arrow or a pair's label to open the pair side "
                 "by side (the first pages; any other pair: <code>copytrace compare A B --format html</code>), "
                 "an article to find it in the table below the map.</p>")
    parts.append(story_map.legend_html())
    for c in multi[:LARGEST]:
        members = set(c["members"])
        listed = _own_pairs(by_member, members)
        cid = c["cluster"]
        parts.append(f"<h3 id='cluster-{cid}'>Cluster {cid} — {len(members)} articles, root "
                     f"<code>{e(c['root'])}</code> ({e(outlet_of.get(c['root']) or 'unknown outlet')})</h3>")
        parts += _story(c, listed, outlet_of, published, titles, views)
        parts.append("<table><tr><th>a</th><th>b</th><th>label</th><th>score</th><th>who copied whom</th><th>credited</th></tr>")
        for p in listed:
            who = f"{e(p['source'])} → {e(p['derived'])} (by {BY.get(p.get('by'), 'unknown')})" if p.get("source") else "unknown"
            link = views.get((p["a"], p["b"]))
            label = f"<a href='{e(link)}'>{e(p['label'])}</a>" if link else e(p["label"])
            parts.append(f"<tr><td><code>{e(p['a'])}</code></td><td><code>{e(p['b'])}</code></td><td>{label}</td>"
                         f"<td class=n>{p['score']:.2f}</td><td>{who}</td><td>{CREDIT.get(p.get('credited'), 'unknown')}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    out = Path(path)
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def _story(c: Mapping, listed: list[Mapping], outlet_of: Mapping, published: Mapping, titles: Mapping,
           views: Mapping[tuple[str, str], str]) -> list[str]:
    """A cluster's story map (and, when bundled, the map with every article in a <details>) and its articles."""
    e = html.escape
    cid = c["cluster"]
    nodes = [{"id": m, "title": titles.get(m), "outlet": outlet_of.get(m), "published_at": published.get(m)}
             for m in c["members"]]
    hrefs = {(s, d): views[k] for (s, d) in {(p["source"] or p["a"], p["derived"] or p["b"]) for p in listed}
             | {(p["b"], p["a"]) for p in listed} | {(p["a"], p["b"]) for p in listed}
             if (k := tuple(sorted((s, d)))) in views}
    row = {m: f"#c{cid}-{k}" for k, m in enumerate(sorted(c["members"]))}
    m = story_map.layout(nodes, listed, root=c["root"], cluster=cid)
    out = [f"<div class=scroll>{story_map.svg(m, edge_href=hrefs, node_href=row.get, prefix=f'c{cid}')}</div>"]
    if m["bundles"]:
        full = story_map.layout(nodes, listed, root=c["root"], cluster=cid, bundle=False)
        out.append(f"<details><summary>Expand the {m['bundles']} bundles of near-identical copies</summary>"
                   f"<div class=scroll>{story_map.svg(full, edge_href=hrefs, node_href=row.get, prefix=f'c{cid}x')}"
                   "</div></details>")
    arrows_in = defaultdict(list)
    arrows_out = defaultdict(list)
    for edge in (story_map.layout(nodes, listed, root=c["root"], bundle=False)["edges"] if m["bundles"] else m["edges"]):
        arrows_in[edge["derived"]].append(edge["source"])
        arrows_out[edge["source"]].append(edge["derived"])
    out.append(f"<details open><summary>The {len(nodes)} articles</summary><table><tr><th>article</th><th>title</th>"
               "<th>outlet</th><th>published</th><th>drawn from</th><th>drawn into</th></tr>")
    for k, n in enumerate(sorted(nodes, key=lambda n: n["id"])):
        when = n["published_at"] or "unknown"
        if isinstance(when, datetime):
            when = when.isoformat(sep=" ", timespec="minutes")
        out.append(f"<tr id='c{cid}-{k}'><td><code>{e(n['id'])}</code></td><td>{e(n['title'] or '')}</td>"
                   f"<td>{e(n['outlet'] or 'unknown outlet')}</td><td>{e(when)}</td>"
                   f"<td>{', '.join(e(x) for x in arrows_in[n['id']]) or '—'}</td>"
                   f"<td>{', '.join(e(x) for x in arrows_out[n['id']]) or '—'}</td></tr>")
    out.append("</table></details>")
    return out

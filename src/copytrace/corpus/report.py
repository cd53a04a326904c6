"""The scan report: counts, the largest clusters and per-outlet reuse, as one HTML file.

The page is self-contained (inline CSS, no scripts, no external links) so it
can be mailed or archived as is.

>>> pairs = [{"a": "x", "b": "y", "label": "wholly", "score": 0.9, "direction": "a->b",
...           "source": "x", "derived": "y", "credited": False}]
>>> outlet_table(pairs, {"x": "BBC", "y": "Wire"})["Wire"]["reused"]
1
"""
from __future__ import annotations

import html
from collections import Counter, defaultdict
from pathlib import Path
from typing import Mapping, Sequence

LARGEST = 20
VIEWS = 40  # side-by-side pages written with a scan, for the first pairs the report lists
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}.n{text-align:right}code{font-size:12px}h1{font-size:1.6em}
"""


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


def reported_pairs(pairs: Sequence[Mapping], clusters: Sequence[Mapping], most: int = VIEWS) -> list[tuple[str, str]]:
    """The (a, b) pairs the report's "largest clusters" section lists, in its order (at most ``most``)."""
    shown: list[tuple[str, str]] = []
    by_member: dict[str, list[Mapping]] = defaultdict(list)
    for p in pairs:
        by_member[p["a"]].append(p)
    for c in [c for c in clusters if len(c["members"]) > 1][:LARGEST]:
        for m in sorted(c["members"]):
            shown += [(p["a"], p["b"]) for p in by_member.get(m, [])]
    return shown[:most]


def write_report(path: str | Path, pairs: Sequence[Mapping], clusters: Sequence[Mapping],
                 outlet_of: Mapping[str, str | None], *, n_docs: int, n_rejects: int, n_errors: int = 0,
                 candidates: Mapping[str, int], seconds: Mapping[str, float],
                 views: Mapping[tuple[str, str], str] | None = None) -> Path:
    """Write ``report.html`` for a finished scan and return its path.

    ``views`` maps a pair to its side-by-side page (relative to the report); listed pairs link to it.
    """
    views = views or {}
    e = html.escape
    labels = Counter(p["label"] for p in pairs)
    multi = [c for c in clusters if len(c["members"]) > 1]
    articles = Counter(o or "(unknown outlet)" for o in outlet_of.values())
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>copytrace scan report</title>",
        f"<style>{_CSS}</style></head><body><h1>copytrace scan report</h1>",
        "<h2>Counts</h2><table>",
    ]
    counts = [
        ("articles read", n_docs), ("records rejected (rejects.jsonl)", n_rejects),
        *((f"candidate pairs ({k})", v) for k, v in candidates.items()),
        ("candidate pairs whose comparison failed (errors.jsonl)", n_errors), ("reuse pairs", len(pairs)), *((f"&nbsp;&nbsp;{k}", v) for k, v in sorted(labels.items())),
        ("clusters (all)", len(clusters)), ("clusters with reuse", len(multi)),
    ]
    parts += [f"<tr><td>{k}</td><td class=n>{v:,}</td></tr>" for k, v in counts]
    parts.append("</table>")
    if seconds:
        parts.append("<p>Time per stage: " + ", ".join(f"{e(k)} {v:.1f} s" for k, v in seconds.items()) + "</p>")

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

    by_member: dict[str, list[Mapping]] = defaultdict(list)
    for p in pairs:
        by_member[p["a"]].append(p)
    parts.append(f"<h2>Largest clusters</h2><p>{min(LARGEST, len(multi))} of {len(multi):,} clusters with reuse. "
                 "A pair's label opens it side by side (the first pairs listed; any other pair: "
                 "<code>copytrace compare A B --format html</code>).</p>")
    for c in multi[:LARGEST]:
        members = set(c["members"])
        parts.append(f"<h3 id='cluster-{c['cluster']}'>Cluster {c['cluster']} — {len(members)} articles, root "
                     f"<code>{e(c['root'])}</code> ({e(outlet_of.get(c['root']) or 'unknown outlet')})</h3>")
        parts.append("<table><tr><th>a</th><th>b</th><th>label</th><th>score</th><th>who copied whom</th><th>credited</th></tr>")
        for m in sorted(members):
            for p in by_member.get(m, []):
                who = f"{e(p['source'])} → {e(p['derived'])} (by {e(p.get('by', ''))})" if p.get("source") else "unknown"
                link = views.get((p["a"], p["b"]))
                label = f"<a href='{e(link)}'>{e(p['label'])}</a>" if link else e(p["label"])
                parts.append(f"<tr><td><code>{e(p['a'])}</code></td><td><code>{e(p['b'])}</code></td><td>{label}</td>"
                             f"<td class=n>{p['score']:.2f}</td><td>{who}</td><td>{e(str(p.get('credited')))}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    out = Path(path)
    out.write_text("\n".join(parts), encoding="utf-8")
    return out

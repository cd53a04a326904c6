"""Story maps: where each article of a cluster sits, and the arrows of who took it from whom.

Layout only, computed once in Python: the scan report draws it as SVG
(:func:`svg`), the web page draws the JSON of ``GET /clusters/{id}`` (the same
dict) with ``static/storymap.js``, so the two pictures cannot disagree.

>>> nodes = [{"id": "o", "outlet": "BBC", "published_at": "2024-01-01T09:00:00+00:00"},
...          {"id": "c", "outlet": "Wire", "published_at": "2024-01-01T12:00:00+00:00"}]
>>> edges = [{"a": "c", "b": "o", "source": "o", "derived": "c", "label": "wholly", "score": 0.98,
...           "credited": False, "coverage_a": 0.9, "coverage_b": 1.0, "by": "time"}]
>>> m = layout(nodes, edges, root="o")
>>> m["order"], [l["outlet"] for l in m["lanes"]], [(e["source"], e["derived"], e["reused"]) for e in m["edges"]]
('time', ['BBC', 'Wire'], [('o', 'c', 0.9)])

Each article is a node in its outlet's lane, left to right in publication
order (without times: in the provenance order the scan computed, and the map
says so). Each article gets one arrow in: from its likeliest source (the
best-scoring earlier article it is linked to), so a cluster of n articles
draws n - 1 arrows rather than every pair; ``other_links`` counts the rest.
Large clusters bundle near-identical copies (same source, same lane, wholly
derived, score >= ``NEAR_IDENTICAL``) into one node; ``expand`` opens bundles.
"""
from __future__ import annotations

import heapq
import html
from collections import defaultdict
from datetime import datetime
from typing import Iterable, Mapping, Sequence

NEAR_IDENTICAL = 0.9  # score at which a wholly derived copy counts as the same text for bundling
BUNDLE_FROM = 40  # clusters with more articles than this are bundled unless asked otherwise
MAX_LANES = 12  # outlets beyond these (the smallest) share one "other outlets" lane
LEFT, TOP, LANE, RIGHT, BOTTOM = 170, 46, 46, 40, 16  # pixels
MIN_STEP, MAX_STEP, TARGET_WIDTH = 12, 64, 1000  # horizontal room per article
RADIUS, BUNDLE_RADIUS = 7, 10
OTHER = "other outlets"
UNKNOWN_OUTLET = "(unknown outlet)"
COLOURS = {True: "#009e73", False: "#d55e00", None: "#8a8a8a"}  # credited / not credited / unknown (Okabe-Ito)
DASHES = {"wholly": "", "partially": "7 4"}  # anything else (candidate, non): dotted


def layout(nodes: Sequence[Mapping], edges: Iterable[Mapping], *, root: str | None = None,
           bundle: bool | None = None, expand: Iterable[str] = (), cluster: int | None = None) -> dict:
    """The story map of one cluster as plain JSON-ready data.

    ``nodes``: ``{"id", "title", "outlet", "published_at"}`` (datetime or ISO
    string or None); ``edges``: pairs as the scan writes them (``a``, ``b``,
    ``source``, ``derived``, ``label``, ``score``, ``credited``,
    ``coverage_a``, ``coverage_b``, ``by``). ``bundle`` None bundles clusters
    larger than ``BUNDLE_FROM``; ``expand`` names bundles (``"bundle:<id>"``)
    to draw article by article.
    """
    info = {n["id"]: _node(n) for n in nodes}
    ids = sorted(info)
    links = [_edge(e) for e in edges if e["a"] in info and e["b"] in info and e["a"] != e["b"]]
    order, mode = _order(ids, links, info, root)
    rank = {m: k for k, m in enumerate(order)}
    tree = _derivations(order, rank, links)
    lanes = _lanes(order, info)
    if bundle is None:
        bundle = len(ids) > BUNDLE_FROM
    groups = _bundles(tree, info, lanes) if bundle else {}
    groups = {k: v for k, v in groups.items() if k not in set(expand)}

    # Visible items: articles, with each bundle standing where its earliest member stands.
    hidden = {m: key for key, members in groups.items() for m in members}
    items = [m if m not in hidden else hidden[m] for m in order]
    items = list(dict.fromkeys(items))
    step = max(MIN_STEP, min(MAX_STEP, TARGET_WIDTH / max(1, len(items))))
    lane_names = list(dict.fromkeys(lanes[m] for m in order))
    if OTHER in lane_names:  # the catch-all lane goes last, whenever its first article came
        lane_names = [n for n in lane_names if n != OTHER] + [OTHER]
    lane_y = {name: TOP + LANE * k + LANE / 2 for k, name in enumerate(lane_names)}
    out_nodes, where = [], {}
    for k, item in enumerate(items):
        x = round(LEFT + step * (k + 0.5), 1)
        if item in groups:
            members = sorted(groups[item], key=rank.get)
            first = info[members[0]]
            node = {"id": item, "title": f"{len(members)} near-identical copies", "outlet": first["outlet"],
                    "published_at": first["published_at"], "members": [info[m] for m in members],
                    "count": len(members)}
            lane = lanes[members[0]]
        else:
            node = {**info[item], "count": 1}
            lane = lanes[item]
        node |= {"lane": lane_names.index(lane), "x": x, "y": lane_y[lane], "root": item == root}
        out_nodes.append(node)
        where[item] = node
    node_of = {m: (hidden.get(m) or m) for m in ids}

    out_edges = []
    merged: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for e in tree:
        merged[(node_of[e["source"]], node_of[e["derived"]])].append(e)
    for (s, d), group in merged.items():
        if s == d:
            continue
        e = dict(group[0])
        if len(group) > 1:  # a bundle's arrows drawn as one: mean score, credit only when all agree
            credits = {g["credited"] for g in group}
            e |= {"score": round(sum(g["score"] for g in group) / len(group), 4),
                  "credited": credits.pop() if len(credits) == 1 else None,
                  "reused": _mean([g["reused"] for g in group]), "count": len(group),
                  "credited_count": sum(g["credited"] is True for g in group)}
        else:
            e |= {"count": 1}
        e["source_node"], e["derived_node"] = s, d
        e["path"] = _path(where[s], where[d], e["directed"])
        out_edges.append(e)

    width = round(LEFT + step * len(items) + RIGHT)
    note = None
    if mode == "provenance":
        untimed = sum(info[m]["published_at"] is None for m in ids)
        note = (f"{untimed} of {len(ids)} articles have no publication time: left to right is the order of "
                "who copied whom that the scan computed, not time.")
    return {
        "cluster": cluster, "size": len(ids), "root": root, "order": mode, "note": note,
        "width": width, "height": round(TOP + LANE * len(lane_names) + BOTTOM),
        "lanes": [{"outlet": name, "y": lane_y[name], "count": sum(lanes[m] == name for m in ids)}
                  for name in lane_names],
        "ticks": _ticks(out_nodes) if mode == "time" else [],
        "nodes": out_nodes, "edges": out_edges,
        "bundles": len(groups), "other_links": max(0, len(links) - len(tree)),
    }


# --- the pieces -------------------------------------------------------------------


def _node(n: Mapping) -> dict:
    when = n.get("published_at")
    if isinstance(when, str):
        when = _parse(when)
    return {"id": n["id"], "title": n.get("title") or None, "outlet": n.get("outlet") or UNKNOWN_OUTLET,
            "published_at": when.isoformat() if isinstance(when, datetime) else None}


def _parse(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _edge(e: Mapping) -> dict:
    directed = bool(e.get("source")) and e.get("by", "time") != "none"
    source, derived = (e["source"], e["derived"]) if directed else (e["a"], e["b"])
    cov = {e["a"]: e.get("coverage_a"), e["b"]: e.get("coverage_b")}
    reused = cov[derived] if directed else _max([cov[e["a"]], cov[e["b"]]])
    credited = e.get("credited")
    return {"source": source, "derived": derived, "label": e.get("label") or "candidate",
            "score": round(float(e.get("score") or 0.0), 4), "credited": credited if credited in (True, False) else None,
            "reused": None if reused is None else round(float(reused), 4), "by": e.get("by") or "none",
            "directed": directed}


def _order(ids: list[str], links: list[dict], info: dict, root: str | None) -> tuple[list[str], str]:
    """Publication order when every article has a time; otherwise who-copied-whom (a topological order)."""
    if ids and all(info[m]["published_at"] for m in ids):
        return sorted(ids, key=lambda m: (_parse(info[m]["published_at"]), m != root, m)), "time"
    # Kahn's topological order, the likeliest article first among those ready (a heap: large clusters).
    sources: dict[str, set[str]] = defaultdict(set)
    for e in links:
        if e["directed"]:
            sources[e["derived"]].add(e["source"])
    children: dict[str, list[str]] = defaultdict(list)
    for d, srcs in sources.items():
        for src in srcs:
            children[src].append(d)
    missing = {m: len(sources[m]) for m in ids}
    key = lambda m: (m != root, info[m]["published_at"] is None, info[m]["published_at"] or "", m)  # noqa: E731
    ready = [key(m) for m in ids if not missing[m]]
    heapq.heapify(ready)
    done: list[str] = []
    seen: set[str] = set()
    while len(done) < len(ids):
        if not ready:  # a cycle of text directions: take the likeliest article left
            heapq.heappush(ready, min(key(m) for m in ids if m not in seen))
        m = heapq.heappop(ready)[-1]
        if m in seen:
            continue
        done.append(m)
        seen.add(m)
        for c in children[m]:
            missing[c] -= 1
            if not missing[c] and c not in seen:
                heapq.heappush(ready, key(c))
    return done, "provenance"


def _derivations(order: list[str], rank: dict, links: list[dict]) -> list[dict]:
    """One arrow into each article: from its best-scoring earlier link, preferring the earliest source."""
    into: dict[str, list[dict]] = defaultdict(list)
    for e in links:
        if not e["directed"] and rank[e["source"]] > rank[e["derived"]]:
            e = e | {"source": e["derived"], "derived": e["source"]}  # undirected: drawn in reading order
        into[e["derived"]].append(e)
    tree = []
    for m in order:
        earlier = [e for e in into.get(m, []) if rank[e["source"]] < rank[m]]
        if earlier:
            tree.append(min(earlier, key=lambda e: (-e["score"], rank[e["source"]])))
    return tree


def _lanes(order: list[str], info: dict) -> dict[str, str]:
    """Outlet lane of each article: the MAX_LANES - 1 largest outlets (and the root's) keep their own."""
    counts: dict[str, int] = defaultdict(int)
    for m in order:
        counts[info[m]["outlet"]] += 1
    if len(counts) <= MAX_LANES:
        return {m: info[m]["outlet"] for m in order}
    first = info[order[0]]["outlet"]
    keep = {first} | set([o for o in sorted(counts, key=lambda o: (-counts[o], o)) if o != first][: MAX_LANES - 2])
    return {m: info[m]["outlet"] if info[m]["outlet"] in keep else OTHER for m in order}


def _bundles(tree: list[dict], info: dict, lanes: dict) -> dict[str, list[str]]:
    """Near-identical leaf copies of one source in one lane, two or more: ``{"bundle:<first id>": ids}``."""
    parents = {e["source"] for e in tree}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in tree:
        d = e["derived"]
        if d not in parents and e["label"] == "wholly" and e["score"] >= NEAR_IDENTICAL:
            groups[(e["source"], lanes[d])].append(d)
    return {f"bundle:{members[0]}": members for members in groups.values() if len(members) > 1}


def _path(s: Mapping, d: Mapping, directed: bool) -> str:
    """An SVG path from source to derived node, ending at the node's rim so the arrowhead shows."""
    x1, y1, x2, y2 = s["x"], s["y"], d["x"], d["y"]
    r = (BUNDLE_RADIUS if d.get("count", 1) > 1 else RADIUS) + (2 if directed else 0)
    dx = x2 - x1
    sign = 1 if dx >= 0 else -1
    if abs(y2 - y1) < 1:  # same lane: an arc above the lane, clear of the nodes between
        lift = min(LANE * 0.42, 6 + abs(dx) * 0.12)
        cx, cy = (x1 + x2) / 2, y1 - lift
        tx, ty = x2 - cx, y2 - cy
        norm = (tx * tx + ty * ty) ** 0.5 or 1
        return f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2 - r * tx / norm:.1f},{y2 - r * ty / norm:.1f}"
    c = dx / 2
    return f"M{x1:.1f},{y1:.1f} C{x1 + c:.1f},{y1:.1f} {x2 - c:.1f},{y2:.1f} {x2 - sign * r:.1f},{y2:.1f}"


def _ticks(nodes: list[dict]) -> list[dict]:
    """Date labels along the top where the day changes, at least 90 px apart (hours when all in one day)."""
    times = [n["published_at"] for n in nodes if n["published_at"]]
    one_day = len({t[:10] for t in times}) == 1
    ticks, last_x, last = [], -1e9, None
    for n in nodes:
        t = n["published_at"]
        if not t:
            continue
        label = t[11:16] if one_day else t[:10]
        if label != last and n["x"] - last_x >= 90:
            ticks.append({"x": n["x"], "label": label})
            last_x = n["x"]
        last = label
    return ticks


def _mean(xs: list) -> float | None:
    xs = [x for x in xs if x is not None]
    return round(sum(xs) / len(xs), 4) if xs else None


def _max(xs: list) -> float | None:
    xs = [x for x in xs if x is not None]
    return max(xs) if xs else None


# --- words for readers --------------------------------------------------------------


def credit_words(credited: bool | None) -> str:
    """``credited`` as a reader reads it: never ``None``."""
    return "credits its source" if credited is True else "no credit" if credited is False else "credit unknown"


def edge_text(e: Mapping, titles: Mapping[str, str] | None = None) -> str:
    """The hover text of an arrow: who, how much, score, credit."""
    name = (titles or {}).get
    who = f"{name(e['source']) or e['source']} → {name(e['derived_node']) or e['derived_node']}"
    if e.get("count", 1) > 1:
        who += f" ({e['count']} copies, {e.get('credited_count', 0)} credit the source)"
    share = "share reused unknown" if e.get("reused") is None else f"{e['reused']:.0%} of the copy reused"
    direction = "" if e["directed"] else " · direction unknown"
    return f"{who}\n{e['label']} derived · score {e['score']:.2f} · {share} · {credit_words(e['credited'])}{direction}"


# --- SVG (the scan report) -----------------------------------------------------------


def svg(m: Mapping, *, edge_href: Mapping[tuple[str, str], str] | None = None, node_href=None,
        prefix: str = "map") -> str:
    """The map as an inline ``<svg>`` (no script): arrows link to ``edge_href[(source, derived)]``,
    nodes to ``node_href(id)``; hovering shows the text a click would."""
    e_ = html.escape
    edge_href = edge_href or {}
    titles = {n["id"]: _short(n.get("title") or n["id"]) for n in m["nodes"]}
    parts = [f"<svg class='story-map' role='img' width='{m['width']}' height='{m['height']}' "
             f"viewBox='0 0 {m['width']} {m['height']}' aria-label='story map: {m['size']} articles'>",
             "<defs>"]
    for credited, colour in COLOURS.items():
        parts.append(f"<marker id='{prefix}-arrow-{_credit_key(credited)}' viewBox='0 0 10 10' refX='9' refY='5' "
                     f"markerWidth='9' markerHeight='9' markerUnits='userSpaceOnUse' orient='auto'>"
                     f"<path d='M0,0 L10,5 L0,10 z' fill='{colour}'/></marker>")
    parts.append("</defs>")
    caption = (m["note"] or "Left to right: publication order.") + " Lanes: outlets."
    parts.append(f"<text x='8' y='16' class='sm-caption'>{e_(caption)}</text>")
    for k, lane in enumerate(m["lanes"]):
        top = lane["y"] - LANE / 2
        fill = "#f4f4f1" if k % 2 == 0 else "#ffffff"
        parts.append(f"<rect x='0' y='{top}' width='{m['width']}' height='{LANE}' fill='{fill}'/>")
        parts.append(f"<text x='8' y='{lane['y'] + 4}' class='sm-lane'>{e_(_short(lane['outlet'], 22))} "
                     f"({lane['count']})</text>")
    for t in m["ticks"]:
        parts.append(f"<text x='{t['x']}' y='{TOP - 6}' class='sm-tick' text-anchor='middle'>{e_(t['label'])}</text>")
    for e in m["edges"]:
        colour = COLOURS[e["credited"]]
        dash = DASHES.get(e["label"], "2 3")
        marker = f" marker-end='url(#{prefix}-arrow-{_credit_key(e['credited'])})'" if e["directed"] else ""
        path = (f"<path d='{e['path']}' fill='none' stroke='{colour}' stroke-width='{1 + 4 * e['score']:.1f}'"
                f"{f' stroke-dasharray={chr(39)}{dash}{chr(39)}' if dash else ''}{marker}>"
                f"<title>{e_(edge_text(e, titles))}</title></path>")
        href = edge_href.get((e["source"], e["derived"]))
        parts.append(f"<a href='{e_(href)}' class='sm-edge'>{path}</a>" if href else path)
    for n in m["nodes"]:
        r = BUNDLE_RADIUS if n["count"] > 1 else RADIUS
        tip = _node_text(n)
        shape = f"<circle cx='{n['x']}' cy='{n['y']}' r='{r}' class='sm-node{' sm-root' if n['root'] else ''}'/>"
        if n["root"]:
            shape = f"<circle cx='{n['x']}' cy='{n['y']}' r='{r + 4}' class='sm-ring'/>" + shape
        if n["count"] > 1:
            shape += (f"<text x='{n['x']}' y='{n['y'] + 3.5}' class='sm-count' text-anchor='middle'>"
                      f"{n['count']}</text>")
        body = f"<g>{shape}<title>{e_(tip)}</title></g>"
        href = node_href(n["id"] if n["count"] == 1 else n["members"][0]["id"]) if node_href else None
        parts.append(f"<a href='{e_(href)}'>{body}</a>" if href else body)
    parts.append("</svg>")
    return "".join(parts)


SVG_CSS = """
.story-map{display:block;background:#fff;border:1px solid #ddd;font:11px system-ui,sans-serif}
.story-map .sm-node{fill:#fff;stroke:#333;stroke-width:1.5}.story-map .sm-root{fill:#0b3d91;stroke:#0b3d91}
.story-map .sm-ring{fill:none;stroke:#0b3d91;stroke-width:1.5}.story-map .sm-count{font-size:9px;font-weight:700}
.story-map .sm-caption{fill:#555}.story-map .sm-lane{fill:#222}.story-map .sm-tick{fill:#666}
.story-map a:hover path{stroke-opacity:.6}.story-map a:hover circle{stroke-width:3}
"""


def legend_html() -> str:
    """The map's key as HTML (shared wording with the page's legend)."""
    items = [("solid", "wholly derived"), ("dashed", "partially derived"), ("dotted", "not compared")]
    colours = [(COLOURS[True], "credits its source"), (COLOURS[False], "no credit"), (COLOURS[None], "credit unknown")]
    out = ["<p class='sm-legend'>Arrows run from source to copy; width grows with the score. "]
    out += [f"<span>{style}: {what}</span>; " for style, what in items]
    out += [f"<span style='color:{c}'>■ {what}</span> " for c, what in colours]
    out.append("· filled node with a ring: the root (likely origin) · a number: near-identical copies bundled.</p>")
    return "".join(out)


def _node_text(n: Mapping) -> str:
    when = n["published_at"].replace("T", " ")[:16] if n.get("published_at") else "time unknown"
    if n["count"] > 1:
        return f"{n['count']} near-identical copies ({n['outlet']}), from {when}"
    return f"{n.get('title') or n['id']}\n{n['outlet']} · {when}{' · root' if n['root'] else ''}\n{n['id']}"


def _short(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _credit_key(credited: bool | None) -> str:
    return "yes" if credited is True else "no" if credited is False else "unknown"

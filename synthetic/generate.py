"""Test corpora with known reuse, built from real news articles.

Each *family* is one real article (the origin) and the copies other outlets
made of it: exact copies, near copies (a few words changed, a promo line
added), rewrites (sentences dropped and reordered, words substituted,
sometimes a credit added), shortened copies (some sentences kept word for
word) and excerpts (a few paragraphs inside a long unrelated article). Every other real article is an unrelated article on the
same topics, and ``background`` pads the corpus to any size with articles
sampled from a word-bigram model of the same text (realistic vocabulary, no
reuse), so a 100k-article benchmark needs only the 2,225 BBC articles.

Real news also holds text that looks like reuse and is not, so by default the
corpus has it too: wire reports written from one frame with other figures,
template twins of real articles (every figure and name replaced), and site
furniture (syndication notes, newsletter banners, press-wire footers) on a
fifth of the articles. None of it is in a family, so a scanner that pairs
them loses precision, and ``score`` says which cause each wrong pair has.
``generate_wire`` makes a second corpus another way (grammar reports only),
and ``labelled_pairs`` labelled pairs for the verdict.

>>> from synthetic.generate import generate, read_sources, score
>>> corpus = generate(read_sources("tests/data/bbc-sample.jsonl.gz"), families=20, seed=1)
>>> len(corpus.records), len(corpus.pairs) > 20, len(corpus.templates)
(230, True, 5)
>>> score([(a, b) for a, b, _ in corpus.pairs], corpus.clusters, corpus)["recall"]
1.0
"""
from __future__ import annotations

import gzip
import itertools
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable

import numpy as np

from .edits import OUTLETS, cut_copy, distinct, near_copy, read_sources, rewrite
from .labelled import labelled_pairs
from .templates import FAMILIES, TABLES, furniture_blocks, furnish, name_pool, template_twin, wire_report

KINDS = ("exact", "near", "rewrite")
PLANTED_KINDS = KINDS + ("cut", "excerpt")


@dataclass(frozen=True)
class GeneratedCorpus:
    """Articles plus the truth about them.

    ``pairs``: (source id, derived id, kind) for every planted copy;
    ``clusters``: lists of ids, one per family and one per untouched article;
    ``templates``: groups of ids written from one frame (wire reports of one
    grammar family, a real article and its template twins) — not reuse;
    ``furnished``: id -> the name of the furniture block the article carries.
    """

    records: list[dict]
    pairs: list[tuple[str, str, str]]
    clusters: list[list[str]]
    templates: list[list[str]] = field(default_factory=list)
    furnished: dict[str, str] = field(default_factory=dict)

    def write(self, out_dir: str | Path) -> Path:
        """corpus.jsonl.gz, truth_pairs.jsonl and truth_clusters.jsonl in ``out_dir``."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        with gzip.open(out / "corpus.jsonl.gz", "wt", encoding="utf-8") as f:
            for r in self.records:
                f.write(json.dumps(r) + "\n")
        with open(out / "truth_pairs.jsonl", "w") as f:
            for a, b, kind in self.pairs:
                f.write(json.dumps({"a": a, "b": b, "kind": kind}) + "\n")
        with open(out / "truth_clusters.jsonl", "w") as f:
            for members in self.clusters:
                f.write(json.dumps({"members": members}) + "\n")
        with open(out / "truth_templates.jsonl", "w") as f:
            for members in self.templates:
                f.write(json.dumps({"members": members}) + "\n")
        return out / "corpus.jsonl.gz"



class Babbler:
    """Unrelated filler articles from a word-bigram model of real text.

    Sampling is vectorised over a whole batch of articles: each step draws the
    next word of every article at once from its predecessor's successor list.
    """

    def __init__(self, texts: Iterable[str]):
        vocab: dict[str, int] = {}
        ids = [vocab.setdefault(w, len(vocab)) for t in texts for w in t.split()]
        seq = np.asarray(ids, dtype=np.int64)
        order = np.argsort(seq[:-1], kind="stable")
        self.successors = seq[1:][order]
        counts = np.bincount(seq[:-1], minlength=len(vocab))
        self.start = np.concatenate([[0], np.cumsum(counts)])
        self.words = np.asarray(list(vocab), dtype=object)
        self.alive = np.flatnonzero(counts)

    def batch(self, n: int, length: int, rng: np.random.Generator) -> list[str]:
        state = rng.choice(self.alive, size=n)
        out = np.empty((length, n), dtype=np.int64)
        for step in range(length):
            out[step] = state
            lo, hi = self.start[state], self.start[state + 1]
            dead = hi == lo
            state = np.where(
                dead,
                rng.choice(self.alive, size=n),
                self.successors[np.minimum(lo + (rng.random(n) * (hi - lo)).astype(np.int64), len(self.successors) - 1)],
            )
        words = self.words[out.T]
        return [" ".join(row) for row in words]


def generate(
    sources: list[dict],
    *,
    families: int = 20,
    copies: tuple[int, int] = (1, 4),
    background: int = 0,
    seed: int = 0,
    templates: int | None = None,
    furniture: float = 0.2,
    excerpts: int | None = None,
    cuts: int | None = None,
) -> GeneratedCorpus:
    """A corpus of the sources, planted copies, template reports and ``background`` articles.

    ``families`` origins get between ``copies[0]`` and ``copies[1]`` copies each,
    the kinds drawn in turn from exact, near and rewrite. On top of those, by
    default (pass 0 to leave each out):

    - ``cuts`` origins (default ``families // 5``, at least 1) also have a
      shortened copy: some of their sentences word for word, nothing added but
      a promo line (kind ``cut``; what newspapers most often do with wire copy);
    - ``excerpts`` origins (default ``families // 5``, at least 1) also have
      1–3 paragraphs copied into a long unrelated article (kind ``excerpt``);
      the host text comes from sources held out of the corpus, so the host
      shares nothing else with any article;
    - ``templates`` template groups (default ``families // 4``, at least 1):
      3–6 wire reports of one grammar family, or a real article and 1–2
      template twins of it. They are in no family: not reuse;
    - a ``furniture`` share of all articles carries one of a few site
      furniture blocks (syndication note, newsletter banner, press-wire
      footer, …); shared furniture does not make a family.
    """
    sources = distinct(sources)
    rng = random.Random(seed)
    # The additions draw from their own stream, so the sources, copies and
    # background stay as they were without them.
    extra = random.Random(f"{seed}/extras")
    trims = random.Random(f"{seed}/cuts")
    excerpts = max(1, families // 5) if excerpts is None else excerpts
    cuts = max(1, families // 5) if cuts is None else cuts
    templates = max(1, families // 4) if templates is None else templates
    base = datetime(2024, 1, 1, tzinfo=timezone.utc)
    records: list[dict] = []
    pairs: list[tuple[str, str, str]] = []
    clusters: list[list[str]] = []
    chosen = set(rng.sample(range(len(sources)), min(families, len(sources))))
    free = [i for i in range(len(sources)) if i not in chosen]
    held = set(extra.sample(free, min(len(free) // 3, 12 * excerpts))) if excerpts else set()
    hosts = _HostText([sources[i] for i in sorted(held)], extra)
    with_excerpt = set(extra.sample(sorted(chosen), min(excerpts, len(chosen))))
    with_cut = set(trims.sample(sorted(chosen), min(cuts, len(chosen))))
    kind_cycle = itertools.cycle(KINDS)
    for i, src in enumerate(sources):
        when = base + timedelta(days=rng.randrange(365), minutes=rng.randrange(1440))
        if i in held:
            continue
        origin = {
            "id": str(src["id"]),
            "text": src["text"],
            "title": src.get("title"),
            "outlet": src.get("outlet") or "BBC News",
            "url": src.get("url"),
            "published_at": when.isoformat(),
        }
        records.append(origin)
        family = [origin["id"]]
        if i in chosen:
            for c in range(rng.randint(*copies)):
                kind = next(kind_cycle)
                outlet = rng.choice(OUTLETS)
                if kind == "exact":
                    text = src["text"]
                elif kind == "near":
                    text = near_copy(src["text"], rng, outlet)
                else:
                    text = rewrite(src["text"], rng, origin["outlet"])
                copy = {
                    "id": f"{origin['id']}~{kind}{c}",
                    "text": text,
                    "title": origin["title"],
                    "outlet": outlet,
                    "url": None,
                    "published_at": (when + timedelta(hours=rng.randint(1, 72))).isoformat(),
                }
                records.append(copy)
                pairs.append((origin["id"], copy["id"], kind))
                family.append(copy["id"])
        if i in with_excerpt:
            text = excerpt_in(src["text"], hosts, extra)
            if text is not None:
                host = {"id": f"{origin['id']}~excerpt", "text": text, "title": None,
                        "outlet": extra.choice(OUTLETS), "url": None,
                        "published_at": (when + timedelta(hours=extra.randint(1, 240))).isoformat()}
                records.append(host)
                pairs.append((origin["id"], host["id"], "excerpt"))
                family.append(host["id"])
        if i in with_cut:
            text, outlet = cut_copy(src["text"], trims, trims.choice(OUTLETS))
            trimmed = {"id": f"{origin['id']}~cut", "text": text, "title": origin["title"], "outlet": outlet,
                       "url": None, "published_at": (when + timedelta(hours=trims.randint(1, 72))).isoformat()}
            records.append(trimmed)
            pairs.append((origin["id"], trimmed["id"], "cut"))
            family.append(trimmed["id"])
        clusters.append(family)
    unused = [sources[i] for i in free if i not in held]
    made, groups = template_groups(unused, templates, extra, base)
    records += made
    clusters += [[r["id"]] for r in made]
    if background:
        babbler = Babbler(s["text"] for s in sources)
        nrng = np.random.default_rng(seed)
        for start in range(0, background, 2000):
            n = min(2000, background - start)
            for j, text in enumerate(babbler.batch(n, 380, nrng)):
                rid = f"bg-{start + j:07d}"
                records.append({
                    "id": rid, "text": text, "title": None, "outlet": rng.choice(OUTLETS), "url": None,
                    "published_at": (base + timedelta(days=rng.randrange(365))).isoformat(),
                })
                clusters.append([rid])
    furnished = furnish_some(records, furniture, extra)
    rng.shuffle(records)
    return GeneratedCorpus(records, pairs, clusters, groups, furnished)


class _HostText:
    """Paragraphs of held-out articles, handed out once each, to build long unrelated hosts."""

    def __init__(self, articles: list[dict], rng: random.Random):
        self.articles = list(articles)
        rng.shuffle(self.articles)

    def take(self, chars: int) -> list[str] | None:
        """Whole articles' paragraphs, at least ``chars`` long; None when too few are left."""
        out: list[str] = []
        while sum(map(len, out)) < chars:
            if not self.articles:
                return None
            paras = [p for p in self.articles.pop()["text"].split("\n") if p.strip()]
            out += paras[1 if out else 0 :]  # one headline, at the top
        return out


def excerpt_in(text: str, hosts: _HostText, rng: random.Random) -> str | None:
    """1–3 paragraphs of ``text`` inside an unrelated host 5–15x their length (None: no host text left)."""
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    body = [p for p in paras[1:] if len(p.split()) >= 15] or paras
    k = min(len(body), rng.randint(1, 3))
    start = rng.randrange(len(body) - k + 1)
    copied = body[start : start + k]
    size = sum(map(len, copied))
    host = hosts.take(int((rng.uniform(5, 15) - 1) * size))
    if host is None:
        return None
    at = rng.randint(1, len(host))
    return "\n\n".join(host[:at] + copied + host[at:])


def template_groups(sources: list[dict], count: int, rng: random.Random,
                    base: datetime) -> tuple[list[dict], list[list[str]]]:
    """``count`` groups of articles written from one frame: new records, and each group's ids.

    A group is 3–6 wire reports of one grammar family, or one of ``sources``
    (already in the corpus) and 1–2 template twins of it.
    """

    if not count:
        return [], []
    pool = name_pool(s["text"] for s in sources[:500])
    twins_of = rng.sample(sources, min(len(sources), count // 2))
    records, groups = [], []
    wire: dict[str, list[str]] = {}  # every report of one grammar family shares its frames
    for g in range(count):
        when = base + timedelta(days=rng.randrange(365))
        if g < len(twins_of):
            src = twins_of[g]
            texts = [template_twin(src["text"], rng, pool) for _ in range(rng.randint(1, 2))]
            ids = [f"{src['id']}~twin{j}" for j in range(len(texts))]
            groups.append([str(src["id"])] + ids)
        else:
            family = sorted(FAMILIES)[g % len(FAMILIES)]
            texts = [wire_report(family, rng) for _ in range(rng.randint(3, 6))]
            ids = [f"wire-{family}-{g:04d}-{j}" for j in range(len(texts))]
            wire.setdefault(family, []).extend(ids)
        records += [
            {"id": rid, "text": text, "title": text.split("\n", 1)[0], "outlet": rng.choice(OUTLETS), "url": None,
             "published_at": (when + timedelta(days=7 * j)).isoformat()}
            for j, (rid, text) in enumerate(zip(ids, texts))
        ]
    return records, groups + list(wire.values())


def furnish_some(records: list[dict], share: float, rng: random.Random) -> dict[str, str]:
    """Give a ``share`` of ``records`` one of a few furniture blocks (in place); id -> block name."""

    if not share:
        return {}
    blocks = [(f"{name}:{k}", lines) for k in range(2) for name, lines in furniture_blocks(rng).items()]
    out = {}
    for r in records:
        if rng.random() < share:
            name, lines = rng.choice(blocks)
            r["text"] = furnish(r["text"], lines, at_end=not name.startswith("cookies"))
            out[r["id"]] = name
    return out


def truth_pairs(corpus: GeneratedCorpus) -> set[frozenset]:
    """Every pair of articles in one family: copies of one origin reuse each other too."""
    out = set()
    for members in corpus.clusters:
        out.update(frozenset(p) for p in itertools.combinations(members, 2))
    return out


def score(found_pairs: Iterable[tuple[str, str]], found_clusters: Iterable[Iterable[str]],
          corpus: GeneratedCorpus) -> dict:
    """Pair precision and recall, and the adjusted Rand index of the clusters.

    Recall counts the planted (origin, copy) pairs; precision counts a found
    pair as right when both articles are in one family. Each wrong pair is put
    down to a cause: two articles from one template, two carrying the same
    furniture block, or other.
    """
    from sklearn.metrics import adjusted_rand_score

    same_family = truth_pairs(corpus)
    found = {frozenset((a, b)) for a, b in found_pairs if a != b}
    planted = {frozenset((a, b)) for a, b, _ in corpus.pairs}
    by_kind = {}
    for kind in PLANTED_KINDS:
        of_kind = {frozenset((a, b)) for a, b, k in corpus.pairs if k == kind}
        if of_kind:
            by_kind[kind] = len(of_kind & found) / len(of_kind)
    truth_label = {m: i for i, members in enumerate(corpus.clusters) for m in members}
    found_label = {}
    for i, members in enumerate(found_clusters):
        for m in members:
            found_label[m] = i
    ids = sorted(truth_label)
    # An article missing from the found clusters counts as a singleton of its own.
    next_label = itertools.count(len(found_label) + 10**6)
    pred = [found_label.get(m, next(next_label)) for m in ids]
    return {
        "precision": len(found & same_family) / len(found) if found else 1.0,
        "recall": len(found & planted) / len(planted) if planted else 1.0,
        "recall_by_kind": by_kind,
        "ari": adjusted_rand_score([truth_label[m] for m in ids], pred),
        "found_pairs": len(found),
        "planted_pairs": len(planted),
        "wrong_by_cause": wrong_by_cause(found - same_family, corpus),
    }


def score_clusters(found_clusters: Iterable[Iterable[str]], corpus: GeneratedCorpus) -> dict:
    """:func:`score` of every pair inside the found clusters, counted without listing them.

    A MinHash tool can put 16,000 same-beat reports in one cluster: 128M
    pairs, which :func:`score` would hold as a set. Here a found pair is right
    when both articles are in one family, so the right pairs are the pairs
    inside each (found cluster, family) overlap; the found clusters must not
    overlap one another (connected components do not).
    """
    from collections import Counter

    from sklearn.metrics import adjusted_rand_score

    family = {m: i for i, members in enumerate(corpus.clusters) for m in members}
    found_label: dict[str, int] = {}
    overlap: Counter = Counter()
    found = 0
    for i, members in enumerate(found_clusters):
        members = list(dict.fromkeys(members))
        found += len(members) * (len(members) - 1) // 2
        for m in members:
            found_label[m] = i
            overlap[(i, family.get(m, ("alone", m)))] += 1
    right = sum(k * (k - 1) // 2 for k in overlap.values())
    planted = [(a, b, kind) for a, b, kind in corpus.pairs]
    hit = [a in found_label and found_label.get(a) == found_label.get(b) for a, b, _ in planted]
    by_kind = {}
    for kind in PLANTED_KINDS:
        of_kind = [h for h, (_, _, k) in zip(hit, planted) if k == kind]
        if of_kind:
            by_kind[kind] = sum(of_kind) / len(of_kind)
    ids = sorted(family)
    alone = itertools.count(len(found_label) + 10**6)
    pred = [found_label.get(m, next(alone)) for m in ids]
    return {
        "precision": right / found if found else 1.0,
        "recall": sum(hit) / len(planted) if planted else 1.0,
        "recall_by_kind": by_kind,
        "ari": adjusted_rand_score([family[m] for m in ids], pred),
        "found_pairs": found,
        "planted_pairs": len(planted),
    }


def wrong_by_cause(wrong: Iterable[frozenset], corpus: GeneratedCorpus) -> dict[str, int]:
    """How many wrongly found pairs share a template, a furniture block, or neither."""
    template_of = {m: i for i, group in enumerate(corpus.templates) for m in group}
    out = {"template": 0, "furniture": 0, "other": 0}
    for pair in wrong:
        a, b = tuple(pair)
        if a in template_of and template_of.get(a) == template_of.get(b):
            out["template"] += 1
        elif a in corpus.furnished and corpus.furnished.get(a) == corpus.furnished.get(b):
            out["furniture"] += 1
        else:
            out["other"] += 1
    return out


WIRE_OUTLETS = ("Global Feed", "Press Digest", "Metro Wire", "Market Herald", "City Wire")


def generate_wire(n: int, seed: int = 0, *, origins: float = 0.1, copies: tuple[int, int] = (1, 3),
                  furniture: float = 0.2, tables: bool = False) -> GeneratedCorpus:
    """A second scan corpus, made another way: ``n`` wire reports from the grammar, some copied.

    A figure measured on one generated corpus is a hypothesis; this one checks
    it on text with no BBC article in it, where almost every article shares
    its frames with hundreds of others. Every report of one grammar family is
    in one template group (not reuse); an ``origins`` share of the reports is
    copied by other outlets (exact, near, rewrite, cut from the bottom, in turn), and those copies
    are the planted pairs; a ``furniture`` share carries a furniture block.
    With ``tables``, the families filed as tables (``templates.TABLES``: earnings
    reports, a row to a line) take their turn among the others.
    """

    rng = random.Random(f"wire/{seed}")
    base = datetime(2024, 1, 1, tzinfo=timezone.utc)
    names = sorted(FAMILIES) + (sorted(TABLES) if tables else [])
    records: list[dict] = []
    pairs: list[tuple[str, str, str]] = []
    clusters: list[list[str]] = []
    groups: dict[str, list[str]] = {f: [] for f in names}
    kind_cycle = itertools.cycle(KINDS + ("cut",))
    k = 0
    while len(records) < n:
        family = names[k % len(names)]
        when = base + timedelta(days=rng.randrange(365), minutes=rng.randrange(1440))
        text = wire_report(family, rng)
        origin = {"id": f"wire-{k:07d}", "text": text, "title": text.split("\n", 1)[0],
                  "outlet": rng.choice(WIRE_OUTLETS), "url": None, "published_at": when.isoformat()}
        records.append(origin)
        members = [origin["id"]]
        if rng.random() < origins:
            for c in range(rng.randint(*copies)):
                if len(records) >= n:
                    break
                kind = next(kind_cycle)
                outlet = rng.choice(OUTLETS)
                copied = {"exact": lambda: text, "near": lambda: near_copy(text, rng, outlet),
                          "rewrite": lambda: rewrite(text, rng, origin["outlet"]),
                          "cut": lambda: cut_copy(text, rng, outlet, from_top=True)[0]}[kind]()
                copy = {"id": f"{origin['id']}~{kind}{c}", "text": copied, "title": origin["title"],
                        "outlet": outlet, "url": None,
                        "published_at": (when + timedelta(hours=rng.randint(1, 72))).isoformat()}
                records.append(copy)
                pairs.append((origin["id"], copy["id"], kind))
                members.append(copy["id"])
        groups[family] += members
        clusters.append(members)
        k += 1
    furnished = furnish_some(records, furniture, rng)
    rng.shuffle(records)
    return GeneratedCorpus(records, pairs, clusters, list(groups.values()), furnished)


def main(argv: list[str] | None = None) -> int:
    """``python -m synthetic.generate pairs|corpus|wire …``: write generated data."""
    import argparse
    import collections
    import sys

    parser = argparse.ArgumentParser(prog="python -m synthetic.generate", description=main.__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("pairs", help="labelled pairs (JSONL, texts inline) for fitting or checking the verdict")
    p.add_argument("--out", required=True)
    p.add_argument("--split", choices=("train", "test"), default="train")
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--bbc", required=True, help="articles JSONL(.gz), e.g. the BBC News set")
    p.add_argument("--msrp", required=True, help="msr_paraphrase_train.txt (or its directory)")
    p.add_argument("--kinds", help="only these kinds, comma-separated (default: all, see synthetic.labelled)")
    c = sub.add_parser("corpus", help="a scan corpus of real articles with planted reuse, templates and furniture")
    c.add_argument("--out", required=True)
    c.add_argument("--bbc", required=True)
    c.add_argument("--families", type=int, default=20)
    c.add_argument("--background", type=int, default=0)
    c.add_argument("--seed", type=int, default=0)
    w = sub.add_parser("wire", help="a scan corpus of grammar wire reports, some copied")
    w.add_argument("--out", required=True)
    w.add_argument("--n", type=int, default=10_000)
    w.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.what == "pairs":
        from copytrace.evaluate.datasets import load_msrp

        kinds = tuple(k.strip() for k in args.kinds.split(",")) if args.kinds else None
        pairs = labelled_pairs(read_sources(args.bbc), load_msrp(args.msrp), n=args.n, seed=args.seed, split=args.split,
                               kinds=kinds)
        opener = gzip.open if str(args.out).endswith(".gz") else open  # the README's names end in .gz
        with opener(args.out, "wt", encoding="utf-8") as f:
            for pair in pairs:
                f.write(json.dumps(pair, ensure_ascii=False) + "\n")
        counts = collections.Counter((pr["label"], pr["kind"]) for pr in pairs)
        for (label, kind), count in sorted(counts.items()):
            print(f"{label:<10} {kind:<14} {count}", file=sys.stderr)
        return 0
    corpus = (generate(read_sources(args.bbc), families=args.families, background=args.background, seed=args.seed)
              if args.what == "corpus" else generate_wire(args.n, seed=args.seed))
    path = corpus.write(args.out)
    print(f"{path}: {len(corpus.records):,} articles, {len(corpus.pairs)} planted pairs, "
          f"{len(corpus.templates)} template groups, {len(corpus.furnished)} with furniture", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

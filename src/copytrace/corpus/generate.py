"""Test corpora with known reuse, built from real news articles.

Each *family* is one real article (the origin) and the copies other outlets
made of it: exact copies, near copies (a few words changed, a promo line
added) and rewrites (sentences dropped and reordered, words substituted,
sometimes a credit added). Every other real article is an unrelated article on
the same topics, and ``background`` pads the corpus to any size with articles
sampled from a word-bigram model of the same text (realistic vocabulary, no
reuse), so a 100k-article benchmark needs only the 2,225 BBC articles.

>>> from copytrace.corpus.generate import generate, read_sources, score
>>> corpus = generate(read_sources("tests/data/bbc-sample.jsonl.gz"), families=20, seed=1)
>>> len(corpus.records), len(corpus.pairs) > 20
(253, True)
>>> score([(a, b) for a, b, _ in corpus.pairs], corpus.clusters, corpus)["recall"]
1.0
"""
from __future__ import annotations

import gzip
import itertools
import json
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable

import numpy as np

OUTLETS = (
    "Daily Ledger", "Metro Wire", "The Courier", "Newsline Today", "Capital Post",
    "Evening Star", "Channel Nine", "Press Digest", "Northern Echo", "Global Feed",
)
PROMO = (
    "CLICK HERE TO GET THE {outlet} APP",
    "Sign up for the {outlet} newsletter.",
    "Follow {outlet} on social media for the latest updates.",
)
# Swaps a rewriter makes; small on purpose — the point is that rewrites share
# fewer word shingles with their source, not that they read well.
SYNONYMS = {
    "said": "stated", "says": "claims", "company": "firm", "firm": "company",
    "government": "administration", "people": "individuals", "new": "fresh",
    "big": "large", "large": "big", "show": "reveal", "shows": "reveals",
    "rise": "increase", "rose": "climbed", "fell": "dropped", "also": "additionally",
    "but": "however", "however": "but", "plans": "proposals", "help": "assist",
    "told": "informed", "expected": "anticipated", "added": "continued",
    "before": "prior to", "after": "following", "about": "around", "many": "numerous",
    "major": "significant", "announced": "revealed", "start": "begin", "year": "twelve months",
    "make": "create", "made": "created", "get": "obtain", "buy": "purchase",
    "win": "secure", "won": "secured", "match": "game", "game": "match", "film": "movie",
    "movie": "film", "music": "songs", "users": "customers", "customers": "users",
    "minister": "official", "party": "group", "election": "vote", "deal": "agreement",
    "market": "sector", "profits": "earnings", "sales": "revenue", "growth": "expansion",
}
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]+[\"'’”]?|[^.!?\n]+$", re.M)
_WORD = re.compile(r"[A-Za-z]+")
KINDS = ("exact", "near", "rewrite")


@dataclass(frozen=True)
class GeneratedCorpus:
    """Articles plus the truth about them.

    ``pairs``: (source id, derived id, kind) for every planted copy;
    ``clusters``: lists of ids, one per family and one per untouched article.
    """

    records: list[dict]
    pairs: list[tuple[str, str, str]]
    clusters: list[list[str]]

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
        return out / "corpus.jsonl.gz"


def read_sources(path: str | Path) -> list[dict]:
    """Articles as dicts from a JSONL(.gz) file such as the BBC set."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def distinct(sources: list[dict], max_jaccard: float = 0.25) -> list[dict]:
    """Sources with reuse among themselves removed (the BBC set repeats some stories).

    Without this, a real duplicate already in the data would count against
    precision as if the scanner had invented it.
    """
    from .candidates import jaccard_estimate, lsh_pairs
    from .fingerprint import minhash

    sig = minhash([s["text"] for s in sources])
    pairs = lsh_pairs(sig, bands=64, rows=2)
    drop = {int(j) for (i, j), sim in zip(pairs, jaccard_estimate(sig, pairs)) if sim >= max_jaccard}
    return [s for k, s in enumerate(sources) if k not in drop]


def sentences(text: str) -> list[str]:
    return [m.group().strip() for m in _SENTENCE.finditer(text) if m.group().strip()]


def substitute(sentence: str, rng: random.Random, rate: float) -> str:
    def swap(m: re.Match) -> str:
        word = m.group()
        other = SYNONYMS.get(word.lower())
        if other is None or rng.random() > rate:
            return word
        return other.capitalize() if word[0].isupper() else other

    return _WORD.sub(swap, sentence)


def near_copy(text: str, rng: random.Random, outlet: str) -> str:
    paragraphs = text.split("\n")
    lines = [substitute(p, rng, 0.15) for p in paragraphs]
    lines.append("")
    promo = rng.choice(PROMO)
    lines.append(promo.format(outlet=outlet.upper() if promo.isupper() else outlet))
    return "\n".join(lines)


def rewrite(text: str, rng: random.Random, origin_outlet: str) -> str:
    """Drop about a quarter of the sentences, swap neighbours, substitute words."""
    sents = sentences(text)
    title, body = sents[:1], sents[1:]
    kept = [s for s in body if rng.random() > 0.25] or body[:3]
    for i in range(0, len(kept) - 1, 3):
        if rng.random() < 0.5:
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
    kept = [substitute(s, rng, 0.6) for s in kept]
    if rng.random() < 0.5:
        kept.insert(min(2, len(kept)), f"The story was first reported by {origin_outlet}.")
    paragraphs = [" ".join(kept[i : i + 3]) for i in range(0, len(kept), 3)]
    return "\n\n".join(title + paragraphs)


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
) -> GeneratedCorpus:
    """A corpus of ``len(sources) + planted copies + background`` articles.

    ``families`` origins get between ``copies[0]`` and ``copies[1]`` copies each,
    the kinds drawn in turn from exact, near and rewrite.
    """
    sources = distinct(sources)
    rng = random.Random(seed)
    base = datetime(2024, 1, 1, tzinfo=timezone.utc)
    records: list[dict] = []
    pairs: list[tuple[str, str, str]] = []
    clusters: list[list[str]] = []
    chosen = set(rng.sample(range(len(sources)), min(families, len(sources))))
    kind_cycle = itertools.cycle(KINDS)
    for i, src in enumerate(sources):
        when = base + timedelta(days=rng.randrange(365), minutes=rng.randrange(1440))
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
        clusters.append(family)
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
    rng.shuffle(records)
    return GeneratedCorpus(records, pairs, clusters)


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
    pair as right when both articles are in one family.
    """
    from sklearn.metrics import adjusted_rand_score

    same_family = truth_pairs(corpus)
    found = {frozenset((a, b)) for a, b in found_pairs if a != b}
    planted = {frozenset((a, b)) for a, b, _ in corpus.pairs}
    by_kind = {}
    for kind in KINDS:
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
    }

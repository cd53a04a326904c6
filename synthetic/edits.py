"""What the copying outlets do to an article: near copies and rewrites, from real sources.

``read_sources`` reads the real articles, ``distinct`` drops the reuse already
among them, ``near_copy`` changes a few words and adds a promo line,
``cut_copy`` keeps some of the sentences word for word, ``rewrite`` drops,
reorders and rewords sentences. Both :mod:`.generate` (the
scan corpora) and :mod:`.labelled` (the verdict's pairs) make their copies here.
"""
from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path

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
# A stop followed by a letter or digit ("495.75", "U.S.") does not end a sentence.
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s\"'’”.!?]))+(?:[.!?]+[\"'’”]?(?=\s|$)|$)", re.M)
_WORD = re.compile(r"[A-Za-z]+")


def read_sources(path: str | Path) -> list[dict]:
    """Articles as dicts from a JSONL(.gz) file such as the BBC set."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def distinct(sources: list[dict], max_jaccard: float = 0.25, shared_run: int = 12) -> list[dict]:
    """Sources with reuse among themselves removed (the BBC set repeats some stories).

    Without this, a real duplicate already in the data would count against
    precision as if the scanner had invented it. Two kinds are dropped (the
    later source of each pair): near duplicates (shingle Jaccard at least
    ``max_jaccard``), and articles that repeat a passage of another — a run
    of ``shared_run`` words or more, as the BBC set's follow-up stories repeat
    paragraphs (a scan rightly finds those: 257 pairs among the BBC's 2,035
    distinct articles; they were most of the "other" wrong pairs the scan
    benchmark charged to copytrace).
    """
    from copytrace.blocks.candidates import jaccard_estimate, lsh_pairs
    from copytrace.blocks.fingerprint import minhash

    sig = minhash([s["text"] for s in sources])
    pairs = lsh_pairs(sig, bands=64, rows=2)
    drop = {int(j) for (i, j), sim in zip(pairs, jaccard_estimate(sig, pairs)) if sim >= max_jaccard}
    first_holder: dict[int, int] = {}
    for k, source in enumerate(sources):
        if k in drop:
            continue
        words = source["text"].lower().split()
        runs = {hash(tuple(words[i:i + shared_run])) for i in range(len(words) - shared_run + 1)}
        if any(first_holder.get(h, k) != k for h in runs):
            drop.add(k)
            continue
        for h in runs:
            first_holder.setdefault(h, k)
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


def cut_copy(text: str, rng: random.Random, outlet: str | None = None, *, from_top: bool = False) -> tuple[str, str]:
    """A shortened copy and its outlet: what newspapers most often do with wire copy (METER's wholly derived).

    Sentences kept from the top (the copy is cut from the bottom) or picked
    from anywhere, now and then one moved; nothing added but a promo line.
    ``from_top`` always cuts from the bottom, as a sub-editor trims a short
    wire report: its lead stays. With no ``outlet``, one is drawn once the
    sentences are picked (the order the verdict's training pairs were made in).
    """
    title, *body = sentences(text)
    body = body or [title]
    share = rng.uniform(0.25, 0.85)
    if rng.random() < 0.5 or from_top:
        kept = body[: max(1, round(len(body) * share))]
    else:
        kept = [x for x in body if rng.random() < share] or body[:3]
    if len(kept) > 3 and rng.random() < 0.3:
        kept.insert(rng.randrange(len(kept)), kept.pop(rng.randrange(len(kept))))
    outlet = outlet or rng.choice(OUTLETS)
    headline = [title] if rng.random() < 0.7 else []
    if headline and len(kept) == len(body) > 1:  # a short report kept whole is no cut
        kept = kept[:-1]
    lines = headline + [" ".join(kept[i : i + 3]) for i in range(0, len(kept), 3)]
    if rng.random() < 0.4:
        lines.append(rng.choice(PROMO).format(outlet=outlet))
    return "\n\n".join(lines), outlet


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

"""Labelled article pairs for fitting and checking the verdict.

Each pair is ``{"id", "a", "b", "label", "kind", "from", "furniture"}``: two
document dicts (``a`` is the source whenever there is reuse), the METER label
(wholly / partially / non) and how the pair was made. The label follows
Clough & Stevenson's mapping: a cut-and-paste copy is wholly derived, a light
or heavy revision partially derived, independent writing non-derived.

The kinds hold the mistakes a lexical verdict makes on real news:

- ``exact``, ``near``, ``cut``, ``template_copy`` (wholly): copies, a
  shortened copy (sentences kept from the top or picked from anywhere, as a
  sub-editor trims wire copy: METER's commonest wholly derived story), and a
  copy of a wire template report, whose figures are the same;
- ``rewrite``, ``excerpt``, ``paraphrase`` (partially): sentences dropped and
  reworded; a few paragraphs copied into a document 5–15x longer; a
  sentence-by-sentence paraphrase sharing few words (MSRP positives);
- ``coverage``, ``template``, ``furniture``, ``same_topic`` (non): two
  accounts of the same events (MSRP negatives); two reports from one wire
  frame with other figures and names; unrelated stories carrying the same site
  furniture; unrelated stories on one topic.

``kinds`` makes pairs of those kinds only (in their shares of ``WEIGHTS``),
drawn from a random stream of their own.

``split`` keeps the "train" and "test" pairs apart: each source article and
each MSRP pair belongs to one half by a stable hash of its id, so a verdict
fitted on one half is checked on articles and sentences it never saw.
"""
from __future__ import annotations

import random
import zlib
from datetime import datetime, timedelta, timezone

from .edits import OUTLETS, cut_copy, distinct, near_copy, rewrite
from .templates import FAMILIES, furniture_blocks, furnish, name_pool, template_pair, template_twin, wire_report

LABEL_OF = {
    "exact": "wholly", "near": "wholly", "cut": "wholly", "template_copy": "wholly",
    "rewrite": "partially", "excerpt": "partially", "paraphrase": "partially",
    "coverage": "non", "template": "non", "furniture": "non", "same_topic": "non",
}
# Shares of the pairs by kind; the three labels come out near a third each.
WEIGHTS = {
    "exact": 0.6, "near": 1.2, "cut": 1.2, "template_copy": 1.2,
    "rewrite": 1.2, "excerpt": 1.2, "paraphrase": 1.2,
    "coverage": 1.2, "template": 1.4, "furniture": 1.0, "same_topic": 1.0,
}
WIRE = ("Global Feed", "Press Digest", "Metro Wire")


def in_split(key: str, split: str) -> bool:
    """Whether the item with id ``key`` belongs to ``split`` ("train" or "test")."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    return zlib.crc32(key.encode("utf-8")) % 2 == (0 if split == "train" else 1)


def allot(n: int, weights: dict[str, float]) -> dict[str, int]:
    """``n`` split over the kinds in proportion to ``weights`` (largest remainder)."""
    total = sum(weights.values())
    exact = {k: n * w / total for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: counts[k] - exact[k])[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def topic(source: dict) -> str:
    # The BBC ids read "bbc-<topic>-<n>" when the record has no topic field.
    return source.get("topic") or str(source["id"]).split("-")[1]


class _Pairs:
    """What every kind draws from: one split's sources and MSRP pairs, and one random stream."""

    def __init__(self, sources: list[dict], msrp: list, rng: random.Random):
        self.sources = sources
        self.rng = rng
        self.by_topic: dict[str, list[dict]] = {}
        for s in sources:
            self.by_topic.setdefault(topic(s), []).append(s)
        self.positives = [p for p in msrp if p.label == 1]
        self.negatives = [p for p in msrp if p.label == 0]
        self.pool = name_pool(s["text"] for s in sources)
        self.sites = [furniture_blocks(rng) for _ in range(6)]
        self.base = datetime(2024, 1, 1, tzinfo=timezone.utc)

    # -- helpers ------------------------------------------------------------------------

    def source(self) -> dict:
        return self.rng.choice(self.sources)

    def unrelated(self, *avoid: dict, same_topic: bool | None = None) -> dict:
        """A source other than ``avoid``: of their topic, of another, or any."""
        ids = {s["id"] for s in avoid}
        topics = {topic(s) for s in avoid}
        for _ in range(1000):
            s = self.source()
            if s["id"] in ids:
                continue
            if same_topic is None or (topic(s) in topics) == same_topic:
                return s
        raise ValueError("too few source articles in this split for the pair kinds")

    def when(self) -> datetime:
        return self.base + timedelta(days=self.rng.randrange(365), minutes=self.rng.randrange(1440))

    def block(self) -> list[str]:
        """1–2 furniture blocks of one site, 2–6 lines in all."""
        site = self.rng.choice(self.sites)
        kinds = self.rng.sample(sorted(site), self.rng.choice((1, 1, 2)))
        return [line for k in kinds for line in site[k]][:6]

    # -- the kinds: each returns (a text, b text, b's outlet, ids used, extra) ---------------

    def exact(self):
        s = self.source()
        return s["text"], s["text"], self.rng.choice(OUTLETS), [s["id"]], {}

    def near(self):
        s = self.source()
        outlet = self.rng.choice(OUTLETS)
        return s["text"], near_copy(s["text"], self.rng, outlet), outlet, [s["id"]], {}

    def cut(self):
        s = self.source()
        text, outlet = cut_copy(s["text"], self.rng)
        return s["text"], text, outlet, [s["id"]], {}

    def rewrite(self):
        s = self.source()
        return s["text"], rewrite(s["text"], self.rng, s.get("outlet") or "BBC News"), self.rng.choice(OUTLETS), [s["id"]], {}

    def excerpt(self):
        """1–3 paragraphs of the source inside a host 5–15x their length made of unrelated articles."""
        s = self.source()
        body = [p for p in paragraphs(s["text"])[1:] if len(p.split()) >= 15] or paragraphs(s["text"])
        k = min(len(body), self.rng.randint(1, 3))
        start = self.rng.randrange(len(body) - k + 1)
        copied = body[start : start + k]
        size = sum(len(p) for p in copied)
        want = self.rng.uniform(5, 15) * size
        host, used = [], [s["id"]]
        while sum(len(p) for p in host) + size < want:
            other = self.unrelated(s, same_topic=False)
            used.append(other["id"])
            host += paragraphs(other["text"])[1 if host else 0 :]  # one headline, at the top
        at = self.rng.randint(1, len(host))
        b = "\n\n".join(host[:at] + copied + host[at:])
        return s["text"], b, self.rng.choice(OUTLETS), used, {"copied": copied}

    def _sentences(self, pairs: list, k: int) -> tuple[list, list]:
        chosen = self.rng.sample(pairs, min(k, len(pairs)))
        return [p.a for p in chosen], [p.b for p in chosen]

    def _article(self, sentences: list[str]) -> str:
        out, i = [], 0
        while i < len(sentences):
            step = self.rng.randint(2, 3)
            out.append(" ".join(sentences[i : i + step]))
            i += step
        return "\n\n".join(out)

    def paraphrase(self):
        """MSRP positives in order: sentence 1s the source, their sentence 2s the rewrite."""
        a, b = self._sentences(self.positives, self.rng.randint(6, 15))
        b = list(b)
        if self.rng.random() < 0.4:  # a rewriter drops a sentence or two ...
            for _ in range(self.rng.randint(1, 2)):
                if len(b) > 4:
                    b.pop(self.rng.randrange(len(b)))
        if self.rng.random() < 0.4:  # ... and adds one or two of its own
            for extra in self._sentences(self.negatives or self.positives, self.rng.randint(1, 2))[1]:
                b.insert(self.rng.randint(0, len(b)), extra)
        ids = [f"msrp:{p}" for p in self._ids_of(a)]
        return self._article(a), self._article(b), self.rng.choice(OUTLETS), ids, {}

    def coverage(self):
        """MSRP negatives: two accounts of the same events, one side in another order."""
        a, b = self._sentences(self.negatives, self.rng.randint(6, 15))
        b = list(b)
        self.rng.shuffle(b)
        ids = [f"msrp:{p}" for p in self._ids_of(a)]
        return self._article(a), self._article(b), self.rng.choice(OUTLETS), ids, {}

    def _ids_of(self, first_sentences: list[str]) -> list[str]:
        by_text = {p.a: p.id_a for p in self.positives + self.negatives}
        return [by_text[s] for s in first_sentences]

    def template(self):
        """Two reports from one frame with other facts: a grammar family, or a real article and its twin."""
        if self.rng.random() < 0.5:
            family = self.rng.choice(sorted(FAMILIES))
            a, b = template_pair(family, self.rng)
            return a, b, self.rng.choice(WIRE), [], {"via": "grammar", "family": family}
        s = self.source()
        return s["text"], template_twin(s["text"], self.rng, self.pool), self.rng.choice(OUTLETS), [s["id"]], {"via": "bbc"}

    def template_copy(self):
        """A real copy of a template report: same frame and same figures."""
        if self.rng.random() < 0.7:
            family = self.rng.choice(sorted(FAMILIES))
            a, used, extra = wire_report(family, self.rng), [], {"via": "grammar", "family": family}
        else:
            s = self.source()
            a, used, extra = template_twin(s["text"], self.rng, self.pool), [s["id"]], {"via": "bbc"}
        outlet = self.rng.choice(OUTLETS)
        if self.rng.random() < 0.5:
            return a, near_copy(a, self.rng, outlet), outlet, used, extra
        head, _, rest = a.partition("\n\n")
        credited = f"{head}\n\n({self.rng.choice(WIRE)}) - {rest}"
        return a, credited, outlet, used, extra

    def furniture(self):
        """Two unrelated articles of different topics under the same site furniture."""
        s = self.source()
        t = self.unrelated(s, same_topic=False)
        block, at_end = self.block(), self.rng.random() < 0.8
        return furnish(s["text"], block, at_end), furnish(t["text"], block, at_end), self.rng.choice(OUTLETS), \
            [s["id"], t["id"]], {"furniture": block}

    def same_topic(self):
        s = self.source()
        t = self.unrelated(s, same_topic=True)
        return s["text"], t["text"], self.rng.choice(OUTLETS), [s["id"], t["id"]], {}

    # -- one pair ------------------------------------------------------------------------

    def make(self, kind: str, pair_id: str) -> dict:
        a, b, outlet, used, extra = getattr(self, kind)()
        furniture = extra.pop("furniture", [])
        # Furniture on pairs of every label, so a shared block is no clue to the label.
        if kind != "furniture" and self.rng.random() < 0.25:
            furniture = self.block()
            if self.rng.random() < 0.6:
                a = furnish(a, furniture)
            b = furnish(b, furniture)
        a_doc = {"id": f"{pair_id}/a", "text": a, "outlet": "BBC News" if used and not used[0].startswith("msrp:") else self.rng.choice(WIRE)}
        b_doc = {"id": f"{pair_id}/b", "text": b, "outlet": outlet}
        if self.rng.random() < 0.75:  # dated, the source first when there is reuse
            first = self.when()
            later = first + timedelta(hours=self.rng.randint(1, 72))
            if LABEL_OF[kind] == "non" and self.rng.random() < 0.5:
                first, later = later, first
            a_doc["published_at"], b_doc["published_at"] = first.isoformat(), later.isoformat()
        return {"id": pair_id, "a": a_doc, "b": b_doc, "label": LABEL_OF[kind], "kind": kind,
                "from": used, "furniture": furniture, **extra}


def labelled_pairs(sources: list[dict], msrp_pairs: list, *, n: int, seed: int = 0, split: str = "train",
                   kinds: tuple[str, ...] | None = None) -> list[dict]:
    """``n`` labelled pairs of every kind (see the module docstring), from one half of the data.

    ``sources``: article dicts (``id``, ``text``, ``topic`` or a BBC-style id);
    ``msrp_pairs``: :class:`copytrace.evaluate.datasets.SentencePair` items.
    """
    mine = [s for s in distinct(sources) if in_split(str(s["id"]), split)]
    msrp = [p for p in msrp_pairs if in_split(p.id_a, split)]
    unknown = set(kinds or ()) - set(WEIGHTS)
    if unknown:
        raise ValueError(f"no pair kind {', '.join(sorted(unknown))}; the kinds are {', '.join(WEIGHTS)}")
    chosen = {k: w for k, w in WEIGHTS.items() if kinds is None or k in kinds}
    # A subset of the kinds draws from a stream of its own, not from the one all kinds share.
    stream = f"{seed}/{split}" if kinds is None else f"{seed}/{split}/{','.join(sorted(chosen))}"
    maker = _Pairs(mine, msrp, random.Random(stream))
    out = []
    for kind, count in allot(n, chosen).items():
        for i in range(count):
            out.append(maker.make(kind, f"{split}-{kind}-{i:05d}"))
    maker.rng.shuffle(out)
    return out

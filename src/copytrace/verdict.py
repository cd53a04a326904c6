"""The verdict: is one text derived from the other, how much, and which way.

Labels follow the METER scheme used in journalism research (Gaizauskas et al.,
2001): *wholly* derived (the rewrite is made of the source's material),
*partially* derived (some of it is), *non* derived.

The decision is a small model learned from labelled pairs, not a share
threshold: the alignment's evidence (:class:`Evidence`) becomes a short vector
of features (:func:`features`), and three small models read it —

- ``derived``: P(partially or wholly derived), the verdict's ``score``: a
  gradient-boosted ensemble of shallow trees, constrained to be monotone in
  every feature whose meaning has a direction (more verbatim text never makes
  a pair *less* derived; more facts that disagree never make it *more*);
- ``wholly``: P(wholly derived), the same kind of model, taken when it and
  ``derived`` both pass 0.5;
- ``direction``: P(a is the source), a logistic regression over features that
  change sign when the two texts swap places, with no intercept (so the model
  cannot prefer ``a`` for being first).

Publication times decide the direction when both are known. Otherwise the
direction model reads which text is more made of the other, credits such as
"CNN reported", and length; when it is unsure the direction is ``unknown``.

The shipped model (``models/verdict.json``) was trained by
``training/verdict.py``; ``copytrace fit`` refits one on a user's own labels
(:mod:`copytrace.fit`). Because the heads are monotone, the scan can bound a
verdict before the sentence model runs (:func:`VerdictModel.settled`).

>>> m = default_model()
>>> m.judge(Evidence(verbatim_a=0.95, verbatim_b=0.95, words_a=300, words_b=310, longest_run=280,
...                  long_runs=1, units=1, in_order=1, identity=0.99, facts=20)).label
'wholly'
>>> m.judge(Evidence(words_a=300, words_b=310)).label
'non'
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
import numpy as np

from .errors import InputError
from .types import Verdict

MODEL_FILE = Path(__file__).parent / "models" / "verdict.json"
# Paraphrase passages whose score (the pair scorer's probability) reaches this are "close".
CLOSE_PARAPHRASE = 0.9
# A verbatim passage of this many words is a "long run" (the absolute evidence).
LONG_RUN = 8
# The fewest words a paraphrase passage takes on each side (align.paraphrase.MIN_WORDS).
MIN_UNIT_WORDS = 4
# A wire template: the same frame filed again with other figures. When every one of at
# least TEMPLATE_NUMBERS figures in the aligned passages differs and no stretch of
# TEMPLATE_EXACT words is shared unchanged, the pair is a template, not a copy: a copy
# or an update keeps some of its source's figures. (Scans of the generated wire corpus:
# such pairs were a quarter of the template pairs the learned heads still kept.)
TEMPLATE_NUMBERS = 4
TEMPLATE_EXACT = 12
# With a corpus, a pair of reports that both fill its template frames (Evidence.templated)
# is one template filed twice when most of the figures they align differ.
CORPUS_TEMPLATE_NUMBERS = 2
CORPUS_TEMPLATE_DIFFER = 0.75
CORPUS_TEMPLATE_EXACT = 20
# ... or when the two reports keep fewer than this share of their figures (the figures of the
# one with fewer, found in the other, anywhere outside boilerplate). On the generated wire
# corpus (1,000 reports) every planted copy and rewrite kept 0.82 or more, and every template
# pair the scan still judged derived 0.5 or less; a rewrite drops figures, it does not change them.
CORPUS_FIGURES_KEPT = 2 / 3
# ... or when most of the names their aligned passages hold differ (Evidence.names): the same
# frame filled with another company, place or official. At 100,000 same-beat reports half the
# template pairs the scan still kept agreed on a figure or two by chance but not on their names;
# 1 planted copy or rewrite in 3,000 had two thirds of its aligned names differ.
CORPUS_TEMPLATE_NAMES = 2
CORPUS_NAMES_DIFFER = 2 / 3
# ... or, whatever their unedited runs, when a day or month in their verbatim passages is
# replaced by another (two on one side only): a copy keeps its source's date, a report filed
# from the frame on another day changes it.
CORPUS_DATES_DIFFER = 2
# ... or when the one with fewer names (analyse.evidence.story_names) has fewer than this share
# of them anywhere in the other: a brief of one bank's rate decision beside another bank's
# report, the frames left out and the rate equal by chance. At 100,000 same-beat reports two
# thirds of the wrong pairs the scan kept; of 4,000 planted pairs, a shortened copy and a
# rewrite of one report that kept other sentences (4.5% of such sibling pairs).
CORPUS_NAMES_KEPT = 2 / 3
# A brief too short in figures to be templated, beside a templated report: a corpus asks the
# same of its names, and two thirds is not enough, for a brief names few ("Reserve Bank of
# India": losing one of three is losing whose decision it is). At 100,000 same-beat reports,
# of the 731 pairs the scan kept with such a brief, 127 of the 188 wrong ones kept two thirds
# or fewer of the brief's names, none of the 543 right ones (4 kept between two thirds and all).
BRIEF_NAMES_KEPT = 2 / 3


@dataclass(frozen=True)
class Evidence:
    """What the alignment found, in numbers (see :mod:`copytrace.analyse.evidence`).

    Shares are of each text's non-boilerplate words. ``paraphrase_*`` counts
    words in paraphrase passages that no verbatim passage covers; the
    ``close_`` part of it comes from pairs the scorer is sure of.
    """

    verbatim_a: float = 0.0
    verbatim_b: float = 0.0
    paraphrase_a: float = 0.0
    paraphrase_b: float = 0.0
    close_paraphrase_a: float = 0.0
    close_paraphrase_b: float = 0.0
    words_a: int = 0
    words_b: int = 0
    longest_run: int = 0  # words in the longest verbatim passage outside quotations
    long_runs: int = 0  # verbatim passages of LONG_RUN+ words outside quotations
    units: int = 0  # aligned passages
    in_order: int = 0  # the most of them that keep the same order in both texts
    facts: int = 0  # numbers, dates and names inside aligned passages (both sides, distinct)
    facts_differ: int = 0  # of those, found on one side only
    numbers: int = 0  # the figures among those facts
    numbers_differ: int = 0
    names: int = 0  # when templated: names in aligned passages outside furniture and credits (both sides, distinct)
    names_differ: int = 0  # of those, found on one side only
    dates_differ: int = 0  # when templated: days and months in verbatim passages on one side only
    longest_exact: int = 0  # words in the longest run with no edit inside a verbatim passage
    quoted: float = 0.0  # share of verbatim words that sit inside quotation marks
    identity: float = 0.0  # how exact the verbatim passages are (word similarity, weighted by length)
    published_a: datetime | None = None
    published_b: datetime | None = None
    reported_credits_a: int = 0  # "X reported", "according to X" credits in a
    reported_credits_b: int = 0
    templated: bool = False  # both texts fill template frames the corpus holds (scan and archive only)
    figures_kept: float | None = None  # when templated: share of the figures of one text found in the other
    names_kept: float | None = None  # in a corpus (pipeline._names_kept): share of one text's names found in the other

    def reused(self, side: str) -> float:
        """Share of one side's words found in the other (verbatim or paraphrased)."""
        if side == "a":
            return min(1.0, self.verbatim_a + self.paraphrase_a)
        return min(1.0, self.verbatim_b + self.paraphrase_b)


# The verdict's features. Each is symmetric in a and b: swapping the texts
# must not change whether they are related.
FEATURES = (
    "verbatim_max",  # the text most made of the other: its verbatim share
    "verbatim_min",
    "paraphrase_max",  # paraphrased share beyond verbatim, larger side
    "paraphrase_min",
    "close_paraphrase_max",
    "log_longest_run",  # absolute evidence: a long copied run counts however long the texts
    "log_long_runs",
    "log_in_order",  # aligned units in the same order in both texts (rewrites follow their source)
    "disorder",  # share of aligned units out of that order (independent coverage)
    "fact_mismatch",  # share of facts in aligned passages on one side only (a template, not a copy)
    "agreeing_verbatim",  # verbatim share whose facts agree: a copy keeps them, a template changes them all
    "number_mismatch",  # share of figures in aligned passages on one side only
    "log_longest_exact",  # a template's frame aligns across its changed figures, a copy has long unedited runs
    "ordered_paraphrase",  # paraphrased share, discounted when the aligned units are out of order
    "quoted",  # shared words that are quotations (both quote the same speaker)
    "identity",  # copy-paste keeps every word; a light revision edits inside passages
    "log_length_ratio",
)
# How each feature may move P(derived) and P(wholly): +1 never down, -1 never up, 0 free.
# Every feature the sentence model can still change must be monotone (see settled()).
MONOTONE = {
    "verbatim_max": 1, "verbatim_min": 1, "paraphrase_max": 1, "paraphrase_min": 1, "close_paraphrase_max": 1,
    "log_longest_run": 1, "log_long_runs": 1, "log_in_order": 1, "disorder": -1, "fact_mismatch": -1,
    "agreeing_verbatim": 1, "ordered_paraphrase": 1, "quoted": -1, "identity": 0, "log_length_ratio": 0,
    "number_mismatch": -1, "log_longest_exact": 1,
}
# P(wholly) may fall as the shorter text's share rises (a short excerpt of a long source).
MONOTONE_WHOLLY = {**MONOTONE, "verbatim_min": 0}

# Features that change sign when a and b swap; positive: a looks like the source.
DIRECTION_FEATURES = (
    "reused_lean",  # how much more b is made of a than a of b
    "verbatim_lean",
    "credit_lean",  # "X reported" credits in b minus those in a (b passes on reporting)
    "log_length_lean",  # log(words of a / words of b)
)
# Features that the sentence model can still change once the lexical evidence is in.


TEMPLATE_SCORE = 0.2  # P(derived) at most, for a template pair
# Absolute evidence: a verbatim passage of this many words outside quotations, every fact in
# the aligned passages agreeing, makes a pair at least partially derived, however long the
# texts. Held-out generated pairs: a 52-word paragraph copied into a 700-word article was
# judged unrelated at 0.28 (its share, 7%, is what most unrelated pairs on one story share).
# No unrelated pair of the generated sets or Clough-Stevenson has such a passage (the longest
# with agreeing facts: 19 words, two accounts of one event); template pairs differ in facts.
COPIED_RUN = 20
COPIED_SCORE = 0.6  # P(derived) at least, for such a pair


def is_template(e: Evidence) -> bool:
    """A template filed twice rather than a copy (see ``TEMPLATE_NUMBERS``, ``CORPUS_TEMPLATE_NUMBERS``).

    Without a corpus: every one of several figures in the aligned passages
    differs and nothing long is shared unchanged. With one, when both texts
    fill the corpus's template frames: most of their aligned figures or names
    differ, or the two texts keep few of each other's figures or names, or
    their verbatim passages name other days or months.
    """
    if e.numbers >= TEMPLATE_NUMBERS and e.numbers_differ == e.numbers and e.longest_exact < TEMPLATE_EXACT:
        return True
    if texts_say_template(e):
        return True
    if not e.templated or e.longest_exact >= CORPUS_TEMPLATE_EXACT:
        return False
    return ((e.numbers >= CORPUS_TEMPLATE_NUMBERS and e.numbers_differ >= CORPUS_TEMPLATE_DIFFER * e.numbers)
            or (e.names >= CORPUS_TEMPLATE_NAMES and e.names_differ >= CORPUS_NAMES_DIFFER * e.names))


def texts_say_template(e: Evidence) -> bool:
    """Both texts fill the corpus's template frames and keep few of each other's figures
    (``CORPUS_FIGURES_KEPT``), or their verbatim passages name other days or months
    (``CORPUS_DATES_DIFFER``); or they keep few of each other's names (``CORPUS_NAMES_KEPT``),
    which a corpus measures when both texts fill its frames or one does and the other has
    too few figures to (``pipeline._names_kept``; then ``BRIEF_NAMES_KEPT``).

    It looks at the whole texts and the verbatim passages, so no paraphrase found later changes it.
    """
    if e.names_kept is not None and (e.names_kept < CORPUS_NAMES_KEPT if e.templated
                                     else e.names_kept <= BRIEF_NAMES_KEPT + 1e-9):
        return True
    return e.templated and ((e.figures_kept is not None and e.figures_kept < CORPUS_FIGURES_KEPT)
                            or e.dates_differ >= CORPUS_DATES_DIFFER)


def copied_outright(e: Evidence) -> bool:
    """A long verbatim passage whose facts all agree (see ``COPIED_RUN``), and no template.

    Paraphrases found later can only add facts, never take a disagreeing one
    away: a pair this is false for on its verbatim evidence stays so, unless
    it is false for being a template that new facts could undo (``settled``
    waits for the sentence model on those: :func:`may_be_template`).
    """
    return e.longest_run >= COPIED_RUN and e.facts_differ == 0 and not is_template(e)


def may_be_template(e: Evidence, added: float) -> bool:
    """Whether ``added`` more facts, from paraphrases, could make verbatim-only ``e`` :func:`is_template`.

    New passages add figures and names but never change the verbatim ones
    (``longest_exact`` stays), and the share that differs is highest when
    every new one differs.
    """
    if e.longest_exact < TEMPLATE_EXACT and e.numbers_differ == e.numbers and e.numbers + added >= TEMPLATE_NUMBERS:
        return True
    if not e.templated or e.longest_exact >= CORPUS_TEMPLATE_EXACT:
        return False
    numbers, names = e.numbers + added, e.names + added
    return ((numbers >= CORPUS_TEMPLATE_NUMBERS and e.numbers_differ + added >= CORPUS_TEMPLATE_DIFFER * numbers)
            or (names >= CORPUS_TEMPLATE_NAMES and e.names_differ + added >= CORPUS_NAMES_DIFFER * names))


def features(e: Evidence) -> np.ndarray:
    """The symmetric feature vector of one comparison (``FEATURES`` order)."""
    mismatch = e.facts_differ / e.facts if e.facts else 0.0
    disorder = (e.units - e.in_order) / e.units if e.units else 0.0
    return np.array(
        [
            max(e.verbatim_a, e.verbatim_b),
            min(e.verbatim_a, e.verbatim_b),
            max(e.paraphrase_a, e.paraphrase_b),
            min(e.paraphrase_a, e.paraphrase_b),
            max(e.close_paraphrase_a, e.close_paraphrase_b),
            math.log1p(e.longest_run),
            math.log1p(e.long_runs),
            math.log1p(e.in_order),
            disorder,
            mismatch,
            max(e.verbatim_a, e.verbatim_b) * (1.0 - mismatch),
            e.numbers_differ / e.numbers if e.numbers else 0.0,
            math.log1p(e.longest_exact),
            max(e.paraphrase_a, e.paraphrase_b) * (1.0 - disorder),
            e.quoted,
            e.identity,
            abs(math.log((e.words_a + 1) / (e.words_b + 1))),
        ]
    )


def direction_features(e: Evidence) -> np.ndarray:
    """The antisymmetric feature vector (``DIRECTION_FEATURES`` order)."""
    return np.array(
        [
            e.reused("b") - e.reused("a"),
            e.verbatim_b - e.verbatim_a,
            min(e.reported_credits_b, 2) - min(e.reported_credits_a, 2),
            math.log((e.words_a + 1) / (e.words_b + 1)),
        ]
    )


@dataclass(frozen=True)
class Linear:
    """One logistic model over standardised features: P = sigmoid(w · (x - mean) / scale + b)."""

    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def logit(self, x: np.ndarray) -> float:
        z = (np.asarray(x, dtype=float) - np.asarray(self.mean)) / np.asarray(self.scale)
        return float(z @ np.asarray(self.coef) + self.intercept)

    def proba(self, x: np.ndarray) -> float:
        return _sigmoid(self.logit(x))

    def bounds(self, lo: np.ndarray, hi: np.ndarray) -> tuple[float, float]:
        """Least and greatest logit over the box lo ≤ x ≤ hi (a linear function peaks at corners)."""
        w = np.asarray(self.coef) / np.asarray(self.scale)
        base = self.intercept - float(w @ np.asarray(self.mean))
        low = base + float(np.where(w > 0, w * lo, w * hi).sum())
        high = base + float(np.where(w > 0, w * hi, w * lo).sum())
        return low, high

    def to_dict(self) -> dict:
        return {"coef": list(self.coef), "intercept": self.intercept, "mean": list(self.mean), "scale": list(self.scale)}

    @classmethod
    def from_dict(cls, d: dict, n: int) -> "Linear":
        parts = [tuple(float(v) for v in d[k]) for k in ("coef", "mean", "scale")]
        if any(len(p) != n for p in parts) or any(s <= 0 for s in parts[2]):
            raise ValueError(f"expected {n} coefficients, means and positive scales")
        return cls(parts[0], float(d["intercept"]), parts[1], parts[2])


@dataclass(frozen=True)
class Trees:
    """A boosted ensemble of regression trees: logit = base + the leaf each tree sends ``x`` to.

    Each tree is parallel lists: ``feature`` (-1 at a leaf), ``threshold`` (go
    left when x <= threshold), ``left``, ``right``, ``value`` (at leaves).
    ``monotone`` is the sign each feature was constrained to (``MONOTONE``).
    """

    base: float
    trees: tuple[dict, ...]
    monotone: tuple[int, ...]

    def __post_init__(self):
        # The trees as one flat array of nodes, walked all at once: a scan evaluates the model
        # several times a pair, and walking 100 trees in Python took most of a millisecond.
        # A leaf's children are itself, so a walk that reaches it early stays there.
        sizes = [len(t["feature"]) for t in self.trees]
        starts = np.cumsum([0] + sizes)[:-1]

        def joined(key, shift=False):
            parts = [np.asarray(t[key]) + (s if shift else 0) for t, s in zip(self.trees, starts)]
            return np.concatenate(parts) if parts else np.zeros(0)

        feature = joined("feature").astype(np.int64)
        leaf, own = feature < 0, np.arange(len(feature))
        flat = {
            "feature": np.where(leaf, 0, feature),
            "threshold": joined("threshold").astype(np.float64),
            "left": np.where(leaf, own, joined("left", shift=True)).astype(np.int64),
            "right": np.where(leaf, own, joined("right", shift=True)).astype(np.int64),
            "value": joined("value").astype(np.float64),
        }
        object.__setattr__(self, "_flat", flat)
        object.__setattr__(self, "_roots", np.asarray(starts, dtype=np.int64))
        object.__setattr__(self, "_depth", max((_depth(t) for t in self.trees), default=0))

    def logits(self, X: np.ndarray) -> list[float]:
        """The logit of each row of ``X``."""
        a = self._flat
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        node = np.broadcast_to(self._roots, (len(X), len(self._roots)))
        row = np.arange(len(X))[:, None]
        for _ in range(self._depth):
            left = X[row, a["feature"][node]] <= a["threshold"][node]
            node = np.where(left, a["left"][node], a["right"][node])
        # Summed in tree order, as the trees were fitted.
        return [sum(values, self.base) for values in a["value"][node].tolist()]

    def logit(self, x: np.ndarray) -> float:
        return self.logits(x)[0]

    def proba(self, x: np.ndarray) -> float:
        return _sigmoid(self.logit(x))

    def bounds(self, lo: np.ndarray, hi: np.ndarray) -> tuple[float, float]:
        """Least and greatest logit over the box lo ≤ x ≤ hi.

        Monotone in each constrained feature, the model peaks at the corner
        that takes each one's high end when it may only raise the output and
        its low end when it may only lower it; a free feature must be fixed
        (lo == hi) for the bound to hold.
        """
        sign = np.asarray(self.monotone)
        if np.any((sign == 0) & (lo != hi)):
            raise ValueError("a feature with no monotone constraint cannot range in a bound")
        least, greatest = self.logits(np.stack([np.where(sign >= 0, lo, hi), np.where(sign >= 0, hi, lo)]))
        return least, greatest

    def to_dict(self) -> dict:
        return {"kind": "trees", "base": self.base, "monotone": list(self.monotone), "trees": list(self.trees)}

    @classmethod
    def from_dict(cls, d: dict, n: int) -> "Trees":
        if d.get("kind") != "trees" or len(d["monotone"]) != n:
            raise ValueError(f"expected a tree ensemble over {n} features")
        trees = []
        for t in d["trees"]:
            tree = {k: list(t[k]) for k in ("feature", "threshold", "left", "right", "value")}
            size = len(tree["feature"])
            if any(len(v) != size for v in tree.values()) or not all(-1 <= f < n for f in tree["feature"]):
                raise ValueError("a malformed tree")
            trees.append(tree)
        return cls(float(d["base"]), tuple(trees), tuple(int(m) for m in d["monotone"]))


@dataclass(frozen=True)
class VerdictModel:
    """The three heads and what they were trained on (a JSON file; see :func:`load_model`)."""

    derived: Trees
    wholly: Trees
    direction: Linear
    direction_margin: float = 0.15  # |P(a is the source) - 0.5| below this: unknown
    info: dict | None = None  # trained_on, cross-validated figures, date

    def judge(self, e: Evidence) -> Verdict:
        """Label, score (P derived) and direction of one comparison's evidence."""
        x = features(e)
        p_derived = self.derived.proba(x)
        if is_template(e):
            p_derived = min(p_derived, TEMPLATE_SCORE)
        elif copied_outright(e):
            p_derived = max(p_derived, COPIED_SCORE)
        if p_derived < 0.5:
            return Verdict("non", round(p_derived, 4), "unknown")
        label = "wholly" if self.wholly.proba(x) >= 0.5 else "partially"
        return Verdict(label, round(p_derived, 4), self._direction(e))

    def _direction(self, e: Evidence) -> str:
        ta, tb = _aware(e.published_a), _aware(e.published_b)
        if ta and tb and ta != tb:
            return "a->b" if ta < tb else "b->a"
        p = self.direction.proba(direction_features(e))
        if p >= 0.5 + self.direction_margin:
            return "a->b"
        if p <= 0.5 - self.direction_margin:
            return "b->a"
        return "unknown"

    def settled(self, e: Evidence, floor: float = 0.5, room: tuple[float, float] | None = None) -> bool:
        """Whether no paraphrase evidence could still change the label or direction.

        ``e`` holds the verbatim evidence only. Paraphrases can add at most
        ``room`` to each side's share (by default all that verbatim passages
        left uncovered; the scan passes what the static screen leaves
        possible), at most one aligned unit per ``MIN_UNIT_WORDS`` words of it,
        and facts from those words only. Both heads are monotone in every
        feature this moves, so two corners of the box bound every outcome. A
        pair that cannot reach ``floor`` (P derived) is settled too: the
        caller drops it whatever its label.
        """
        room_a, room_b = room if room is not None else (1.0 - e.verbatim_a, 1.0 - e.verbatim_b)
        words = min(room_a * e.words_a, room_b * e.words_b)  # words a paraphrase could align on both sides
        units = int(words // MIN_UNIT_WORDS)
        facts = room_a * e.words_a + room_b * e.words_b  # at most one new fact per uncovered word
        numbers_lo = e.numbers_differ / (e.numbers + facts) if e.numbers + facts else 0.0
        numbers_hi = (e.numbers_differ + facts) / (e.numbers + facts) if e.numbers + facts else 0.0
        mismatch_lo = e.facts_differ / (e.facts + facts) if e.facts + facts else 0.0
        mismatch_hi = (e.facts_differ + facts) / (e.facts + facts) if e.facts + facts else 0.0
        disorder_lo = (e.units - e.in_order) / (e.units + units) if e.units + units else 0.0
        disorder_hi = (e.units - e.in_order + units) / (e.units + units) if e.units + units else 0.0
        v_max = max(e.verbatim_a, e.verbatim_b)
        x = features(e)
        lo, hi = x.copy(), x.copy()
        ranges = {
            "paraphrase_max": (0.0, max(room_a, room_b)),
            "paraphrase_min": (0.0, min(room_a, room_b)),
            "close_paraphrase_max": (0.0, max(room_a, room_b)),
            "log_in_order": (math.log1p(e.in_order), math.log1p(e.in_order + units)),
            "disorder": (disorder_lo, disorder_hi),
            "fact_mismatch": (mismatch_lo, mismatch_hi),
            "number_mismatch": (numbers_lo, numbers_hi),
            "agreeing_verbatim": (v_max * (1.0 - mismatch_hi), v_max * (1.0 - mismatch_lo)),
            "ordered_paraphrase": (0.0, max(room_a, room_b) * (1.0 - disorder_lo)),
        }
        for name, (low, high) in ranges.items():
            i = FEATURES.index(name)
            lo[i], hi[i] = low, max(low, high)
        d_lo, d_hi = self.derived.bounds(lo, hi)
        copied = copied_outright(e)  # while it holds, P(derived) >= COPIED_SCORE; new facts may end it
        if _sigmoid(d_hi) < min(floor, 0.5) and not (copied and COPIED_SCORE >= floor):
            return True  # cannot be kept
        if texts_say_template(e) or (is_template(e) and not facts):
            return True  # non for sure
        if may_be_template(e, facts):
            return False  # paraphrased passages decide whether the figures agree
        if copied and d_lo < 0:
            return False  # the model alone could say non: whether the facts stay agreed decides
        if (d_lo >= 0) != (d_hi >= 0):
            return False
        if d_hi < 0:
            return True  # non whatever paraphrases add
        w_lo, w_hi = self.wholly.bounds(lo, hi)
        if (w_lo >= 0) != (w_hi >= 0) or _sigmoid(d_lo) < floor:
            return False
        # Direction: its reused share moves with the paraphrased shares too.
        ta, tb = _aware(e.published_a), _aware(e.published_b)
        if ta and tb and ta != tb:
            return True
        dx = direction_features(e)
        d_lo_x, d_hi_x = dx.copy(), dx.copy()
        d_lo_x[0], d_hi_x[0] = dx[0] - room_a, dx[0] + room_b  # reused_lean = reused b - reused a
        lo_p, hi_p = (_sigmoid(v) for v in self.direction.bounds(d_lo_x, d_hi_x))
        zone = lambda p: "a->b" if p >= 0.5 + self.direction_margin else "b->a" if p <= 0.5 - self.direction_margin else "?"
        return zone(lo_p) == zone(hi_p)  # the zones are intervals: both ends in one means all between

    def to_dict(self) -> dict:
        return {
            "format": "copytrace-verdict/2",
            "features": list(FEATURES),
            "direction_features": list(DIRECTION_FEATURES),
            "derived": self.derived.to_dict(),
            "wholly": self.wholly.to_dict(),
            "direction": self.direction.to_dict(),
            "direction_margin": self.direction_margin,
            "info": self.info or {},
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")


def load_model(path: str | Path | None = None) -> VerdictModel:
    """A verdict model from its JSON file (the shipped one when ``path`` is None).

    A file that is not such a model gets a one-line :class:`InputError`.
    """
    where = Path(path) if path is not None else MODEL_FILE
    try:
        d = json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(where), "no such verdict model file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(str(where), f"not a verdict model (JSON): {exc}") from None
    try:
        if d.get("format") != "copytrace-verdict/2":
            raise ValueError("format is not copytrace-verdict/2")
        if tuple(d["features"]) != FEATURES or tuple(d["direction_features"]) != DIRECTION_FEATURES:
            raise ValueError("its features are not this copytrace version's; refit it with copytrace fit")
        return VerdictModel(
            Trees.from_dict(d["derived"], len(FEATURES)),
            Trees.from_dict(d["wholly"], len(FEATURES)),
            Linear.from_dict(d["direction"], len(DIRECTION_FEATURES)),
            float(d.get("direction_margin", 0.15)),
            d.get("info") or {},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(str(where), f"not a verdict model: {exc}") from None


@lru_cache(maxsize=8)
def _cached(path: str | None) -> VerdictModel:
    return load_model(path)


def default_model() -> VerdictModel:
    """The shipped model, loaded once."""
    return _cached(None)


def get_model(model: "str | Path | VerdictModel | None" = None) -> VerdictModel:
    """A model given as itself, a path to its JSON file, or None for the shipped one."""
    if isinstance(model, VerdictModel):
        return model
    return _cached(None if model is None else str(Path(model).resolve()))


def judge(evidence: Evidence, model: "str | Path | VerdictModel | None" = None) -> Verdict:
    """Label, score and direction from the evidence, by ``model`` (the shipped one by default)."""
    return get_model(model).judge(evidence)


def _depth(tree: dict, node: int = 0) -> int:
    """Splits on the longest path from ``node`` to a leaf."""
    if tree["feature"][node] < 0:
        return 0
    return 1 + max(_depth(tree, tree["left"][node]), _depth(tree, tree["right"][node]))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


def _aware(t: datetime | None) -> datetime | None:
    """Naive times are read as UTC, so a naive and an aware time can be compared."""
    if t is None:
        return None
    return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t

"""The verdict: is one text derived from the other, how much, and which way.

Labels follow the METER scheme used in journalism research (Gaizauskas et al.,
2001): *wholly* derived (the rewrite is made of the source's material),
*partially* derived (some of it is), *non* derived. The score is the share of
the derived text that comes from the source, verbatim passages counted whole
and paraphrased sentences at a weight below one.

Direction: publication times decide when both are known. Otherwise the text
that is more made of the other's material is taken as the rewrite, nudged by
credits such as "CNN reported" (a text that cites another outlet's reporting is
passing it on); when the evidence is too even, the direction is ``unknown``.

>>> judge(Evidence(verbatim_a=0.95, verbatim_b=0.6))
Verdict(label='wholly', score=0.95, direction='b->a')
>>> judge(Evidence(verbatim_a=0.3, verbatim_b=0.6))
Verdict(label='partially', score=0.6, direction='a->b')
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .types import Verdict


@dataclass(frozen=True)
class Thresholds:
    """The numbers that turn evidence into a label (see README "Quality").

    ``wholly``, ``partially`` and ``paraphrase_weight`` were fitted on all 95
    answers of the Clough–Stevenson corpus (3-class macro-F1; held-out figures
    from 10-fold cross-validation are in the README); ``strong_paraphrase``
    and the direction weights were set by hand.
    """

    wholly: float = 0.925
    partially: float = 0.10
    paraphrase_weight: float = 0.1
    strong_paraphrase: float = 0.8  # paraphrase passages at least this close count as reuse
    reported_credit: float = 0.25  # direction evidence of one "X reported" credit
    direction_margin: float = 0.05  # below this the direction is unknown


DEFAULT = Thresholds()


@dataclass(frozen=True)
class Evidence:
    """What the alignment found, as shares of each text's (non-boilerplate) words."""

    verbatim_a: float = 0.0
    verbatim_b: float = 0.0
    paraphrase_a: float = 0.0  # words in close paraphrases only, not also verbatim
    paraphrase_b: float = 0.0
    published_a: datetime | None = None
    published_b: datetime | None = None
    reported_credits_a: int = 0  # "X reported", "according to X" credits in a
    reported_credits_b: int = 0

    def reused(self, side: str, thresholds: Thresholds = DEFAULT) -> float:
        """Share of one side's words that come from the other text."""
        v, p = (self.verbatim_a, self.paraphrase_a) if side == "a" else (self.verbatim_b, self.paraphrase_b)
        return min(1.0, v + thresholds.paraphrase_weight * p)


def judge(evidence: Evidence, thresholds: Thresholds = DEFAULT) -> Verdict:
    """Label, score and direction from the evidence."""
    direction = _direction(evidence, thresholds)
    if direction == "a->b":
        score = evidence.reused("b", thresholds)
    elif direction == "b->a":
        score = evidence.reused("a", thresholds)
    else:
        score = max(evidence.reused("a", thresholds), evidence.reused("b", thresholds))
    if score >= thresholds.wholly:
        label = "wholly"
    elif score >= thresholds.partially:
        label = "partially"
    else:
        label = "non"
    if label == "non":
        direction = "unknown"  # nothing was derived, so neither text is the source
    return Verdict(label, round(score, 4), direction)


def _direction(e: Evidence, t: Thresholds) -> str:
    if e.published_a and e.published_b and e.published_a != e.published_b:
        return "a->b" if e.published_a < e.published_b else "b->a"
    # Positive: b looks like the rewrite of a.
    lean = (e.reused("b", t) - e.reused("a", t)) + t.reported_credit * (
        min(e.reported_credits_b, 2) - min(e.reported_credits_a, 2)
    )
    if lean > t.direction_margin:
        return "a->b"
    if lean < -t.direction_margin:
        return "b->a"
    return "unknown"

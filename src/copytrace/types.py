"""The plain data that flows between copytrace's stages.

Every span is a half-open ``[start, end)`` character range into a text exactly
as it was loaded, so ``text[span.start:span.end]`` is always the passage.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Side = Literal["a", "b"]
PassageKind = Literal["verbatim", "paraphrase", "quote"]
ChangeKind = Literal["number", "date", "entity", "attribution", "hedge", "negation", "other"]
Label = Literal["wholly", "partially", "non"]
Direction = Literal["a->b", "b->a", "unknown"]


@dataclass(frozen=True, order=True, slots=True)  # slots: ~a million are made per 1,000 articles
class Span:
    """A half-open character range ``[start, end)``."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def to_list(self) -> list[int]:
        return [self.start, self.end]


@dataclass(frozen=True)
class Passage:
    """A stretch of text in ``a`` aligned with a stretch of text in ``b``."""

    kind: PassageKind
    a: Span
    b: Span
    score: float


@dataclass(frozen=True)
class Change:
    """One changed unit inside an aligned passage (``a`` side → ``b`` side).

    An insertion or deletion has an empty span (``start == end``) on one side,
    placed where the missing text would be.
    """

    kind: ChangeKind
    a: Span
    b: Span
    a_text: str
    b_text: str


@dataclass(frozen=True)
class Attribution:
    """A source that one text credits: "CNN reported", "according to …"."""

    doc: Side
    source: str
    span: Span


@dataclass(frozen=True)
class Boilerplate:
    """A promotional or navigation line, kept out of every score."""

    doc: Side
    span: Span


@dataclass(frozen=True)
class Verdict:
    """METER-style judgement: how much of one text derives from the other."""

    label: Label
    score: float
    direction: Direction


@dataclass(frozen=True)
class QuoteMatch:
    """Quoted speech found in both texts; ``altered`` when the words differ."""

    a: Span
    b: Span
    score: float
    altered: bool

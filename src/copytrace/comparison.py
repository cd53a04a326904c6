"""The result of comparing two articles, and its JSON contract (README: "The JSON of one comparison")."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .analyse.changes import is_factual
from .document import Document
from .types import Attribution, Boilerplate, Change, Passage, QuoteMatch, Span, Verdict
from .verdict import Evidence


@dataclass(frozen=True)
class Comparison:
    """Everything copytrace found between documents ``a`` and ``b``.

    >>> from copytrace import compare
    >>> c = compare("The minister resigned on Monday after the vote.",
    ...             "The minister resigned on Monday after the vote, officials said.")
    >>> c.verdict.label
    'wholly'
    >>> c.to_dict()["passages"][0]["kind"]
    'verbatim'
    """

    a: Document
    b: Document
    verdict: Verdict
    passages: tuple[Passage, ...]
    changes: tuple[Change, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    added: tuple[Span, ...] = ()
    dropped: tuple[Span, ...] = ()
    boilerplate: tuple[Boilerplate, ...] = ()
    quotes: tuple[QuoteMatch, ...] = ()
    coverage: dict[str, float] = field(default_factory=dict)  # {"a": share of a reused in b, "b": …}
    credited: bool | None = None  # does the derived text name the source's outlet? None: unknown
    evidence: Evidence | None = field(default=None, repr=False)  # what the verdict was judged from

    @property
    def source(self) -> Document:
        return self.b if self.verdict.direction == "b->a" else self.a

    @property
    def derived(self) -> Document:
        return self.a if self.verdict.direction == "b->a" else self.b

    def text_of(self, side: str, span: Span) -> str:
        doc = self.a if side == "a" else self.b
        return doc.text[span.start : span.end]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract in the README, "The JSON of one comparison" (fields may be added, never renamed)."""
        return {
            "a": {"id": self.a.id, "length": len(self.a.text)},
            "b": {"id": self.b.id, "length": len(self.b.text)},
            "verdict": {
                "label": self.verdict.label,
                "score": round(self.verdict.score, 4),
                "direction": self.verdict.direction,
            },
            "passages": [
                {"kind": p.kind, "a": p.a.to_list(), "b": p.b.to_list(), "score": round(p.score, 4)}
                for p in self.passages
            ],
            "changes": [
                {"kind": c.kind, "a": c.a.to_list(), "b": c.b.to_list(), "a_text": c.a_text, "b_text": c.b_text,
                 "factual": is_factual(c)}
                for c in self.changes
            ],
            "attributions": [
                {"doc": t.doc, "source": t.source, "span": t.span.to_list()} for t in self.attributions
            ],
            "added": [s.to_list() for s in self.added],
            "dropped": [s.to_list() for s in self.dropped],
            "boilerplate": [{"doc": x.doc, "span": x.span.to_list()} for x in self.boilerplate],
            "quotes": [
                {"a": q.a.to_list(), "b": q.b.to_list(), "score": round(q.score, 4), "altered": q.altered}
                for q in self.quotes
            ],
            "coverage": {k: round(v, 4) for k, v in self.coverage.items()},
            "credited": self.credited,
        }

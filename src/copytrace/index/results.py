"""What the archive answers: candidates, the outcome of an add, and matches."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..comparison import Comparison
from ..document import Document


@dataclass(frozen=True)
class Candidate:
    """A possible match before the full comparison, with the cheap evidence for it."""

    id: str
    jaccard: float  # MinHash estimate of shared word 3-shingles
    cosine: float  # document-vector cosine (static MiniLM embeddings)
    via: tuple[str, ...]  # "lsh", "vector"


@dataclass(frozen=True)
class AddResult:
    """What :meth:`Index.add` did: ``rejected`` holds the bad records
    (:class:`copytrace.blocks.read.Reject`: file, line, reason) that add_path skipped."""

    added: int
    skipped: int
    rejected: tuple = ()

    def __str__(self) -> str:
        text = f"added {self.added}, skipped {self.skipped} already indexed"
        if self.rejected:
            first = self.rejected[0]
            where = f"{first.file}:{first.line}" if first.line else first.file
            text += f", rejected {len(self.rejected)} bad records (first: {where}: {first.reason})"
        return text


@dataclass(frozen=True)
class Match:
    """An indexed article that shares text or content with the query."""

    document: Document
    comparison: Comparison  # a = the query, b = the indexed document
    via: tuple[str, ...] = ()  # which candidate sources found it: "lsh", "vector"

    @property
    def score(self) -> float:
        return self.comparison.verdict.score

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.document.describe(),
            "label": self.comparison.verdict.label,
            "score": round(self.score, 4),
            "via": list(self.via),
            "comparison": self.comparison.to_dict(),
        }

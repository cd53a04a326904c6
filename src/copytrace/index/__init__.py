"""A persistent archive of articles that answers "what does this article reuse?".

One SQLite file holds the articles, a MinHash signature per article (a compact
BLOB), its LSH band keys (an indexed table) and a document vector (a BLOB). A
usearch nearest-neighbour index over the vectors lives beside the database
(``archive.db.usearch``); it is only a cache: when it is missing or stale it is
rebuilt from the BLOBs, so the database is always the truth.

>>> from copytrace import Index, load
>>> with Index("archive.db") as index:                              # doctest: +SKIP
...     print(index.add_path("articles.jsonl.gz"))
...     for match in index.query(load("rewrite.txt")):
...         print(match.document.id, match.comparison.verdict.label, round(match.score, 2))
added 2225, skipped 0 already indexed
bbc-politics-004 partially 0.46

Candidates come from two places, so copies *and* rewrites are found without
comparing against every article: LSH band lookups (shared word shingles) and
the nearest document vectors (static embeddings distilled from MiniLM: the
same story told in other words). Only the candidates that pass a cheap
threshold go through the full :func:`copytrace.compare`.

The package: :mod:`.archive` (the :class:`Index` and its caches),
:mod:`.store` (the SQLite schema, settings, rows and fingerprints),
:mod:`.results` (``Candidate``, ``AddResult``, ``Match``).
"""
from ..blocks.candidates import BANDS, DUPLICATE_JACCARD, MIN_COSINE, ROWS
from .archive import COMMON_BUCKETS, EXACT_UP_TO, MIN_JACCARD, Index
from .results import AddResult, Candidate, Match
from .store import band_keys, fingerprints

__all__ = [
    "BANDS", "COMMON_BUCKETS", "DUPLICATE_JACCARD", "EXACT_UP_TO", "MIN_COSINE", "MIN_JACCARD", "ROWS",
    "AddResult", "Candidate", "Index", "Match", "band_keys", "fingerprints",
]

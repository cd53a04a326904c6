"""Pairs worth aligning, found without comparing all pairs.

Three sources, each a plain function over arrays so both engines share them:

- :func:`exact_groups` — articles with the same text (after case and
  whitespace folding) collapse to one representative before anything else.
- :func:`band_keys` + :func:`bucket_pairs` — MinHash LSH: a signature is cut
  into ``bands`` bands of ``rows`` values; two articles that agree on a whole
  band share a bucket and become a candidate. The local engine groups the keys
  with NumPy (:func:`lsh_pairs`), the Spark engine with ``groupBy``.
- :func:`neighbour_pairs` — nearest neighbours over document vectors (a usearch
  HNSW index) for rewrites that share few word shingles.

>>> import numpy as np
>>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 7, 7]], dtype=np.uint32)
>>> lsh_pairs(sig, bands=2, rows=2).tolist()
[[0, 1]]
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable, Sequence

import numpy as np

# 64 bands of 2 values: shingle Jaccard 0.25 collides with p ~ 0.98, 0.3 with p ~ 0.998,
# 0.05 with p ~ 0.15. On the planted 10k BBC corpus (bench/scan.py) 42 bands of 3
# missed rewrites at Jaccard 0.25-0.37 (cluster recall 0.997); 64 x 2 finds every
# planted pair for 39% more raw candidates, which the Jaccard estimate or the
# comparison then sorts out cheaply. The archive index (copytrace.index) uses the same
# banding: a query must also find articles that reuse only part of another (the seed
# pair shares 19% of its shingles).
BANDS, ROWS = 64, 2
# Estimated shingle Jaccard that counts as a duplicate without comparison (a scan
# with align=False, the archive's clusters). The estimate from 128 values has sd
# ~0.04 near 0.3, so a pair truly at 0.3 falls below 0.3 half the time; the bar
# sits a little over one sd lower. (Planted 10k corpus: bar 0.3 -> recall 0.9989,
# 0.25 -> 0.9995, precision 1.0 at both.)
DUPLICATE_JACCARD = 0.25
LSH_BANDS_AT_ONCE = 8  # bands whose keys are sorted together (memory: n x 8 x 24 bytes)
JACCARD_SLICE = 1 << 16  # candidate pairs whose signatures are compared at once (~70 MB)
MAX_BUCKET = 100  # a bucket this full holds boilerplate shared by unrelated articles, not reuse
NEIGHBOURS = 8
# Document-vector cosine (static model) that makes a candidate; below it, same-topic
# articles crowd in. Measured on 600 BBC articles: unrelated pairs reach 0.93 at the
# 99.9th percentile; planted rewrites 0.97 at their 10th percentile, the seed pair 0.96.
MIN_COSINE = 0.95
# usearch's HNSW at a smaller beam than its defaults (16, 128, 64). The neighbours wanted
# are near copies (cosine >= MIN_COSINE), which a narrow search finds. Measured on the BBC
# bench corpus's document vectors at 100k: 50 s against 149 s.
# At 100k most articles there have more than NEIGHBOURS such neighbours, so any two runs
# return different sets of 8 (a third of the pairs differ between the two settings).
# No pair the default scan kept came from this search alone, at 10k or at 100k.
HNSW = {"connectivity": 16, "expansion_add": 32, "expansion_search": 32}
_SPACE = re.compile(r"\s+")


def text_key(text: str) -> str:
    """The content hash two exact copies share (case and whitespace folded)."""
    folded = _SPACE.sub(" ", text.casefold()).strip()
    return hashlib.blake2b(folded.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def exact_groups(keys: Sequence[str]) -> list[list[int]]:
    """Indices grouped by equal content key; only groups of two or more."""
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def band_keys(sig: np.ndarray, bands: int = BANDS, rows: int = ROWS, first: int = 0) -> np.ndarray:
    """One uint64 key per (document, band), shape ``(n, bands)``.

    The band index is mixed into the key so equal keys only ever come from the
    same band. ``first`` skips that many bands: the keys of bands
    ``first .. first + bands - 1``, as ``band_keys(sig, first + bands)`` has them.
    """
    if sig.shape[1] < (first + bands) * rows:
        raise ValueError(f"signature of {sig.shape[1]} values cannot fill {first + bands} bands of {rows}")
    view = sig[:, first * rows : (first + bands) * rows].astype(np.uint64).reshape(len(sig), bands, rows)
    key = np.arange(first, first + bands, dtype=np.uint64)[None, :] * np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        for r in range(rows):
            key = (key ^ view[:, :, r]) * np.uint64(0x100000001B3)
            key ^= key >> np.uint64(31)
    return key


def bucket_pairs(members: Sequence[int], max_bucket: int = MAX_BUCKET) -> list[tuple[int, int]]:
    """All pairs within one LSH bucket, smaller id first; none for an oversized bucket."""
    if len(members) < 2 or len(members) > max_bucket:
        return []
    ordered = sorted(members)
    return [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]]


def lsh_pairs(sig: np.ndarray, bands: int = BANDS, rows: int = ROWS, max_bucket: int = MAX_BUCKET) -> np.ndarray:
    """Candidate pairs ``(i, j)``, ``i < j``, from MinHash signatures, shape ``(m, 2)``."""
    if len(sig) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    n = len(sig)
    codes = np.zeros(0, dtype=np.int64)  # each pair as one int64, i * n + j
    # A few bands at a time: the keys of all 64 bands with their sort took ~0.8 GB at 300k articles.
    for first in range(0, bands, LSH_BANDS_AT_ONCE):
        keys = band_keys(sig, min(LSH_BANDS_AT_ONCE, bands - first), rows, first)
        codes = np.unique(np.concatenate([codes, *_bucket_codes(keys, max_bucket)]))
    return np.stack([codes // n, codes % n], axis=1)


def _bucket_codes(keys: np.ndarray, max_bucket: int) -> list[np.ndarray]:
    """The pairs sharing a key in ``keys`` (documents x bands) as codes ``i * n + j``, by bucket size."""
    n, count = keys.shape
    keys = keys.ravel()
    docs = np.repeat(np.arange(n, dtype=np.int64), count)
    order = np.argsort(keys, kind="stable")  # stable: a bucket's documents stay in ascending order
    keys, docs = keys[order], docs[order]
    # Runs of equal keys are buckets; only buckets of two or more make pairs (as bucket_pairs).
    starts = np.concatenate([[0], np.flatnonzero(np.diff(keys)) + 1])
    sizes = np.diff(np.concatenate([starts, [len(keys)]]))
    # All buckets of one size at once: a Python list of tuples took ~1 GB and a minute for
    # the 10M band hits of 100k same-beat reports.
    out = []
    for size in np.unique(sizes[(sizes > 1) & (sizes <= max_bucket)]).tolist():
        members = docs[starts[sizes == size][:, None] + np.arange(size)]
        i, j = np.triu_indices(size, 1)
        out.append(np.unique(members[:, i] * n + members[:, j]))
    return out


def unique_pairs(pairs: Iterable[tuple[int, int]] | np.ndarray) -> np.ndarray:
    arr = np.asarray(list(pairs) if not isinstance(pairs, np.ndarray) else pairs, dtype=np.int64).reshape(-1, 2)
    if not len(arr):
        return arr
    arr = np.sort(arr, axis=1)
    arr = arr[arr[:, 0] != arr[:, 1]]
    return np.unique(arr, axis=0)


def jaccard_estimate(sig: np.ndarray, pairs: np.ndarray | Sequence[tuple[int, int]]) -> np.ndarray:
    """MinHash estimate of shingle Jaccard: the fraction of equal signature values,
    one per pair ``(i, j)`` of rows of ``sig``."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    out = np.zeros(len(pairs))
    # In slices: the two rows of millions of candidate pairs at once took 3 GB (300k articles).
    for start in range(0, len(pairs), JACCARD_SLICE):
        part = pairs[start : start + JACCARD_SLICE]
        out[start : start + len(part)] = (sig[part[:, 0]] == sig[part[:, 1]]).mean(axis=1)
    return out


def neighbour_pairs(vectors: np.ndarray, k: int = NEIGHBOURS, min_cosine: float = MIN_COSINE) -> np.ndarray:
    """Pairs of articles among each other's ``k`` nearest neighbours by cosine.

    ``vectors`` must be unit length. usearch's HNSW index keeps this
    near-linear; its results are approximate, which costs a little recall.
    """
    n = len(vectors)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    from usearch.index import Index

    index = Index(ndim=vectors.shape[1], metric="cos", dtype="f16", **HNSW)
    index.add(np.arange(n), vectors, threads=0)  # 0: all cores
    found = index.search(vectors, min(k + 1, n), threads=0)
    keys = np.asarray(found.keys).reshape(n, -1)
    dist = np.asarray(found.distances).reshape(n, -1)
    rows = np.repeat(np.arange(n), keys.shape[1])
    cols, sims = keys.ravel().astype(np.int64), 1.0 - dist.ravel()
    keep = (cols >= 0) & (cols < n) & (cols != rows) & (sims >= min_cosine)
    return unique_pairs(np.stack([rows[keep], cols[keep]], axis=1))


# --- rare shared passages: a few paragraphs copied into a much longer document ---------------

MIN_ANCHORS = 2  # shared rare passages that make two documents a candidate pair


def anchor_pairs(positions: np.ndarray, anchors: np.ndarray, min_shared: int = MIN_ANCHORS) -> np.ndarray:
    """Pairs of documents that share at least ``min_shared`` anchors, as sorted ``(i, j)`` rows.

    ``anchors[k]`` is a rare passage hash held by document ``positions[k]``
    (:meth:`copytrace.blocks.common.CommonText.anchors`). Jaccard similarity
    cannot see two paragraphs copied into an article ten times longer (their
    shingles are a few percent of the union), but the copied paragraphs hold
    passages that hardly any other document holds, and those match exactly.

    >>> anchor_pairs(np.array([0, 1, 0, 1, 2]), np.array([7, 7, 9, 9, 9])).tolist()
    [[0, 1]]
    """
    if not len(anchors):
        return np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((positions, anchors))
    anchors, positions = anchors[order], positions[order].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, anchors[1:] != anchors[:-1]])
    sizes = np.diff(np.r_[starts, len(anchors)])
    found = []
    # Anchors are rare by construction (a few documents each), so groups are small: pairs
    # are made for all groups of one size at once.
    for size in np.unique(sizes[sizes >= 2]).tolist():
        first = starts[sizes == size]
        i, j = np.triu_indices(size, 1)
        found.append(np.stack([positions[first[:, None] + i], positions[first[:, None] + j]], axis=-1).reshape(-1, 2))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    unique, counts = np.unique(pairs, axis=0, return_counts=True)
    return unique[counts >= min_shared]


def group_pairs(members: Sequence[int]) -> list[tuple[int, int]]:
    """The pairs :func:`anchor_pairs` makes from the documents holding one anchor, each pair
    once per time it occurs: the Spark engine counts them per pair, as ``anchor_pairs`` does.

    >>> group_pairs([3, 1, 3])
    [(1, 3), (1, 3)]
    """
    ordered = sorted(members)
    return [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :] if a != b]


# --- nearest neighbours within buckets, for an engine that cannot hold every vector in one place ------

HYPERPLANE_TABLES = 12  # independent bucketings; a pair missed by one table is found by another
HYPERPLANE_SEED = 20240607
BUCKET_DOCS = 2_000  # documents a bucket holds on average: each bucket is searched exactly, O(size^2)


def hyperplane_bits(n_docs: int, bucket_docs: int = BUCKET_DOCS) -> int:
    """Bits per bucket key: enough that a bucket holds about ``bucket_docs`` of ``n_docs`` documents."""
    return max(0, int(np.ceil(np.log2(max(1, n_docs) / bucket_docs))))


def hyperplane_keys(vectors: np.ndarray, bits: int, tables: int = HYPERPLANE_TABLES,
                    seed: int = HYPERPLANE_SEED, center: np.ndarray | None = None) -> np.ndarray:
    """Random-hyperplane LSH: one bucket key per (document, table), shape ``(n, tables)``.

    Bit ``b`` of a table's key says on which side of a random hyperplane the
    vector lies; two vectors at angle ``theta`` agree on it with probability
    ``1 - theta / pi`` (0.90 at cosine 0.95). The planes come from a fixed
    seed, so every worker and every run buckets alike; the table index is in
    the key's top bits. Document vectors of one language sit in a narrow cone,
    so planes through the origin would put most of a corpus on one side:
    ``center`` (the corpus's mean vector) moves the planes through the middle
    of the data, and the buckets come out even.

    >>> v = np.eye(4, dtype=np.float32)
    >>> hyperplane_keys(v, bits=3, tables=2).shape
    (4, 2)
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    if center is not None:
        vectors = vectors - np.asarray(center, dtype=np.float32)[None, :]
    planes = np.random.default_rng(seed).standard_normal((tables, bits, vectors.shape[1])).astype(np.float32)
    side = np.einsum("nd,tbd->ntb", vectors, planes) > 0
    weights = (1 << np.arange(bits, dtype=np.int64))[None, None, :]
    keys = (side * weights).sum(axis=2) if bits else np.zeros((len(vectors), tables), dtype=np.int64)
    return keys + (np.arange(tables, dtype=np.int64) << 40)[None, :]


def bucket_neighbours(rows: Sequence[int], vectors: np.ndarray, k: int = NEIGHBOURS,
                      min_cosine: float = MIN_COSINE, chunk: int = 1024) -> list[tuple[int, int, float]]:
    """Each document's ``k`` nearest others in one bucket, by exact cosine: ``(row, other, cosine)``
    with cosine at least ``min_cosine`` (``vectors`` unit length, as for :func:`neighbour_pairs`)."""
    n = len(rows)
    if n < 2:
        return []
    vectors = np.asarray(vectors, dtype=np.float32)
    rows = np.asarray(rows, dtype=np.int64)
    out = []
    for start in range(0, n, chunk):
        sims = vectors[start : start + chunk] @ vectors.T
        for i in range(len(sims)):
            sims[i, start + i] = -np.inf  # not its own neighbour
        top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        for i, cols in enumerate(top):
            for c in cols.tolist():
                s = float(sims[i, c])
                if s >= min_cosine:
                    out.append((int(rows[start + i]), int(rows[c]), s))
    return out


def nearest_of(found: Iterable[tuple[int, float]], k: int = NEIGHBOURS) -> list[int]:
    """The ``k`` nearest distinct others of one document among what its buckets found, ``(other, cosine)``."""
    best: dict[int, float] = {}
    for other, sim in found:
        best[other] = max(sim, best.get(other, -1.0))
    return [o for o, _ in sorted(best.items(), key=lambda x: (-x[1], x[0]))[:k]]

"""Per-document fingerprints: MinHash signatures and cheap document vectors.

Both are computed for a whole batch of documents at once in NumPy arrays — no
Python object per shingle — and are deterministic across processes and
machines (no use of Python's salted ``hash``), so the local and Spark engines
produce identical signatures.

>>> from copytrace.blocks.fingerprint import minhash
>>> sig = minhash(["the cat sat on the mat today", "the cat sat on the mat today", "a different text"])
>>> sig.shape, sig.dtype
((3, 128), dtype('uint32'))
>>> bool((sig[0] == sig[1]).all()), float((sig[0] == sig[2]).mean()) < 0.2
(True, True)

Measured on the 2,225 BBC articles, one core: word hashing (xxh3) and shingle
hashing in NumPy, then rensa's flat-buffer digest (Rust), ~6,500 articles/s,
most of it the word regex; rensa fed one Python string per shingle ~6,000/s
with the strings built; datasketch ``update_batch`` ~1,500/s; MinHash
permutations computed in NumPy ourselves ~940/s (a shingles x 128 uint64
matrix per batch is memory-bound).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import numpy as np
from xxhash import xxh3_64_intdigest

from ..analyse.boilerplate import without_boilerplate_lines

NUM_PERM = 128
SHINGLE = 3  # words per shingle: rewrites with substituted words still share 3-grams
SEED = 1
WORD_CACHE = 200_000  # distinct words whose hash a process keeps (~45 MB at most)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """The words a shingle is made of: case-folded letters and digits."""
    return _WORD.findall(text.casefold())


def word_hashes(tokens: Sequence[str]) -> np.ndarray:
    """xxh3-64 of each word: stable across processes, machines and versions."""
    return np.fromiter(map(_word_hash, tokens), dtype=np.uint64, count=len(tokens))


@lru_cache(maxsize=WORD_CACHE)
def _word_hash(word: str) -> int:
    # Cached: news repeats its words, and encoding and hashing each one again was a
    # third of counting a document's shingles (the scan's common-text pass).
    return xxh3_64_intdigest(word.encode())


def shingle_hashes(hashes: np.ndarray, k: int = SHINGLE) -> np.ndarray:
    """One 64-bit hash per run of ``k`` consecutive words (the whole text if shorter)."""
    n = len(hashes)
    if n == 0:
        return np.zeros(1, dtype=np.uint64)
    k = min(k, n)
    out = np.zeros(n - k + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(k):
            out = out * np.uint64(0x9E3779B97F4A7C15) + hashes[i : n - k + 1 + i]
    return out


def story_word_hashes(text: str) -> np.ndarray:
    """:func:`word_hashes` of the :func:`words` of ``text`` without its boilerplate lines: what a signature reads."""
    return word_hashes(words(without_boilerplate_lines(text)))


def doc_shingles(text: str, k: int = SHINGLE) -> np.ndarray:
    """The distinct ``k``-word shingle hashes of one text, as :func:`minhash` sees them."""
    return np.unique(shingle_hashes(word_hashes(words(text)), k))


def minhash(texts: Sequence[str], num_perm: int = NUM_PERM, k: int = SHINGLE, *, common=None,
            max_df: int | None = None, hashes: Sequence[np.ndarray] | None = None) -> np.ndarray:
    """MinHash signatures, shape ``(len(texts), num_perm)``, uint32.

    The fraction of equal columns of two rows estimates the Jaccard similarity
    of the two texts' sets of ``k``-word shingles. Shingles are hashed here in
    NumPy; rensa (Rust) turns the flat hash buffer into signatures.

    With ``common`` (a :class:`copytrace.blocks.common.CommonText` that counted
    these shingles) shingles held by ``max_df`` documents or more are left out,
    as passim leaves out n-grams above its maxDF: a wire template's frame ("in
    the week ended", "the bank said in a statement") then cannot make two
    reports look alike, while the figures and names that differ between them,
    and agree between a report and its copy, still count.

    Lines that are boilerplate on their own (a promo line, a furniture block:
    :func:`~copytrace.analyse.boilerplate.without_boilerplate_lines`) are left
    out: in a corpus too small for them to be common, two short articles that
    carry the same block looked alike. A text with nothing left is signed by
    its own text alone, so it matches only itself.

    ``hashes`` are the texts' :func:`story_word_hashes`, when the caller has
    them already.
    """
    import rensa

    if hashes is None:
        hashes = [story_word_hashes(t) for t in texts]
    shingles, offsets = [], [0]
    for text, h in zip(texts, hashes):
        sh = shingle_hashes(h, k) if len(h) else h
        if common is not None and len(sh):
            sh = sh[common.frequency(sh) < max_df]
        if not len(sh):  # nothing but boilerplate or common text
            sh = np.array([xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))], dtype=np.uint64)
        shingles.append(sh)
        offsets.append(offsets[-1] + len(sh))
    if not texts:
        return np.zeros((0, num_perm), dtype=np.uint32)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        np.concatenate(shingles), np.asarray(offsets, dtype=np.uint64), num_perm, SEED
    )
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(len(texts), num_perm)


# --- document vectors for rewrites -------------------------------------------------

STATIC_DIMS = 256


def doc_vectors(texts: Sequence[str]) -> np.ndarray:
    """Unit-length document vectors, float32, shape ``(len(texts), STATIC_DIMS)``.

    The mean of :mod:`copytrace.static`'s word vectors (a model2vec copy of the
    shipped MiniLM, distilled once per machine) over the article's first 512
    tokens: cheap — ~100x the transformer — and close for two articles that tell
    the same story in different words.
    """
    from ..static import get_static

    encoder = get_static()
    if encoder is None:
        raise RuntimeError("the static sentence model is unavailable (model2vec missing or distillation failed)")
    return encoder.encode(list(texts), cache=False)  # each article is read once

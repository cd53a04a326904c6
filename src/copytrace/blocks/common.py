"""Text that recurs across many documents of one corpus: site furniture and wire templates.

A scan counts, for every run of ``SHINGLE`` words, how many documents hold it
(its document frequency), in a small count-min sketch: two rows of 16-bit
counters, so memory stays fixed (128 MB) whatever the corpus size. A stretch
whose shingles are in more than ``threshold(n)`` documents says nothing about
one story — a syndication note, a newsletter banner, the frame of a weekly
report — and is treated as boilerplate when pairs are aligned, so it cannot
make two unrelated articles look derived. The figures inside a template
("56,652 tonnes", "April 7") make rare shingles, so a real copy of one report
still shares rare text with its source.

>>> texts = ["Sign up for our newsletter to get the latest news every morning. " + t for t in
...          ["Rockets hit the base.", "The minister resigned.", "Prices rose again.", "A storm hit the coast."]]
>>> sketch = CommonText.empty(buckets=1 << 12)
>>> for t in texts:
...     sketch.add(doc_buckets(t, sketch.buckets))
>>> [texts[1][s.start:s.end] for s in sketch.spans(texts[1], threshold=3)]
['Sign up for our newsletter to get the latest news every morning']
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from xxhash import xxh3_64_intdigest

from ..segment import locate
from ..types import Span
from .fingerprint import shingle_hashes, word_hashes, words

SHINGLE = 6  # words: long enough that a shared run is a passage, not a phrase of the language
BUCKETS = 1 << 25  # counters per row: 2 rows x 32 M x 2 bytes = 128 MB
MIN_DOCS = 50  # a stretch in fewer documents than this is never called common
SHARE = 0.005  # ... nor in fewer than this share of the corpus: a story syndicated
# to dozens of outlets is reuse to find, not furniture
MIN_RUN = SHINGLE  # words: shorter common stretches are left alone
ANCHOR_SAMPLE = 8  # one passage shingle in this many is an anchor: ~1 per 8 words of a copied passage
ANCHOR_MAX_DF = 8  # anchors are rare: a passage in more documents is found by Jaccard or is common
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SALT = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F)
_FIGURE = xxh3_64_intdigest(b"#figure#")  # every figure hashes alike in a frame
_FRAME_SALT = 0x5851F42D4C957F2D  # frames and shingles count apart in one table
MIN_TEMPLATE_DOCS = 10  # a frame filled with other figures in this many documents is a template
TEMPLATE_ROOT = 0.1  # ... or in 0.1 x the square root of the corpus size, if more
FRAME_SHARE = 0.001  # in a templated report, text in this share of the corpus (or MIN_TEMPLATE_DOCS) is a frame


def threshold(n_docs: int) -> int:
    """Documents a shingle must be in to count as common in a corpus of ``n_docs``."""
    return max(MIN_DOCS, int(SHARE * n_docs))


def template_threshold(n_docs: int) -> int:
    """Documents a frame must be filled in, with other figures, to count as a template.

    A wire beat files a fixed number of reports whatever the corpus size (a
    weekly report: ~100 in two years), while a frame of the language ("rose #
    per cent to") is filled in a share of all documents. A bar in proportion
    to the corpus would stop seeing beats as the corpus grows; a fixed bar
    would call ever more ordinary reports templated. The square root sits
    between: 10 documents up to 10k articles, 31 at 100k, 100 at a million.

    >>> [template_threshold(n) for n in (1_000, 10_000, 100_000, 1_000_000)]
    [10, 10, 31, 100]
    """
    return max(MIN_TEMPLATE_DOCS, int(TEMPLATE_ROOT * math.sqrt(n_docs)))


def frame_threshold(n_docs: int) -> int:
    """Documents a stretch of a templated report must be in to count as one of its template's frames.

    At least the template bar, and 0.1% of the corpus: in a large same-beat
    corpus a run with its figure ("stood at 17.3 percent in June") recurs by
    chance in dozens of reports. Masked at the template bar (31 at 100k), such
    runs left a copy of a report nothing to align, and 5% of the planted
    copies were missed (100k same-beat reports, recall 0.997 -> 0.949).
    """
    return max(template_threshold(n_docs), int(FRAME_SHARE * n_docs))


@lru_cache(maxsize=8)
def _word_spans(text: str) -> list[tuple[int, int]]:
    """Each word's character span (the words of :func:`_read`, in order).

    Cached as :func:`_read` is: a templated text's common spans and frame spans both need them.
    """
    return list(zip(*locate(text, _WORD.findall(text))))


def _within(starts: np.ndarray, n: int) -> np.ndarray:
    """Which of ``n`` words lie in some ``SHINGLE``-word run beginning at one of ``starts``."""
    begins = np.zeros(n, dtype=np.int64)
    begins[starts] = 1
    return np.convolve(begins, np.ones(SHINGLE, dtype=np.int64))[:n] > 0


def _window_hashes(h: np.ndarray) -> np.ndarray:
    n = len(h) - SHINGLE + 1
    out = np.zeros(max(n, 0), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(SHINGLE):
            out = out * np.uint64(0x100000001B3) + h[i : n + i]
    return out


@lru_cache(maxsize=8)
def _read(text: str):
    """Shingle hashes, which words are figures (digits), and the word hashes.

    Cached: a scan asks for one text's anchors, whether it is templated and its
    common spans one after another, and each would read it again. The arrays
    are shared, so no caller may change them.
    """
    folded = text.casefold()
    # One regex pass over the folded text gives each word folded, when folding kept the
    # length (nearly every text; "ß" and "İ" grow) and no character changed from a mark to a
    # letter (of every code point only U+0345 does); a match object a word cost 2 ms an article.
    if len(folded) == len(text) and "\u0345" not in text:
        words = _WORD.findall(folded)
    else:
        words = [w.casefold() for w in _WORD.findall(text)]
    figure = np.fromiter((w[0].isdigit() for w in words), dtype=bool, count=len(words))
    h = word_hashes(words)
    if len(words) < SHINGLE:
        return np.zeros(0, dtype=np.uint64), figure, h
    return _window_hashes(h), figure, h


def _frames(text: str, read=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each run of SHINGLE words that holds a figure: its hash, its hash with every figure
    masked (the frame a wire service fills with new figures each week) and its first word;
    and which words are figures."""
    hashes, figure, h = read if read is not None else _read(text)
    if not len(hashes) or not figure.any():
        return hashes[:0], hashes[:0], np.zeros(0, dtype=np.int64), figure
    masked = np.where(figure, np.uint64(_FIGURE), h)
    holds = np.convolve(figure.astype(np.int64), np.ones(SHINGLE, dtype=np.int64), "valid") > 0
    starts = np.flatnonzero(holds)
    return hashes[starts], _window_hashes(masked)[starts] ^ np.uint64(_FRAME_SALT), starts, figure


def _buckets(hashes: np.ndarray, buckets: int) -> np.ndarray:
    """Counter index of each hash in each of the two rows, shape (2, n)."""
    return np.stack([_row_buckets(hashes, salt, buckets) for salt in _SALT]).astype(np.int64)


def _row_buckets(hashes: np.ndarray, salt: int, buckets: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        return ((hashes * np.uint64(salt)) >> np.uint64(32)) % np.uint64(buckets)


def doc_buckets(text: str, buckets: int = BUCKETS) -> np.ndarray:
    """The counters one document adds to: each distinct shingle once (a frequency of documents).

    Three kinds of key share the table: the ``SHINGLE``-word runs that mark
    common passages, their figure-masked frames (:func:`_frames`), and the
    shorter shingles of the MinHash fingerprint
    (:func:`copytrace.blocks.fingerprint.doc_shingles`), whose frequencies keep
    template frames out of the candidates. Their hashes are made differently,
    so one kind does not count as the other.
    """
    read = _read(text)
    _, frames, _, _ = _frames(text, read)
    shingles = shingle_hashes(fingerprint_word_hashes(text))  # doc_shingles, from the words read above
    return _buckets(np.unique(np.concatenate([read[0], frames, shingles])), buckets)


def fingerprint_word_hashes(text: str) -> np.ndarray:
    """The hashes of the fingerprint's words of ``text`` (:func:`~copytrace.blocks.fingerprint.words`),
    taken from :func:`_read` (cached) when they are the same words."""
    return _read(text)[2] if _same_words(text) else word_hashes(words(text))


def _same_words(text: str) -> bool:
    """Whether :func:`_read`'s words of ``text`` are the fingerprint's: case folding kept its length."""
    return len(text.casefold()) == len(text) and "\u0345" not in text


def count_batch(texts: list[str], buckets: int = BUCKETS) -> tuple[int, list[tuple[np.ndarray, np.ndarray]]]:
    """What a batch of documents adds to the sketch: per row, counter indices and counts.

    Engines run this where the texts are and send back only the compact sums.
    """
    idx = [doc_buckets(t, buckets) for t in texts]
    both = np.concatenate(idx, axis=1) if idx else np.zeros((2, 0), dtype=np.int64)
    return len(texts), [np.unique(both[row], return_counts=True) for row in range(2)]


@dataclass
class CommonText:
    """The count-min sketch of shingle document frequencies, and the spans it marks."""

    counts: np.ndarray  # (2, buckets) uint16, saturating
    n_docs: int = 0

    @classmethod
    def empty(cls, buckets: int = BUCKETS) -> "CommonText":
        return cls(np.zeros((2, buckets), dtype=np.uint16))

    @property
    def buckets(self) -> int:
        return int(self.counts.shape[1])

    def add(self, idx: np.ndarray, docs: int = 1) -> None:
        """Count the bucket indices of ``docs`` documents (``idx`` from :func:`doc_buckets`, concatenated)."""
        self.add_counts(docs, [np.unique(idx[row], return_counts=True) for row in range(2)])

    def add_counts(self, docs: int, rows: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Add what :func:`count_batch` returned (negative counts take documents out)."""
        self.n_docs += docs
        for row, (u, c) in enumerate(rows):
            self.counts[row, u] = np.clip(self.counts[row, u].astype(np.int64) + c, 0, 65535).astype(np.uint16)

    def frequency(self, hashes: np.ndarray) -> np.ndarray:
        """Estimated documents holding each shingle (never an underestimate)."""
        # Row by row, without _buckets' stacked copy: a scan asks this several times an article.
        first, second = (_row_buckets(hashes, salt, self.buckets) for salt in _SALT)
        return np.minimum(self.counts[0][first], self.counts[1][second])

    def templated(self, text: str, min_docs: int, frequency: np.ndarray | None = None) -> bool:
        """Whether most of the text's figures sit in template frames.

        A frame is a run of words around a figure; it is a template's when at
        least ``min_docs`` documents fill it and fewer than half of those with
        this text's own figures. A story syndicated to many outlets carries
        its figures with it (the exact run is as frequent as its frame); a
        weekly report carries new ones. Two templated reports whose aligned
        figures all differ are one template filed twice, not a copy
        (:func:`copytrace.verdict.is_template`). ``frequency`` is that of the
        text's shingles, when the caller has it already.
        """
        exact, frames, starts, figure = _frames(text)
        if not len(starts):
            return False
        frame_df = self.frequency(frames)
        exact_df = self.frequency(exact) if frequency is None else frequency[starts]
        template = (frame_df >= min_docs) & (2 * exact_df < frame_df)
        covered = _within(starts[template], len(figure))
        return int((covered & figure).sum()) >= 2 and (covered & figure).sum() * 2 >= figure.sum()

    def anchors(self, text: str) -> np.ndarray:
        """A sample of the text's rare passages: shingles held by 2 to ``ANCHOR_MAX_DF`` documents.

        One shingle in ``ANCHOR_SAMPLE`` is eligible, chosen by its hash so two
        documents sample the same ones; a passage copied from one into the
        other then shows up as shared anchors however long either document
        is (see :func:`copytrace.blocks.candidates.anchor_pairs`).
        """
        hashes = _read(text)[0]
        hashes = np.unique(hashes[(hashes >> np.uint64(40)) % np.uint64(ANCHOR_SAMPLE) == 0])
        df = self.frequency(hashes)
        return hashes[(df >= 2) & (df <= ANCHOR_MAX_DF)]

    def spans(self, text: str, threshold: int, frequency: np.ndarray | None = None) -> list[Span]:
        """Stretches of ``text`` made of common shingles, at least ``MIN_RUN`` words long.

        ``frequency`` is that of the text's shingles, when the caller has it already.
        """
        hashes = _read(text)[0]
        if not len(hashes):
            return []
        common = (self.frequency(hashes) if frequency is None else frequency) >= threshold
        if not common.any():
            return []
        inside = np.zeros(len(hashes) + SHINGLE + 1, dtype=bool)  # a word of margin at each end
        inside[1:-1] = _within(np.flatnonzero(common), len(hashes) + SHINGLE - 1)
        edges = np.flatnonzero(inside[1:] != inside[:-1])  # each run's first word and the one past it
        runs = [(a, b) for a, b in zip(edges[0::2].tolist(), edges[1::2].tolist()) if b - a >= MIN_RUN]
        if not runs:
            return []
        words = _word_spans(text)
        return [Span(words[a][0], words[b - 1][1]) for a, b in runs]

    def left_out(self, text: str, min_docs: int, template_docs: int,
                 frame_docs: int | None = None) -> tuple[list[Span], bool, list[Span]]:
        """What a comparison leaves out of ``text``: ``(common, templated, frames)``.

        ``common`` is text in ``min_docs`` documents or more (furniture);
        ``templated`` says most of the figures sit in frames ``template_docs``
        documents fill, and then ``frames`` is the text in ``frame_docs``
        documents or more (:func:`frame_threshold`; ``template_docs`` if not
        given): a sentence that frequent ("Proceeds will be used for general
        corporate purposes") is one of the template's too. The arguments of
        :func:`copytrace.pipeline.prepare`; the scan and the archive both use it.
        """
        hashes = _read(text)[0]
        frequency = self.frequency(hashes) if len(hashes) else None  # looked up once for all three
        templated = bool(template_docs) and self.templated(text, template_docs, frequency)
        frames = self.spans(text, frame_docs or template_docs, frequency) if templated else []
        return self.spans(text, min_docs, frequency), templated, frames

    def save(self, path: str | Path) -> None:
        """To ``path`` (a ``.npy`` file) and its document count beside it."""
        with open(path, "wb") as f:
            np.save(f, self.counts)
        Path(f"{path}.n").write_text(str(self.n_docs))

    @classmethod
    def load(cls, path: str | Path) -> "CommonText":
        """Memory-mapped: every worker of a scan shares one copy in the page cache.

        Held as a plain array over the mapping: indexing a ``numpy.memmap`` runs
        Python code each time, and a scan looks up counters several times an article.
        """
        return cls(np.asarray(np.load(path, mmap_mode="r")), int(Path(f"{path}.n").read_text()))


@lru_cache(maxsize=2)
def load_shared(path: str) -> CommonText:
    """:meth:`CommonText.load`, once per process: a worker reuses one mapping for every batch and task."""
    return CommonText.load(path)

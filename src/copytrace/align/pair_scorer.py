"""P(paraphrase) for two sentences: a few pair features and a small calibrated model.

>>> scorer = load_scorer()
>>> a = prepare("The State Department lists the IRGC as a terrorist group.")
>>> b = prepare("The U.S. State Department has designated the IRGC a terrorist group.")
>>> c = prepare("Stocks in Tokyo closed lower on weak export data.")
>>> p = scorer.probability([0.86, 0.11], [(a, b), (c, b)])   # with each pair's MiniLM cosine
>>> bool(p[0] > scorer.cut > p[1])
True

A bare embedding cosine misses what people judging paraphrases look at: a
number or a name present on one side only, a negation flipped, a clause left
out. The features here measure those beside the cosine; the model is a logistic
regression fitted by ``training/paraphrase.py`` on the MSRP training part and
shipped as JSON (``models/paraphrase.json``: feature names, scaler,
coefficients, decision cut, cross-validated figures), so inference needs only
numpy. Every feature is symmetric in the two sentences, as MSRP's pairs have
no direction.

Held out (10-fold stratified CV, seed 0, MSRP training part): accuracy 0.773
(sd 0.012), F1 0.839, against 0.728 / 0.815 for the bare cosine with its cut
fitted under the same folds (``python training/paraphrase.py`` prints both).
What mattered, by ablation of the logistic regression: the cosine and the
lexical overlap together (each alone: 0.731 and 0.756); numbers on one side
only, number mismatch, character similarity and negation mismatch (−0.1 to −0.3 points each when
dropped); counts of unshared content words and the soft word alignment with
the static model's word vectors (+0.9 points together). The SentEval
|u−v|, u·v embedding features lowered held-out accuracy (0.715–0.730: 768
columns for 4,076 pairs), gradient-boosted trees did no better than the
logistic regression (0.756–0.768), and TF-KLD word weights fitted in-fold
lowered it (0.750). Word and character 4-gram overlap, IDF-weighted overlap
and a BERTScore-style alignment of MiniLM's token vectors added nothing
(0.767–0.774).
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from ..segment import TOKEN, normalise
from ..words import FUNCTION_WORDS, NEGATIONS

MODEL_FILE = "paraphrase.json"

# Function words and reporting verbs: sharing them says nothing about meaning. The
# paraphrase model (models/paraphrase.json) was trained on features over exactly this
# set, so its additions to the shared list stay until the model is retrained.
STOPWORDS = FUNCTION_WORDS | frozenset(
    """above again am because below could doing down few further having hers how if itself no nor not
    now off once only ours out own same some too up why said says say told""".split()
)
_DIGIT = re.compile(r"\d")


# Static-model word cosines at or above these count a word as matched on the other side.
ALIGNED_BARS = (0.5, 0.7)


@dataclass(frozen=True)
class Side:
    """What the features need of one sentence, computed once however many pairs it is in."""

    words: tuple[str, ...]
    grams: tuple[frozenset, frozenset, frozenset]  # word 1-, 2-, 3-grams
    content: frozenset[str]
    numbers: frozenset[str]
    names: frozenset[str]  # capitalised words not at the start of the sentence
    negations: int
    joined: str
    content_words: tuple[str, ...]  # sorted, the rows of content_vectors
    content_vectors: np.ndarray | None  # static-model vectors of the content words, unit length
    hashes: tuple[np.ndarray, ...] = ()  # hash() of each item of _items(self), by kind (see _grid_counts)


def prepare(
    text: str,
    words: Sequence[str] | None = None,
    surface: Sequence[str] | None = None,
    static=None,
) -> Side:
    """One sentence's side.

    ``words`` (normalised) and ``surface`` (as written) save tokenising again;
    ``static`` (a :class:`~copytrace.static.StaticEncoder`) gives the word
    vectors for the soft word alignment, which falls back to exact matches
    without it.
    """
    if surface is None:
        surface = [m.group() for m in TOKEN.finditer(text)]
    if words is None:
        words = [normalise(w) for w in surface]
    words = tuple(words)
    grams = tuple(frozenset(zip(*(words[k:] for k in range(n)))) for n in (1, 2, 3))
    content = frozenset(w for w in words if w not in STOPWORDS)
    ordered = tuple(sorted(content))
    numbers = frozenset(w.replace(",", "") for w in words if _DIGIT.search(w))
    names = frozenset(normalise(w) for w in surface[1:] if w[:1].isupper())
    return Side(
        words=words,
        grams=grams,  # type: ignore[arg-type]
        content=content,
        numbers=numbers,
        names=names,
        negations=sum(w in NEGATIONS or w.endswith("n't") for w in words),
        joined=" ".join(words),
        content_words=ordered,
        content_vectors=word_vectors(static, ordered) if static is not None and ordered else None,
        hashes=tuple(np.fromiter(map(hash, items), dtype=np.int64, count=len(items))
                     for items in (*grams, content, numbers, names)),
    )


class _WordTable:
    """Static-model vectors of single words, as rows of one matrix: news sentences repeat their words,
    and a side's vectors are then one fancy index (stacking a row per word was a third of the lookup)."""

    SIZE = 100_000  # distinct words, ~1 KB each

    def __init__(self, static):
        self.static = static
        self.rows: dict[str, int] = {}
        self.matrix = np.zeros((0, static.dim), dtype=np.float32)
        # The server compares in threads: two adding words at once would write the same rows.
        self._lock = threading.Lock()

    def __call__(self, words: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self._lookup(words)

    def _lookup(self, words: Sequence[str]) -> np.ndarray:
        missing = [w for w in dict.fromkeys(words) if w not in self.rows]
        if missing:
            if len(self.rows) + len(missing) > self.SIZE:
                self.rows.clear()
                missing = list(dict.fromkeys(words))
            vectors = self.static.encode(missing)
            n = len(self.rows)
            if n + len(missing) > len(self.matrix):  # grow by doubling: appends stay cheap
                grown = np.zeros((max(2 * len(self.matrix), n + len(missing), 1024), self.matrix.shape[1]), np.float32)
                grown[:n] = self.matrix[:n]
                self.matrix = grown
            self.matrix[n : n + len(missing)] = vectors
            self.rows.update(zip(missing, range(n, n + len(missing))))
        rows = self.rows
        return self.matrix[[rows[w] for w in words]]


_word_tables: dict[int, _WordTable] = {}


def word_vectors(static, words: Sequence[str]) -> np.ndarray:
    """Static-model vectors of single words, cached per model."""
    table = _word_tables.get(id(static))
    if table is None:  # the table holds the model, so no other model takes its id
        table = _word_tables[id(static)] = _WordTable(static)
    return table(words)


def _overlap(x: frozenset, y: frozenset) -> tuple[float, float, float]:
    """Dice, and the smaller and larger containment (|x∩y| / |x|, |x∩y| / |y|)."""
    if not x or not y:
        return 0.0, 0.0, 0.0
    shared = len(x & y)
    cx, cy = shared / len(x), shared / len(y)
    return 2 * shared / (len(x) + len(y)), min(cx, cy), max(cx, cy)


def _mismatch(x: frozenset, y: frozenset) -> float:
    """Share of the items on either side missing from the other (0 when neither has any)."""
    union = x | y
    return len(x ^ y) / len(union) if union else 0.0


def _best_matches(x: Side, y: Side) -> tuple[np.ndarray, np.ndarray]:
    """For each content word of x (of y), its highest cosine with a content word of the other side."""
    if x.content_vectors is not None and y.content_vectors is not None:
        sim = x.content_vectors @ y.content_vectors.T
        return sim.max(axis=1), sim.max(axis=0)
    return (
        np.array([w in y.content for w in x.content_words], dtype=np.float64),
        np.array([w in x.content for w in y.content_words], dtype=np.float64),
    )


PAIR_FEATURES = (
    "dice_1", "cmin_1", "cmax_1",
    "dice_2", "cmin_2", "cmax_2",
    "dice_3", "cmin_3", "cmax_3",
    "content_jaccard", "content_cmin", "content_cmax",
    "char_ratio", "token_set_ratio", "lcs_ratio",
    "length_diff", "number_mismatch", "numbers_on_one_side", "name_mismatch", "negation_mismatch",
    "unshared_content", "unshared_content_min", "unshared_content_max", "total_words",
    "unaligned_0.5", "unaligned_0.5_max", "unaligned_0.7", "unaligned_0.7_max",
    "aligned_mean_min", "aligned_mean",
)
FEATURES = ("cosine",) + PAIR_FEATURES


def pair_features(x: Side, y: Side) -> list[float]:
    """The features of :data:`PAIR_FEATURES`, in that order, for one pair.

    The plain definition; :func:`feature_matrix` computes the same for many
    pairs at once (and a test holds the two equal).
    """
    out: list[float] = []
    for n in range(3):
        out.extend(_overlap(x.grams[n], y.grams[n]))
    content = x.content | y.content
    out.append(len(x.content & y.content) / len(content) if content else 0.0)
    out.extend(_overlap(x.content, y.content)[1:])
    out.append(fuzz.ratio(x.joined, y.joined) / 100)
    out.append(fuzz.token_set_ratio(x.joined, y.joined) / 100)
    out.append(LCSseq.normalized_similarity(x.words, y.words))
    lx, ly = len(x.words), len(y.words)
    out.append(abs(lx - ly) / max(lx, ly, 1))
    out.append(_mismatch(x.numbers, y.numbers))
    out.append(float(bool(x.numbers) != bool(y.numbers)))
    out.append(_mismatch(x.names, y.names))
    out.append(float(x.negations != y.negations))
    only_x, only_y = len(x.content - y.content), len(y.content - x.content)
    out.extend([only_x + only_y, min(only_x, only_y), max(only_x, only_y), lx + ly])
    if not x.content or not y.content:
        return out + [0.0] * 6
    return out + _alignment_row(*_best_matches(x, y))


@dataclass(frozen=True)
class PairScorer:
    """A logistic regression over standardised features, read from JSON."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    cut: float
    prefilter: float  # transformer cosine below which a pair is not scored at all
    info: dict

    @classmethod
    def from_dict(cls, d: dict) -> "PairScorer":
        return cls(
            tuple(d["features"]),
            np.asarray(d["scaler"]["mean"], dtype=np.float64),
            np.asarray(d["scaler"]["scale"], dtype=np.float64),
            np.asarray(d["coef"], dtype=np.float64),
            float(d["intercept"]),
            float(d["cut"]),
            float(d.get("prefilter_bar", 0.0)),
            d,
        )

    def decide(self, X: np.ndarray) -> np.ndarray:
        """P(paraphrase) for rows of features already in ``self.features`` order."""
        z = ((np.asarray(X, dtype=np.float64) - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def probability(self, cosines: Sequence[float], pairs: Sequence[tuple[Side, Side]]) -> np.ndarray:
        """P(paraphrase) of each pair of sides, given the transformer cosine of each."""
        return self.decide(feature_matrix(cosines, pairs))


# Pairs per block of feature_matrix when the pairs share few sides: bounds the word-by-word
# similarity matrix of a block (MSRP: ~3,000 x 3,000 words).
BLOCK = 256
# A comparison's units are its sentences (and adjacent pairs) each against each: at most this
# many cells of that grid per pair, and the counts are computed over the grid (see side_features).
GRID_CELLS = 4


def feature_matrix(cosines: Sequence[float], pairs: Sequence[tuple[Side, Side]]) -> np.ndarray:
    """One row of :data:`FEATURES` per pair, the same values as :func:`pair_features`."""
    lefts, rows = _distinct([x for x, _ in pairs])
    rights, cols = _distinct([y for _, y in pairs])
    out = side_features(lefts, rights, rows, cols)
    out[:, 0] = np.asarray(cosines, dtype=np.float64).reshape(len(pairs))
    return out


# fuzz.token_set_ratio splits, sorts and joins each side's words again: ~6x the time of
# fuzz.ratio, three quarters of the string similarities' time in a scan, where most units
# cannot reach the scorer's cut whatever it says (see paraphrase.best_probability).
TOKEN_SET = FEATURES.index("token_set_ratio")


def side_features(lefts: Sequence[Side], rights: Sequence[Side], rows: np.ndarray, cols: np.ndarray,
                  *, token_set: bool = True) -> np.ndarray:
    """Rows of :data:`FEATURES` (the cosine column left 0) for the pairs ``(lefts[rows[k]], rights[cols[k]])``.

    Vectorised: when the pairs are most of the grid of their sides (a
    comparison weighs every sentence against every other), set sizes and
    overlaps come from one sparse product per item kind and the three string
    similarities from rapidfuzz's ``cdist``, over the grid; otherwise (MSRP's
    pairs share no side) pair by pair, in blocks. The soft word alignment comes
    from one similarity matrix of the left sides' content words against the
    right sides', reduced per side with ``reduceat``.

    ``token_set=False`` leaves the column :data:`TOKEN_SET` NaN, for the caller
    to fill where it matters with :func:`token_set_ratios`.
    """
    rows, cols = np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)
    n = len(rows)
    out = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if n and len(lefts) * len(rights) <= GRID_CELLS * n:
        out[:, 1:] = _features(lefts, rights, rows, cols, *_grid_counts(lefts, rights, rows, cols, token_set))
        return out
    for start in range(0, n, BLOCK):
        block = slice(start, start + BLOCK)
        ls, r = _distinct([lefts[k] for k in rows[block]])
        rs, c = _distinct([rights[k] for k in cols[block]])
        out[block, 1:] = _features(ls, rs, r, c, *_pair_counts([(ls[i], rs[j]) for i, j in zip(r, c)]))
    if not token_set:
        out[:, TOKEN_SET] = np.nan
    return out


def token_set_ratios(pairs: Sequence[tuple[Side, Side]]) -> np.ndarray:
    """The :data:`TOKEN_SET` column for these pairs of sides."""
    return process.cpdist([x.joined for x, _ in pairs], [y.joined for _, y in pairs],
                          scorer=fuzz.token_set_ratio, dtype=np.float64, workers=1) / 100


def _distinct(sides: Sequence[Side]) -> tuple[list[Side], np.ndarray]:
    """The distinct sides (by identity) and each item's index among them."""
    index: dict[int, int] = {}
    distinct: list[Side] = []
    at = np.empty(len(sides), dtype=np.intp)
    for k, s in enumerate(sides):
        i = index.setdefault(id(s), len(distinct))
        if i == len(distinct):
            distinct.append(s)
        at[k] = i
    return distinct, at


def _items(s: Side) -> tuple[frozenset, ...]:
    """What the overlap features count, by kind: word 1-, 2-, 3-grams, content words, numbers, names."""
    return (*s.grams, s.content, s.numbers, s.names)


def _pair_counts(pairs: Sequence[tuple[Side, Side]]):
    """Sizes of x, y and x∩y per item kind, and the three string similarities, pair by pair."""
    n = len(pairs)
    sx, sy, both, fuzzy = np.empty((n, 6)), np.empty((n, 6)), np.empty((n, 6)), np.empty((n, 3))
    for k, (x, y) in enumerate(pairs):
        for m, (a, b) in enumerate(zip(_items(x), _items(y))):
            sx[k, m], sy[k, m], both[k, m] = len(a), len(b), len(a & b)
        fuzzy[k] = (
            fuzz.ratio(x.joined, y.joined) / 100,
            fuzz.token_set_ratio(x.joined, y.joined) / 100,
            LCSseq.normalized_similarity(x.words, y.words),
        )
    return sx, sy, both, fuzzy


def _grid_counts(lefts: Sequence[Side], rights: Sequence[Side], rows: np.ndarray, cols: np.ndarray,
                 token_set: bool = True):
    """:func:`_pair_counts` computed over the whole grid of sides, then picked out per pair
    (the token-set similarity NaN unless ``token_set``).

    Overlaps are a product of 0/1 matrices (sides x distinct items) per item
    kind, items told apart by their ``hash()`` (within one process, as the
    sides are: a collision of two 64-bit hashes is not a practical concern).
    """
    sx = np.array([[len(h) for h in s.hashes] for s in lefts], dtype=np.float64)
    sy = np.array([[len(h) for h in s.hashes] for s in rights], dtype=np.float64)
    both = np.empty((len(rows), 6))
    for m in range(6):
        items = np.concatenate([s.hashes[m] for s in lefts] + [s.hashes[m] for s in rights])
        distinct, column = np.unique(items, return_inverse=True)
        n_left = int(sx[:, m].sum())
        grid = []
        for sides, size, at in ((lefts, sx[:, m], column[:n_left]), (rights, sy[:, m], column[n_left:])):
            member = np.zeros((len(sides), len(distinct)), dtype=np.float32)
            member[np.repeat(np.arange(len(sides)), size.astype(np.intp)), at] = 1.0
            grid.append(member)
        both[:, m] = (grid[0] @ grid[1].T)[rows, cols]
    # LCS over words: each distinct word as one character, so rapidfuzz compares strings.
    code: dict[str, str] = {}
    coded = [["".join([code.setdefault(w, chr(0xE000 + len(code))) for w in s.words]) for s in sides]
             for sides in (lefts, rights)]
    # Pair by pair (cpdist), not over the grid: a grid holds up to GRID_CELLS cells a pair.
    joined = [lefts[k].joined for k in rows], [rights[k].joined for k in cols]
    coded = [coded[0][k] for k in rows], [coded[1][k] for k in cols]
    fuzzy = np.column_stack([
        process.cpdist(*joined, scorer=fuzz.ratio, dtype=np.float64, workers=1) / 100,
        (process.cpdist(*joined, scorer=fuzz.token_set_ratio, dtype=np.float64, workers=1) / 100
         if token_set else np.full(len(rows), np.nan)),
        process.cpdist(*coded, scorer=LCSseq.normalized_similarity, dtype=np.float64, workers=1),
    ])
    return sx[rows], sy[cols], both, fuzzy


def _features(lefts, rights, rows, cols, sx, sy, both, fuzzy) -> np.ndarray:
    """The columns of :data:`PAIR_FEATURES` from the counts of :func:`_pair_counts`."""
    with np.errstate(divide="ignore", invalid="ignore"):
        some = (sx > 0) & (sy > 0)
        dice = np.where(some, 2 * both / (sx + sy), 0.0)
        cx, cy = np.where(some, both / sx, 0.0), np.where(some, both / sy, 0.0)
        union = sx + sy - both
        jaccard = np.where(union > 0, both / union, 0.0)
        mismatch = np.where(union > 0, (sx + sy - 2 * both) / union, 0.0)
    lx = np.array([len(s.words) for s in lefts], dtype=np.float64)[rows]
    ly = np.array([len(s.words) for s in rights], dtype=np.float64)[cols]
    negations = (np.array([s.negations for s in lefts])[rows] != np.array([s.negations for s in rights])[cols])
    only_x, only_y = sx[:, 3] - both[:, 3], sy[:, 3] - both[:, 3]
    cmin, cmax = np.minimum(cx, cy), np.maximum(cx, cy)
    cols_ = []
    for m in range(3):
        cols_ += [dice[:, m], cmin[:, m], cmax[:, m]]
    cols_ += [jaccard[:, 3], cmin[:, 3], cmax[:, 3], fuzzy[:, 0], fuzzy[:, 1], fuzzy[:, 2]]
    cols_ += [np.abs(lx - ly) / np.maximum(np.maximum(lx, ly), 1), mismatch[:, 4],
              ((sx[:, 4] > 0) != (sy[:, 4] > 0)).astype(np.float64), mismatch[:, 5], negations.astype(np.float64)]
    cols_ += [only_x + only_y, np.minimum(only_x, only_y), np.maximum(only_x, only_y), lx + ly]
    return np.column_stack(cols_ + list(_alignment_features(lefts, rights, rows, cols).T))


def _alignment_features(lefts: Sequence[Side], rights: Sequence[Side], rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The six soft-alignment columns of :data:`PAIR_FEATURES` (zero when a side has no content word)."""
    out = np.zeros((len(rows), 2 * len(ALIGNED_BARS) + 2))
    has_a = np.array([bool(s.content) for s in lefts])
    has_b = np.array([bool(s.content) for s in rights])
    vec_a = np.array([s.content_vectors is not None for s in lefts])
    vec_b = np.array([s.content_vectors is not None for s in rights])
    live = has_a[rows] & has_b[cols]
    soft = live & vec_a[rows] & vec_b[cols]
    for k in np.flatnonzero(live & ~soft):  # no word vectors: exact matches, pair by pair
        out[k] = _alignment_row(*_best_matches(lefts[rows[k]], rights[cols[k]]))
    if not soft.any():
        return out
    # Only the sides in some soft pair enter the similarity matrix.
    used_a, i = np.unique(rows[soft], return_inverse=True)
    used_b, j = np.unique(cols[soft], return_inverse=True)
    la, lb = [lefts[k] for k in used_a], [rights[k] for k in used_b]
    na = np.array([len(s.content_words) for s in la])
    nb = np.array([len(s.content_words) for s in lb])
    start_a, start_b = np.r_[0, np.cumsum(na)[:-1]], np.r_[0, np.cumsum(nb)[:-1]]
    # The sides share most of their words (a sentence, and it again in two merged units):
    # the similarities are taken once per distinct word, then spread to every side holding it.
    words_a, vectors_a = _vocabulary(la)
    words_b, vectors_b = _vocabulary(lb)
    sim = vectors_a @ vectors_b.T
    # best_x[w, j]: best cosine of left word w within right side j; best_y[i, w] likewise.
    best_x = np.maximum.reduceat(sim[:, words_b], start_b, axis=1)[words_a]
    best_y = np.maximum.reduceat(sim[words_a], start_a, axis=0)[:, words_b]
    cols_ = []
    for bar in ALIGNED_BARS:
        nx = np.add.reduceat((best_x < bar).astype(np.int64), start_a, axis=0)[i, j]
        ny = np.add.reduceat((best_y < bar).astype(np.int64), start_b, axis=1)[i, j]
        cols_ += [nx + ny, np.maximum(nx, ny)]
    sum_x = np.add.reduceat(best_x.astype(np.float64), start_a, axis=0)[i, j]
    sum_y = np.add.reduceat(best_y.astype(np.float64), start_b, axis=1)[i, j]
    cols_ += [np.minimum(sum_x / na[i], sum_y / nb[j]), (sum_x + sum_y) / (na[i] + nb[j])]
    out[soft] = np.column_stack(cols_)
    return out


def _vocabulary(sides: Sequence[Side]) -> tuple[np.ndarray, np.ndarray]:
    """For the content words of ``sides`` one after another, each one's row in the vectors of the distinct words."""
    row: dict[str, int] = {}
    at = np.fromiter((row.setdefault(w, len(row)) for s in sides for w in s.content_words), dtype=np.intp)
    some = np.empty(len(row), dtype=np.intp)
    some[at] = np.arange(len(at))  # one place each distinct word is met: its vector is the same in all
    return at, np.concatenate([s.content_vectors for s in sides])[some]


def _alignment_row(bx: np.ndarray, by: np.ndarray) -> list[float]:
    out: list[float] = []
    for bar in ALIGNED_BARS:
        nx, ny = int((bx < bar).sum()), int((by < bar).sum())
        out.extend([nx + ny, max(nx, ny)])
    out.append(min(bx.mean(), by.mean()))
    out.append((bx.sum() + by.sum()) / (len(bx) + len(by)))
    return out


@lru_cache(maxsize=1)
def load_scorer() -> PairScorer:
    """The shipped model (``copytrace/models/paraphrase.json``)."""
    text = resources.files("copytrace").joinpath("models", MODEL_FILE).read_text(encoding="utf-8")
    return PairScorer.from_dict(json.loads(text))

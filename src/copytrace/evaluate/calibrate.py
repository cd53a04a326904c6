"""Everything copytrace learns from labelled data, and the folds that keep it honest.

Fitted always on training folds and scored on held-out folds (the verdict
model itself is fitted by :mod:`copytrace.fit`):

- the paraphrase threshold on sentence-embedding cosine (MSRP), maximising accuracy;
- a small classifier on a comparison's features (and, for the published
  baseline, Naive Bayes on Clough & Stevenson's n-gram containment and LCS features).

>>> folds = stratified_folds(["cut"] * 4 + ["non"] * 4, k=2, seed=0)
>>> sorted(folds.tolist())
[0, 0, 0, 0, 1, 1, 1, 1]
>>> fit_threshold([0.2, 0.4, 0.8, 0.9], [0, 0, 1, 1])
0.6
"""
from __future__ import annotations

from typing import Callable, Hashable, Sequence

import numpy as np

from ..comparison import Comparison
from ..segment import Segmented

VERDICT_LABELS = ("wholly", "partially", "non")

FitPredict = Callable[[np.ndarray, Sequence[Hashable], np.ndarray], list]


# -- folds -------------------------------------------------------------------------------


def stratified_folds(labels: Sequence[Hashable], k: int = 10, seed: int = 0) -> np.ndarray:
    """The held-out fold of each item: every fold has about the same label mix."""
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray([str(x) for x in labels])
    smallest = min(np.unique(y, return_counts=True)[1])
    if k < 2 or k > smallest:
        raise ValueError(f"{k} folds need 2 ≤ k ≤ {smallest} (the rarest label's count)")
    folds = np.empty(len(y), dtype=np.int64)
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    for fold, (_, test) in enumerate(splitter.split(np.zeros(len(y)), y)):
        folds[test] = fold
    return folds


def cross_val_predict(fit_predict: FitPredict, X: np.ndarray, y: Sequence[Hashable], folds: np.ndarray) -> list:
    """Held-out predictions: item ``i`` is predicted by a model that never saw fold ``folds[i]``."""
    X = np.asarray(X)
    y = np.asarray(y, dtype=object)
    out: list = [None] * len(y)
    for fold in np.unique(folds):
        test = folds == fold
        for i, p in zip(np.flatnonzero(test), fit_predict(X[~test], list(y[~test]), X[test])):
            out[i] = p
    return out


# -- one threshold on one score (the paraphrase decision) ------------------------------------


def fit_threshold(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The cut on ``scores`` (score ≥ cut → 1) that maximises accuracy."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    order = np.argsort(s, kind="stable")
    s, y = s[order], y[order]
    # Cut before position i: items < i say 0, items ≥ i say 1.
    correct = np.concatenate([[0], np.cumsum(y == 0)]) + np.concatenate([np.cumsum((y == 1)[::-1])[::-1], [0]])
    distinct = np.concatenate([[True], s[1:] != s[:-1], [True]])  # a cut may not split equal scores
    i = int(np.argmax(np.where(distinct, correct, -1)))
    if i == 0:
        return float(s[0] - 1e-6)
    if i == len(s):
        return float(s[-1] + 1e-6)
    return round(float((s[i - 1] + s[i]) / 2), 6)


def cross_val_threshold(scores: Sequence[float], labels: Sequence[int], folds: np.ndarray) -> tuple[list[int], list[float]]:
    """Held-out 0/1 decisions with the cut fitted on the other folds, and each fold's cut."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    out = np.zeros(len(s), dtype=int)
    cuts = []
    for fold in np.unique(folds):
        test = folds == fold
        cut = fit_threshold(s[~test], y[~test])
        cuts.append(cut)
        out[test] = s[test] >= cut
    return out.tolist(), cuts


# -- classifiers on features ------------------------------------------------------------------


def naive_bayes(X_train: np.ndarray, y_train: Sequence[Hashable], X_test: np.ndarray) -> list:
    """Gaussian Naive Bayes, the learner of Clough & Stevenson (2011)."""
    from sklearn.naive_bayes import GaussianNB

    return list(GaussianNB().fit(X_train, list(y_train)).predict(X_test))


def logistic(X_train: np.ndarray, y_train: Sequence[Hashable], X_test: np.ndarray) -> list:
    """Standardised, class-balanced logistic regression: few parameters for 95 examples."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000))
    return list(model.fit(X_train, list(y_train)).predict(X_test))


COMPARISON_FEATURES = (
    "reused_source",  # share of the source's words found in the other text
    "reused_derived",
    "verbatim_source",
    "verbatim_derived",
    "longest_passage_derived",  # longest single passage, as a share of the derived text
    "verdict_score",
)


def comparison_features(c: Comparison) -> np.ndarray:
    """What a comparison says about reuse, as numbers (``COMPARISON_FEATURES`` order).

    The source is ``a`` (as in every labelled pair loaded here).
    """
    cov = c.coverage
    longest = max((len(p.b) for p in c.passages), default=0) / max(len(c.b.text), 1)
    return np.array(
        [cov.get("a", 0.0), cov.get("b", 0.0), cov.get("a_verbatim", 0.0), cov.get("b_verbatim", 0.0), longest, c.verdict.score]
    )


# -- the published baseline: Clough & Stevenson (2011) -------------------------------------------

BASELINE_FEATURES = ("containment_1", "containment_2", "containment_3", "containment_4", "containment_5", "lcs")


def _ngrams(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def baseline_features(source: Segmented, answer: Segmented) -> np.ndarray:
    """Word n-gram containment (n = 1…5) of the answer in the source, and normalised LCS.

    Containment is the share of the answer's distinct n-grams also in the source;
    LCS is the longest common word subsequence over the answer's length.
    """
    from rapidfuzz.distance import LCSseq

    a, s = list(answer.words), list(source.words)
    features = []
    for n in range(1, 6):
        grams = _ngrams(a, n)
        features.append(len(grams & _ngrams(s, n)) / len(grams) if grams else 0.0)
    features.append(LCSseq.similarity(a, s) / len(a) if a else 0.0)
    return np.array(features)

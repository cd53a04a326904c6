"""Everything copytrace learns from labelled data, and the folds that keep it honest.

Three things are fitted, always on training folds and scored on held-out folds:

- the verdict thresholds (``Thresholds.wholly``, ``.partially``,
  ``.paraphrase_weight`` in :mod:`copytrace.verdict`): a grid search that
  maximises 3-class macro-F1, re-judging each pair's :class:`~copytrace.verdict.Evidence`
  exactly as :func:`copytrace.verdict.judge` would;
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

from dataclasses import replace
from typing import Callable, Hashable, Sequence

import numpy as np

from ..comparison import Comparison
from ..segment import Segmented
from ..verdict import DEFAULT, Evidence, Thresholds, judge

VERDICT_LABELS = ("wholly", "partially", "non")
PARAPHRASE_WEIGHTS = tuple(round(w, 2) for w in np.linspace(0.0, 1.0, 11))

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


# -- verdict thresholds ---------------------------------------------------------------------


def evidence_of(c: Comparison) -> Evidence:
    """The evidence :func:`copytrace.verdict.judge` saw for a comparison."""
    if c.evidence is None:
        raise ValueError("this comparison carries no evidence (not made by copytrace.compare)")
    return c.evidence


def _midpoints(scores: np.ndarray) -> np.ndarray:
    values = np.unique(np.round(scores, 6))
    inner = (values[:-1] + values[1:]) / 2
    return np.concatenate([[values[0] - 1e-6], inner, [values[-1] + 1e-6]])


def _scores(evidence: Sequence[Evidence], thresholds: Thresholds) -> np.ndarray:
    return np.array([judge(e, thresholds).score for e in evidence])


def fit_verdict_thresholds(
    evidence: Sequence[Evidence], labels: Sequence[str], base: Thresholds = DEFAULT
) -> Thresholds:
    """``wholly``, ``partially`` and ``paraphrase_weight`` maximising 3-class macro-F1.

    ``labels`` are verdict labels (wholly / partially / non). Thresholds sit
    halfway between neighbouring observed scores; ties keep the first (lowest)
    paraphrase weight and the widest "partially" band.
    """
    y = np.asarray(labels)
    best: tuple[float, Thresholds] | None = None
    for weight in PARAPHRASE_WEIGHTS:
        trial = replace(base, paraphrase_weight=float(weight))
        scores = _scores(evidence, trial)
        cuts = _midpoints(scores)
        # Macro-F1 for every (partially ≤ wholly) pair of cuts, vectorised over pairs.
        lo, hi = np.meshgrid(cuts, cuts, indexing="ij")
        valid = lo <= hi
        f1s = []
        for label, test in (
            ("wholly", lambda s: s[None, None, :] >= hi[..., None]),
            ("partially", lambda s: (s[None, None, :] >= lo[..., None]) & (s[None, None, :] < hi[..., None])),
            ("non", lambda s: s[None, None, :] < lo[..., None]),
        ):
            predicted = test(scores)
            actual = (y == label)[None, None, :]
            tp = (predicted & actual).sum(-1)
            precision = np.divide(tp, predicted.sum(-1), out=np.zeros(tp.shape), where=predicted.sum(-1) > 0)
            recall = tp / max(actual.sum(), 1)
            f1s.append(np.divide(2 * precision * recall, precision + recall, out=np.zeros(tp.shape), where=precision + recall > 0))
        macro = np.where(valid, np.mean(f1s, axis=0), -1.0)
        i, j = np.unravel_index(np.argmax(macro), macro.shape)
        if best is None or macro[i, j] > best[0] + 1e-12:
            best = (float(macro[i, j]), replace(trial, partially=float(cuts[i]), wholly=float(cuts[j])))
    assert best is not None
    return best[1]


def verdict_labels(evidence: Sequence[Evidence], thresholds: Thresholds) -> list[str]:
    return [judge(e, thresholds).label for e in evidence]


def cross_val_thresholds(
    evidence: Sequence[Evidence], labels: Sequence[str], folds: np.ndarray, base: Thresholds = DEFAULT
) -> tuple[list[str], list[Thresholds]]:
    """Held-out verdict labels with thresholds fitted on the other folds, and each fold's fit."""
    out: list[str] = [""] * len(labels)
    fitted = []
    for fold in np.unique(folds):
        train = np.flatnonzero(folds != fold)
        t = fit_verdict_thresholds([evidence[i] for i in train], [labels[i] for i in train], base)
        fitted.append(t)
        for i in np.flatnonzero(folds == fold):
            out[i] = judge(evidence[i], t).label
    return out, fitted


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

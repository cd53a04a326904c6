"""Fitting and cross-validating the paraphrase pair scorer on MSRP (needs scikit-learn).

``training/paraphrase.py`` writes the shipped model with :func:`fit_model`;
``copytrace eval msrp`` reports :func:`cross_validate` beside the bare cosine.
Inference (:mod:`copytrace.align.pair_scorer`) reads the JSON with numpy only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..align import pair_scorer as ps
from . import calibrate as cal

# L2 strength of the logistic regression; 0.1 and 1 gave the same held-out accuracy.
C = 1.0
# The prefilter keeps pairs whose cosine reaches this quantile of the accepted pairs' cosines.
PREFILTER_QUANTILE = 0.005


def msrp_features(pairs, cosines: np.ndarray, static=None) -> np.ndarray:
    """The scorer's feature rows for MSRP ``SentencePair``s, given each pair's cosine."""
    sides: dict[str, ps.Side] = {}

    def side(text: str) -> ps.Side:
        if text not in sides:
            sides[text] = ps.prepare(text, static=static)
        return sides[text]

    return ps.feature_matrix(cosines, [(side(p.a), side(p.b)) for p in pairs])


def fit_lr(X: np.ndarray, y: Sequence[int]) -> dict:
    """Scaler and logistic regression on all of ``X``, as the JSON fields the scorer reads."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X)
    # Constant columns (possible in a small sample) would divide by zero at inference.
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=C, max_iter=5000).fit((X - scaler.mean_) / scale, np.asarray(y))
    return {
        "features": list(ps.FEATURES),
        "scaler": {"mean": scaler.mean_.tolist(), "scale": scale.tolist()},
        "coef": lr.coef_[0].tolist(),
        "intercept": float(lr.intercept_[0]),
        "cut": 0.5,
    }


@dataclass(frozen=True)
class FoldFigures:
    """Held-out accuracy, F1, precision and recall of one system, one value per fold."""

    accuracy: list[float]
    f1: list[float]
    precision: list[float]
    recall: list[float]

    def summary(self) -> dict[str, dict[str, float]]:
        return {k: {"mean": round(float(np.mean(v)), 4), "sd": round(float(np.std(v)), 4)} for k, v in vars(self).items()}


def _figures(pred: np.ndarray, gold: np.ndarray, folds: np.ndarray) -> FoldFigures:
    out: dict[str, list[float]] = {"accuracy": [], "f1": [], "precision": [], "recall": []}
    for f in np.unique(folds):
        p, g = pred[folds == f], gold[folds == f]
        tp = float((p & g).sum())
        precision = tp / max(p.sum(), 1)
        recall = tp / max(g.sum(), 1)
        out["accuracy"].append(float((p == g).mean()))
        out["precision"].append(precision)
        out["recall"].append(recall)
        out["f1"].append(2 * precision * recall / (precision + recall) if tp else 0.0)
    return FoldFigures(**out)


@dataclass(frozen=True)
class CrossValidation:
    """Held-out results of the scorer and of the bare cosine under the same folds."""

    probability: np.ndarray  # held-out P(paraphrase) of every pair
    scorer: FoldFigures
    cosine: FoldFigures
    cosine_cuts: list[float]
    prefilter_bars: list[float]
    prefilter_loss: list[float]  # per fold: share of held-out accepted pairs below the bar


def cross_validate(X: np.ndarray, y: Sequence[int], folds: np.ndarray) -> CrossValidation:
    """Fit on all folds but one, score the held-out one; the cosine is column 0 of ``X``."""
    gold = np.asarray(y) == 1
    proba = np.empty(len(gold))
    for f in np.unique(folds):
        test = folds == f
        proba[test] = ps.PairScorer.from_dict(fit_lr(X[~test], gold[~test].astype(int))).decide(X[test])
    accepted = proba >= 0.5
    cos = X[:, 0]
    held_out_cos, cuts = cal.cross_val_threshold(cos, gold.astype(int).tolist(), folds)
    bars, loss = [], []
    for f in np.unique(folds):
        test = folds == f
        bar = float(np.quantile(cos[~test & accepted], PREFILTER_QUANTILE))
        bars.append(bar)
        loss.append(float((cos[test & accepted] < bar).mean()))
    return CrossValidation(
        proba,
        _figures(accepted, gold, folds),
        _figures(np.asarray(held_out_cos) == 1, gold, folds),
        [float(c) for c in cuts],
        bars,
        loss,
    )


def fit_model(X: np.ndarray, y: Sequence[int], cv: CrossValidation, trained_on: str) -> dict:
    """The JSON document shipped as ``models/paraphrase.json``."""
    model = fit_lr(X, y)
    model["cross_validation"] = {
        "folds": "10-fold stratified (copytrace.evaluate.calibrate.stratified_folds, seed 0)",
        "scorer": cv.scorer.summary(),
        "bare_cosine": cv.cosine.summary(),
        "bare_cosine_cuts": cv.cosine_cuts,
        "prefilter_bar_per_fold": [round(b, 4) for b in cv.prefilter_bars],
        "prefilter_held_out_loss": round(float(np.mean(cv.prefilter_loss)), 4),
    }
    accepted = cv.probability >= model["cut"]
    model["prefilter_bar"] = round(float(np.quantile(X[accepted, 0], PREFILTER_QUANTILE)), 3)
    model["trained_on"] = trained_on
    model["date"] = dt.date.today().isoformat()
    return model

"""Fit the verdict to labelled pairs: ``copytrace fit LABELS.jsonl -o MODEL``.

A labels file has one JSON object a line: ``{"a": …, "b": …, "label":
"wholly"|"partially"|"non"}``, where ``a`` and ``b`` are texts (or objects
with ``text`` and optional ``id``, ``outlet``, ``published_at``), or ids into a
``--docs`` JSONL file. ``a`` is the source unless the line says
``"direction": "b->a"``. Every pair is compared as :func:`copytrace.compare`
would, its evidence turned into features (:mod:`copytrace.verdict`), and the
three heads are fitted with scikit-learn (monotone gradient-boosted trees for
derived and wholly, a logistic regression for direction); 10-fold
cross-validation reports what to expect on pairs the model has not seen. The
model file is plain JSON, read with numpy alone.

>>> from copytrace.verdict import Evidence
>>> def pair(v):   # a pair sharing share v of its words verbatim
...     return Evidence(verbatim_a=v, verbatim_b=v, words_a=100, words_b=100, longest_run=int(100 * v),
...                     units=1, in_order=1, identity=1.0)
>>> shares = {"non": [i / 400 for i in range(20)], "partially": [0.3 + i / 100 for i in range(20)],
...           "wholly": [0.9 + i / 200 for i in range(20)]}
>>> m = fit_model([pair(v) for vs in shares.values() for v in vs], [k for k, vs in shares.items() for _ in vs])
>>> [m.judge(pair(v)).label for v in (0.01, 0.4, 0.97)]
['non', 'partially', 'wholly']
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .document import Document, as_document
from .engines.threads import one_thread
from .errors import InputError
from .verdict import (
    DIRECTION_FEATURES,
    FEATURES,
    MONOTONE,
    MONOTONE_WHOLLY,
    Evidence,
    Linear,
    Trees,
    VerdictModel,
    direction_features,
    features,
)

LABELS = ("wholly", "partially", "non")
DIRECTIONS = ("a->b", "b->a")
REGULARISATION = 1.0  # scikit-learn's C for the direction model; few features, so the default serves
# The trees: shallow and few, so 95 human-labelled pairs and ~1,400 generated ones can fit them
# (chosen among 9 settings by Clough-Stevenson CV and the generated test split; README).
BOOSTING = {"max_iter": 100, "max_depth": 3, "learning_rate": 0.1, "min_samples_leaf": 10}
# A direction is given only when P(a is the source) is at least 0.7 or at most 0.3: without
# dates most copies read the same either way round, and a wrong direction misleads more than
# "unknown" (it swaps what is called added and dropped).
DIRECTION_MARGIN = 0.2


@dataclass(frozen=True)
class LabelledDocs:
    """Two documents and how a person judged them (``direction``: which is the source)."""

    a: Document
    b: Document
    label: str
    direction: str = "a->b"
    weight: float = 1.0


def read_labels(path: str | Path, docs: str | Path | None = None) -> list[LabelledDocs]:
    """Labelled pairs from a JSONL file; a bad line gets a one-line :class:`InputError` naming it."""
    from .evaluate.datasets import read_jsonl  # one JSONL reader: encodings, blank lines, errors by line

    by_id = _read_docs(docs) if docs else None
    out = []
    for where, row in read_jsonl(Path(path)):
        label = row.get("label")
        if label not in LABELS:
            raise InputError(where, f"label must be one of {', '.join(LABELS)}, not {label!r}")
        direction = row.get("direction", "a->b")
        if direction not in DIRECTIONS:
            raise InputError(where, f"direction must be a->b or b->a, not {direction!r}")
        a, b = (_doc(row.get(side), side, where, by_id) for side in ("a", "b"))
        out.append(LabelledDocs(a, b, label, direction))
    if not out:
        raise InputError(str(path), "no labelled pairs")
    return out


def _read_docs(path: str | Path) -> dict[str, Document]:
    from .blocks.read import Reject, read_corpus  # the scan's reader: same formats, same checks

    out = {}
    for d in read_corpus(path):
        if isinstance(d, Reject):
            raise InputError(d.file, f"line {d.line}: {d.reason}")
        out[str(d.id)] = d
    return out


def _doc(value: Any, side: str, where: str, by_id: dict[str, Document] | None) -> Document:
    if isinstance(value, dict):
        if not isinstance(value.get("text"), str) or not value["text"].strip():
            raise InputError(where, f"{side}.text must be a non-empty string")
        from .document import from_record

        return from_record({"id": side, **value}, where)
    if not isinstance(value, str) or not value.strip():
        raise InputError(where, f"{side} must be a text, an object with text, or an id")
    if by_id is not None:
        if value not in by_id:
            raise InputError(where, f"{side}: no document with id {value!r} in --docs")
        return by_id[value]
    return as_document(value, id=side)


def evidence_of_pairs(pairs: Sequence[LabelledDocs], *, model: str | None = None, paraphrase: bool = True,
                      progress: bool = True, processes: int = 1, common=None) -> list[Evidence]:
    """The evidence :func:`copytrace.compare` gathers for each pair, times left out.

    Publication times decide direction by themselves; the direction model must
    learn from the texts. ``processes`` > 1 compares in that many worker
    processes. ``common`` (a function of a text) gives the stretches a corpus
    scan would treat as common text, to gather the evidence a scan sees.
    """
    from tqdm import tqdm

    spans = (lambda text: tuple(common(text))) if common else (lambda text: ())
    jobs = [(p.a.text, p.b.text, paraphrase, model, spans(p.a.text), spans(p.b.text)) for p in pairs]
    bar = dict(total=len(jobs), desc="comparing", unit="pair", disable=not progress, leave=False)
    if processes <= 1:
        return [_evidence_job(j) for j in tqdm(jobs, **bar)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("forkserver"),
                             initializer=one_thread) as pool:
        return list(tqdm(pool.map(_evidence_job, jobs, chunksize=8), **bar))


def _evidence_job(job: tuple) -> Evidence:
    from .pipeline import compare_prepared, prepare

    a, b, paraphrase, model, common_a, common_b = job
    c = compare_prepared(prepare(a, "a", common=common_a), prepare(b, "b", common=common_b),
                         paraphrase=paraphrase, model=model, verdict_model=_NEUTRAL, second_opinion=False)
    assert c.evidence is not None
    return c.evidence


# Judges nothing (every probability 0.5): lets evidence be gathered before any model exists.
_NEUTRAL = VerdictModel(Trees(0.0, (), (0,) * len(FEATURES)), Trees(0.0, (), (0,) * len(FEATURES)),
                        Linear((0.0,) * len(DIRECTION_FEATURES), 0.0, (0.0,) * len(DIRECTION_FEATURES),
                               (1.0,) * len(DIRECTION_FEATURES)))


def fit_model(
    evidence: Sequence[Evidence],
    labels: Sequence[str],
    directions: Sequence[str] | None = None,
    weights: Sequence[float] | None = None,
    *,
    info: dict | None = None,
) -> VerdictModel:
    """Fit the three heads of a :class:`~copytrace.verdict.VerdictModel`.

    ``weights`` weigh the pairs for the derived and wholly heads; the direction
    head counts every pair once. Weighted, a set of pairs that all run one way
    for one reason (95 student answers, each shorter than the encyclopedia
    article it was written from, weighed as half of the whole) taught it that
    the shorter text is the copy, and it called the seed pair's source the copy.
    """
    X = np.array([features(e) for e in evidence])
    y = np.asarray(labels)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    derived = _boosted(X, y != "non", w, MONOTONE)
    wholly = _boosted(X, y == "wholly", w, MONOTONE_WHOLLY)
    # Direction: every derived pair twice, as given and swapped (features negate),
    # with no intercept, so the order the texts come in cannot be learned.
    dirs = np.asarray(directions if directions is not None else ["a->b"] * len(y))
    keep = y != "non"
    D = np.array([direction_features(e) for e, k in zip(evidence, keep) if k]).reshape(-1, len(DIRECTION_FEATURES))
    a_first = dirs[keep] == "a->b"
    once = np.ones(2 * len(D))
    direction = _logistic(np.vstack([D, -D]), np.concatenate([a_first, ~a_first]), once, intercept=False)
    return VerdictModel(derived, wholly, direction, DIRECTION_MARGIN, info=info or {})


def _boosted(X: np.ndarray, y: np.ndarray, w: np.ndarray, monotone: dict[str, int]) -> Trees:
    """Gradient-boosted trees (scikit-learn), monotone where ``monotone`` says, as plain lists."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    signs = tuple(monotone[f] for f in FEATURES)
    if len(set(y.tolist())) < 2:
        return Trees(8.0 if bool(y[0]) else -8.0, (), signs)  # one class only: always say it
    clf = HistGradientBoostingClassifier(monotonic_cst=list(signs), random_state=0, **BOOSTING)
    clf.fit(X, y.astype(int), sample_weight=w)
    trees = []
    # scikit-learn keeps its fitted trees in _predictors (stable since 0.21, but private):
    # the check below fails the fit loudly if a release ever changes what they mean.
    for (predictor,) in clf._predictors:
        nodes = predictor.nodes
        trees.append({
            "feature": [int(f) if not leaf else -1 for f, leaf in zip(nodes["feature_idx"], nodes["is_leaf"])],
            "threshold": [float(t) for t in nodes["num_threshold"]],
            "left": [int(v) for v in nodes["left"]],
            "right": [int(v) for v in nodes["right"]],
            "value": [float(v) for v in nodes["value"]],
        })
    model = Trees(float(np.ravel(clf._baseline_prediction)[0]), tuple(trees), signs)
    ours = np.array([model.proba(x) for x in X])
    if not np.allclose(ours, clf.predict_proba(X)[:, 1], atol=1e-6):
        raise RuntimeError("scikit-learn's trees no longer read as copytrace expects; check fit._boosted")
    return model


def _logistic(X: np.ndarray, y: np.ndarray, w: np.ndarray, *, intercept: bool = True) -> Linear:
    from sklearn.linear_model import LogisticRegression

    n = X.shape[1]
    if len(set(y.tolist())) < 2:
        # One class only (say, no wholly pairs): a constant model that always says it.
        return Linear((0.0,) * n, 8.0 if bool(y[0]) else -8.0, (0.0,) * n, (1.0,) * n)
    mean = X.mean(axis=0) if intercept else np.zeros(n)
    scale = X.std(axis=0) if intercept else np.sqrt((X**2).mean(axis=0))
    scale = np.where(scale > 1e-9, scale, 1.0)
    lr = LogisticRegression(C=REGULARISATION, fit_intercept=intercept, max_iter=5000)
    lr.fit((X - mean) / scale, y.astype(int), sample_weight=w)
    return Linear(tuple(map(float, lr.coef_[0])), float(lr.intercept_[0]) if intercept else 0.0,
                  tuple(map(float, mean)), tuple(map(float, scale)))


def cross_validate(
    evidence: Sequence[Evidence],
    labels: Sequence[str],
    directions: Sequence[str] | None = None,
    weights: Sequence[float] | None = None,
    *,
    folds: int = 10,
    seed: int = 0,
    scored: Sequence[bool] | None = None,
    always_train: tuple[Sequence[Evidence], Sequence[str], Sequence[str], Sequence[float]] | None = None,
) -> dict[str, Any]:
    """Held-out figures: each pair judged by a model fitted without its fold.

    ``always_train`` adds pairs to every training fold without scoring them
    (the shipped model's generated pairs, when the folds are Clough–Stevenson's).
    """
    from .evaluate.calibrate import stratified_folds

    y = list(labels)
    dirs = list(directions) if directions is not None else ["a->b"] * len(y)
    w = list(weights) if weights is not None else [1.0] * len(y)
    k = max(2, min(folds, min(y.count(c) for c in set(y))))
    fold_of = stratified_folds(y, k, seed)
    predicted: list = [None] * len(y)
    for fold in range(k):
        train = [i for i in range(len(y)) if fold_of[i] != fold]
        ev = [evidence[i] for i in train]
        ly = [y[i] for i in train]
        ld = [dirs[i] for i in train]
        lw = [w[i] for i in train]
        if always_train is not None:
            ev, ly, ld, lw = ev + list(always_train[0]), ly + list(always_train[1]), ld + list(always_train[2]), lw + list(always_train[3])
        m = fit_model(ev, ly, ld, lw)
        for i in np.flatnonzero(fold_of == fold):
            predicted[i] = m.judge(evidence[i])
    return {"folds": k, "seed": seed, **verdict_metrics(y, dirs, predicted)}


def verdict_metrics(gold: Sequence[str], directions: Sequence[str], predicted: Sequence) -> dict[str, Any]:
    """3-class macro-F1 and accuracy, 2-class accuracy, Brier score, direction accuracy."""
    from sklearn.metrics import accuracy_score, f1_score

    pred = [v.label for v in predicted]
    two = lambda xs: ["reuse" if x != "non" else "non" for x in xs]
    derived = [i for i, g in enumerate(gold) if g != "non" and pred[i] != "non"]
    right = sum(1 for i in derived if predicted[i].direction == directions[i])
    unknown = sum(1 for i in derived if predicted[i].direction == "unknown")
    return {
        "n": len(gold),
        "macro_f1_3": round(float(f1_score(gold, pred, labels=list(LABELS), average="macro", zero_division=0)), 4),
        "accuracy_3": round(float(accuracy_score(gold, pred)), 4),
        "accuracy_2": round(float(accuracy_score(two(gold), two(pred))), 4),
        "brier_derived": round(float(np.mean([(v.score - (g != "non")) ** 2 for v, g in zip(predicted, gold)])), 4),
        "direction_right": round(right / len(derived), 4) if derived else math.nan,
        "direction_unknown": round(unknown / len(derived), 4) if derived else math.nan,
    }


def fit(labels_path: str | Path, out: str | Path, *, docs: str | Path | None = None, model: str | None = None,
        folds: int = 10, seed: int = 0, progress: bool = True) -> dict[str, Any]:
    """Read labels, compare every pair, cross-validate, fit on all and write the model file."""
    pairs = read_labels(labels_path, docs)
    evidence = evidence_of_pairs(pairs, model=model, progress=progress)
    labels = [p.label for p in pairs]
    directions = [p.direction for p in pairs]
    if len(set(labels)) < 2:
        raise InputError(str(labels_path), "needs at least two different labels to learn from")
    cv = cross_validate(evidence, labels, directions, folds=folds, seed=seed)
    info = {"trained_on": f"{len(pairs)} labelled pairs from {Path(labels_path).name}",
            "cross_validated": cv, "date": date.today().isoformat()}
    fitted = fit_model(evidence, labels, directions, info=info)
    fitted.save(out)
    return cv


__all__ = ["LabelledDocs", "read_labels", "fit_model", "cross_validate", "verdict_metrics", "fit", "FEATURES"]

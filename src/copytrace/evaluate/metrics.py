"""Standard metrics for classification and clustering, in plain NumPy.

>>> s = classification(["cut", "non", "non"], ["cut", "cut", "non"], labels=["cut", "non"])
>>> s.accuracy, round(s.macro_f1, 3)
(0.6666666666666666, 0.667)
>>> s.confusion.tolist()      # rows: true label, columns: predicted
[[1, 0], [1, 1]]
>>> adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7])
1.0
>>> pair_scores({"x": "A", "y": "A", "z": "B"}, {"x": 1, "y": 2, "z": 2}).precision
0.0
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def confusion_matrix(y_true: Sequence[Hashable], y_pred: Sequence[Hashable], labels: Sequence[Hashable]) -> np.ndarray:
    """Counts with rows = true label and columns = predicted label, in ``labels`` order."""
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} true labels but {len(y_pred)} predictions")
    index = {label: i for i, label in enumerate(labels)}
    unknown = {y for y in (*y_true, *y_pred) if y not in index}
    if unknown:
        raise ValueError(f"labels not in {list(labels)}: {sorted(map(str, unknown))}")
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(matrix, ([index[y] for y in y_true], [index[y] for y in y_pred]), 1)
    return matrix


def accuracy(y_true: Sequence[Hashable], y_pred: Sequence[Hashable]) -> float:
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} true labels but {len(y_pred)} predictions")
    if not len(y_true):
        return 0.0
    return sum(t == p for t, p in zip(y_true, y_pred)) / len(y_true)


@dataclass(frozen=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Classification:
    """Everything about one set of predictions against gold labels."""

    labels: tuple[Hashable, ...]
    confusion: np.ndarray
    per_class: dict[Hashable, ClassScores]

    @property
    def n(self) -> int:
        return int(self.confusion.sum())

    @property
    def accuracy(self) -> float:
        return float(np.trace(self.confusion) / self.n) if self.n else 0.0

    @property
    def macro_f1(self) -> float:
        """The unweighted mean of per-class F1 (every class counts the same)."""
        return float(np.mean([s.f1 for s in self.per_class.values()])) if self.per_class else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "labels": [str(x) for x in self.labels],
            "confusion": self.confusion.tolist(),
            "per_class": {
                str(k): {"precision": round(v.precision, 4), "recall": round(v.recall, 4), "f1": round(v.f1, 4), "support": v.support}
                for k, v in self.per_class.items()
            },
        }


def classification(y_true: Sequence[Hashable], y_pred: Sequence[Hashable], labels: Sequence[Hashable]) -> Classification:
    """Accuracy, per-class precision / recall / F1, macro-F1 and the confusion matrix.

    A class never predicted has precision 0 (scikit-learn's ``zero_division=0``).
    """
    matrix = confusion_matrix(y_true, y_pred, labels)
    per_class = {}
    for i, label in enumerate(labels):
        tp = matrix[i, i]
        predicted, actual = matrix[:, i].sum(), matrix[i, :].sum()
        precision = float(tp / predicted) if predicted else 0.0
        recall = float(tp / actual) if actual else 0.0
        per_class[label] = ClassScores(precision, recall, _f1(precision, recall), int(actual))
    return Classification(tuple(labels), matrix, per_class)


def binary_f1(y_true: Sequence[int], y_pred: Sequence[int]) -> float:
    """F1 of the positive class (1), as MSRP results are reported."""
    return classification(y_true, y_pred, labels=[0, 1]).per_class[1].f1


# -- clusterings -----------------------------------------------------------------------


def _pairs_together(counts: np.ndarray) -> float:
    return float((counts * (counts - 1) / 2).sum())


def _contingency(a: Sequence[Hashable], b: Sequence[Hashable]) -> np.ndarray:
    if len(a) != len(b):
        raise ValueError(f"clusterings of different lengths: {len(a)} and {len(b)}")
    _, ia = np.unique(np.asarray([str(x) for x in a]), return_inverse=True)
    _, ib = np.unique(np.asarray([str(x) for x in b]), return_inverse=True)
    table = np.zeros((ia.max(initial=-1) + 1, ib.max(initial=-1) + 1), dtype=np.int64)
    np.add.at(table, (ia, ib), 1)
    return table


def adjusted_rand_index(labels_true: Sequence[Hashable], labels_pred: Sequence[Hashable]) -> float:
    """Hubert & Arabie's adjusted Rand index: 1 for identical partitions, ~0 for chance.

    Both arguments give one cluster label per item, in the same item order.
    """
    table = _contingency(labels_true, labels_pred)
    n = int(table.sum())
    if n < 2:
        return 1.0
    index = _pairs_together(table)
    rows, cols = _pairs_together(table.sum(axis=1)), _pairs_together(table.sum(axis=0))
    total = n * (n - 1) / 2
    expected = rows * cols / total
    maximum = (rows + cols) / 2
    if maximum == expected:  # both partitions trivial (all singletons or one cluster)
        return 1.0
    return float((index - expected) / (maximum - expected))


@dataclass(frozen=True)
class PairScores:
    """How well the pairs put in one cluster by a prediction match the gold pairs."""

    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
        }


def pair_scores(gold: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]) -> PairScores:
    """Pair precision / recall / F1 of two clusterings given as ``{item: cluster}``.

    An item missing from ``predicted`` is a singleton there (nothing was found for it).
    """
    items = list(gold)
    pred = [f"cluster {predicted[i]}" if i in predicted else f"alone {i}" for i in items]
    table = _contingency([gold[i] for i in items], pred)
    together = _pairs_together(table)
    true_pairs = _pairs_together(table.sum(axis=1))
    predicted_pairs = _pairs_together(table.sum(axis=0))
    precision = together / predicted_pairs if predicted_pairs else 0.0
    recall = together / true_pairs if true_pairs else 0.0
    return PairScores(precision, recall, _f1(precision, recall), int(true_pairs), int(predicted_pairs))

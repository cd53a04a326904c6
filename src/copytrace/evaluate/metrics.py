"""Standard metrics for classification and clustering: scikit-learn's, held in copytrace's report types.

scikit-learn computes every figure; this module checks the inputs (an unknown
label is an error, not a silent extra class) and keeps them in the shapes the
evaluation reports print and write.

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
from sklearn import metrics as sk


def _same_length(y_true: Sequence[Hashable], y_pred: Sequence[Hashable]) -> None:
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} true labels but {len(y_pred)} predictions")


def confusion_matrix(y_true: Sequence[Hashable], y_pred: Sequence[Hashable], labels: Sequence[Hashable]) -> np.ndarray:
    """Counts with rows = true label and columns = predicted label, in ``labels`` order."""
    _same_length(y_true, y_pred)
    unknown = {y for y in (*y_true, *y_pred) if y not in set(labels)}
    if unknown:
        raise ValueError(f"labels not in {list(labels)}: {sorted(map(str, unknown))}")
    if not len(y_true):  # scikit-learn refuses empty input; no predictions count nothing
        return np.zeros((len(labels), len(labels)), dtype=np.int64)
    return sk.confusion_matrix(list(y_true), list(y_pred), labels=list(labels)).astype(np.int64)


def accuracy(y_true: Sequence[Hashable], y_pred: Sequence[Hashable]) -> float:
    _same_length(y_true, y_pred)
    return float(sk.accuracy_score(list(y_true), list(y_pred))) if len(y_true) else 0.0


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
    if not len(y_true):
        return Classification(tuple(labels), matrix, {label: ClassScores(0.0, 0.0, 0.0, 0) for label in labels})
    scores = sk.precision_recall_fscore_support(list(y_true), list(y_pred), labels=list(labels), zero_division=0)
    per_class = {
        label: ClassScores(float(p), float(r), float(f), int(n)) for label, p, r, f, n in zip(labels, *scores)
    }
    return Classification(tuple(labels), matrix, per_class)


def binary_f1(y_true: Sequence[int], y_pred: Sequence[int]) -> float:
    """F1 of the positive class (1), as MSRP results are reported."""
    return classification(y_true, y_pred, labels=[0, 1]).per_class[1].f1


# -- clusterings -----------------------------------------------------------------------


def _as_labels(a: Sequence[Hashable], b: Sequence[Hashable]) -> tuple[list[str], list[str]]:
    """Cluster names as strings (a clustering may mix ids and names), checked for equal length."""
    if len(a) != len(b):
        raise ValueError(f"clusterings of different lengths: {len(a)} and {len(b)}")
    return [str(x) for x in a], [str(x) for x in b]


def adjusted_rand_index(labels_true: Sequence[Hashable], labels_pred: Sequence[Hashable]) -> float:
    """Hubert & Arabie's adjusted Rand index: 1 for identical partitions, ~0 for chance.

    Both arguments give one cluster label per item, in the same item order.
    """
    a, b = _as_labels(labels_true, labels_pred)
    return float(sk.adjusted_rand_score(a, b))


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
    a, b = _as_labels([gold[i] for i in items], pred)
    # Counts of ordered pairs: [[apart in both, together only in b], [together only in a, together in both]].
    (_, only_pred), (only_gold, both) = sk.cluster.pair_confusion_matrix(a, b) // 2 if len(a) else ((0, 0), (0, 0))
    together, true_pairs, predicted_pairs = int(both), int(both + only_gold), int(both + only_pred)
    precision = together / predicted_pairs if predicted_pairs else 0.0
    recall = together / true_pairs if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, true_pairs, predicted_pairs)

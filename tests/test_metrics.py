"""Metrics on small cases computed by hand, cross-checked against scikit-learn."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace.evaluate.metrics import (
    accuracy,
    adjusted_rand_index,
    binary_f1,
    classification,
    confusion_matrix,
    pair_scores,
)

TRUE = ["cut", "cut", "light", "heavy", "non", "non", "non", "light"]
PRED = ["cut", "light", "light", "non", "non", "non", "heavy", "light"]
LABELS = ["cut", "light", "heavy", "non"]


def test_confusion_matrix_rows_are_truth_columns_are_predictions():
    m = confusion_matrix(TRUE, PRED, LABELS)
    assert m.tolist() == [
        [1, 1, 0, 0],  # cut: one right, one called light
        [0, 2, 0, 0],
        [0, 0, 0, 1],  # heavy called non
        [0, 0, 1, 2],
    ]


def test_per_class_and_macro_f1_by_hand():
    s = classification(TRUE, PRED, LABELS)
    assert s.accuracy == pytest.approx(5 / 8)
    # cut: P 1/1, R 1/2 → F1 2/3; light: P 2/3, R 1 → 0.8; heavy: P 0, R 0 → 0; non: P 2/3, R 2/3 → 2/3
    assert s.per_class["cut"].f1 == pytest.approx(2 / 3)
    assert s.per_class["light"].precision == pytest.approx(2 / 3)
    assert s.per_class["light"].f1 == pytest.approx(0.8)
    assert s.per_class["heavy"].f1 == 0.0
    assert s.per_class["non"].support == 3
    assert s.macro_f1 == pytest.approx((2 / 3 + 0.8 + 0 + 2 / 3) / 4)
    d = s.to_dict()
    assert d["confusion"][0] == [1, 1, 0, 0] and d["n"] == 8


def test_matches_scikit_learn():
    from sklearn.metrics import accuracy_score, f1_score

    s = classification(TRUE, PRED, LABELS)
    assert s.accuracy == pytest.approx(accuracy_score(TRUE, PRED))
    assert s.macro_f1 == pytest.approx(f1_score(TRUE, PRED, labels=LABELS, average="macro", zero_division=0))
    assert accuracy(TRUE, PRED) == pytest.approx(accuracy_score(TRUE, PRED))


def test_binary_f1_is_the_positive_class():
    # TP 2, FP 1, FN 1 → P 2/3, R 2/3
    assert binary_f1([1, 1, 1, 0, 0], [1, 1, 0, 1, 0]) == pytest.approx(2 / 3)


def test_mismatched_or_unknown_labels_are_errors():
    with pytest.raises(ValueError):
        confusion_matrix(["a"], ["a", "b"], ["a", "b"])
    with pytest.raises(ValueError, match="zzz"):
        confusion_matrix(["a"], ["zzz"], ["a", "b"])


def test_adjusted_rand_index_by_hand():
    # Contingency [[2,1],[0,2]]: index = C(2,2)+C(2,2) = 2; row sizes (3,2) → 3+1 = 4 pairs,
    # column sizes (2,3) → 1+3 = 4; expected 4*4/C(5,2) = 1.6; max (4+4)/2 = 4 → 0.4/2.4
    assert adjusted_rand_index([0, 0, 0, 1, 1], ["x", "x", "y", "y", "y"]) == pytest.approx(0.4 / 2.4)
    assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0  # names do not matter
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) < 0  # worse than chance


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), min_size=2, max_size=30))
def test_adjusted_rand_index_agrees_with_scikit_learn(pairs):
    from sklearn.metrics import adjusted_rand_score

    a, b = zip(*pairs)
    assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-9)


def test_pair_scores_by_hand():
    gold = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}  # pairs ab ac bc de
    pred = {"a": "x", "b": "x", "d": "x", "e": "y"}  # pairs ab ad bd; c missing = alone
    s = pair_scores(gold, pred)
    assert (s.true_pairs, s.predicted_pairs) == (4, 3)
    assert s.precision == pytest.approx(1 / 3)
    assert s.recall == pytest.approx(1 / 4)
    assert s.f1 == pytest.approx(2 * (1 / 3) * (1 / 4) / (1 / 3 + 1 / 4))


def test_perfect_and_empty_clusterings():
    gold = {"a": 1, "b": 1, "c": 2}
    assert pair_scores(gold, {"a": 7, "b": 7}).f1 == 1.0
    nothing = pair_scores(gold, {})
    assert (nothing.precision, nothing.recall, nothing.f1) == (0.0, 0.0, 0.0)

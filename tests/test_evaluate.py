"""The evaluation harness: honest folds, a refitted verdict, and full runs on small real samples."""
import json
from pathlib import Path

import numpy as np
import pytest

from copytrace.errors import InputError
from copytrace.evaluate import calibrate as cal
from copytrace.evaluate.datasets import load_clough_stevenson
from copytrace.evaluate.run import evaluate, relabel
from copytrace.segment import segment

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "clough-stevenson"  # task a: 4 cut, 3 light, 3 heavy, 9 non


# -- folds and cross-validation ---------------------------------------------------------------


def test_stratified_folds_spread_every_label():
    labels = ["cut"] * 19 + ["light"] * 19 + ["heavy"] * 19 + ["non"] * 38
    folds = cal.stratified_folds(labels, k=10, seed=3)
    assert sorted(set(folds.tolist())) == list(range(10))
    for fold in range(10):
        held = [l for l, f in zip(labels, folds) if f == fold]
        assert held.count("non") in (3, 4, 5) and 1 <= held.count("cut") <= 2
    assert not np.array_equal(folds, cal.stratified_folds(labels, k=10, seed=4))
    with pytest.raises(ValueError, match="rarest"):
        cal.stratified_folds(["a", "a", "b"], k=2)


def test_cross_val_predict_never_trains_on_the_held_out_item():
    X = np.arange(20, dtype=float).reshape(-1, 1)
    y = ["p", "q"] * 10
    folds = cal.stratified_folds(y, k=5, seed=0)

    def learner(X_train, y_train, X_test):
        seen = set(X_train[:, 0].tolist())
        assert not seen & set(X_test[:, 0].tolist())
        assert len(seen) == 16
        return ["seen" if x in seen else "unseen" for x in X_test[:, 0]]

    assert set(cal.cross_val_predict(learner, X, y, folds)) == {"unseen"}


def test_fit_threshold_by_hand():
    assert cal.fit_threshold([0.1, 0.3, 0.5, 0.7, 0.9], [0, 0, 1, 1, 1]) == pytest.approx(0.4)
    # One outlier: the best cut accepts one error rather than two.
    assert cal.fit_threshold([0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9], [0, 1, 0, 0, 1, 1, 1]) == pytest.approx(0.65)
    # Equal scores are never split.
    cut = cal.fit_threshold([0.5, 0.5, 0.5, 0.9], [0, 1, 1, 1])
    assert cut < 0.5


def test_cross_val_threshold_uses_training_folds_only():
    rng = np.random.default_rng(0)
    y = np.array([0] * 50 + [1] * 50)
    scores = np.where(y == 1, rng.normal(0.8, 0.1, 100), rng.normal(0.4, 0.1, 100))
    folds = cal.stratified_folds(y.tolist(), k=5, seed=0)
    held_out, cuts = cal.cross_val_threshold(scores, y, folds)
    assert len(cuts) == 5 and all(0.45 < c < 0.75 for c in cuts)
    assert np.mean(np.array(held_out) == y) > 0.9
    # Each fold's cut equals a fit on the other folds alone.
    assert cuts[0] == cal.fit_threshold(scores[folds != 0], y[folds != 0])


def test_baseline_features_by_hand():
    source = segment("the cat sat on the mat today")
    assert cal.baseline_features(source, segment("The cat sat on the mat today.")).tolist() == [1.0] * 6
    assert cal.baseline_features(source, segment("Dogs bark loudly.")).tolist() == [0.0] * 6
    f = cal.baseline_features(source, segment("the cat sat quietly"))
    # unigrams 3/4, bigrams 2/3, trigrams 1/2, 4-grams 0/1, no 5-grams; LCS "the cat sat" = 3 of 4 words
    assert f.tolist() == pytest.approx([0.75, 2 / 3, 0.5, 0.0, 0.0, 0.75])


def test_relabel_schemes():
    assert relabel(["cut", "light", "heavy", "non"], "3-class") == ["wholly", "partially", "partially", "non"]
    assert relabel(["cut", "heavy", "non", "partially"], "2-class") == ["reuse", "reuse", "non", "reuse"]


def test_baseline_under_cross_validation_beats_chance_on_the_sample():
    docs, pairs = load_clough_stevenson(SAMPLE)
    segs = {k: segment(d.text) for k, d in docs.items()}
    X = np.array([cal.baseline_features(segs[p.a], segs[p.b]) for p in pairs])
    gold = relabel([p.label for p in pairs], "2-class")
    folds = cal.stratified_folds(gold, k=3, seed=0)
    predicted = cal.cross_val_predict(cal.naive_bayes, X, gold, folds)
    assert np.mean(np.array(predicted) == np.array(gold)) >= 0.8  # majority class alone is 10/19


# -- full runs on the real pipeline and model ------------------------------------------------


@pytest.fixture(scope="module")
def sample_report():
    # Lexical alignment only, to keep the file fast; the sentence model is exercised below.
    return evaluate("clough-stevenson", SAMPLE, folds=3, seed=0, paraphrase=False)


def test_clough_stevenson_run_on_the_sample(sample_report):
    r = sample_report
    assert r.n == 19 and r.folds == 3
    names = [s.name for s in r.systems]
    assert names[0] == "copytrace (shipped verdict model)" and any(n.startswith("baseline") for n in names)
    shipped = r.systems[0].schemes
    assert set(shipped) == {"3-class", "2-class"}
    assert int(shipped["3-class"].confusion.sum()) == 19
    assert shipped["2-class"].accuracy >= 0.7  # copied vs independently written answers
    baseline = r.system("baseline: Clough & Stevenson features + Naive Bayes (CV)")
    assert set(baseline.schemes) == {"4-class", "3-class", "2-class"}
    assert r.notes["paraphrase"] is False
    refitted = r.system("copytrace (verdict model refitted, CV)").schemes["3-class"]
    assert int(refitted.confusion.sum()) == 19
    d = json.loads(json.dumps(r.to_dict()))
    assert d["headline"]["scheme"] == "3-class" and d["systems"][0]["schemes"]["3-class"]["n"] == 19
    text = r.render()
    assert "true \\ pred" in text and "wholly" in text and "cut" in text


def test_msrp_run_on_the_sample():
    from copytrace.evaluate.run import BARE_COSINE_CUT

    from copytrace.align.pair_scorer import load_scorer

    r = evaluate("msrp", DATA / "msrp", folds=5, seed=0)
    assert r.n == 80
    # the headline is the decision compare makes: the shipped pair scorer, behind its prefilter
    shipped = r.systems[0]
    assert shipped.name == "copytrace (shipped pair scorer)" == r.headline["system"]
    assert shipped.details == {"prefilter": load_scorer().prefilter, "cut": load_scorer().cut, "cross_encoder": True}
    assert shipped.schemes["paraphrase"].labels == (0, 1)
    assert "in-sample" in r.notes["split"]  # these 80 pairs are from the part it was fitted on
    bare = r.system("copytrace (bare cosine, PARAPHRASE_THRESHOLD)")
    assert bare.details["threshold"] == BARE_COSINE_CUT
    always = r.system("baseline: always paraphrase").schemes["paraphrase"]
    assert always.per_class[1].recall == 1.0
    assert bare.schemes["paraphrase"].accuracy < shipped.schemes["paraphrase"].accuracy <= 1.0
    assert len(r.system("copytrace (threshold fitted by CV)").details["fitted_per_fold"]) == 5
    scorer = r.system("copytrace pair scorer (CV)")
    assert len(scorer.details["per_fold_accuracy"]) == 5
    assert scorer.schemes["paraphrase"].accuracy > always.accuracy
    # the cross-encoder's held-out logits are for the whole training part under 10 folds, seed 0
    assert all(s.name != "copytrace pair scorer + cross-encoder (CV)" for s in r.systems)


def test_msrp_test_split_is_named_held_out(tmp_path):
    from copytrace.evaluate.run import _msrp_split

    (tmp_path / "msr_paraphrase_test.txt").write_text("")
    assert _msrp_split(tmp_path).startswith("test split") and _msrp_split(tmp_path / "msr_paraphrase_test.txt") == _msrp_split(tmp_path)
    assert "in-sample" in _msrp_split(DATA / "msrp" / "msr_paraphrase_train.txt")


def _write(path: Path, rows) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


STORY = "The minister resigned on Monday after losing a vote of confidence in parliament by twelve votes."
DOCS = [
    {"id": "x", "text": STORY},
    {"id": "y", "text": STORY + " Officials said an election would follow in the spring."},
    {"id": "z", "text": "Heavy rain is expected across the northern hills on Friday, forecasters warned."},
]


def test_generic_pairs_and_clusters(tmp_path):
    _write(tmp_path / "docs.jsonl", DOCS)
    _write(tmp_path / "pairs.jsonl", [{"a": "x", "b": "y", "label": "wholly"}, {"a": "x", "b": "z", "label": "non"}])
    r = evaluate("generic", tmp_path)
    assert r.systems[0].schemes["2-class"].accuracy == 1.0

    (tmp_path / "pairs.jsonl").unlink()
    _write(tmp_path / "clusters.jsonl", [{"cluster": "resign", "members": ["x", "y"]}])
    r = evaluate("generic", tmp_path)
    clustering = r.notes["clustering"]
    assert clustering["f1"] == 1.0 and clustering["ari"] == 1.0
    assert r.notes["pairs compared"] == 1  # the scan finds z no candidate of the others


def test_unknown_dataset():
    with pytest.raises(InputError, match="unknown dataset"):
        evaluate("meter", DATA)


def test_the_module_command_is_the_cli_eval(capsys):
    from copytrace.evaluate.__main__ import main

    with pytest.raises(SystemExit) as stop:
        main(["meter", str(DATA), "--seed", "3"])
    assert stop.value.code == 2 and "unknown dataset" in capsys.readouterr().err

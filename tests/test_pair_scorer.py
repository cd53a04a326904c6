"""The paraphrase pair scorer: the shipped JSON, its features, its accuracy on MSRP."""
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from copytrace.align.pair_scorer import FEATURES, PairScorer, feature_matrix, load_scorer, prepare
from copytrace.evaluate import paraphrase_fit
from copytrace.evaluate.datasets import load_msrp

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "src" / "copytrace" / "models" / "paraphrase.json"
MSRP_SAMPLE = Path(__file__).parent / "data" / "msrp" / "msr_paraphrase_train.txt"
MSRP = ROOT.parent / "shared" / "eval" / "msrp" / "msr_paraphrase_train.txt"


@pytest.fixture(scope="module")
def scorer():
    return load_scorer()


def test_shipped_model_has_its_fields(scorer):
    d = json.loads(MODEL.read_text())
    for key in ("features", "scaler", "coef", "intercept", "cut", "prefilter_bar", "cross_validation", "trained_on", "date"):
        assert key in d
    assert tuple(d["features"]) == FEATURES
    assert len(d["coef"]) == len(d["scaler"]["mean"]) == len(d["scaler"]["scale"]) == len(FEATURES)
    assert all(s > 0 for s in d["scaler"]["scale"])
    assert 0 < scorer.cut < 1 and 0 < scorer.prefilter < 1
    cv = d["cross_validation"]
    assert cv["scorer"]["accuracy"]["mean"] > cv["bare_cosine"]["accuracy"]["mean"]


def probability(scorer, x: str, y: str, cos: float) -> float:
    # The same cosine on both sides of a comparison: only the lexical features differ.
    return float(scorer.probability([cos], [(prepare(x), prepare(y))])[0])


SENTENCE = "The company said on Monday that it will cut 1,200 jobs in its European offices by next year."


def test_a_changed_number_lowers_the_probability(scorer):
    same = probability(scorer, SENTENCE, SENTENCE, 0.95)
    changed = probability(scorer, SENTENCE, SENTENCE.replace("1,200", "3,400"), 0.95)
    assert changed < same


def test_a_negation_flip_lowers_the_probability(scorer):
    negated = SENTENCE.replace("it will cut", "it will not cut")
    assert probability(scorer, SENTENCE, negated, 0.95) < probability(scorer, SENTENCE, SENTENCE, 0.95)


def test_features_are_symmetric():
    a = prepare("Shares of Acme rose 5% on Tuesday after the merger was announced.")
    b = prepare("Acme stock climbed five percent when the deal was announced on Tuesday.")
    assert np.allclose(feature_matrix([0.8], [(a, b)]), feature_matrix([0.8], [(b, a)]))


def test_probability_matches_the_logistic_formula(scorer):
    X = np.random.default_rng(0).random((3, len(FEATURES)))
    z = ((X - scorer.mean) / scorer.scale) @ scorer.coef + scorer.intercept
    assert np.allclose(scorer.decide(X), 1 / (1 + np.exp(-z)))


def test_shipped_scorer_beats_always_paraphrase_on_the_sample(scorer):
    from copytrace.embed import get_encoder

    enc = get_encoder()
    pairs = load_msrp(MSRP_SAMPLE)
    gold = np.array([p.label for p in pairs]) == 1
    cos = np.einsum("ij,ij->i", enc.encode([p.a for p in pairs]), enc.encode([p.b for p in pairs]))
    X = paraphrase_fit.msrp_features(pairs, cos, static=enc.screen)
    accuracy = ((scorer.decide(X) >= scorer.cut) == gold).mean()
    assert accuracy > gold.mean()


def test_fit_round_trips_through_json():
    rng = np.random.default_rng(1)
    X = rng.random((200, len(FEATURES)))
    y = (X[:, 0] + 0.1 * rng.standard_normal(200) > 0.5).astype(int)
    model = paraphrase_fit.fit_lr(X, y)
    scorer = PairScorer.from_dict(json.loads(json.dumps(model)))
    assert ((scorer.decide(X) >= 0.5) == (y == 1)).mean() > 0.85


def _training_script():
    spec = importlib.util.spec_from_file_location("training_paraphrase", ROOT / "training" / "paraphrase.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.skipif(not MSRP.exists(), reason="needs ../shared/eval/msrp")
def test_retraining_reaches_the_reported_accuracy():
    cv, model = _training_script().train(MSRP)
    shipped = json.loads(MODEL.read_text())
    assert abs(np.mean(cv.scorer.accuracy) - shipped["cross_validation"]["scorer"]["accuracy"]["mean"]) <= 0.01
    assert np.mean(cv.scorer.accuracy) > np.mean(cv.cosine.accuracy) + 0.03
    assert np.mean(cv.prefilter_loss) < 0.01  # the prefilter drops under 1% of accepted pairs
    assert abs(model["prefilter_bar"] - shipped["prefilter_bar"]) <= 0.01


@pytest.mark.parametrize("grid", [True, False])
def test_feature_matrix_matches_pair_by_pair_features(grid, monkeypatch):
    # The vectorised rows (one similarity matrix for all pairs, reduceat per side) must equal
    # the plain per-pair definition, with word vectors and without, and for a side with no
    # content word (its alignment columns are zero) and a side in several pairs; both when the
    # counts come from the grid of sides (a comparison's units) and pair by pair (MSRP's).
    from copytrace.align import pair_scorer
    from copytrace.align.pair_scorer import pair_features

    monkeypatch.setattr(pair_scorer, "GRID_CELLS", 100 if grid else 0)
    calls = {"grid": 0}
    counts = pair_scorer._grid_counts

    def counted(*args):
        calls["grid"] += 1
        return counts(*args)

    monkeypatch.setattr(pair_scorer, "_grid_counts", counted)
    from copytrace.embed import get_encoder

    static = get_encoder().screen
    texts = [
        "Shares of Acme rose 5% on Tuesday after the merger was announced.",
        "Acme stock climbed five percent when the deal was announced on Tuesday.",
        "It was not that.",
        "The company said on Monday that it will cut 1,200 jobs in Europe.",
        "On Monday the firm announced 1,200 European job cuts, Reuters reported.",
    ]
    for vectors in (static, None):
        sides = [prepare(t, static=vectors) for t in texts]
        pairs = [(sides[0], sides[1]), (sides[0], sides[3]), (sides[2], sides[1]), (sides[3], sides[4]), (sides[4], sides[0])]
        cos = [0.8, 0.3, 0.2, 0.7, 0.25]
        expected = np.array([[c, *pair_features(x, y)] for c, (x, y) in zip(cos, pairs)])
        got = feature_matrix(cos, pairs)
        assert got.shape == (len(pairs), len(FEATURES))
        assert np.allclose(got, expected, atol=1e-6)
    assert calls["grid"] == (2 if grid else 0)
    assert feature_matrix([], []).shape == (0, len(FEATURES))


def test_word_vectors_stay_right_when_the_table_fills():
    """The word table empties itself when full and keeps the words of the call in hand (it once
    dropped them and failed on the next lookup), and it grows without moving a word's vector."""
    from copytrace.align.pair_scorer import _WordTable
    from copytrace.embed import get_encoder

    static = get_encoder().screen
    table = _WordTable(static)
    table.SIZE = 5
    words = ["alpha", "beta", "gamma"]
    assert np.array_equal(table(words), static.encode(words))
    more = ["alpha", "delta", "epsilon", "zeta"]  # 6 distinct words in all: over the size
    assert np.array_equal(table(more), static.encode(more))
    assert set(table.rows) == set(more)
    table.SIZE = 5_000
    many = [f"word{k}" for k in range(2_000)]  # past the first allocation of 1,024 rows
    assert np.array_equal(table(many[:10] + more), static.encode(many[:10] + more))
    assert np.array_equal(table(many), static.encode(many))
    assert np.array_equal(table(more), static.encode(more))


def test_word_vectors_are_right_when_threads_share_the_table():
    """The server compares in threads: lookups that add words and empty the full table at once
    must each still get every word's own vector."""
    import random
    from concurrent.futures import ThreadPoolExecutor

    from copytrace.align.pair_scorer import _WordTable
    from copytrace.embed import get_encoder

    static = get_encoder().screen
    pool = [f"w{k}" for k in range(600)]
    truth = dict(zip(pool, static.encode(pool)))
    table = _WordTable(static)
    table.SIZE = 200  # emptied every few calls

    def lookups(seed: int) -> bool:
        rng = random.Random(seed)
        for _ in range(40):
            words = rng.sample(pool, 30)
            if not np.array_equal(table(words), np.stack([truth[w] for w in words])):
                return False
        return True

    with ThreadPoolExecutor(8) as ex:
        assert all(ex.map(lookups, range(16)))

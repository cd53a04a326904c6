"""A static copy of the sentence model: word vectors, no transformer, ~1000x cheaper.

>>> from copytrace.static import get_static
>>> screen = get_static()          # distilled once per machine (~15 s), then read from disk
>>> vecs = screen.encode(["U.S. forces struck back.", "America retaliated."])
>>> vecs.shape, vecs.dtype
((2, 256), dtype('float32'))

``model2vec`` distils all-MiniLM-L6-v2 into one vector per vocabulary token
(PCA to 256 dims); a sentence vector is then the mean of its tokens' vectors.
It is not good enough to decide a paraphrase, but good enough to say which
sentence pairs cannot be one, so the transformer runs only on the rest (see
``align.paraphrase``).

The distilled model is cached (:mod:`copytrace.copies`: under
``$COPYTRACE_CACHE``, written atomically) in a folder named by the SHA-256 of
the transformer weights it came from.
"""
from __future__ import annotations

import os
import re
import sys
import threading
from collections import OrderedDict
from itertools import chain
from pathlib import Path
from typing import Sequence

import numpy as np

from .copies import built, cache_dir, write_atomically
from .weights import DEFAULT_SHA256, file_sha256, shipped_model_dir

DIMS = 256
CACHE_SIZE = 200_000  # sentences; ~200 MB of float32 at 256 dims

_lock = threading.Lock()
_loaded: dict[Path, "StaticEncoder | None"] = {}


# Removed, not split, by BERT's text cleaning (control characters), though Python's
# str.split() takes them for whitespace.
_BERT_DROP = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
WORD_CACHE = 500_000  # distinct words and their token ids; cleared when full


class StaticEncoder:
    """Unit-length sentence vectors from a model2vec static model."""

    def __init__(self, model, path: Path):
        self._model = model
        self.path = path
        self.dim = int(model.dim)
        self._encode_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._word_ids: dict[str, list[int]] = {}
        self._table_f32: np.ndarray | None = None

    @property
    def _table(self) -> np.ndarray:
        # numpy averages float16 rows ~10x slower than float32 ones; 30 MB once per process.
        if self._table_f32 is None:
            self._table_f32 = np.asarray(self._model.embedding, dtype=np.float32)
        return self._table_f32

    def __repr__(self) -> str:
        return f"StaticEncoder({str(self.path)!r}, dim={self.dim})"

    def encode(self, texts: Sequence[str], *, cache: bool = True) -> np.ndarray:
        """Vectors for ``texts``, shape ``(len(texts), dim)``, float32, L2-normalised.

        A sentence's vector is the mean of its tokens' rows, the same in any
        batch, so it is cached: a scan screens one article against many others.
        ``cache=False`` for texts seen once (whole articles in a scan's fingerprint stage).
        """
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with self._encode_lock:  # the model's Rust tokenizer refuses concurrent use ("Already borrowed")
            if not cache:
                return self._vectors(list(texts)) if texts else out
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                self._cache.update(zip(missing, self._vectors(missing)))
            for i, text in enumerate(texts):
                out[i] = self._cache[text]
                self._cache.move_to_end(text)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return out

    def _vectors(self, texts: list[str]) -> np.ndarray:
        """What ``StaticModel.encode`` gives ``texts``, normalised, with each distinct word tokenised once.

        model2vec hands whole texts to the tokenizer: 1.5 ms of the 1.7 ms a
        2,400-character article cost (BBC bench corpus, one thread). BERT's
        tokenizer splits at whitespace before anything else, so a word's tokens
        do not depend on its neighbours and can be cached; the vector is then
        the same mean of token rows over the same first ``max_length`` tokens of
        the same first ``max_length x median_token_length`` characters
        (``tests/test_static.py`` checks it against ``StaticModel.encode``).
        """
        model = self._model
        if model.weights is not None or model.token_mapping is not None or model.embedding.dtype.kind != "f":
            # Models distilled with token weights or a quantised table: model2vec's own path.
            vecs = np.asarray(model.encode(texts, show_progress_bar=False, use_multiprocessing=False), dtype=np.float32)
            return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        limit = model.max_length
        chars = limit * model.median_token_length if limit else None
        texts = [_BERT_DROP.sub("", t[:chars]) for t in texts]
        words = [t.split() for t in texts]
        distinct = list(dict.fromkeys(w for ws in words for w in ws))
        missing = [w for w in distinct if w not in self._word_ids]
        if len(self._word_ids) + len(missing) > WORD_CACHE:  # full: start again with this call's words
            self._word_ids.clear()
            missing = distinct
        if missing:
            self._learn(missing)
        table, word_ids = self._table, self._word_ids
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, ws in enumerate(words):
            ids = list(chain.from_iterable(map(word_ids.__getitem__, ws)))[:limit]
            if ids:
                out[row] = table[ids].mean(axis=0)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def _learn(self, words: list[str]) -> None:
        """Tokenise ``words`` in one batch (a call a word cost ~20 us) and remember their ids."""
        model = self._model
        unk = model.unk_token_id
        for word, encoding in zip(words, model.tokenizer.encode_batch_fast(words, add_special_tokens=False)):
            # attention_mask: a tokenizer that pads a batch must not add its padding to a word
            self._word_ids[word] = [i for i, real in zip(encoding.ids, encoding.attention_mask) if real and i != unk]


def model_dir(source_sha256: str) -> Path:
    """Where the static copy of the model with these weights lives."""
    return cache_dir() / f"static-{DIMS}-{source_sha256[:32]}"


def get_static(source: Path | str | None = None, source_sha256: str | None = None) -> StaticEncoder | None:
    """The static copy of the transformer at ``source`` (default: the shipped MiniLM).

    Distils it on first use on this machine, in a child process, with a note
    on stderr. Returns ``None`` when that cannot be done (model2vec or the
    weights missing, cache not writable): callers then use the transformer alone.
    """
    if source is None:
        source, source_sha256 = shipped_model_dir(), DEFAULT_SHA256
        if source is None:
            return None
    source = Path(source)
    if source_sha256 is None:
        source_sha256 = file_sha256(source / "model.safetensors")
    target = model_dir(source_sha256)
    with _lock:  # one distillation and one load per process
        if target not in _loaded:
            _loaded[target] = _load_or_distil(source, target)
        return _loaded[target]


def _load_or_distil(source: Path, target: Path) -> StaticEncoder | None:
    try:
        from model2vec import StaticModel
    except ImportError:
        return None
    if not built("copytrace.static", source, target, "model.safetensors",
                 building=f"distilling a static copy of the sentence model into {target} "
                          "(once: 15 s on a quiet machine, minutes on a busy one)",
                 instead="distillation failed, using the transformer alone"):
        return None
    return StaticEncoder(StaticModel.from_pretrained(str(target)), target)


def distil(source: Path | str, target: Path | str) -> None:
    """Distil the transformer at ``source`` into a static model at ``target``, atomically."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from model2vec.distill import distill

    model = distill(model_name=str(source), pca_dims=DIMS)
    write_atomically(Path(target), "model.safetensors", lambda folder: model.save_pretrained(str(folder)))


if __name__ == "__main__":
    # python -m copytrace.static            prepare the default model's copy (e.g. at install)
    # python -m copytrace.static SRC DEST   what get_static runs in its child process
    if len(sys.argv) == 3:
        distil(sys.argv[1], sys.argv[2])
    else:
        print(get_static())

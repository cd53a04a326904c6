"""Fit the paraphrase pair scorer on the MSRP training part and write src/copytrace/models/paraphrase.json.

Run from the repository root:  /work/main/.venv/bin/python training/paraphrase.py

It embeds the 4,076 pairs with copytrace's encoder (vectors cached under
~/.cache/copytrace/training), runs 10-fold stratified cross-validation with seed
0, prints the held-out figures beside the bare cosine under the same folds, then
fits on all pairs and writes the model.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "training" / "data" / "msr_paraphrase_train.txt"
OUT = ROOT / "src" / "copytrace" / "models" / "paraphrase.json"
sys.path.insert(0, str(ROOT / "src"))

from copytrace.embed import DEFAULT_SHA256, get_encoder  # noqa: E402
from copytrace.evaluate import paraphrase_fit as fit  # noqa: E402
from copytrace.evaluate.calibrate import stratified_folds  # noqa: E402
from copytrace.evaluate.datasets import load_msrp  # noqa: E402
from copytrace.int8 import RECIPE  # noqa: E402
from copytrace.copies import cache_dir  # noqa: E402
from copytrace.static import get_static  # noqa: E402


def cosines(pairs, data: Path) -> np.ndarray:
    """Each pair's MiniLM cosine, cached by the data file's and the model's hashes and its precision."""
    encoder = get_encoder()
    precision = RECIPE if encoder.int8 is not None else "float32"
    key = hashlib.sha256(data.read_bytes() + DEFAULT_SHA256.encode() + precision.encode()).hexdigest()[:16]
    cache = cache_dir() / "training" / f"msrp-cosines-{key}.npy"
    if cache.exists():
        return np.load(cache)
    sentences = list(dict.fromkeys(s for p in pairs for s in (p.a, p.b)))
    index = {s: i for i, s in enumerate(sentences)}
    vectors = encoder.encode(sentences)
    cos = np.array([float(vectors[index[p.a]] @ vectors[index[p.b]]) for p in pairs])
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, cos)
    return cos


def train(data: Path = DATA, folds: int = 10, seed: int = 0):
    """(cross-validation, fitted model dict) on ``data``."""
    pairs = load_msrp(data)
    y = [p.label for p in pairs]
    X = fit.msrp_features(pairs, cosines(pairs, data), static=get_static())
    cv = fit.cross_validate(X, y, stratified_folds(y, folds, seed))
    trained_on = f"MSRP training part ({len(pairs):,} pairs, {np.mean(y):.1%} paraphrases), {data.relative_to(ROOT) if data.is_relative_to(ROOT) else data}"
    return cv, fit.fit_model(X, y, cv, trained_on)


def report(cv) -> str:
    lines = ["held-out, 10-fold stratified CV (seed 0): mean (sd) over folds"]
    for name, figures in (("pair scorer (P >= 0.5)", cv.scorer), ("bare cosine (cut fitted per fold)", cv.cosine)):
        s = figures.summary()
        lines.append(f"  {name:36s} " + "  ".join(f"{k} {v['mean']:.4f} ({v['sd']:.4f})" for k, v in s.items()))
    lines.append(f"  cosine cuts per fold: {', '.join(f'{c:.3f}' for c in cv.cosine_cuts)}")
    lines.append(f"  prefilter bars per fold: {', '.join(f'{b:.3f}' for b in cv.prefilter_bars)}; "
                 f"held-out loss of accepted pairs {np.mean(cv.prefilter_loss):.2%}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    cv, model = train(args.data)
    print(report(cv))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} (prefilter bar {model['prefilter_bar']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

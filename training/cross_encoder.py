"""Fit a cross-encoder for the paraphrase decision on the MSRP training part (LoRA on the shipped MiniLM).

Run from the repository root (``scripts/setup train`` installs peft):

    .venv/bin/python training/cross_encoder.py --cv      # 10-fold CV, seed 0: ~2 h on 2 cores
    .venv/bin/python training/cross_encoder.py           # fit on all pairs, write the adapter

The pair scorer (``training/paraphrase.py``) reads two sentences through
their separate vectors and a few lexical features; it scores 0.773 held out.
A cross-encoder reads both sentences in one pass, so each word attends to
the other sentence's words: split and merged clauses, a changed figure in
an otherwise equal sentence. Only low-rank adapters (LoRA, r = 8) on the
shipped all-MiniLM-L6-v2's attention and feed-forward layers and a one-unit
head over the mean-pooled tokens are learned (~340k parameters), so the
file stays small and the base weights stay the verified ones.

Training sees each pair in a random order (MSRP's pairs have no direction);
prediction averages both orders. The folds are ``training/paraphrase.py``'s
(stratified, seed 0), so the held-out logits can be read beside the pair
scorer's held-out probabilities pair by pair.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "training" / "data" / "msr_paraphrase_train.txt"
OUT = ROOT / "src" / "copytrace" / "models" / "cross_encoder.npz"
sys.path.insert(0, str(ROOT / "src"))

from copytrace.copies import cache_dir  # noqa: E402
from copytrace.evaluate.calibrate import stratified_folds  # noqa: E402
from copytrace.evaluate.datasets import load_msrp  # noqa: E402
from copytrace.weights import shipped_model_dir  # noqa: E402

RANK, LORA_ALPHA, DROPOUT = 8, 16, 0.1
TARGETS = ["query", "key", "value", "dense"]
LEARNING_RATE, EPOCHS, BATCH, MAX_TOKENS = 5e-4, 3, 16, 128


def _model(seed: int):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModel

    torch.manual_seed(seed)
    base = AutoModel.from_pretrained(str(shipped_model_dir()))
    config = LoraConfig(r=RANK, lora_alpha=LORA_ALPHA, lora_dropout=DROPOUT, target_modules=TARGETS)

    class CrossEncoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = get_peft_model(base, config)
            self.head = torch.nn.Linear(base.config.hidden_size, 1)

        def forward(self, batch):
            hidden = self.encoder(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)

    return CrossEncoder()


def _batch(tokenizer, pairs, idx, swap: bool = False):
    a, b = [pairs[i].a for i in idx], [pairs[i].b for i in idx]
    if swap:
        a, b = b, a
    return tokenizer(a, b, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")


def fit(pairs, y: np.ndarray, train: np.ndarray, seed: int):
    """A cross-encoder trained on the pairs ``train``."""
    import torch
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(shipped_model_dir()))
    model = _model(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=LEARNING_RATE, weight_decay=0.01)
    steps = EPOCHS * ((len(train) + BATCH - 1) // BATCH)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LEARNING_RATE, total_steps=steps, pct_start=0.1)
    rng = np.random.default_rng(seed)
    loss = torch.nn.BCEWithLogitsLoss()
    model.train()
    for _ in range(EPOCHS):
        order = rng.permutation(train)
        for s in range(0, len(order), BATCH):
            idx = order[s:s + BATCH]
            logits = model(_batch(tokenizer, pairs, idx, swap=bool(rng.integers(2))))
            value = loss(logits, torch.tensor(y[idx], dtype=torch.float32))
            opt.zero_grad()
            value.backward()
            opt.step()
            schedule.step()
    model.eval()
    return model, tokenizer


def logits(model, tokenizer, pairs, idx: np.ndarray) -> np.ndarray:
    """Held-out logits, both orders averaged."""
    import torch

    out = []
    with torch.no_grad():
        for s in range(0, len(idx), 64):
            part = idx[s:s + 64]
            out.append(((model(_batch(tokenizer, pairs, part)) + model(_batch(tokenizer, pairs, part, True))) / 2).numpy())
    return np.concatenate(out) if out else np.zeros(0)


def adapter(model) -> dict[str, np.ndarray]:
    """The learned weights only, float16, by the base model's parameter names."""
    out = {}
    for name, p in model.encoder.named_parameters():
        if "lora_" in name:
            # base_model.model.encoder.layer.0.attention.self.query.lora_A.default.weight
            key = name.replace("base_model.model.", "").replace(".default", "")
            out[key] = p.detach().numpy().astype(np.float16)
    out["head.weight"] = model.head.weight.detach().numpy().astype(np.float32)
    out["head.bias"] = model.head.bias.detach().numpy().astype(np.float32)
    return out


def with_scorer(held: np.ndarray, y: np.ndarray, done: np.ndarray) -> str:
    """Held-out figures of the decision compare makes: the pair scorer, the cross-encoder's veto under it."""
    from sklearn.metrics import f1_score

    from copytrace.align.cross_encoder import VETO_BELOW, asked

    sys.path.insert(0, str(ROOT / "training"))
    import paraphrase  # the pair scorer's CV, same folds

    p = paraphrase.train()[0].probability
    ask = asked(p, 0.5)
    final = np.where(ask, np.minimum(p, 1 / (1 + np.exp(-np.nan_to_num(held)))), p) >= 0.5
    before = p >= 0.5
    per_fold = [np.mean(final[f] == y[f]) for f in (np.asarray(stratified_folds(y.tolist(), 10, 0)) == k for k in range(10))
                if done[f].all()]
    return (f"pair scorer alone: accuracy {np.mean(before[done] == y[done]):.4f} F1 {f1_score(y[done], before[done]):.4f}; "
            f"with the veto under {VETO_BELOW} ({ask[done].mean():.1%} of pairs asked): "
            f"accuracy {np.mean(final[done] == y[done]):.4f} (sd over folds {np.std(per_fold):.3f}) "
            f"F1 {f1_score(y[done], final[done]):.4f}")


def store_held_out(path: Path, held: np.ndarray) -> None:
    """Keep the held-out logits in the model file, with the data's SHA-256, for ``copytrace eval msrp``'s CV row."""
    import hashlib

    stored = dict(np.load(path))
    stored["held_out_logits"] = held.astype(np.float32)
    stored["held_out_data_sha256"] = np.array(hashlib.sha256(DATA.read_bytes()).hexdigest())
    np.savez_compressed(path, **stored)
    print(f"stored the held-out logits in {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="10-fold CV; held-out logits to --logits")
    parser.add_argument("--folds", type=int, nargs="*", help="only these folds (to split the CV across runs)")
    parser.add_argument("--logits", type=Path, default=cache_dir() / "training" / "msrp-cross-encoder-cv.npy",
                        help="where --cv keeps the held-out logits as folds finish (default: the copytrace cache)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    pairs = load_msrp(DATA)
    y = np.array([p.label for p in pairs])
    if args.cv:
        fold_of = np.asarray(stratified_folds(y.tolist(), 10, 0))
        held = np.load(args.logits) if args.logits.exists() else np.full(len(pairs), np.nan)
        for k in args.folds if args.folds is not None else range(10):
            started = time.time()
            model, tokenizer = fit(pairs, y, np.flatnonzero(fold_of != k), seed=k)
            test = np.flatnonzero(fold_of == k)
            held[test] = logits(model, tokenizer, pairs, test)
            args.logits.parent.mkdir(parents=True, exist_ok=True)
            np.save(args.logits, held)
            print(f"fold {k}: accuracy {np.mean((held[test] > 0) == y[test]):.4f} ({time.time() - started:.0f} s)")
        done = ~np.isnan(held)
        print(f"held out ({done.sum()} pairs): accuracy {np.mean((held[done] > 0) == y[done]):.4f} alone")
        print(with_scorer(held, y, done))
        if done.all() and args.out.exists():
            store_held_out(args.out, held)
        return 0
    model, _ = fit(pairs, y, np.arange(len(pairs)), seed=0)
    np.savez_compressed(args.out, **adapter(model))
    if args.logits.exists() and not np.isnan(np.load(args.logits)).any():
        store_held_out(args.out, np.load(args.logits))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

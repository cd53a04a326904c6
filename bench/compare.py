"""Two-article comparison: time of copytrace.compare on the seed pair, one thread.

    python bench/compare.py            # 9 runs per figure
    python bench/compare.py --quick    # 3 runs

Figures (median, torch on one thread, the models loaded once before timing):
- full: ``compare(a, b)`` with the encoder's sentence cache emptied before each
  run, so every needed sentence goes through the transformer (a new pair);
- full_unbounded: the same with every unit embedded, as before units were
  bounded by the best P(paraphrase) their lexical features allow (interleaved);
- full_fresh_process: a cold full run in a fresh process that has loaded the
  models and made one unrelated comparison (imports done lazily on first use are
  paid here, as a new CLI or server process pays them);
- full_noscreen: the same without the static screen (``encoder.screen = None``),
  interleaved run by run with ``full`` so both see the same machine load;
- full_fixed_batches: neither the screen nor length-cut batches — the
  sentences go to ``SentenceTransformer.encode`` in batches of up to 64, as
  before this benchmark's last round of work (also interleaved);
- full_warm: the same pair again with the cache kept (a sentence seen before in
  this process is never re-embedded, as in a corpus scan);
- lexical: ``compare(a, b, paraphrase=False)``;
- stages: the share of a cold full run spent in each pipeline stage (each stage
  function wrapped with a timer; the rest is verdict, changes and coverage);
- embedded / embedded_noscreen: sentences the transformer ran on in one cold run.
Each time is given twice: ``*_ms`` is wall-clock, ``*_cpu_ms`` the process's CPU
time — on a machine shared with other work the CPU time is the better estimate
of what one quiet core would take (it still pays for shared caches).
Reference in the same run: the obvious do-it-yourself alternative — embed every
sentence of both articles with ``SentenceTransformer.encode`` and take the cosine
matrix (no alignment at all) — and difflib.SequenceMatcher over the two word lists.
Targets (PRODUCT.md, issue #12): full under 150 ms and at most 0.2x the time of
embedding the pair's sentences once (``full_vs_embed_all``, CPU time, same run),
lexical under 20 ms.
"""
from __future__ import annotations

import os

# One thread means one, set before numpy and torch load: BLAS and the Rust tokenizers (the
# transformer's and the static screen's) otherwise use every core, and CPU time exceeded wall time.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import difflib
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "data" / "seeds"
STAGES = ["segment", "find_boilerplate", "align_verbatim", "align_quotes", "align_paraphrases", "find_changes"]


def _timed(fn, before=lambda: None) -> tuple[float, float]:
    """(wall ms, CPU ms) of one call of ``fn``."""
    before()
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _medians(variants: dict, runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) ms per variant, the variants interleaved run by run."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, (fn, before) in variants.items():
            times[name].append(_timed(fn, before))
    return {
        name: (statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts)) for name, ts in times.items()
    }


def _stage_shares(compare, a, b, clear, runs: int) -> dict[str, float]:
    """Wrap each stage function the pipeline calls with a CPU timer (the real functions run)."""
    import copytrace.pipeline as pipeline

    spent = dict.fromkeys(STAGES, 0.0)
    originals = {name: getattr(pipeline, name) for name in STAGES if hasattr(pipeline, name)}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - t

        return wrapper

    total = 0.0
    try:
        for name, fn in originals.items():
            setattr(pipeline, name, timed(name, fn))
        for _ in range(runs):
            clear()
            t = time.process_time()
            compare(a, b)
            total += time.process_time() - t
    finally:
        for name, fn in originals.items():
            setattr(pipeline, name, fn)
    shares = {name: spent[name] / total for name in originals}
    shares["other"] = 1.0 - sum(shares.values())
    return shares


FRESH = """
import json, sys, time
import torch
torch.set_num_threads(1)
import copytrace
from copytrace.embed import get_encoder
get_encoder().screen
copytrace.compare("The central bank raised interest rates by a quarter point on Wednesday, citing inflation.",
                  "A storm knocked out power to thousands of homes along the coast overnight, the utility said.")
a, b = (open(p, encoding="utf-8").read() for p in sys.argv[1:3])
wall, cpu = time.perf_counter(), time.process_time()
copytrace.compare(a, b)
print(json.dumps([(time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000]))
"""


def _fresh_process(runs: int) -> tuple[float, float]:
    """Median (wall, CPU) ms of a cold seed comparison in a fresh process after one unrelated comparison."""
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", FRESH, str(SEEDS / "000.txt"), str(SEEDS / "003.txt")],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True,
            env={**__import__("os").environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false",
                 "RAYON_NUM_THREADS": "1"},
        )
        times.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def _asked(compare) -> int:
    """Paraphrase passages the cross-encoder reads for one comparison (align.cross_encoder)."""
    from copytrace.align.cross_encoder import get_cross_encoder

    ce = get_cross_encoder()
    ce._cache.clear()
    before = ce.judged
    compare()
    return ce.judged - before


def _second_opinion(sa, sb):
    """(run, before) timing one sentence pair read by the cross-encoder, its cache cleared first."""
    from copytrace.align.cross_encoder import get_cross_encoder

    ce = get_cross_encoder()
    pair = (sa.slice(sa.sentences[0]), sb.slice(sb.sentences[0]))
    return (lambda: ce.probability([pair]), ce._cache.clear)


def run(quick: bool = False) -> dict:
    import torch

    torch.set_num_threads(1)
    import numpy as np

    import copytrace
    import copytrace.align.paraphrase as para
    from copytrace.embed import get_encoder
    from copytrace.segment import segment

    runs = 3 if quick else 9
    a = (SEEDS / "000.txt").read_text(encoding="utf-8")
    b = (SEEDS / "003.txt").read_text(encoding="utf-8")
    enc = get_encoder()
    screen = enc.screen  # distilled on first use on a machine (~15 s), then loaded from disk

    def clear():  # cold: neither the transformer's nor the static screen's sentence cache holds the pair
        enc._cache.clear()
        if screen is not None:
            screen._cache.clear()

    cut_batches = enc._embed
    bounded = para.best_probability

    def unbounded(scorer, features):
        return np.full(len(features), np.inf)

    def fixed_batches(texts):
        return enc._model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)

    def screened(on: bool, cut: bool = True, bound: bool = True):
        def before():
            enc.screen = screen if on else None
            enc._embed = cut_batches if cut else fixed_batches
            para.best_probability = bounded if bound else unbounded
            clear()

        return before

    def embedded(on: bool, bound: bool = True) -> int:
        screened(on, bound=bound)()
        count = enc.embedded
        copytrace.compare(a, b)
        return enc.embedded - count

    copytrace.compare(a, b)  # warm up: imports, model load, first-call allocations
    sa, sb = segment(a), segment(b)
    sentences = [sa.slice(s) for s in sa.sentences] + [sb.slice(s) for s in sb.sentences]

    def embed_all():
        vecs = enc._model.encode(sentences, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        n = len(sa.sentences)
        return vecs[:n] @ vecs[n:].T

    def compare():
        copytrace.compare(a, b)

    times = _medians(
        {
            "full": (compare, screened(True)),
            "full_unbounded": (compare, screened(True, bound=False)),
            "full_noscreen": (compare, screened(False)),
            "full_fixed_batches": (compare, screened(False, cut=False)),
            "lexical": (lambda: copytrace.compare(a, b, paraphrase=False), lambda: None),
            "ref_embed_all": (embed_all, lambda: None),
            "ref_difflib": (
                lambda: difflib.SequenceMatcher(None, sa.words, sb.words, autojunk=False).get_matching_blocks(),
                lambda: None,
            ),
        },
        runs,
    )
    screened(True)()
    compare()
    times.update(_medians({"full_warm": (compare, lambda: None)}, runs))
    counts = {
        "embedded_sentences": embedded(True),
        "embedded_sentences_noscreen": embedded(False),
        "embedded_sentences_unbounded": embedded(True, bound=False),
    }
    para.best_probability = bounded
    screened(True)()
    counts["cross_encoder_asked"] = _asked(compare)
    times.update(_medians({"second_opinion_pair": _second_opinion(sa, sb)}, runs))
    shares = _stage_shares(copytrace.compare, a, b, clear, runs)
    enc.__dict__.pop("_embed", None)

    times["full_fresh_process"] = _fresh_process(1 if quick else 3)
    out: dict = {}
    for name, (wall, cpu) in times.items():
        out[f"{name}_ms"] = round(wall, 1)
        out[f"{name}_cpu_ms"] = round(cpu, 1)
    full, lexical = times["full"][1], times["lexical"][1]
    out.update(counts)
    out.update(
        {
            "screen": screen is not None,
            "sentences_total": len(sentences),
            "stage_share": {k: round(v, 3) for k, v in shares.items()},
            "full_vs_embed_all": round(full / times["ref_embed_all"][1], 3),
            "full_vs_embed_all_wall": round(times["full"][0] / times["ref_embed_all"][0], 3),
            "full_vs_unbounded": round(full / times["full_unbounded"][1], 2),
            "full_vs_noscreen": round(full / times["full_noscreen"][1], 2),
            "full_vs_fixed_batches": round(full / times["full_fixed_batches"][1], 2),
            "lexical_vs_difflib": round(lexical / times["ref_difflib"][1], 2),
            "target_full_ms": 150,
            "target_full_vs_embed_all": 0.2,
            "target_lexical_ms": 20,
        }
    )
    return out


if __name__ == "__main__":
    result = run(quick="--quick" in sys.argv)
    width = max(len(k) for k in result)
    for key, value in result.items():
        if isinstance(value, dict):
            print(f"{key:<{width}}")
            for k, v in value.items():
                print(f"  {k:<{width - 2}}  {v:.1%}")
        else:
            print(f"{key:<{width}}  {value}")

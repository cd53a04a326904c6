"""Two-article comparison: time of copytrace.compare on the seed pair, one thread.

    python bench/compare.py            # 9 runs per figure
    python bench/compare.py --quick    # 3 runs

Figures (median ms, torch on one thread, the model loaded once before timing):
- full: ``compare(a, b)`` with the encoder's sentence cache emptied before each
  run, so every needed sentence goes through the transformer (a new pair);
- full_warm: the same pair again with the cache kept (a sentence seen before in
  this process is never re-embedded, as in a corpus scan);
- lexical: ``compare(a, b, paraphrase=False)``;
- stages: the share of a cold full run spent in each pipeline stage (each stage
  function wrapped with a timer; the rest is verdict, changes and coverage);
- embedded: sentences the transformer actually ran on in one cold run.
Reference in the same run: the obvious do-it-yourself alternative — embed every
sentence of both articles with sentence-transformers and take the cosine matrix
(no alignment at all) — and difflib.SequenceMatcher over the two word lists.
Targets (PRODUCT.md): full under 150 ms, lexical under 20 ms.
"""
from __future__ import annotations

import difflib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "data" / "seeds"
STAGES = ["segment", "find_boilerplate", "align_verbatim", "align_quotes", "align_paraphrases", "find_changes"]


def _median_ms(fn, runs: int, before=lambda: None) -> float:
    times = []
    for _ in range(runs):
        before()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _stage_shares(compare, a, b, clear, runs: int) -> dict[str, float]:
    """Wrap each stage function the pipeline calls with a timer (the real functions run)."""
    import copytrace.pipeline as pipeline

    spent = dict.fromkeys(STAGES, 0.0)
    originals = {name: getattr(pipeline, name) for name in STAGES if hasattr(pipeline, name)}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - t

        return wrapper

    total = 0.0
    try:
        for name, fn in originals.items():
            setattr(pipeline, name, timed(name, fn))
        for _ in range(runs):
            clear()
            t = time.perf_counter()
            compare(a, b)
            total += time.perf_counter() - t
    finally:
        for name, fn in originals.items():
            setattr(pipeline, name, fn)
    shares = {name: spent[name] / total for name in originals}
    shares["other"] = 1.0 - sum(shares.values())
    return shares


def run(quick: bool = False) -> dict:
    import torch

    torch.set_num_threads(1)
    import copytrace
    from copytrace.embed import get_encoder
    from copytrace.segment import segment

    runs = 3 if quick else 9
    a = (SEEDS / "000.txt").read_text(encoding="utf-8")
    b = (SEEDS / "003.txt").read_text(encoding="utf-8")
    enc = get_encoder()
    clear = enc._cache.clear
    copytrace.compare(a, b)  # warm up: imports, model load, first-call allocations

    full = _median_ms(lambda: copytrace.compare(a, b), runs, before=clear)
    warm = _median_ms(lambda: copytrace.compare(a, b), runs)
    lexical = _median_ms(lambda: copytrace.compare(a, b, paraphrase=False), runs)
    clear()
    before = enc.embedded
    copytrace.compare(a, b)
    embedded = enc.embedded - before
    shares = _stage_shares(copytrace.compare, a, b, clear, runs)

    sa, sb = segment(a), segment(b)
    sentences = [sa.slice(s) for s in sa.sentences] + [sb.slice(s) for s in sb.sentences]

    def embed_all():
        vecs = enc._model.encode(sentences, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        n = len(sa.sentences)
        return vecs[:n] @ vecs[n:].T

    embed_all_ms = _median_ms(embed_all, runs)
    difflib_ms = _median_ms(lambda: difflib.SequenceMatcher(None, sa.words, sb.words, autojunk=False).get_matching_blocks(), runs)
    return {
        "full_ms": round(full, 1),
        "full_warm_ms": round(warm, 1),
        "lexical_ms": round(lexical, 1),
        "embedded_sentences": embedded,
        "sentences_total": len(sentences),
        "stage_share": {k: round(v, 3) for k, v in shares.items()},
        "ref_embed_all_ms": round(embed_all_ms, 1),
        "ref_difflib_ms": round(difflib_ms, 1),
        "full_vs_embed_all": round(full / embed_all_ms, 2),
        "lexical_vs_difflib": round(lexical / difflib_ms, 2),
        "target_full_ms": 150,
        "target_lexical_ms": 20,
    }


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

"""Train the shipped verdict model: ``.venv/bin/python training/verdict.py``.

Data (all in ``training/data/``, see its README):

- ``clough-stevenson/``: the 95 labelled answers of Clough & Stevenson (2011)
  against their sources (cut → wholly, light/heavy → partially, non → non);
- ``verdict-pairs-train.jsonl.gz``: labelled pairs made by
  ``synthetic.generate`` from BBC articles and MSRP sentence pairs —
  copies, rewrites, excerpts inside long documents, sentence-by-sentence
  paraphrases, and the pairs that must not count: wire templates, shared site
  furniture, independent coverage of the same events, same-topic articles;
- ``verdict-pairs-train-cut.jsonl.gz``: shortened copies (wholly derived),
  the kind added last;
- ``verdict-pairs-test.jsonl.gz``, ``verdict-pairs-test-cut.jsonl.gz``: the
  same kinds from the other half of the articles and MSRP pairs, never
  trained on: the held-out check.

Prints 10-fold cross-validated figures (Clough–Stevenson folds with every
generated pair in each training fold; then folds over the generated pairs),
the held-out figures on the test pairs by kind, and writes
``src/copytrace/models/verdict.json``. Comparisons are cached under
``~/.cache/copytrace/training`` keyed by the data and the code that made them.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import pickle
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "training" / "data"
OUT = ROOT / "src" / "copytrace" / "models" / "verdict.json"
CACHE = Path.home() / ".cache" / "copytrace" / "training"
CLOUGH_TO_VERDICT = {"cut": "wholly", "light": "partially", "heavy": "partially", "non": "non"}
# Clough–Stevenson is the only corpus labelled by people; its 95 pairs weigh as much as
# this share of the generated ones together.
HUMAN_SHARE = 0.5


def clough_pairs():
    from copytrace.evaluate.datasets import load_clough_stevenson
    from copytrace.fit import LabelledDocs

    docs, pairs = load_clough_stevenson(DATA / "clough-stevenson")
    return [LabelledDocs(docs[p.a], docs[p.b], CLOUGH_TO_VERDICT[p.label]) for p in pairs], \
        ["clough-" + p.label for p in pairs]


# The generated pairs of each split: the pairs of every kind, and the shortened copies added later
# (training/data/README.md). Each file is its own corpus when a scan's view of it is taken.
GENERATED = ("verdict-pairs-{split}.jsonl.gz", "verdict-pairs-{split}-cut.jsonl.gz")


def generated_sets(split: str) -> list[tuple[str, list, list[str]]]:
    """(cache name, pairs, kinds) for each generated file of ``split`` that exists."""
    from copytrace.document import from_record
    from copytrace.fit import LabelledDocs

    out = []
    for name in GENERATED:
        path = DATA / name.format(split=split)
        if not path.exists():
            continue
        pairs, kinds = [], []
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                row = json.loads(line)
                a = from_record({k: v for k, v in row["a"].items() if k != "published_at"}, f"{path}:{n}")
                b = from_record({k: v for k, v in row["b"].items() if k != "published_at"}, f"{path}:{n}")
                pairs.append(LabelledDocs(a, b, row["label"]))
                kinds.append(row["kind"])
        out.append((path.name.removeprefix("verdict-pairs-").removesuffix(".jsonl.gz"), pairs, kinds))
    return out


def flattened(sets) -> tuple[list, list[str]]:
    """Every pair of :func:`generated_sets` and its kind, in one list each."""
    return [p for _, ps, _ in sets for p in ps], [k for _, _, ks in sets for k in ks]


def sets_evidence(sets, *, as_scan: bool = False) -> list:
    """:func:`evidence` of every pair of :func:`generated_sets`, file by file (each its own corpus)."""
    return [e for name, pairs, _ in sets for e in evidence(pairs, f"generated-{name}", as_scan=as_scan)]


def code_version() -> str:
    """A hash of the package's code: cached comparisons are stale once it changes."""
    h = hashlib.sha256()
    for file in sorted((ROOT / "src" / "copytrace").rglob("*")):
        # The verdict's own heads (verdict.py, fit.py) read the evidence; they do not make it.
        if file.suffix in (".py", ".json") and file.name not in ("verdict.json", "verdict.py", "fit.py"):
            h.update(file.read_bytes())
    return h.hexdigest()[:16]


def corpus_view(pairs):
    """What a corpus scan treats as common text, with the pairs' own documents as the corpus."""
    from copytrace.blocks.common import CommonText, count_batch, threshold

    texts = list({t: None for p in pairs for t in (p.a.text, p.b.text)})
    sketch = CommonText.empty(1 << 20)
    sketch.add_counts(*count_batch(texts, 1 << 20))
    bar = threshold(len(texts))
    return lambda text: sketch.spans(text, bar)


def evidence(pairs, name: str, *, as_scan: bool = False):
    from copytrace.fit import evidence_of_pairs

    h = hashlib.sha256(code_version().encode() + (b"scan" if as_scan else b""))
    for p in pairs:
        h.update(p.a.text.encode() + b"\0" + p.b.text.encode() + b"\1")
    cached = CACHE / f"{name}-{h.hexdigest()[:16]}.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    found = evidence_of_pairs(pairs, progress=True, processes=2, common=corpus_view(pairs) if as_scan else None)
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(pickle.dumps(found))
    return found


def by_kind(kinds, gold, predicted) -> dict[str, dict]:
    out = defaultdict(lambda: {"n": 0, "right": 0, "derived": 0})
    for k, g, v in zip(kinds, gold, predicted):
        out[k]["n"] += 1
        out[k]["right"] += g == v.label
        out[k]["derived"] += v.label != "non"
    return {k: {**v, "accuracy": round(v["right"] / v["n"], 3), "judged_derived": round(v["derived"] / v["n"], 3)}
            for k, v in sorted(out.items())}


def main(argv=None) -> int:
    from copytrace.fit import cross_validate, fit_model, verdict_metrics

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    cs, cs_kinds = clough_pairs()
    train_sets, test_sets = generated_sets("train"), generated_sets("test")
    (gen, gen_kinds), (test, test_kinds) = flattened(train_sets), flattened(test_sets)
    print(f"clough-stevenson: {len(cs)} pairs; generated train: {len(gen)} {dict(Counter(gen_kinds))}; "
          f"generated test: {len(test)}", file=sys.stderr)
    ev_cs = evidence(cs, "clough-stevenson")
    # Each generated pair twice: as compare sees it, and as a corpus scan does (text common
    # to many of the split's documents, such as template frames and furniture, left out).
    ev_gen = sets_evidence(train_sets) + sets_evidence(train_sets, as_scan=True)
    ev_test = sets_evidence(test_sets)
    ev_test_scan = sets_evidence(test_sets, as_scan=True)
    gen, gen_kinds = gen + gen, gen_kinds + gen_kinds
    y_cs, y_gen, y_test = [p.label for p in cs], [p.label for p in gen], [p.label for p in test]
    w_cs = [HUMAN_SHARE * max(len(gen), len(cs)) / len(cs)] * len(cs)
    w_gen = [1.0] * len(gen)

    report: dict = {}
    report["clough_stevenson_cv"] = cross_validate(
        ev_cs, y_cs, weights=w_cs, folds=args.folds, seed=args.seed,
        always_train=(ev_gen, y_gen, ["a->b"] * len(gen), w_gen),
    )
    if gen:
        # Over the compare view only: a pair's scan view in a training fold would leak it.
        plain = len(gen) // 2
        report["generated_cv"] = cross_validate(
            ev_gen[:plain], y_gen[:plain], weights=w_gen[:plain], folds=args.folds, seed=args.seed,
            always_train=(ev_cs, y_cs, ["a->b"] * len(cs), w_cs),
        )
    model = fit_model(ev_cs + ev_gen, y_cs + y_gen, weights=w_cs + w_gen)
    if test:
        predicted = [model.judge(e) for e in ev_test]
        report["generated_test"] = verdict_metrics(y_test, ["a->b"] * len(test), predicted)
        report["generated_test_by_kind"] = by_kind(test_kinds, y_test, predicted)
        predicted = [model.judge(e) for e in ev_test_scan]
        report["generated_test_as_scan"] = verdict_metrics(y_test, ["a->b"] * len(test), predicted)
        report["generated_test_as_scan_by_kind"] = by_kind(test_kinds, y_test, predicted)
    info = {
        "trained_on": f"Clough & Stevenson (all {len(cs)} answers, weight {HUMAN_SHARE} of the whole) and "
                      f"{len(gen) // 2} generated pairs (training/data/verdict-pairs-train*.jsonl.gz), each as "
                      "compare sees it and as a corpus scan does",
        "date": date.today().isoformat(),
        "command": "python training/verdict.py",
        **report,
    }
    fitted = fit_model(ev_cs + ev_gen, y_cs + y_gen, weights=w_cs + w_gen, info=info)
    fitted.save(args.out)
    print(json.dumps(report, indent=1))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Cost against text length (issue #13): CPU seconds of one ``compare`` as the text grows.

    python bench/long_text.py            # the README's Reliability tables
    python bench/long_text.py --quick    # the two smaller sizes

Two kinds of long text:

- ``edited``: one paragraph of BBC text against a copy with 0.5% of its words
  changed (lexical and with the sentence model);
- ``templated``: two texts of many near-identical sentences ("Officials in
  district *k* said ..." against "In district *k*, ... officials reported."),
  where every sentence pair passes the static screen.

There is no reference tool here: the figure that matters is how the time grows
(the ``growth`` entries: time at 2x or 4x the text over the time before).
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "tests" / "data" / "bbc-sample.jsonl.gz"


def edited(chars: int, seed: int = 0) -> tuple[str, str]:
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as f:
        words = " ".join(json.loads(line)["text"].replace("\n", " ") for line in f).split()
    rng = random.Random(seed)
    a: list[str] = []
    while len(" ".join(a)) < chars:
        a.extend(words)
    a = " ".join(a)[:chars].split()
    b = list(a)
    for _ in range(len(b) // 200):
        b[rng.randrange(len(b))] = rng.choice(words)
    return " ".join(a), " ".join(b)


def templated(sentences: int, seed: int = 0) -> tuple[str, str]:
    rng = random.Random(seed)
    things = ["roads were closed", "schools stayed shut", "power was cut", "water supplies failed", "crops were lost"]
    days = ["Monday", "Tuesday", "Friday"]
    verbs = ["said", "reported", "confirmed", "announced", "noted"]
    a = " ".join(f"Officials in district {k} said that {rng.choice(things)} after the storm on {rng.choice(days)}."
                 for k in range(sentences))
    b = " ".join(f"In district {k}, {rng.choice(things)} after the storm, officials {rng.choice(verbs)}."
                 for k in range(sentences))
    return a, b


def _cpu(a: str, b: str, paraphrase: bool) -> float:
    from copytrace import compare

    start = time.process_time()
    compare(a, b, paraphrase=paraphrase)
    return round(time.process_time() - start, 2)


def _growth(seconds: list[float]) -> list[float]:
    return [round(y / x, 2) for x, y in zip(seconds, seconds[1:]) if x]


def run(quick: bool = False) -> dict:
    from copytrace import compare

    compare("Warm the model up. It has two sentences.", "Warm up the model. It holds two sentences.")
    sizes = [50_000, 100_000] if quick else [50_000, 100_000, 200_000, 400_000]
    out: dict = {"edited": {}, "templated": {}}
    for paraphrase in (False, True):
        key = "with_model" if paraphrase else "lexical"
        secs = [_cpu(*edited(n), paraphrase) for n in sizes]
        out["edited"][key] = dict(zip(map(str, sizes), secs)) | {"growth_per_2x": _growth(secs)}
        print(f"  edited {key}: {out['edited'][key]}", file=sys.stderr)
    counts = [400, 800] if quick else [400, 800, 1600]
    secs, chars = [], []
    for n in counts:
        a, b = templated(n)
        chars.append(len(a) + len(b))
        secs.append(_cpu(a, b, True))
    out["templated"] = {"characters": chars, "cpu_seconds": secs, "growth_per_2x": _growth(secs)}
    print(f"  templated: {out['templated']}", file=sys.stderr)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(json.dumps(run(quick=args.quick), indent=1))

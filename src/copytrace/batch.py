"""Many comparisons in one process: ``copytrace compare --pairs P --docs D -o OUT``.

The model is loaded once and each sentence embedded once (the encoder caches
vectors by sentence), so a thousand pairs cost far less than a thousand runs.
"""
from __future__ import annotations

import json
from pathlib import Path

from tqdm import tqdm

from .errors import InputError
from .pipeline import compare


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """``{"a": id, "b": id}`` lines; a malformed line is an error naming its line."""
    pairs = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}", f"malformed JSON ({exc.msg})") from None
        if not isinstance(rec, dict) or not {"a", "b"} <= rec.keys():
            raise InputError(f"{path}:{n}", 'a pair needs "a" and "b" ids')
        pairs.append((str(rec["a"]), str(rec["b"])))
    return pairs


def compare_pairs(pairs_path: Path, docs_path: Path, out_path: Path, *, paraphrase: bool = True,
                  model: str | None = None, verdict_model=None) -> int:
    """Compare every pair in ``pairs_path``; write one comparison JSON per line. Returns the count."""
    from .blocks.read import Reject, read_corpus

    pairs = read_pairs(Path(pairs_path))
    wanted = {x for pair in pairs for x in pair}
    docs = {}
    for item in read_corpus(docs_path):
        if isinstance(item, Reject):  # unlike a scan, a named pair cannot skip its document
            where = f"{item.file}:{item.line}" if item.line else item.file
            raise InputError(where, item.reason)
        if item.id in wanted:
            docs[item.id] = item
    for a, b in pairs:
        for x in (a, b):
            if x not in docs:
                raise InputError(str(pairs_path), f"id {x!r} is not in {docs_path}")
    tmp = Path(str(out_path) + ".part")
    with open(tmp, "w", encoding="utf-8") as out:
        for a, b in tqdm(pairs, desc="comparing", unit="pair"):
            out.write(json.dumps(compare(docs[a], docs[b], paraphrase=paraphrase, model=model,
                                               verdict_model=verdict_model).to_dict(),
                                 ensure_ascii=False) + "\n")
    tmp.replace(out_path)  # a finished file only: an interrupted run leaves no half-written output
    return len(pairs)

"""Loaders for public reuse corpora, reading the files as their authors published them.

Usage (the corpora are not shipped with the package)::

    docs, pairs = load_clough_stevenson("../shared/eval/clough-stevenson")
    len(pairs), pairs[0].label        # (95, 'non')
    msrp = load_msrp("../shared/eval/msrp")
    len(msrp), msrp[0].label          # (4076, 1)
    data = load_generic("my-corpus/")  # docs.jsonl + pairs.jsonl or clusters.jsonl

Every problem with a file is an :class:`~copytrace.errors.InputError` naming the
file (and line) and what is wrong with it.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..document import Document, decode, from_record
from ..errors import InputError

CLOUGH_LABELS = ("cut", "light", "heavy", "non")


@dataclass(frozen=True)
class LabelledPair:
    """Two documents (by id) and the label a person gave the pair."""

    a: str
    b: str
    label: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class SentencePair:
    """Two sentences and whether people judged them paraphrases (1) or not (0)."""

    id_a: str
    id_b: str
    a: str
    b: str
    label: int


@dataclass(frozen=True)
class GenericDataset:
    """A user's corpus: documents plus either labelled pairs or gold clusters.

    ``clusters`` maps each clustered document id to its cluster name.
    """

    docs: dict[str, Document]
    pairs: list[LabelledPair] | None = None
    clusters: dict[str, str] | None = None


def read_jsonl(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, record)`` for each non-blank line; ``where`` is ``file:line`` for errors."""
    text = decode(_read_bytes(path), str(path))
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(where, f"not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise InputError(where, f"expected a JSON object, got {type(record).__name__}")
        yield where, record


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputError(str(path), "no such file")
    if path.is_dir():
        raise InputError(str(path), "is a directory, not a file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None


def _field(record: dict[str, Any], name: str, where: str) -> str:
    value = record.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise InputError(where, f"record has no {name!r} string")
    return value


def _corpus_dir(path: str | Path, dataset: str) -> Path:
    root = Path(path)
    if not root.exists():
        raise InputError(str(root), f"no such directory (the {dataset} corpus)")
    if not root.is_dir():
        raise InputError(str(root), f"expected the {dataset} corpus directory, got a file")
    return root


# -- Clough & Stevenson: Corpus of Plagiarised Short Answers ---------------------------


def load_clough_stevenson(path: str | Path) -> tuple[dict[str, Document], list[LabelledPair]]:
    """The 100 texts (5 Wikipedia sources, 95 answers) and the 95 labelled pairs.

    ``path`` is the corpus directory: the texts either in ``texts/`` or directly
    inside it, and ``pairs.jsonl`` (``{"a": source file, "b": answer file, "label"}``).
    The texts are decoded with copytrace's own encoding detection (they mix UTF-8
    and Windows-1252, LF and CRLF): this is a test of the loader too.
    """
    root = _corpus_dir(path, "Clough-Stevenson")
    texts = root / "texts" if (root / "texts").is_dir() else root
    pairs_file = root / "pairs.jsonl"
    pairs: list[LabelledPair] = []
    for where, record in read_jsonl(pairs_file):
        a, b, label = (_field(record, k, where) for k in ("a", "b", "label"))
        if label not in CLOUGH_LABELS:
            raise InputError(where, f"label {label!r} is not one of {', '.join(CLOUGH_LABELS)}")
        meta = {k: v for k, v in record.items() if k not in ("a", "b", "label")}
        pairs.append(LabelledPair(a, b, label, meta))
    if not pairs:
        raise InputError(str(pairs_file), "no labelled pairs")
    docs: dict[str, Document] = {}
    for name in sorted({p.a for p in pairs} | {p.b for p in pairs}):
        file = texts / name
        if not file.exists():
            raise InputError(str(file), "text named in pairs.jsonl is missing")
        docs[name] = Document(decode(_read_bytes(file), str(file)), id=name)
    return docs, pairs


def clough_counts(pairs: list[LabelledPair]) -> dict[str, int]:
    """How many answers carry each label (19 cut, 19 light, 19 heavy, 38 non when complete)."""
    counts = Counter(p.label for p in pairs)
    return {label: counts.get(label, 0) for label in CLOUGH_LABELS}


# -- Microsoft Research Paraphrase Corpus ------------------------------------------------

MSRP_HEADER = ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"]


def load_msrp(path: str | Path) -> list[SentencePair]:
    """MSRP sentence pairs from ``msr_paraphrase_train.txt`` (or the directory holding it).

    The file is split on tabs by hand: its sentences contain double quotes that
    are not CSV quoting, and a CSV reader with default quoting silently merges
    lines (losing over a hundred pairs).
    """
    file = Path(path)
    if file.is_dir():
        candidates = sorted(file.glob("msr_paraphrase_*.txt"))
        if not candidates:
            raise InputError(str(file), "no msr_paraphrase_*.txt file in this directory")
        train = file / "msr_paraphrase_train.txt"
        file = train if train in candidates else candidates[0]
    text = decode(_read_bytes(file), str(file))  # strips the byte-order mark
    lines = text.splitlines()
    if not lines or lines[0].split("\t") != MSRP_HEADER:
        raise InputError(f"{file}:1", "not an MSRP file (expected the header Quality, #1 ID, #2 ID, #1 String, #2 String)")
    pairs = []
    for number, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        where = f"{file}:{number}"
        cells = line.split("\t")
        if len(cells) != 5:
            raise InputError(where, f"expected 5 tab-separated fields, found {len(cells)}")
        quality, id_a, id_b, a, b = cells
        if quality not in ("0", "1"):
            raise InputError(where, f"Quality must be 0 or 1, not {quality!r}")
        if not a.strip() or not b.strip():
            raise InputError(where, "empty sentence")
        pairs.append(SentencePair(id_a, id_b, a, b, int(quality)))
    if not pairs:
        raise InputError(str(file), "no sentence pairs")
    return pairs


# -- A user's own corpus -------------------------------------------------------------------


def load_generic(path: str | Path) -> GenericDataset:
    """``docs.jsonl`` plus ``pairs.jsonl`` (``{"a", "b", "label"}``) or ``clusters.jsonl``.

    Labels in ``pairs.jsonl`` are copytrace's verdict labels (``wholly``,
    ``partially``, ``non``) or Clough–Stevenson's (``cut``, ``light``, ``heavy``,
    ``non``, mapped to verdicts). ``clusters.jsonl`` lines are
    ``{"cluster": name, "members": [doc ids]}``.
    """
    root = _corpus_dir(path, "evaluation")
    docs: dict[str, Document] = {}
    for where, record in read_jsonl(root / "docs.jsonl"):
        doc = from_record(record, where)
        if "id" not in record:
            raise InputError(where, "record has no 'id' (pairs and clusters refer to documents by id)")
        if doc.id in docs:
            raise InputError(where, f"duplicate document id {doc.id!r}")
        docs[doc.id] = doc
    if not docs:
        raise InputError(str(root / "docs.jsonl"), "no documents")

    def known(doc_id: str, where: str) -> str:
        if doc_id not in docs:
            raise InputError(where, f"document {doc_id!r} is not in docs.jsonl")
        return doc_id

    if (root / "pairs.jsonl").exists():
        pairs = []
        for where, record in read_jsonl(root / "pairs.jsonl"):
            a, b, label = (_field(record, k, where) for k in ("a", "b", "label"))
            if label not in VERDICT_OF:
                raise InputError(where, f"label {label!r} is not one of {', '.join(VERDICT_OF)}")
            meta = {k: v for k, v in record.items() if k not in ("a", "b", "label")}
            pairs.append(LabelledPair(known(a, where), known(b, where), label, meta))
        if not pairs:
            raise InputError(str(root / "pairs.jsonl"), "no labelled pairs")
        return GenericDataset(docs, pairs=pairs)
    if (root / "clusters.jsonl").exists():
        clusters: dict[str, str] = {}
        for where, record in read_jsonl(root / "clusters.jsonl"):
            name = _field(record, "cluster", where)
            members = record.get("members")
            if not isinstance(members, list) or not members:
                raise InputError(where, "record has no 'members' list of document ids")
            for member in members:
                member = known(str(member), where)
                if member in clusters:
                    raise InputError(where, f"document {member!r} is in two clusters")
                clusters[member] = name
        if not clusters:
            raise InputError(str(root / "clusters.jsonl"), "no clusters")
        return GenericDataset(docs, clusters=clusters)
    raise InputError(str(root), "needs pairs.jsonl (with labels) or clusters.jsonl beside docs.jsonl")


# The usual mapping from Clough–Stevenson / METER labels to copytrace's verdicts.
VERDICT_OF = {
    "wholly": "wholly",
    "partially": "partially",
    "non": "non",
    "cut": "wholly",
    "light": "partially",
    "heavy": "partially",
}

"""Stream the articles of a corpus, one record at a time, setting bad ones aside.

A corpus is a file or a directory (searched recursively) of ``.txt`` / ``.html``
articles and ``.jsonl`` / ``.jsonl.gz`` / ``.csv`` / ``.parquet`` record files
with ``id``, ``text`` and optional ``title``, ``outlet``, ``url``,
``published_at``. Nothing is loaded whole: JSONL and CSV are read line by line,
Parquet in Arrow batches.

>>> from copytrace.blocks.read import read_corpus, Reject
>>> for item in read_corpus("tests/data/bbc-sample.jsonl.gz"):   # doctest: +SKIP
...     if isinstance(item, Reject):
...         print(item.file, item.line, item.reason)
...     else:
...         print(item.id, item.outlet)

A bad record — no text, not UTF-8, binary, an id seen before, a line that is
not JSON — comes out as a :class:`Reject` naming the file, the line and the
reason; the stream goes on.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..document import HTML_SUFFIXES, Document, from_record, load
from ..errors import InputError

TEXT_SUFFIXES = {".txt", *HTML_SUFFIXES}
RECORD_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".csv", ".csv.gz", ".parquet")
PARQUET_BATCH = 1024


@dataclass(frozen=True)
class Reject:
    """A record the scan skipped: where it was and why."""

    file: str
    line: int | None
    reason: str
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_corpus(path: str | Path) -> Iterator[Document | Reject]:
    """Documents and rejects from every article file under ``path``, in path order.

    Raises :class:`InputError` only when ``path`` itself cannot be read; every
    problem inside it becomes a :class:`Reject`.
    """
    seen: dict[str, tuple[str, str]] = {}  # id → (where the kept record is, its content hash)
    for file, rel in corpus_files(path):
        for item in read_file(file, rel):
            if isinstance(item, Document):
                line = item.meta.get("_line")
                if item.id in seen:
                    yield Reject(str(file), line, duplicate_reason(item.id, item.content_hash, *seen[item.id]), item.id)
                    continue
                seen[item.id] = (where(file, line), item.content_hash)
                item.meta.pop("_line", None)
            yield item


def corpus_files(path: str | Path) -> list[tuple[Path, Path]]:
    """The article files under ``path`` in the order they are read, each with its path inside the corpus.

    Raises :class:`InputError` when ``path`` itself cannot be read.
    """
    root = Path(path)
    if not root.exists():
        raise InputError(str(path), "no such file or directory")
    if root.is_dir():
        try:
            files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
        except OSError as exc:
            raise InputError(str(path), f"cannot list the directory: {exc.strerror or exc}") from None
        if not files:
            raise InputError(str(path), "directory holds no files")
        return [(f, f.relative_to(root)) for f in files]
    if kind_of(root) is None:
        raise InputError(str(path), f"not a corpus file (expected a directory or one of {', '.join(RECORD_SUFFIXES)})")
    return [(root, Path(root.name))]


def where(file: str | Path, line: int | None) -> str:
    """How a reject names the record kept in its place: ``file:line``, or the file alone."""
    return f"{file}:{line}" if line is not None else str(file)
def duplicate_reason(doc_id: str, content_hash: str, kept_at: str, kept_hash: str) -> str:
    """Why a record is set aside for its id, naming the record kept in its place.

    The corpus is streamed, so the first record read with an id is the one kept:
    files in path order, records in file order. When the texts differ the user
    must check which is genuine, since the kept one may be the impostor.
    """
    same = "same text" if content_hash == kept_hash else "different text: check which one is genuine"
    return (f"duplicate id {doc_id!r}: {kept_at} has it and is kept, because the first record read "
            f"with an id wins (files in path order, then line order); {same}")


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    if path.suffix.lower() in TEXT_SUFFIXES:
        return "text"
    for suffix in (".jsonl", ".jsonl.gz", ".ndjson"):
        if name.endswith(suffix):
            return "jsonl"
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    if name.endswith(".parquet"):
        return "parquet"
    return None


def read_file(file: Path, rel: Path) -> Iterator[Document | Reject]:
    """The records of one file, each Document with its line (``meta["_line"]``, ``None`` for a text file).

    Ids are not checked against other records here: :func:`read_corpus` (or the
    Spark engine, over all files) sets the later records with a seen id aside.
    """
    kind = kind_of(file)
    name = str(file)
    try:
        if kind == "text":
            # A text file is one article; its id is its path inside the corpus.
            yield load(file, id=str(rel.with_suffix("")))
        elif kind == "jsonl":
            yield from _jsonl(file)
        elif kind == "csv":
            yield from _csv(file)
        elif kind == "parquet":
            yield from _parquet(file)
        else:
            yield Reject(name, None, f"unsupported file type {file.suffix or '(none)'!r}")
    except InputError as exc:
        yield Reject(name, None, exc.problem)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Reject(name, None, f"cannot read: {exc}")


def _open_binary(file: Path):
    return gzip.open(file, "rb") if file.name.lower().endswith(".gz") else open(file, "rb")


def record(mapping: Any, file: str | Path, line: int) -> Document | Reject:
    """One record (a JSON object, a CSV row, a Parquet row) as a Document (``meta["_line"]`` set) or a Reject."""
    file = Path(file)
    where = f"{file}:{line}"
    try:
        if isinstance(mapping, Mapping) and "text" in mapping and isinstance(mapping["text"], str):
            _check_encoding(mapping["text"], where)
        doc = from_record(mapping, where)
    except InputError as exc:
        rid = mapping.get("id") if isinstance(mapping, Mapping) else None
        return Reject(str(file), line, exc.problem, None if rid is None else str(rid))
    doc.meta["_line"] = line
    return doc


def _check_encoding(text: str, where: str) -> None:
    # Undecodable bytes survive decoding as lone surrogates (surrogateescape).
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(where, "text is not valid UTF-8") from None


def _jsonl(file: Path) -> Iterator[Document | Reject]:
    with _open_binary(file) as f:
        for line_no, raw in enumerate(f, 1):
            item = jsonl_record(raw, file, line_no)
            if item is not None:
                yield item


def jsonl_record(raw: bytes, file: str | Path, line_no: int) -> Document | Reject | None:
    """One line of a JSONL file as a Document (``meta["_line"]`` set) or a Reject; ``None`` for a blank line.

    The local reader and the Spark engine's (which reads large JSONL files in splits) both call it.
    """
    if not raw.strip():
        return None
    if b"\x00" in raw:
        return Reject(str(file), line_no, "binary data (NUL bytes), not a JSON line")
    try:
        obj = json.loads(raw.decode("utf-8", "surrogateescape"))
    except (ValueError, UnicodeDecodeError) as exc:
        return Reject(str(file), line_no, f"malformed JSON: {exc}")
    return record(obj, Path(file), line_no)


def jsonl_line(file: str | Path, line_no: int) -> bytes:
    """The raw bytes of line ``line_no`` (from 1) of a JSONL file: for a reader that decoded it lossily."""
    with _open_binary(Path(file)) as f:
        for k, raw in enumerate(f, 1):
            if k == line_no:
                return raw
    return b""


def _csv(file: Path) -> Iterator[Document | Reject]:
    csv.field_size_limit(sys.maxsize)
    with _open_binary(file) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")
        reader = csv.DictReader(text)
        if not reader.fieldnames or "text" not in reader.fieldnames:
            yield Reject(str(file), 1, "CSV header has no 'text' column")
            return
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Reject(str(file), reader.line_num, f"malformed CSV: {exc}")
                continue
            if None in row:  # more fields than the header names
                yield Reject(str(file), reader.line_num, "malformed CSV: more fields than the header")
                continue
            if any("\x00" in (v or "") for v in row.values()):
                yield Reject(str(file), reader.line_num, "binary data (NUL bytes)")
                continue
            yield record(row, file, reader.line_num)


def _parquet(file: Path) -> Iterator[Document | Reject]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(file)
    except Exception as exc:  # pyarrow raises its own error types for corrupt files
        raise InputError(str(file), f"not a readable Parquet file: {exc}") from None
    if "text" not in parquet.schema_arrow.names:
        raise InputError(str(file), "Parquet file has no 'text' column")
    row = 0
    for batch in parquet.iter_batches(batch_size=PARQUET_BATCH):
        for obj in batch.to_pylist():
            row += 1
            yield record(obj, file, row)

"""The corpus on disk: every accepted article in one Parquet file, in read order.

Reading streams the corpus once into this spool; later stages fetch texts by
row number instead of holding a million articles in memory, and the Spark
engine reads the same file as a DataFrame.

>>> from copytrace.document import Document
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.parquet"
>>> with SpoolWriter(path) as spool:
...     row = spool.add(Document("One text.", id="x", outlet="Wire"))
>>> [d.id for d in fetch(path, [0])]
['x']
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..document import Document

BATCH = 2000
SCHEMA = pa.schema([
    ("row", pa.int64()), ("id", pa.string()), ("text", pa.string()), ("title", pa.string()),
    ("outlet", pa.string()), ("url", pa.string()), ("published_at", pa.string()),
])


def to_record(row: int, doc: Document) -> dict:
    return {
        "row": row, "id": doc.id, "text": doc.text, "title": doc.title, "outlet": doc.outlet,
        "url": doc.url, "published_at": doc.published_at.isoformat() if doc.published_at else None,
    }


def to_document(record: dict) -> Document:
    return Document(
        record["text"], id=record["id"], title=record.get("title"), outlet=record.get("outlet"),
        url=record.get("url"), published_at=record.get("published_at"),
    )


class SpoolWriter:
    """Append Documents; rows are written in batches so memory stays flat."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._writer = pq.ParquetWriter(self.path, SCHEMA)
        self._batch: list[dict] = []
        self.rows = 0

    def add(self, doc: Document) -> int:
        self._batch.append(to_record(self.rows, doc))
        self.rows += 1
        if len(self._batch) >= BATCH:
            self.flush()
        return self.rows - 1

    def flush(self) -> None:
        if self._batch:
            self._writer.write_table(pa.Table.from_pylist(self._batch, schema=SCHEMA))
            self._batch = []

    def close(self) -> None:
        self.flush()
        self._writer.close()

    def __enter__(self) -> "SpoolWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def batches(path: str | Path, rows: Sequence[bool] | None = None, size: int = 1000) -> Iterator[tuple[list[int], list[str]]]:
    """(row numbers, texts) in batches; ``rows`` is an optional keep-mask by row."""
    for batch in pq.ParquetFile(path).iter_batches(batch_size=size, columns=["row", "text"]):
        nums = batch.column(0).to_pylist()
        texts = batch.column(1).to_pylist()
        if rows is not None:
            keep = [k for k, r in enumerate(nums) if rows[r]]
            nums, texts = [nums[k] for k in keep], [texts[k] for k in keep]
        if nums:
            yield nums, texts


def fetch(path: str | Path, rows: Sequence[int]) -> list[Document]:
    """The Documents at ``rows``, in that order (read batch by batch, as :func:`fetch_mask`)."""
    needed = np.zeros(pq.ParquetFile(path).metadata.num_rows, dtype=bool)
    needed[list(rows)] = True
    found = fetch_mask(path, needed)
    return [found[r] for r in rows]


def fetch_mask(path: str | Path, needed: Sequence[bool]) -> dict[int, Document]:
    """The Documents whose rows are set in ``needed``, reading the spool batch by batch.

    Reading the whole file as one table decompresses every text: ~0.9 GB at 300k articles.
    """
    needed = np.asarray(needed, dtype=bool)
    out: dict[int, Document] = {}
    for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH):
        hit = np.flatnonzero(needed[batch.column(0).to_numpy()])
        if len(hit):
            for rec in batch.take(pa.array(hit, type=pa.int64())).to_pylist():
                out[rec["row"]] = to_document(rec)
    return out

"""What the archive's SQLite file holds: the schema, the settings it was built with,
a document's row, and the fingerprints stored with it.

The fingerprints are the corpus scan's own, one implementation per idea
(:mod:`copytrace.blocks.fingerprint`, :mod:`copytrace.blocks.candidates`):
MinHash of word 3-shingles cut into the scan's BANDS x ROWS, and a
static-embedding document vector distilled from the shipped MiniLM. The
settings are stored in the database, so an index built with one setting is
never queried with another.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime

import numpy as np

from ..blocks.candidates import BANDS, ROWS
from ..blocks.candidates import band_keys as lsh_band_keys  # band_keys below wraps it for SQLite
from ..blocks.fingerprint import NUM_PERM, SHINGLE, STATIC_DIMS as VECTOR_DIM, doc_vectors, minhash
from ..document import Document

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    n INTEGER PRIMARY KEY,          -- the key used by bands and the vector index
    id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    text TEXT NOT NULL,
    title TEXT, outlet TEXT, url TEXT, published_at TEXT, meta TEXT,
    minhash BLOB NOT NULL,
    vector BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (key, n))
    WITHOUT ROWID;
"""
SETTINGS = {"num_perm": NUM_PERM, "bands": BANDS, "rows": ROWS, "shingle": SHINGLE, "vector_dim": VECTOR_DIM,
            "vectors": f"minilm-static-{VECTOR_DIM}", "version": 1}


_static_model_lock = threading.Lock()


def fingerprints(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (n x NUM_PERM uint32) and unit document vectors (n x VECTOR_DIM float32)."""
    # The static model's Rust tokenizer fails ("Already borrowed") when two threads
    # use it at once, as concurrent server requests do.
    with _static_model_lock:
        vectors = doc_vectors(texts)
    return minhash(texts), vectors


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """One key per (document, band) as signed 64-bit integers, SQLite's integer type."""
    return lsh_band_keys(sigs, BANDS, ROWS).view(np.int64)


def fingerprint_map(docs: list[Document]) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """id -> (MinHash signature, document vector, band keys) for ``docs``."""
    if not docs:
        return {}
    sigs, vecs = fingerprints([d.text for d in docs])
    keys = band_keys(sigs)
    return {d.id: (sigs[i], vecs[i], keys[i]) for i, d in enumerate(docs)}


DOC_COLUMNS = "id, text, title, outlet, url, published_at, meta"


def document_to_row(doc: Document) -> tuple:
    meta = json.dumps(doc.meta, default=str, ensure_ascii=False) if doc.meta else None
    when = doc.published_at.isoformat() if doc.published_at else None
    return (doc.id, doc.text, doc.title, doc.outlet, doc.url, when, meta)


def row_to_document(row: tuple) -> Document:
    doc_id, text, title, outlet, url, when, meta = row
    return Document(
        text,
        id=doc_id,
        title=title,
        outlet=outlet,
        url=url,
        published_at=datetime.fromisoformat(when) if when else None,
        meta=json.loads(meta) if meta else {},
    )


class transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception including Ctrl-C."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")

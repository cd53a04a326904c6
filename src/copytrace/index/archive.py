"""The archive itself: :class:`Index` adds articles, finds candidates and matches,
and keeps two caches beside the database (the vector index and the common-text
counts), rebuilt from the database whenever they are missing or stale.
"""
from __future__ import annotations

import sqlite3
import sys
import threading
import time
from itertools import combinations, islice
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from ..blocks.candidates import DUPLICATE_JACCARD, MAX_BUCKET, MIN_COSINE, jaccard_estimate
from ..blocks.cluster import clusters as find_clusters
from ..blocks.common import CommonText, count_batch, frame_threshold, template_threshold, threshold as common_threshold
from ..blocks.provenance import root
from ..blocks.fingerprint import NUM_PERM, STATIC_DIMS as VECTOR_DIM
from ..document import Document, as_document
from ..errors import InputError
from .results import AddResult, Candidate, Match
from .store import (
    DOC_COLUMNS, SCHEMA, SETTINGS, band_keys, document_to_row, fingerprint_map, fingerprints, row_to_document,
    transaction,
)

# Estimated shingle Jaccard that sends a candidate to the full comparison (the seed
# pair's is 0.19); MIN_COSINE (shared with the scan) is the other way in.
MIN_JACCARD = 0.08
EXACT_UP_TO = 20_000  # archives this small get exact nearest-neighbour search
# Counters per row of the archive's common-text sketch: 2 x 4 M x 2 bytes = 16 MB, enough
# that a million articles' rare shingles stay far below the "common" bar (blocks.common).
COMMON_BUCKETS = 1 << 22
BUSY_TIMEOUT = 120.0  # seconds a writer waits for another process's transaction

class Index:
    """The archive: ``Index(path)`` opens or creates it.

    >>> index = Index("archive.db")                           # doctest: +SKIP
    >>> index.add(documents).added                            # doctest: +SKIP
    1000
    >>> len(index), index.get("bbc-001").title                # doctest: +SKIP
    (1000, 'Ad sales boost Time Warner profit')

    Safe to share between threads (the server does): one lock guards the database.
    """

    def __init__(self, path: str | Path, *, batch_size: int = 500, model: str | None = None,
                 verdict_model: str | Path | None = None):
        from ..verdict import get_model

        self.path = Path(path)
        self.batch_size = batch_size
        self.model = model
        self.verdict_model = get_model(verdict_model)  # a bad model file fails here, not at the first query
        if self.path.is_dir():
            raise InputError(str(self.path), "is a directory, not an index file")
        if not self.path.parent.is_dir():
            raise InputError(str(self.path), f"folder {self.path.parent} does not exist")
        try:
            self._db = _connect(self.path)
        except sqlite3.DatabaseError as exc:
            raise InputError(str(self.path), f"not a copytrace index ({exc})") from None
        self._lock = threading.RLock()
        self._check_settings()
        self._vectors = None  # the usearch index, opened lazily
        self._common = None  # the archive's common text (blocks.common), opened lazily
        self._common_dirty = False
        self._vectors_top = 0  # the highest row number it holds
        self._vectors_dirty = False

    # -- context / size
    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Persist the vector index and the common-text counts beside the database and close it."""
        with self._lock:
            if self._vectors is not None and self._vectors_dirty:
                self._vectors.save(str(self._vectors_path))
                self._vectors_dirty = False
            self._save_common()
            self._db.close()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def __contains__(self, doc_id: object) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def _check_settings(self) -> None:
        with self._lock:
            stored = dict(self._db.execute("SELECT key, value FROM settings"))
            if not stored:
                with transaction(self._db):
                    self._db.executemany(
                        # OR IGNORE: a second process may create the same new archive at once
                        "INSERT OR IGNORE INTO settings VALUES (?, ?)", [(k, str(v)) for k, v in SETTINGS.items()]
                    )
                return
            wanted = {k: str(v) for k, v in SETTINGS.items()}
            if stored != wanted:
                raise InputError(str(self.path), f"index was built with other settings {stored}; rebuild it")

    # -- reading
    def get(self, doc_id: str) -> Document | None:
        """The indexed document with this id, or None."""
        with self._lock:
            row = self._db.execute(f"SELECT {DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row_to_document(row) if row else None

    def ids(self) -> Iterator[str]:
        with self._lock:
            rows = self._db.execute("SELECT id FROM documents ORDER BY n").fetchall()
        return (r[0] for r in rows)

    # -- adding
    def add(self, docs: Iterable[Document | str], *, progress: bool = False) -> AddResult:
        """Add articles, one transaction per batch; same id and same text again is a no-op.

        A document whose id is already indexed with *different* text replaces it.
        If the add is interrupted (Ctrl-C, a crash), every committed batch is kept
        and the interrupted batch leaves no trace.
        """
        added = skipped = 0
        bar = _progress(progress, "indexing")
        it = iter(docs)
        try:
            while batch := [as_document(d) for d in islice(it, self.batch_size)]:
                a, s = self._add_batch(batch)
                added, skipped = added + a, skipped + s
                if bar is not None:
                    bar.update(len(batch))
        finally:
            if bar is not None:
                bar.close()
        return AddResult(added, skipped)

    def add_path(self, path: str | Path, *, progress: bool | None = None) -> AddResult:
        """Add a .txt/.html file, a directory of them, or a .jsonl(.gz) of records.

        Bad files and records are skipped and reported in ``AddResult.rejected``.
        A progress bar goes to stderr when it is a terminal (or ``progress=True``).
        """
        if progress is None:
            progress = sys.stderr.isatty()
        from ..blocks.read import Reject, read_corpus  # the one corpus reader, shared with scan

        rejected: list[Reject] = []

        def good() -> Iterator[Document]:
            for item in read_corpus(path):
                if isinstance(item, Reject):
                    rejected.append(item)
                else:
                    yield item

        result = self.add(good(), progress=progress)
        self._save_vectors()
        with self._lock:
            self._save_common()
        return AddResult(result.added, result.skipped, tuple(rejected))

    def _add_batch(self, batch: list[Document]) -> tuple[int, int]:
        unique = list({d.id: d for d in batch}.values())  # a later duplicate id in the batch wins
        # Fingerprinting is the slow part: done outside the lock, and only for new texts.
        known = self._stored_hashes(unique)
        prints = fingerprint_map([d for d in unique if known.get(d.id) != d.content_hash])
        with self._lock:
            new_vectors: list[tuple[int, np.ndarray]] = []
            self._common_text()  # loaded (or rebuilt) before this batch, so the batch is counted once
            with transaction(self._db):
                # Again, inside the write transaction: another thread or another process (a
                # second `index add` of the same corpus) may have added these ids since the
                # first look, and from BEGIN IMMEDIATE to COMMIT no other writer can.
                known = self._stored_hashes(unique)
                fresh = {d.id: d for d in unique if known.get(d.id) != d.content_hash}
                prints.update(fingerprint_map([d for d in fresh.values() if d.id not in prints]))
                replaced = [i for i in fresh if i in known]
                old, old_texts = [], []
                if replaced:
                    old_texts = [t for (t,) in self._db.execute(
                        f"SELECT text FROM documents WHERE id IN ({','.join('?' * len(replaced))})", replaced)]
                    marks = ",".join("?" * len(replaced))
                    rows = self._db.execute(f"SELECT n, minhash FROM documents WHERE id IN ({marks})", replaced)
                    for n, blob in rows.fetchall():
                        # by (key, n), the table's primary key: no second index on n needed
                        old.append(n)
                        gone = band_keys(np.frombuffer(blob, np.uint32)[None, :])[0]
                        self._db.executemany("DELETE FROM bands WHERE key = ? AND n = ?", [(int(k), n) for k in gone])
                    self._db.execute(f"DELETE FROM documents WHERE id IN ({marks})", replaced)
                for doc in fresh.values():
                    sig, vec, doc_keys = prints[doc.id]
                    cur = self._db.execute(
                        f"INSERT INTO documents ({DOC_COLUMNS}, hash, minhash, vector) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (*document_to_row(doc), doc.content_hash, sig.tobytes(), vec.tobytes()),
                    )
                    n = cur.lastrowid
                    self._db.executemany(
                        "INSERT OR IGNORE INTO bands (key, n) VALUES (?, ?)", [(int(k), n) for k in doc_keys]
                    )
                    new_vectors.append((n, vec))
            self._update_vectors(new_vectors, removed=old)
            self._update_common([d.text for d in fresh.values()], removed=old_texts)
        return len(fresh), len(batch) - len(fresh)

    def _stored_hashes(self, docs: list[Document]) -> dict[str, str]:
        with self._lock:
            marks = ",".join("?" * len(docs))
            return dict(self._db.execute(f"SELECT id, hash FROM documents WHERE id IN ({marks})", [d.id for d in docs]))

    # -- the vector index (a cache of the BLOBs)
    @property
    def _vectors_path(self) -> Path:
        return self.path.with_name(self.path.name + ".usearch")

    def _vector_index(self):
        with self._lock:
            if self._vectors is None:
                self._vectors = self._open_vectors()
            else:
                # Another process (``copytrace index add`` beside a running server) may have
                # added articles: bring their vectors in. Its deletions only leave stale keys,
                # which the candidate lookup drops because their rows are gone.
                self._add_vectors_after(self._vectors, self._vectors_top)
            return self._vectors

    def _open_vectors(self):
        from usearch.index import Index as VectorIndex

        count, top = self._db.execute("SELECT count(*), coalesce(max(n), 0) FROM documents").fetchone()
        if self._vectors_path.exists():
            try:
                restored = VectorIndex.restore(str(self._vectors_path))
            except Exception:  # a torn or foreign file is only a stale cache
                restored = None
            if restored is not None and len(restored) == count and (count == 0 or top in restored):
                self._vectors_top = top
                return restored
        index = VectorIndex(ndim=VECTOR_DIM, metric="cos", dtype="f16")
        self._add_vectors_after(index, 0)
        self._vectors_dirty = True
        return index

    def _add_vectors_after(self, index, after: int) -> None:
        """Add the stored vectors of rows numbered above ``after``, 10,000 at a time."""
        rows = self._db.execute("SELECT n, vector FROM documents WHERE n > ? ORDER BY n", (after,))
        while chunk := rows.fetchmany(10_000):
            index.add(np.array([n for n, _ in chunk], np.uint64), np.stack([np.frombuffer(b, np.float32) for _, b in chunk]))
            after = chunk[-1][0]
            self._vectors_dirty = True
        self._vectors_top = after

    def _update_vectors(self, new: list[tuple[int, np.ndarray]], removed: list[int]) -> None:
        if self._vectors is None:
            return  # opened lazily at the first query, from the committed BLOBs
        try:
            for n in removed:
                self._vectors.remove(n)
            if new:
                self._vectors.add(np.array([n for n, _ in new], np.uint64), np.stack([v for _, v in new]))
                self._vectors_top = max(self._vectors_top, new[-1][0])
            self._vectors_dirty = True
        except BaseException:
            self._vectors = None  # rebuilt from the database next time
            raise

    def _save_vectors(self) -> None:
        with self._lock:
            if self._vectors is None:
                self._vectors = self._open_vectors()
            if self._vectors_dirty:
                self._vectors.save(str(self._vectors_path))
                self._vectors_dirty = False

    # -- common text: how many archived articles hold each shingle (a cache, like the vectors)
    @property
    def _common_path(self) -> Path:
        return self.path.with_name(self.path.name + ".common.npy")

    def _stamp(self) -> str:
        count, top = self._db.execute("SELECT count(*), coalesce(max(n), 0) FROM documents").fetchone()
        return f"{count} {top}"

    def _common_text(self) -> CommonText:
        """The counts, loaded from beside the database or rebuilt from the texts when stale."""
        with self._lock:
            if self._common is None:
                stamp = self._stamp()
                try:
                    loaded = CommonText.load(self._common_path)
                    fresh = Path(f"{self._common_path}.stamp").read_text() == stamp
                except (OSError, ValueError):
                    loaded, fresh = None, False
                if loaded is not None and fresh:
                    self._common = CommonText(np.array(loaded.counts), loaded.n_docs)
                else:
                    self._common = CommonText.empty(COMMON_BUCKETS)
                    rows = self._db.execute("SELECT text FROM documents")
                    while chunk := rows.fetchmany(2_000):
                        self._common.add_counts(*count_batch([t for (t,) in chunk], COMMON_BUCKETS))
                    self._common_dirty = True
            return self._common

    def _update_common(self, added: list[str], removed: list[str]) -> None:
        if added:
            self._common.add_counts(*count_batch(added, COMMON_BUCKETS))
        if removed:
            docs, rows = count_batch(removed, COMMON_BUCKETS)
            self._common.add_counts(-docs, [(u, -c) for u, c in rows])
        self._common_dirty = True

    def _save_common(self) -> None:
        if self._common is None or not self._common_dirty:
            return
        stamp = self._stamp()
        if int(stamp.split()[0]) != self._common.n_docs:
            # Another process added or removed articles meanwhile: these counts miss them,
            # so no file claims to be current; the next open rebuilds from the texts.
            Path(f"{self._common_path}.stamp").unlink(missing_ok=True)
        else:
            self._common.save(self._common_path)
            Path(f"{self._common_path}.stamp").write_text(stamp)
        self._common_dirty = False

    def _prepared(self, doc: Document, id: str):
        """``doc`` prepared as a scan prepares it: furniture and template frames left out (blocks.common)."""
        from ..pipeline import prepare

        sketch = self._common_text()
        n = max(sketch.n_docs, 1)
        common, templated, frames = sketch.left_out(doc.text, common_threshold(n), template_threshold(n), frame_threshold(n))
        return prepare(doc, id, common=common, templated=templated, frames=frames)

    # -- querying
    def candidates(self, doc: Document | str, *, lsh: int = 100, neighbours: int = 20) -> list[Candidate]:
        """Cheap candidates for ``doc``, most promising first; no full comparison runs here.

        ``lsh`` caps the band-lookup hits (those sharing most bands first) and
        ``neighbours`` the nearest document vectors.
        """
        doc = as_document(doc)
        sigs, vecs = fingerprints([doc.text])
        sig, vec = sigs[0], vecs[0]
        keys = [int(k) for k in band_keys(sigs)[0]]
        found: dict[int, set[str]] = {}
        with self._lock:
            # Ranking by the number of shared bands keeps boilerplate-only hits at the back.
            rows = self._db.execute(
                f"SELECT n FROM bands WHERE key IN ({','.join('?' * len(keys))}) "
                "GROUP BY n ORDER BY count(*) DESC LIMIT ?",
                (*keys, lsh),
            ).fetchall()
            for (n,) in rows:
                found.setdefault(n, set()).add("lsh")
            vindex = self._vector_index()
            if len(vindex) and vec.any():
                # HNSW is approximate and, built on several threads, not the same graph
                # twice: a small archive is searched exactly (a few ms at EXACT_UP_TO).
                hits = vindex.search(vec, min(neighbours, len(vindex)), exact=len(vindex) <= EXACT_UP_TO)
                for n in hits.keys:
                    found.setdefault(int(n), set()).add("vector")
            if not found:
                return []
            ns = list(found)
            stored = self._db.execute(
                f"SELECT n, id, minhash, vector FROM documents WHERE n IN ({','.join('?' * len(ns))})", ns
            ).fetchall()
        # Row 0 is the query; row k + 1 the k-th stored candidate.
        sigs = np.stack([sig, *(np.frombuffer(blob, np.uint32) for _, _, blob, _ in stored)])
        jaccards = jaccard_estimate(sigs, [(0, k + 1) for k in range(len(stored))])
        scored = []
        for (n, doc_id, _, vec_blob), j in zip(stored, jaccards):
            cos = float(np.dot(vec, np.frombuffer(vec_blob, np.float32)))
            scored.append(Candidate(doc_id, float(j), cos, tuple(sorted(found[n]))))
        scored.sort(key=lambda c: (-(c.jaccard + c.cosine), c.id))
        return scored

    def clusters(self, *, min_jaccard: float = DUPLICATE_JACCARD, max_bucket: int = MAX_BUCKET) -> list[dict[str, Any]]:
        """The archive's groups of near copies and close rewrites, largest first.

        Articles sharing an LSH band whose MinHash estimate of shingle Jaccard
        reaches ``min_jaccard`` are linked; the connected groups of two or more
        are the clusters (as :func:`copytrace.scan` finds them without
        alignment). Each: ``{"cluster", "size", "members", "root"}``, where
        ``root`` is the earliest-published member (the smallest id when no
        time is known). The band table is read once: seconds at 100k articles.
        """
        with self._lock:
            buckets = self._db.execute(
                "SELECT group_concat(n) FROM bands GROUP BY key HAVING count(*) BETWEEN 2 AND ?", (max_bucket,)
            ).fetchall()
            pairs = {(a, b) for (members,) in buckets
                     for a, b in combinations(sorted(int(x) for x in members.split(",")), 2)}
            ns = sorted({n for p in pairs for n in p})
            rows: dict[int, tuple] = {}
            for chunk in range(0, len(ns), 900):  # SQLite's bound-variable limit
                part = ns[chunk : chunk + 900]
                for n, doc_id, sig, published in self._db.execute(
                    f"SELECT n, id, minhash, published_at FROM documents WHERE n IN ({','.join('?' * len(part))})", part
                ):
                    rows[n] = (doc_id, np.frombuffer(sig, np.uint32), published)
        ordered = sorted(pairs)
        row_of = {n: i for i, n in enumerate(ns)}
        sigs = np.stack([rows[n][1] for n in ns]) if ns else np.zeros((0, NUM_PERM), np.uint32)
        jaccards = jaccard_estimate(sigs, [(row_of[a], row_of[b]) for a, b in ordered])
        linked = [(rows[a][0], rows[b][0]) for (a, b), j in zip(ordered, jaccards) if j >= min_jaccard]
        ids = sorted({x for pair in linked for x in pair})  # linked articles only: every group has two or more
        published = {doc_id: when for doc_id, _, when in rows.values()}
        return [{"cluster": k, "size": len(members), "members": members, "root": root(members, [], published)}
                for k, members in enumerate(find_clusters(ids, linked))]

    def links(self, ids: list[str], *, min_jaccard: float = DUPLICATE_JACCARD) -> list[tuple[str, str, float]]:
        """Every pair among ``ids`` whose MinHash estimate of shingle Jaccard reaches ``min_jaccard``.

        ``(a, b, jaccard)`` with ``a < b``: the links inside one of :meth:`clusters`
        (all pairs, not only those sharing a band), for its story map.
        """
        sigs: dict[str, np.ndarray] = {}
        with self._lock:
            for chunk in range(0, len(ids), 900):  # SQLite's bound-variable limit
                part = ids[chunk : chunk + 900]
                for doc_id, blob in self._db.execute(
                    f"SELECT id, minhash FROM documents WHERE id IN ({','.join('?' * len(part))})", part
                ):
                    sigs[doc_id] = np.frombuffer(blob, np.uint32)
        names = sorted(sigs)
        if len(names) < 2:
            return []
        matrix = np.stack([sigs[n] for n in names])
        out = []
        for start in range(0, len(names), 64):  # 64 rows at a time: memory stays small for large clusters
            same = (matrix[start : start + 64, None, :] == matrix[None, :, :]).mean(axis=2)
            for i, j in zip(*np.nonzero(same >= min_jaccard)):
                a = start + int(i)
                if a < j:
                    out.append((names[a], names[int(j)], round(float(same[i, j]), 4)))
        return out

    def query(
        self,
        doc: Document | str,
        limit: int = 10,
        *,
        min_jaccard: float = MIN_JACCARD,
        min_cosine: float = MIN_COSINE,
        max_compare: int = 20,
        paraphrase: bool = True,
        include_non: bool = False,
    ) -> list[Match]:
        """Indexed articles that ``doc`` reuses or that reuse it, best first.

        A candidate goes through the full comparison when its estimated shingle
        Jaccard reaches ``min_jaccard`` or its vector cosine ``min_cosine`` (at most
        ``max_compare`` of them); those judged "non" derived are left out unless
        ``include_non``.
        """
        # the pipeline; imported here so the index loads without the model
        from ..pipeline import compare_prepared

        doc = as_document(doc)
        # Text in many archived articles (furniture, template frames) counts in no score.
        mine = self._prepared(doc, "a")
        matches = []
        chosen = [c for c in self.candidates(doc) if c.jaccard >= min_jaccard or c.cosine >= min_cosine]
        for cand in chosen[:max_compare]:
            other = self.get(cand.id)
            if other is None:  # removed meanwhile by another writer
                continue
            theirs = self._prepared(other, "b")
            comparison = compare_prepared(mine, theirs, paraphrase=paraphrase, model=self.model,
                                          verdict_model=self.verdict_model)
            if include_non or comparison.verdict.label != "non":
                matches.append(Match(other, comparison, cand.via))
        matches.sort(key=lambda m: (-m.score, m.document.id))
        return matches[:limit]


# --- rows ---------------------------------------------------------------------------

def _progress(enabled: bool, what: str):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(desc=what, unit=" articles", leave=False)


def _connect(path: Path) -> sqlite3.Connection:
    """The archive's connection in WAL mode, its tables created if new.

    Another process's write transaction is waited for (a batch commits in well
    under a minute), not answered with "database is locked". Switching a new
    file to WAL while another process does the same can report "locked"
    without waiting (SQLite does not call the busy handler there), so the
    opening is tried again until ``BUSY_TIMEOUT``.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable per transaction
            db.executescript(SCHEMA)
            return db
        except BaseException as exc:
            db.close()
            locked = isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)
            if not locked or time.monotonic() > deadline:
                raise
            time.sleep(0.05)

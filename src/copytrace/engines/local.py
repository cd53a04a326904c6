"""The local engine: a process pool on this machine, no server.

>>> from copytrace.engines.local import LocalEngine
>>> engine = LocalEngine(processes=2)   # doctest: +SKIP
"""
from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Iterator

import numpy as np
from tqdm import tqdm

from ..corpus import spool
from ..corpus.align import align_task
from ..blocks.candidates import lsh_pairs
from ..blocks.common import CommonText, count_batch
from ..blocks.fingerprint import STATIC_DIMS, NUM_PERM
from ..corpus.fingerprint_stage import fingerprint_batch, gather_anchors
from .collector import fewer_collections
from .threads import one_thread, one_torch_thread

_ALIGN_OPTIONS: dict = {}


def _init_worker(paraphrase: bool, floor: float, verdict_model: str | None) -> None:
    global _ALIGN_OPTIONS
    _ALIGN_OPTIONS = {"paraphrase": paraphrase, "floor": floor, "verdict_model": verdict_model}
    # Ctrl-C reaches the whole process group; only the parent handles it, and it
    # terminates the pool — a worker dying mid-task would leave imap waiting forever.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Torch is not imported here (it would cost every fingerprinting worker seconds for
    # nothing); one_thread sets the variables it reads when alignment first imports it.
    one_thread()
    fewer_collections()


def _fingerprint(job: tuple[list[int], list[str], bool, dict | None]):
    return fingerprint_batch(*job)


def _count_common(texts: list[str]):
    return count_batch(texts)


def _align(line: str) -> list[dict]:
    results = align_task(json.loads(line), **_ALIGN_OPTIONS)
    one_torch_thread()  # in case a library set torch's threads when the sentence model loaded
    return results


class LocalEngine:
    name = "local"

    def __init__(self, processes: int | None = None, paraphrase: bool = True, floor: float = 0.5,
                 verdict_model: str | None = None):
        self.processes = processes or os.cpu_count() or 1
        self.paraphrase = paraphrase
        self.floor = floor
        self.verdict_model = verdict_model
        self._pool = None

    def _pool_(self):
        if self._pool is None:
            import multiprocessing

            # forkserver, not fork: a process that already runs torch, tokenizer or
            # server threads (a notebook, the server, a test session) can deadlock
            # a forked child on a lock some thread held at the fork.
            self._pool = multiprocessing.get_context("forkserver").Pool(
                self.processes, _init_worker, (self.paraphrase, self.floor, self.verdict_model)
            )
        return self._pool

    def fingerprint(self, spool_path: Path, keep: np.ndarray, semantic: bool, progress: bool = True,
                    common: dict | None = None):
        n = int(keep.sum())
        position = np.cumsum(keep) - 1  # row -> position among kept rows
        sig = np.zeros((n, NUM_PERM), dtype=np.uint32)
        vec = np.zeros((n, STATIC_DIMS), dtype=np.float16) if semantic else None
        jobs = ((rows, texts, semantic, common) for rows, texts in spool.batches(spool_path, keep, size=500))
        held, anchors = [], []
        figures: dict[int, np.ndarray] = {}  # templated reports only: a minority of most corpora
        with tqdm(total=n, desc="fingerprint", unit="doc", disable=not progress) as bar:
            for rows, s, v, a, f in self._pool_().imap(_fingerprint, jobs):
                at = position[rows]
                sig[at] = s
                if vec is not None:
                    vec[at] = v
                if a is not None:
                    held += [np.full(len(h), p, dtype=np.int64) for p, h in zip(at.tolist(), a)]
                    anchors += a
                    figures.update((p, h) for p, h in zip(at.tolist(), f) if len(h))
                bar.update(len(rows))
        # The workers' caches (word hashes, the static model's sentence vectors: ~0.7 GB for two
        # workers at 300k BBC articles) would sit idle under the candidate search, the scan's peak.
        self.close()
        return sig, vec, (gather_anchors(held, anchors) if common is not None else None), figures

    def common(self, spool_path: Path, keep: np.ndarray, progress: bool = True) -> CommonText:
        """Document frequencies of the corpus's shingles (:mod:`copytrace.blocks.common`)."""
        sketch = CommonText.empty()
        jobs = (texts for _, texts in spool.batches(spool_path, keep, size=500))
        with tqdm(total=int(keep.sum()), desc="common text", unit="doc", disable=not progress) as bar:
            for docs, rows in self._pool_().imap(_count_common, jobs):
                sketch.add_counts(docs, rows)
                bar.update(docs)
        return sketch

    def lsh(self, sig: np.ndarray) -> np.ndarray:
        return lsh_pairs(sig)

    def align(self, tasks_file: Path, n_tasks: int, progress: bool = True) -> Iterator[dict]:
        with open(tasks_file) as lines, tqdm(total=n_tasks, desc="align", unit="task", disable=not progress) as bar:
            for results in self._pool_().imap_unordered(_align, lines):
                bar.update(1)
                yield from results
        # The workers' caches (prepared articles, sentence vectors: ~0.7 GB a worker on 100k BBC
        # articles) serve this stage only; the views start a fresh pool (the model loads in ~0.5 s).
        self.close()

    def imap(self, fn, items):
        """``map`` on the workers, in order (``fn`` a module-level function)."""
        return self._pool_().imap(fn, items)

    def close(self, *, abort: bool = False) -> None:
        if self._pool is not None:
            if abort:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None

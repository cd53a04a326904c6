"""The Spark engine: the same stage functions as PySpark jobs.

On this machine ``master="local[2]"``; on a cluster any master URL, with
copytrace installed on every worker (``pip install copytrace[spark]``) and the
output directory on storage all nodes see. From a shell, with ``job.py`` holding
``copytrace.scan("/shared/corpus", "/shared/scan-out", engine="spark")``::

    spark-submit --master spark://head:7077 job.py

The driver reads the corpus once into the Parquet spool (the one reader, with
its rejects); Spark fingerprints the spool, groups LSH band keys with
``groupByKey`` and aligns the candidate tasks. Nearest neighbours over the
document vectors run on the driver (usearch), as does clustering.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Iterator

import numpy as np
from tqdm import tqdm

from ..corpus.align import align_task
from ..blocks.candidates import MAX_BUCKET, band_keys, bucket_pairs, unique_pairs
from ..blocks.common import CommonText, count_batch
from ..blocks.fingerprint import NUM_PERM, STATIC_DIMS
from ..corpus.fingerprint_stage import fingerprint_batch, gather_anchors
from ..errors import InputError

BATCH = 500


def _fingerprint_partition(rows_iter, keep, semantic: bool, common: dict | None = None):
    keep_rows = keep.value
    rows, texts = [], []

    def flush():
        r, s, v, a = fingerprint_batch(rows, texts, semantic, common)
        for k, row in enumerate(r):
            yield (row, s[k].tobytes(), (v[k].astype(np.float16).tobytes() if v is not None else b""),
                   (a[k].tobytes() if a is not None else b""))

    for rec in rows_iter:
        if not keep_rows[rec["row"]]:
            continue
        rows.append(rec["row"])
        texts.append(rec["text"])
        if len(rows) >= BATCH:
            yield from flush()
            rows, texts = [], []
    if rows:
        yield from flush()


def _count_partition(rows_iter, keep):
    keep_rows = keep.value
    texts = [rec["text"] for rec in rows_iter if keep_rows[rec["row"]]]
    docs, rows = count_batch(texts)
    yield docs, [(u.tobytes(), c.tobytes()) for u, c in rows]


def _band_keys(item):
    position, sig_bytes = item
    keys = band_keys(np.frombuffer(sig_bytes, dtype=np.uint32)[None, :])[0]
    return [(int(k), position) for k in keys.tolist()]


def _align_partition(lines, paraphrase: bool, floor: float, verdict_model: str | None):
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    for line in lines:
        yield from align_task(json.loads(line), paraphrase=paraphrase, floor=floor, verdict_model=verdict_model)


class SparkEngine:
    name = "spark"

    def __init__(self, master: str | None = None, paraphrase: bool = True, floor: float = 0.5,
                 verdict_model: str | None = None):
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise InputError("--engine spark", "PySpark is not installed (pip install copytrace[spark])") from None
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        self.paraphrase = paraphrase
        self.floor = floor
        self.verdict_model = verdict_model
        builder = SparkSession.builder.appName("copytrace-scan")
        if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
            master = "local[2]"  # not under spark-submit, which passes its own --master
        if master:
            builder = builder.master(master)
        self.spark = (
            builder.config("spark.ui.enabled", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.driver.memory", os.environ.get("COPYTRACE_SPARK_DRIVER_MEMORY", "4g"))
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        self._fingerprints = None

    def fingerprint(self, spool_path: Path, keep: np.ndarray, semantic: bool, progress: bool = True,
                    common: dict | None = None):
        sc = self.spark.sparkContext
        keep_b = sc.broadcast(keep)
        position = np.cumsum(keep) - 1
        position_b = sc.broadcast(position)
        parts = max(2, 2 * sc.defaultParallelism, int(keep.sum()) // 20_000)
        df = self.spark.read.parquet(str(spool_path)).select("row", "text").repartition(parts)
        rdd = df.rdd.map(lambda r: r.asDict()).mapPartitions(lambda it: _fingerprint_partition(it, keep_b, semantic, common))
        n = int(keep.sum())
        sig = np.zeros((n, NUM_PERM), dtype=np.uint32)
        vec = np.zeros((n, STATIC_DIMS), dtype=np.float16) if semantic else None
        # Keep (position, signature) in Spark for the LSH job.
        self._fingerprints = rdd.map(lambda t: (int(position_b.value[t[0]]), t[1], t[2], t[3])).cache()
        held, anchors = [], []
        with tqdm(total=n, desc="fingerprint (spark)", unit="doc", disable=not progress) as bar:
            for pos, s, v, a in self._fingerprints.toLocalIterator(prefetchPartitions=True):
                sig[pos] = np.frombuffer(s, dtype=np.uint32)
                if vec is not None:
                    vec[pos] = np.frombuffer(v, dtype=np.float16)
                if a:
                    anchors.append(np.frombuffer(a, dtype=np.uint64))
                    held.append(np.full(len(anchors[-1]), pos, dtype=np.int64))
                bar.update(1)
        return sig, vec, (gather_anchors(held, anchors) if common is not None else None)

    def common(self, spool_path: Path, keep: np.ndarray, progress: bool = True) -> CommonText:
        """Document frequencies of the corpus's shingles, summed per partition on the executors."""
        sc = self.spark.sparkContext
        keep_b = sc.broadcast(keep)
        parts = max(2, 2 * sc.defaultParallelism, int(keep.sum()) // 20_000)
        df = self.spark.read.parquet(str(spool_path)).select("row", "text").repartition(parts)
        sketch = CommonText.empty()
        partial = df.rdd.map(lambda r: r.asDict()).mapPartitions(lambda it: _count_partition(it, keep_b))
        for docs, rows in partial.toLocalIterator():
            sketch.add_counts(docs, [(np.frombuffer(u, dtype=np.int64), np.frombuffer(c, dtype=np.int64))
                                     for u, c in rows])
        return sketch

    def lsh(self, sig: np.ndarray) -> np.ndarray:
        if self._fingerprints is None:
            fp = self.spark.sparkContext.parallelize([(i, s.tobytes()) for i, s in enumerate(sig)])
        else:
            fp = self._fingerprints
        pairs = (
            fp.map(lambda t: (t[0], t[1]))
            .flatMap(_band_keys)
            .groupByKey()
            .flatMap(lambda kv: bucket_pairs(list(kv[1]), MAX_BUCKET))
            .distinct()
            .collect()
        )
        return unique_pairs(pairs)

    def align(self, tasks_file: Path, n_tasks: int, progress: bool = True) -> Iterator[dict]:
        if n_tasks == 0:
            return
        sc = self.spark.sparkContext
        paraphrase, floor, verdict_model = self.paraphrase, self.floor, self.verdict_model
        lines = sc.textFile(str(tasks_file), minPartitions=max(2, min(n_tasks, 4 * sc.defaultParallelism)))
        results = lines.mapPartitions(lambda it: _align_partition(it, paraphrase, floor, verdict_model))
        # collect, not toLocalIterator: that would run the partitions one at a time.
        # Spark's own console bar shows progress; results are small dicts.
        yield from results.collect()

    def close(self, *, abort: bool = False) -> None:
        if self._fingerprints is not None:
            self._fingerprints.unpersist()
            self._fingerprints = None
        self.spark.stop()

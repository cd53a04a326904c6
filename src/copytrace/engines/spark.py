"""The Spark engine: every stage that runs over the whole corpus is a PySpark job.

On this machine ``master="local[2]"``; on a cluster any master URL, with
copytrace installed on every worker (``pip install copytrace[spark]``) and the
output directory on storage all nodes see. From a shell, with ``job.py`` holding
``copytrace.scan("/shared/corpus", "/shared/scan-out", engine="spark")``::

    spark-submit --master spark://head:7077 job.py

What runs where (the scan's order is :func:`copytrace.corpus.scan_spark.scan_on_spark`):

- **read** — large uncompressed JSONL files through Spark's text reader and large Parquet files
  through its Parquet reader, in splits; other files one task each
  (:func:`copytrace.blocks.read.read_file`); every record validated by the local reader's
  code, so the same records and rejects; Spark sets later records of a
  seen id aside (a window over the id, first file then first line wins) and writes
  the spool as a Parquet directory;
- **exact** — ``groupBy`` on the text key; only the groups of copies reach the driver;
- **common**, **fingerprint** — ``mapPartitions`` over the kept documents; the
  fingerprints (signature, vector, anchors) stay in a Parquet directory;
- **candidates** — LSH band keys and anchors grouped with ``groupByKey``; nearest
  neighbours searched exactly inside the buckets of a random-hyperplane LSH
  (:func:`copytrace.blocks.candidates.hyperplane_keys`, approximate like the local
  engine's HNSW index); the Jaccard estimate and the filter by a join on the
  signatures; only the candidates to align reach the driver;
- **align** — tasks built by a join of the planned pairs with the spool, judged on the executors;
- **cluster** — connected components by iterated min-label propagation over the reuse pairs;
  the articles in no pair (clusters of one) are streamed from Spark in id order
  into the output files.

The driver holds the pairs, the clusters of two or more and a fixed-size
common-shingle table (128 MB), never an array over every document.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from ..blocks.candidates import (HYPERPLANE_TABLES, MAX_BUCKET, MIN_ANCHORS, band_keys, bucket_neighbours, bucket_pairs, group_pairs,
                                 hyperplane_bits, hyperplane_keys, nearest_of, text_key)
from ..blocks.common import CommonText, count_batch
from ..blocks.fingerprint import STATIC_DIMS
from ..blocks.read import (Reject, corpus_files, duplicate_reason, jsonl_line, jsonl_record, kind_of, read_file,
                           record, where)
from ..corpus.align import align_task, make_task
from ..corpus.spool import to_document
from ..corpus.steps import SOURCES
from ..corpus.fingerprint_stage import COMMON_FIGURE_DOCS, common_figures, filed_twice, fingerprint_batch
from ..errors import InputError
from .collector import fewer_collections
from .threads import one_thread

BATCH = 500
COMMON_PART_DOCS = 250  # articles a partition of the common-text count holds (see SparkEngine.common)
ROW_LINE_BITS = 40  # a spool row is (file number << 40) + line: read order, without numbering the corpus
SPLIT_BYTES = 64 << 20  # an uncompressed JSONL file this large is read in splits by Spark's text reader
SPLIT_MAX: int | None = None  # bytes per split (Hadoop's default when None); tests set it to force many splits
LATE = 1 << 62
ROW_INDEX = "_copytrace_row_index"  # sorts a file's own reject (line unknown) after its records' rejects


def _read_files(files: Iterable[tuple[int, str, str]]):
    for fi, file, rel in files:
        for item in read_file(Path(file), Path(rel)):
            yield _read_row(fi, file, item)


def _read_lines(lines: Iterable[tuple[str, int]], fi: int, file: str):
    """Lines of one JSONL file as Spark's text reader splits it: ``(text, index from 0)``."""
    for text, index in lines:
        # Spark decodes each line as UTF-8 with replacement and drops its newline; a line
        # where it replaced something, or that is not JSON (the error names a position), is
        # read again as the local reader sees it, so a bad record gets the same reject.
        line = index + 1
        if "\ufffd" in text:
            item = jsonl_record(jsonl_line(file, line), file, line)
        else:
            item = jsonl_record(text.encode("utf-8") + b"\n", file, line)
            if isinstance(item, Reject) and item.reason.startswith("malformed JSON"):
                item = jsonl_record(jsonl_line(file, line), file, line)
        if item is not None:
            yield _read_row(fi, file, item)


def _read_parquet_rows(rows, fi: int, file: str):
    """Rows of one Parquet file as Spark's reader splits it (by row group), numbered from 1 as pyarrow's are."""
    for r in rows:
        d = r.asDict()
        yield _read_row(fi, file, record(d, file, d.pop(ROW_INDEX) + 1))


def _read_row(fi: int, file: str, item) -> tuple:
    if isinstance(item, Reject):
        return (fi, item.line, item.id, None, None, None, None, None, None, None, item.reason, item.file)
    return (fi, item.meta.get("_line"), item.id, item.text, item.title, item.outlet, item.url,
            item.published_at.isoformat() if item.published_at else None, item.content_hash,
            text_key(item.text), None, file)


def _split_conf() -> dict[str, str]:
    conf = {"textinputformat.record.delimiter": "\n"}  # as Python splits lines: a lone \r is no line end
    if SPLIT_MAX:
        conf["mapreduce.input.fileinputformat.split.maxsize"] = str(SPLIT_MAX)
    return conf


def _splittable(file: str) -> str | None:
    """How Spark's own readers read a file in parallel splits — ``"jsonl"`` (a large, readable,
    uncompressed JSONL file) or ``"parquet"`` (a large Parquet file with a text column and plain
    columns, which Spark returns as pyarrow does) — or ``None``: one task, the local reader's code."""
    path = Path(file)
    kind = kind_of(path)
    try:
        if kind not in ("jsonl", "parquet") or not os.access(path, os.R_OK) or path.stat().st_size < SPLIT_BYTES:
            return None
    except OSError:
        return None
    if kind == "jsonl":
        return None if path.name.lower().endswith(".gz") else "jsonl"
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.ParquetFile(path).schema_arrow  # the footer only
    except Exception:  # a corrupt file: the local reader names the problem
        return None
    plain = all(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_boolean(t) or pa.types.is_floating(t)
                or (pa.types.is_integer(t) and not pa.types.is_unsigned_integer(t)) for t in schema.types)
    return "parquet" if plain and "text" in schema.names and ROW_INDEX not in schema.names else None


def _fingerprint_partition(records, semantic: bool, common: dict | None = None):
    one_thread()
    rows, texts = [], []

    def flush():
        r, s, v, a, f = fingerprint_batch(rows, texts, semantic, common)
        for k, row in enumerate(r):
            yield (int(row), s[k].tobytes(), (v[k].astype(np.float16).tobytes() if v is not None else None),
                   (a[k].astype(np.uint64).tobytes() if a is not None else None),
                   (f[k].tobytes() if f is not None else None))

    for row, text in records:
        rows.append(row)
        texts.append(text)
        if len(rows) >= BATCH:
            yield from flush()
            rows, texts = [], []
    if rows:
        yield from flush()


def _count_partition(texts):
    one_thread()
    docs, rows = count_batch(list(texts))
    yield docs, [(u.tobytes(), c.tobytes()) for u, c in rows]


def _band_keys(item):
    row, sig_bytes = item
    keys = band_keys(np.frombuffer(sig_bytes, dtype=np.uint32)[None, :])[0]
    return [(int(k), row) for k in keys.tolist()]


def _filed_twice(fa: bytes | None, fb: bytes | None, common: np.ndarray) -> bool:
    return filed_twice(np.frombuffer(fa or b"", dtype=np.uint64), np.frombuffer(fb or b"", dtype=np.uint64), common)


def _figures_held(item) -> list[tuple[int, int]]:
    return [(h, 1) for h in np.frombuffer(item[0] or b"", dtype=np.uint64).tolist()]


def _anchors(item):
    row, anchors = item
    return [(int(h), row) for h in np.frombuffer(anchors or b"", dtype=np.uint64).tolist()]


def _vector_sum(items):
    total, count = np.zeros(STATIC_DIMS, dtype=np.float64), 0
    for (v,) in items:
        total += np.frombuffer(v, dtype=np.float16)
        count += 1
    yield total, count


def _hyperplane_partition(items, bits: int, center: np.ndarray):
    items = list(items)
    if not items:
        return
    vectors = np.stack([np.frombuffer(v, dtype=np.float16) for _, v in items]).astype(np.float32)
    # A small corpus is one bucket: one exact search, not the same one per table.
    keys = hyperplane_keys(vectors, bits, tables=HYPERPLANE_TABLES if bits else 1, center=center)
    for (row, v), ks in zip(items, keys.tolist()):
        for k in ks:
            yield k, (row, v)


def _bucket(members):
    members = list(members)
    rows = [r for r, _ in members]
    vectors = np.stack([np.frombuffer(v, dtype=np.float16) for _, v in members]).astype(np.float32)
    return [(a, (b, s)) for a, b, s in bucket_neighbours(rows, vectors)]


def _estimate(sig_a: bytes, sig_b: bytes) -> float:
    """:func:`~copytrace.blocks.candidates.jaccard_estimate` of one pair."""
    return float((np.frombuffer(sig_a, dtype=np.uint32) == np.frombuffer(sig_b, dtype=np.uint32)).mean())


def _align_partition(lines, paraphrase: bool, floor: float, verdict_model: str | None):
    one_thread()
    fewer_collections()
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
        if os.environ.get("COPYTRACE_SPARK_PARTITIONS"):  # else Spark's own (adaptive execution coalesces them)
            builder = builder.config("spark.sql.shuffle.partitions", os.environ["COPYTRACE_SPARK_PARTITIONS"])
        self.spark = (
            builder.config("spark.ui.enabled", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.driver.memory", os.environ.get("COPYTRACE_SPARK_DRIVER_MEMORY", "4g"))
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        self.docs = self.kept = self.fp = None
        self.n_kept = 0

    def _parts(self, n: int) -> int:
        """Partitions for a job over ``n`` articles: every core busy, ~20,000 articles each at most."""
        return max(2, 2 * self.spark.sparkContext.defaultParallelism, n // 20_000)

    # --- read and exact copies ------------------------------------------------------------

    def read(self, source: Path, work: Path) -> tuple[int, list[Reject]]:
        """Read the corpus into the spool (``work/docs``); the number of documents and the rejects, in read order."""
        from pyspark.sql import Window, functions as F

        files = [(fi, str(f), str(rel)) for fi, (f, rel) in enumerate(corpus_files(source))]
        sc = self.spark.sparkContext
        schema = ("fi long, line long, id string, text string, title string, outlet string, url string, "
                  "published_at string, hash string, key string, reason string, file string")
        how = {fi: _splittable(file) for fi, file, _ in files}
        split = [f for f in files if how[f[0]]]
        whole = [f for f in files if not how[f[0]]]
        parts = []
        if whole:
            # One task per file (or a few files): compressed JSONL, CSV (a quoted field may span
            # lines), Parquet and text articles, each read by the local reader's own code.
            parts.append(sc.parallelize(whole, numSlices=max(1, min(len(whole), 4 * sc.defaultParallelism)))
                         .mapPartitions(_read_files))
        for fi, file, _ in split:
            if how[fi] == "parquet":
                rows = self.spark.read.parquet(file).select("*", F.col("_metadata.row_index").alias(ROW_INDEX))
                parts.append(rows.rdd.mapPartitions(lambda it, fi=fi, file=file: _read_parquet_rows(it, fi, file)))
                continue
            # zipWithIndex numbers the lines across the file's splits, in file order.
            lines = sc.newAPIHadoopFile(
                file, "org.apache.hadoop.mapreduce.lib.input.TextInputFormat", "org.apache.hadoop.io.LongWritable",
                "org.apache.hadoop.io.Text", conf=_split_conf()).values()
            parts.append(lines.zipWithIndex().mapPartitions(lambda it, fi=fi, file=file: _read_lines(it, fi, file)))
        rdd = sc.union(parts)
        self.spark.createDataFrame(rdd, schema).write.parquet(str(work / "read"))
        raw = self.spark.read.parquet(str(work / "read"))
        records = raw.filter(F.col("reason").isNull())
        # The first record read with an id wins: files in path order, then line order.
        ranked = records.withColumn("rank", F.row_number().over(
            Window.partitionBy("id").orderBy(F.col("fi"), F.col("line").asc_nulls_first())))
        kept = ranked.filter(F.col("rank") == 1)
        rejects = [(r.fi, r.line, Reject(r.file, r.line, r.reason, r.id))
                   for r in raw.filter(F.col("reason").isNotNull()).select("fi", "line", "file", "reason", "id").collect()]
        first = kept.select("id", F.col("file").alias("kept_file"), F.col("line").alias("kept_line"),
                            F.col("hash").alias("kept_hash"))
        for r in ranked.filter(F.col("rank") > 1).join(first, "id").select(
                "fi", "line", "file", "id", "hash", "kept_file", "kept_line", "kept_hash").collect():
            reason = duplicate_reason(r.id, r.hash, where(r.kept_file, r.kept_line), r.kept_hash)
            rejects.append((r.fi, r.line, Reject(r.file, r.line, reason, r.id)))
        rejects.sort(key=lambda x: (x[0], x[1] if x[1] is not None else LATE))
        row = F.col("fi") * F.lit(1 << ROW_LINE_BITS) + F.coalesce(F.col("line"), F.lit(0))
        kept.select(row.alias("row"), "id", "text", "title", "outlet", "url", "published_at", "key") \
            .write.parquet(str(work / "docs"))
        self.docs = self.spark.read.parquet(str(work / "docs"))
        return self.docs.count(), [r for _, _, r in rejects]

    def copies(self) -> list[tuple[str, int, str, str | None]]:
        """``(text key, row, id, published_at)`` of every document whose text another one has too."""
        from pyspark.sql import functions as F

        shared = self.docs.groupBy("key").count().filter(F.col("count") > 1).select("key")
        return [tuple(r) for r in self.docs.join(shared, "key").select("key", "row", "id", "published_at").collect()]

    def keep(self, dropped: list[int]) -> int:
        """Leave the rows ``dropped`` (copies of a representative) out of every later stage; the number kept."""
        if dropped:
            gone = self.spark.createDataFrame([(r,) for r in dropped], "row long")
            self.kept = self.docs.join(gone, "row", "left_anti")
        else:
            self.kept = self.docs
        self.n_kept = self.kept.count()
        return self.n_kept

    # --- common text and fingerprints -----------------------------------------------------

    def common(self, progress: bool = True) -> CommonText:
        """Document frequencies of the kept documents' shingles, summed per partition on the executors.

        Each partition's distinct shingles come to the driver to be added to the fixed-size
        table, one partition at a time, so partitions hold ``COMMON_PART_DOCS`` articles
        whatever the corpus size: the driver's peak does not grow with the corpus.
        """
        sketch = CommonText.empty()
        parts = max(self._parts(self.n_kept), -(-self.n_kept // COMMON_PART_DOCS))
        texts = self.kept.select("text").repartition(parts).rdd.map(lambda r: r[0])
        for docs, rows in texts.mapPartitions(_count_partition).toLocalIterator():
            sketch.add_counts(docs, [(np.frombuffer(u, dtype=np.int64), np.frombuffer(c, dtype=np.int64))
                                     for u, c in rows])
        return sketch

    def fingerprint(self, work: Path, semantic: bool, common: dict | None = None) -> None:
        """Signatures, vectors and anchors of the kept documents, into ``work/fp`` (nothing comes back)."""
        records = self.kept.select("row", "text").repartition(self._parts(self.n_kept)).rdd.map(tuple)
        rows = records.mapPartitions(lambda it: _fingerprint_partition(it, semantic, common))
        self.spark.createDataFrame(rows, "row long, sig binary, vec binary, anchors binary, figures binary").write.parquet(str(work / "fp"))
        self.fp = self.spark.read.parquet(str(work / "fp"))

    # --- candidates -------------------------------------------------------------------------

    def _lsh(self):
        return (self.fp.select("row", "sig").rdd.map(tuple).flatMap(_band_keys).groupByKey(self._parts(self.n_kept))
                .flatMap(lambda kv: bucket_pairs(list(kv[1]), MAX_BUCKET)).distinct())

    def _anchor(self):
        return (self.fp.select("row", "anchors").rdd.map(tuple).flatMap(_anchors).groupByKey(self._parts(self.n_kept))
                .flatMap(lambda kv: [(p, 1) for p in group_pairs(list(kv[1]))]).reduceByKey(lambda a, b: a + b)
                .filter(lambda kv: kv[1] >= MIN_ANCHORS).keys())

    def _ann(self):
        from pyspark.sql import functions as F

        bits = hyperplane_bits(self.n_kept)
        # Templated reports stay out, as in the local scan (corpus.scan._neighbours).
        plain = self.fp.filter(F.col("figures").isNull() | (F.length("figures") == 0))
        total, count = plain.select("vec").rdd.mapPartitions(_vector_sum).treeReduce(lambda x, y: (x[0] + y[0], x[1] + y[1]))
        center = (total / max(1, count)).astype(np.float32)  # the corpus's mean vector: 256 numbers
        return (plain.select("row", "vec").rdd.map(tuple).mapPartitions(lambda it: _hyperplane_partition(it, bits, center))
                .groupByKey(self._parts(self.n_kept)).flatMap(lambda kv: _bucket(kv[1])).groupByKey()
                .flatMap(lambda kv: [(min(kv[0], b), max(kv[0], b)) for b in nearest_of(kv[1])]).distinct())

    def candidates(self, lexical: bool, semantic: bool,
                   keep: Callable[[str, float], bool]) -> tuple[dict[str, int], list[tuple[int, int, str, float]]]:
        """Candidate pairs of kept rows: the count per source, in all and of template
        pairs (:func:`~copytrace.corpus.fingerprint_stage.filed_twice`, dropped), and those
        ``keep(via, estimate)`` accepts as ``(row_a, row_b, via, estimated shingle Jaccard)``, sorted."""
        from pyspark.sql import functions as F

        found = {}
        if lexical:
            found["lsh"] = self._lsh()
            found["anchor"] = self._anchor()
        if semantic:
            found["ann"] = self._ann()
        if not found:
            return {"total": 0}, []
        frames = [self.spark.createDataFrame(rdd.map(lambda p, n=name: (p[0], p[1], n)), "a long, b long, source string")
                  for name, rdd in found.items()]
        union = frames[0]
        for f in frames[1:]:
            union = union.unionByName(f)
        union = union.persist()
        counts = {name: n for name, n in union.groupBy("source").count().collect()}
        pairs = union.groupBy("a", "b").agg(F.collect_set("source").alias("sources"))
        total = pairs.count()
        # Figures too common to count (fingerprint_stage.common_figures): a few thousand hashes at most.
        held = (self.fp.select("figures").rdd.flatMap(_figures_held).reduceByKey(lambda x, y: x + y)
                .filter(lambda kv: kv[1] > COMMON_FIGURE_DOCS).collect())
        common = common_figures((np.array([h for h, _ in held], dtype=np.uint64), np.array([c for _, c in held])),
                                self.n_kept)
        sig_a = self.fp.select(F.col("row").alias("a"), F.col("sig").alias("sig_a"), F.col("figures").alias("fig_a"))
        sig_b = self.fp.select(F.col("row").alias("b"), F.col("sig").alias("sig_b"), F.col("figures").alias("fig_b"))
        judged = (pairs.join(sig_a, "a").join(sig_b, "b").rdd
                  .map(lambda r: (r.a, r.b, "+".join(s for s in SOURCES if s in r.sources), _estimate(r.sig_a, r.sig_b),
                                  _filed_twice(r.fig_a, r.fig_b, common)))
                  .persist())
        templates = judged.filter(lambda t: t[4]).count()
        picked = judged.filter(lambda t: not t[4] and keep(t[2], t[3])).map(lambda t: t[:4]).collect()
        judged.unpersist()
        union.unpersist()
        return {name: counts.get(name, 0) for name in found} | {"total": total, "template": templates}, sorted(picked)

    # --- alignment --------------------------------------------------------------------------

    def write_tasks(self, work: Path, tasks: list[list[tuple]], common: dict | None) -> Path:
        """The planned tasks with their documents, joined from the spool on the executors (``work/tasks``)."""
        from pyspark.sql import functions as F

        target = work / "tasks"
        sc = self.spark.sparkContext
        needed = self.spark.createDataFrame(
            [(t, r) for t, chunk in enumerate(tasks) for r in sorted({x for a, b, *_ in chunk for x in (a, b)})],
            "task long, row long")
        planned = sc.broadcast([[list(p) for p in chunk] for chunk in tasks])
        fields = ["row", "id", "text", "title", "outlet", "url", "published_at"]
        grouped = (needed.join(self.docs.select(*fields), "row")
                   .groupBy("task").agg(F.collect_list(F.struct(*fields)).alias("docs")))

        def task_json(r):
            docs = {d["row"]: to_document(d) for d in sorted((d.asDict() for d in r.docs), key=lambda d: d["row"])}
            return json.dumps(make_task(docs, planned.value[r.task], common))

        grouped.rdd.map(task_json).saveAsTextFile(str(target))
        return target

    def align(self, tasks_dir: Path, n_tasks: int, progress: bool = True) -> Iterator[dict]:
        if n_tasks == 0:
            return
        sc = self.spark.sparkContext
        paraphrase, floor, verdict_model = self.paraphrase, self.floor, self.verdict_model
        lines = sc.textFile(str(tasks_dir)).repartition(max(2, min(n_tasks, 4 * sc.defaultParallelism)))
        results = lines.mapPartitions(lambda it: _align_partition(it, paraphrase, floor, verdict_model))
        # collect, not toLocalIterator: that would run the partitions one at a time.
        # Spark's own console bar shows progress; results are small dicts, one per candidate.
        yield from results.collect()

    # --- lookups of the few documents the driver needs --------------------------------------

    def rows(self, rows: Iterable[int]) -> dict[int, tuple[str, str | None]]:
        """``row -> (id, published_at)`` for the given rows."""
        wanted = self.spark.createDataFrame([(r,) for r in set(rows)] or [(-1,)], "row long")
        return {r.row: (r.id, r.published_at) for r in self.docs.join(wanted, "row").select("row", "id", "published_at").collect()}

    def articles(self, ids: Iterable[str], columns: tuple[str, ...] = ("row", "id", "text", "title", "outlet", "url",
                                                                       "published_at")) -> list:
        """The spool records (Rows of ``columns``) of the given ids."""
        wanted = self.spark.createDataFrame([(i,) for i in set(ids)] or [("",)], "id string")
        return self.docs.join(wanted, "id").select(*columns).collect()

    def outlets(self) -> dict[str | None, int]:
        """Articles per outlet."""
        return {r.outlet: r["count"] for r in self.docs.groupBy("outlet").count().collect()}

    # --- clusters ---------------------------------------------------------------------------

    def components(self, edges: list[tuple[str, str]]) -> dict[str, str]:
        """Connected components of the reuse pairs: ``id -> label`` (the smallest id of its component),
        by min-label propagation: each article takes the smallest label among itself and its
        neighbours until no label changes."""
        from pyspark.sql import functions as F

        if not edges:
            return {}
        e = self.spark.createDataFrame(edges, "a string, b string")
        e = e.unionByName(e.select(F.col("b").alias("a"), F.col("a").alias("b"))).persist()
        labels = e.select(F.col("a").alias("node")).distinct().withColumn("label", F.col("node")).localCheckpoint()
        while True:
            heard = e.join(labels.withColumnRenamed("node", "b"), "b").select(F.col("a").alias("node"), "label")
            new = labels.unionByName(heard).groupBy("node").agg(F.min("label").alias("label")).localCheckpoint()
            changed = new.join(labels.withColumnRenamed("label", "old"), "node").filter(F.col("label") != F.col("old")).count()
            labels = new
            if not changed:
                break
        e.unpersist()
        return {r.node: r.label for r in labels.collect()}

    def singletons(self, clustered: Iterable[str]) -> Iterator[str]:
        """The ids in no cluster of two or more, in id order, streamed a partition at a time."""
        ids = self.docs.select("id")
        clustered = list(clustered)
        if clustered:
            ids = ids.join(self.spark.createDataFrame([(i,) for i in clustered], "id string"), "id", "left_anti")
        for r in ids.orderBy("id").toLocalIterator():
            yield r.id

    def close(self, *, abort: bool = False) -> None:
        self.spark.stop()

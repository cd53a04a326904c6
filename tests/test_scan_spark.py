"""The Spark engine (PySpark, local[2]) against the local engine on one corpus."""
import json
import random
from pathlib import Path

import pytest

from synthetic.generate import generate, read_sources, score
from copytrace.corpus.scan import scan

pytest.importorskip("pyspark")
DATA = Path(__file__).parent / "data"
PRECISION, RECALL, ARI = 0.9, 0.85, 0.85


def read_jsonl(path):
    return [json.loads(line) for line in open(path)]


@pytest.mark.slow
def test_spark_and_local_give_the_same_clusters(tmp_path):
    corpus = generate(read_sources(DATA / "bbc-sample.jsonl.gz")[:100], families=12, seed=8)
    src = corpus.write(tmp_path / "corpus")
    # Lexical alignment keeps the test quick; the pipeline is the same either way. Both engines'
    # neighbour searches are approximate in general (usearch's HNSW graph; Spark's exact search
    # inside random-hyperplane buckets). Under 2,000 kept articles Spark's is one bucket, an exact
    # search, which on this corpus finds the same neighbour candidates as usearch, so all
    # candidate sources and every output match; on a large corpus the two may differ a little.
    local = scan(src, tmp_path / "local", engine="local", paraphrase=False, processes=2, progress=False)
    spark = scan(src, tmp_path / "spark", engine="spark", master="local[2]", paraphrase=False, progress=False)
    assert spark.candidates == local.candidates
    local_clusters = read_jsonl(tmp_path / "local" / "clusters.jsonl")
    spark_clusters = read_jsonl(tmp_path / "spark" / "clusters.jsonl")
    assert spark_clusters == local_clusters
    assert read_jsonl(tmp_path / "spark" / "pairs.jsonl") == read_jsonl(tmp_path / "local" / "pairs.jsonl")
    pairs = read_jsonl(tmp_path / "spark" / "pairs.jsonl")
    got = score([(p["a"], p["b"]) for p in pairs], [c["members"] for c in spark_clusters], corpus)
    # Pairs whose comparison raised are listed in errors.jsonl and count as missed.
    assert got["precision"] >= PRECISION and got["recall"] >= RECALL and got["ari"] >= ARI, (got, spark.errors)
    assert (tmp_path / "spark" / "report.html").exists() and (tmp_path / "spark" / "pairs.parquet").exists()


def rate_reports(path: Path, n: int = 300) -> Path:
    """``n`` reports from one frame: the rate one of 20 values, the day one of two (a figure too
    common to count), the forecast new each time; half add an inflation figure. Two reports
    agreeing on the rate by chance keep 2 of 3 figures, but only 1 of 2 of the rarer ones."""
    rng = random.Random(0)
    banks = ["Central Bank of Egypt", "Bank of Korea", "Reserve Bank of India", "Bank of Ghana", "Bank of Chile"]
    with open(path, "w") as f:
        for k in range(n):
            rate, day = rng.choice([f"{v / 100:.2f}" for v in range(400, 420)]), rng.choice(["4", "17"])
            text = (f"{rng.choice(banks)} cut rate to {rate} pct\n\nThe {rng.choice(banks)} cut its benchmark "
                    f"interest rate to {rate} percent on June {day}, the bank said in a statement.\n\n"
                    f"Economists had forecast a rate of {rng.uniform(1, 12):.2f} percent.")
            if k % 2:
                text += f"\n\nInflation stood at {rng.uniform(1, 20):.1f} percent in May."
            f.write(json.dumps({"id": f"r{k}", "text": text}) + "\n")
    return path


@pytest.mark.slow
def test_spark_and_local_drop_the_same_template_pairs(tmp_path, monkeypatch):
    """Both engines set aside the same common figures (fingerprint_stage.common_figures) and so
    drop the same template pairs before alignment; without that rule fewer are dropped."""
    import copytrace.corpus.fingerprint_stage as stage

    src = rate_reports(tmp_path / "reports.jsonl")
    local = scan(src, tmp_path / "local", engine="local", align=False, semantic=False, processes=2, progress=False)
    spark = scan(src, tmp_path / "spark", engine="spark", master="local[2]", align=False, semantic=False,
                 progress=False)
    assert spark.candidates == local.candidates
    assert read_jsonl(tmp_path / "spark" / "pairs.jsonl") == read_jsonl(tmp_path / "local" / "pairs.jsonl")
    monkeypatch.setattr(stage, "COMMON_FIGURE_DOCS", 10**9)  # no figure common enough: the old rule
    old = scan(src, tmp_path / "old", engine="local", align=False, semantic=False, processes=2, progress=False)
    assert local.candidates["template"] > old.candidates["template"] + 100, (local.candidates, old.candidates)

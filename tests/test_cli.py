"""The copytrace command, run as a user runs it (a real subprocess)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

EXE = Path(sys.executable).parent / "copytrace"


def run(*args, cwd=None):
    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_compare_json(seed_paths):
    r = run("compare", *seed_paths, "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["a"]["id"] == "000" and d["b"]["id"] == "003"
    assert d["verdict"]["label"] == "partially"
    assert any(p["kind"] == "verbatim" for p in d["passages"])


def test_compare_text_to_file(seed_paths, tmp_path):
    out = tmp_path / "report.txt"
    r = run("compare", *seed_paths, "--format", "text", "--lexical", "-o", out)
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("000  ↔  003: partially derived")
    assert "No group will strike" in text and "What changed" in text


@pytest.mark.parametrize("content, problem", [(b"", "file is empty"), (b"\x00\x01\x00\x02", "binary"), (b"?! ...", "no words")])
def test_bad_input_is_one_line_and_exit_2(seed_paths, tmp_path, content, problem):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    r = run("compare", seed_paths[0], bad, "--lexical")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0
    assert str(bad) in r.stderr and problem in r.stderr and "Traceback" not in r.stderr


def test_missing_file(tmp_path, seed_paths):
    r = run("compare", seed_paths[0], tmp_path / "missing.txt")
    assert r.returncode == 2 and "no such file" in r.stderr


def test_many_pairs_in_one_run(seeds, tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("\n".join(json.dumps(d) for d in [
        {"id": "000", "text": seeds[0], "outlet": "Fox News"},
        {"id": "003", "text": seeds[1], "outlet": "The Dallas Express"},
        {"id": "x", "text": "A storm knocked out power to thousands of homes along the coast overnight."},
    ]) + "\n", encoding="utf-8")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"a": "000", "b": "003"}\n{"a": "000", "b": "x"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = run("compare", "--pairs", pairs, "--docs", docs, "-o", out)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["verdict"]["label"] for row in rows] == ["partially", "non"]
    assert rows[0]["credited"] is False  # 003 never names Fox News


def test_malformed_pairs_line_names_the_line(seeds, tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "000", "text": seeds[0]}) + "\n", encoding="utf-8")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"a": "000", "b": "000"}\n{"a": \n', encoding="utf-8")
    r = run("compare", "--pairs", pairs, "--docs", docs, "-o", tmp_path / "o.jsonl")
    assert r.returncode == 2 and f"{pairs}:2" in r.stderr and "malformed JSON" in r.stderr


def test_scan_prints_a_summary_or_json(seed_paths, tmp_path):
    corpus = seed_paths[0].parent  # the seed pair: one partially derived pair
    r = run("scan", corpus, "-o", tmp_path / "out", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["documents"] == 2 and d["pairs"] == 1 and d["labels"] == {"partially": 1} and d["clusters"] == 1
    assert Path(d["files"]["report.html"]).exists()

    r = run("scan", corpus, "-o", tmp_path / "out2", "--no-align")
    assert r.returncode == 0, r.stderr
    assert "ScanResult" not in r.stdout + r.stderr
    assert r.stdout.startswith("read 2 documents") and str(tmp_path / "out2" / "report.html") in r.stdout

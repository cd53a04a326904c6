"""copytrace fit: refit the verdict on labelled pairs, use it everywhere with --verdict-model."""
import json
from pathlib import Path

import pytest

from copytrace import compare
from copytrace.cli import main
from copytrace.errors import InputError
from copytrace.fit import read_labels
from copytrace.verdict import load_model

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "clough-stevenson"
VERDICT = {"cut": "wholly", "light": "partially", "heavy": "partially", "non": "non"}


def _labels(tmp_path, inline=True) -> Path:
    """The 19 task-a pairs of Clough-Stevenson as a labels file (texts inline, or ids)."""
    rows = [json.loads(line) for line in (SAMPLE / "pairs.jsonl").read_text().splitlines()]
    text = lambda name: (SAMPLE / "texts" / name).read_bytes().decode("utf-8", errors="replace")
    path = tmp_path / "labels.jsonl"
    with open(path, "w") as f:
        for r in rows:
            a, b = ({"id": r["a"], "text": text(r["a"])}, {"id": r["b"], "text": text(r["b"])}) if inline else (r["a"], r["b"])
            f.write(json.dumps({"a": a, "b": b, "label": VERDICT[r["label"]]}) + "\n")
    if not inline:
        with open(tmp_path / "docs.jsonl", "w") as f:
            for name in sorted({r["a"] for r in rows} | {r["b"] for r in rows}):
                f.write(json.dumps({"id": name, "text": text(name)}) + "\n")
    return path


@pytest.mark.slow
def test_fit_writes_a_model_that_compare_uses(tmp_path, capsys):
    labels = _labels(tmp_path)
    main(["fit", str(labels), "-o", str(tmp_path / "model.json"), "--folds", "3"])
    out = capsys.readouterr().out
    assert "3-fold cross-validation on 19 pairs" in out and "macro-F1" in out
    model = load_model(tmp_path / "model.json")
    assert model.info["cross_validated"]["n"] == 19
    # The refitted model judges a copy and an unrelated text as any verdict must.
    copy = (SAMPLE / "texts" / "orig_taska.txt").read_text(encoding="utf-8", errors="replace")
    assert compare(copy, copy, paraphrase=False, verdict_model=model).verdict.label != "non"
    main(["compare", str(SAMPLE / "texts" / "orig_taska.txt"), str(SAMPLE / "texts" / "g0pA_taska.txt"),
          "--format", "json", "--lexical", "--verdict-model", str(tmp_path / "model.json")])
    assert json.loads(capsys.readouterr().out)["verdict"]["label"] in ("wholly", "partially", "non")


def test_labels_by_id_with_docs(tmp_path):
    labels = _labels(tmp_path, inline=False)
    pairs = read_labels(labels, tmp_path / "docs.jsonl")
    assert len(pairs) == 19 and pairs[0].a.id == "orig_taska.txt" and pairs[0].a.text.strip()


@pytest.mark.parametrize("line, problem", [
    ("{oops", "labels.jsonl:2: not valid JSON"),
    ('{"a": "x", "b": "y", "label": "maybe"}', "labels.jsonl:2: label must be one of"),
    ('{"a": "x", "label": "non"}', "labels.jsonl:2: b must be"),
    ('{"a": "x", "b": "y", "label": "non", "direction": "sideways"}', "labels.jsonl:2: direction must be"),
])
def test_a_malformed_labels_file_names_the_line(tmp_path, line, problem):
    path = tmp_path / "labels.jsonl"
    path.write_text('{"a": "one text", "b": "another text", "label": "non"}\n' + line + "\n")
    with pytest.raises(InputError, match=problem) as info:
        read_labels(path)
    assert "\n" not in str(info.value)


def test_an_unknown_id_names_the_line(tmp_path):
    _labels(tmp_path, inline=False)
    path = tmp_path / "more.jsonl"
    path.write_text('{"a": "orig_taska.txt", "b": "nobody.txt", "label": "non"}\n')
    with pytest.raises(InputError, match="more.jsonl:1: b: no document with id 'nobody.txt'"):
        read_labels(path, tmp_path / "docs.jsonl")


def test_cli_rejects_a_bad_verdict_model_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", str(SAMPLE / "texts" / "orig_taska.txt"), str(SAMPLE / "texts" / "g0pA_taska.txt"),
              "--verdict-model", str(bad)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert str(bad) in err and "not a verdict model" in err and len(err.splitlines()) == 1

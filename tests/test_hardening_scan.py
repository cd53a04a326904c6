"""A scan under signals and faults (issue #13): it stops promptly and cleanly, and says so in one line."""
import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copytrace.errors import InputError

sys.path.insert(0, str(Path(__file__).parent))
from test_scan import small_corpus  # noqa: E402

EXE = Path(sys.executable).parent / "copytrace"


def _in_session(sid: int) -> list[int]:
    """Live processes of session ``sid``: the command and everything it started."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[3]) == sid:  # state, ..., session (man 5 proc)
                found.append(int(name))
    return found


def _default_sigint():
    # A test run in a background job starts with SIGINT ignored and children inherit
    # that; the command must see Ctrl-C as it does under a terminal.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _lines(stderr: str) -> list[str]:
    """stderr without the progress bars: the lines a person reads once the bars are done."""
    return [line for line in stderr.replace("\r", "\n").splitlines() if line.strip() and "|" not in line
            and not line.lstrip().startswith(("read:", "common text", "fingerprint", "align"))]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return small_corpus(seed=6, n_sources=200, families=40).write(tmp_path_factory.mktemp("corpus"))


@pytest.mark.slow
@pytest.mark.parametrize("signum, whom, code, message", [
    (signal.SIGINT, "group", 130, "copytrace: interrupted"),   # Ctrl-C in a terminal reaches the whole group
    (signal.SIGTERM, "command", 143, "copytrace: terminated"),  # kill PID reaches the command only
])
def test_a_signal_stops_the_scan_and_all_its_workers(tmp_path, corpus, signum, whom, code, message):
    out = tmp_path / "out"
    proc = subprocess.Popen([str(EXE), "scan", str(corpus), "-o", str(out), "--threshold", "0.05"],
                            stderr=subprocess.PIPE, start_new_session=True, preexec_fn=_default_sigint)
    seen = b""
    deadline = time.time() + 180
    # os.read returns what is there; wait until fingerprinting runs in the worker pool.
    while b"fingerprint" not in seen and time.time() < deadline and proc.poll() is None:
        seen += os.read(proc.stderr.fileno(), 4096)
    assert proc.poll() is None, seen.decode(errors="replace")
    workers = [p for p in _in_session(proc.pid) if p != proc.pid]
    assert len(workers) >= 2, "the pool should be running when the signal comes"
    (os.killpg if whom == "group" else os.kill)(proc.pid, signum)
    sent = time.time()
    rest = proc.communicate(timeout=60)[1]
    assert time.time() - sent < 15, "stopping took too long"
    assert proc.returncode == code
    stderr = (seen + rest).decode(errors="replace")
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert _lines(stderr) == [message], stderr
    # Nothing the scan started outlives it: workers, forkserver, resource tracker.
    deadline = time.time() + 10
    while _in_session(proc.pid) and time.time() < deadline:
        time.sleep(0.1)
    assert _in_session(proc.pid) == []
    # Nothing left that looks like output, and no spool filling the disk.
    assert sorted(p.name for p in out.iterdir()) == []


def test_an_early_ctrl_c_exits_130_without_a_traceback(tmp_path, corpus):
    """Ctrl-C while the command is still importing its libraries (before any progress)."""
    code = ("import os, signal, sys, threading; from copytrace.cli import main; "
            "threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start(); "
            f"main(['scan', {str(corpus)!r}, '-o', {str(tmp_path / 'out')!r}])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          preexec_fn=_default_sigint)
    assert proc.returncode == 130, proc.stderr
    assert "Traceback" not in proc.stderr
    assert _lines(proc.stderr) == ["copytrace: interrupted"]


def test_the_cli_starts_without_loading_the_pipeline():
    """Before main() is running, a Ctrl-C can only end in a traceback; that window holds no heavy import."""
    code = "import sys, copytrace.cli; print(sorted({'numpy', 'pyarrow', 'torch'} & set(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert proc.stdout.strip() == "[]"


# --- a full disk -------------------------------------------------------------------

def _tiny_corpus(path: Path, seeds) -> Path:
    a, b = seeds
    rows = [{"id": "a", "text": a}, {"id": "b", "text": b}, {"id": "a2", "text": a + " More text here."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_while_spooling_is_one_line_and_leaves_nothing(tmp_path, seeds, monkeypatch, capsys):
    from copytrace.cli import main
    from copytrace.corpus import spool

    monkeypatch.setattr(spool.SpoolWriter, "add", _no_space)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stop:
        main(["scan", str(_tiny_corpus(tmp_path / "c.jsonl", seeds)), "-o", str(out)])
    assert stop.value.code == 2
    assert _lines(capsys.readouterr().err) == [f"copytrace: error: {out}: cannot write: No space left on device"]
    assert list(out.iterdir()) == []  # no .work spool, no rejects.jsonl.tmp


def test_a_full_disk_while_writing_outputs_removes_the_partial_files(tmp_path, seeds, monkeypatch):
    from copytrace.corpus import scan as scan_mod

    def half_written(out, *args):
        (out / "pairs.jsonl.tmp").write_text('{"a": "a", "b"')
        _no_space()

    monkeypatch.setattr(scan_mod, "write_outputs", half_written)
    out = tmp_path / "out"
    with pytest.raises(InputError, match="No space left on device"):
        scan_mod.scan(_tiny_corpus(tmp_path / "c.jsonl", seeds), out, processes=1, paraphrase=False,
                      semantic=False, progress=False)
    assert list(out.iterdir()) == []


# --- two writers on one archive ----------------------------------------------------

@pytest.mark.slow
def test_two_concurrent_index_adds_of_one_corpus_lose_nothing_and_fail_nowhere(tmp_path):
    """Both processes fingerprint the same first batch at once and then race for the write lock."""
    import sqlite3

    corpus = small_corpus(seed=7, n_sources=200, families=40)
    src = corpus.write(tmp_path / "corpus")
    db = tmp_path / "archive.db"
    procs = [subprocess.Popen([str(EXE), "index", "add", str(src), "--db", str(db)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    for p, (_, err) in zip(procs, results):
        assert p.returncode == 0, err
        assert "Traceback" not in err and "IntegrityError" not in err and "locked" not in err, err
    added = [int(re.search(r"added (\d+), skipped (\d+)", err).group(1)) for _, err in results]
    skipped = [int(re.search(r"added (\d+), skipped (\d+)", err).group(2)) for _, err in results]
    with sqlite3.connect(db) as con:
        stored = dict(con.execute("SELECT id, text FROM documents"))
        bands = con.execute("SELECT count(DISTINCT n) FROM bands").fetchone()[0]
    n = len(corpus.records)
    assert sorted(stored) == sorted(r["id"] for r in corpus.records)
    # each article added by exactly one of the two and skipped by the other
    assert sum(added) == n and sum(skipped) == n, (added, skipped)
    assert bands == n  # every stored article is findable by LSH

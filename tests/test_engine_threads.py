"""Scan workers run one thread each (the engines already start one worker per core), and
collect garbage less often."""
import json
import operator
import os
import subprocess
import sys

from threadpoolctl import threadpool_info

from copytrace.engines.local import LocalEngine

_CHECK = """
import json, numpy
from threadpoolctl import threadpool_info
before = [p["num_threads"] for p in threadpool_info()]
from copytrace.engines.threads import one_thread
one_thread()
import torch
after = [p["num_threads"] for p in threadpool_info()]
print(json.dumps({"before": before, "after": after, "torch": torch.get_num_threads()}))
"""


def test_one_thread_limits_pools_loaded_before_it_and_after_it():
    # A fresh interpreter without thread variables: numpy sizes its BLAS pool at import,
    # before one_thread runs; torch is imported after it and reads the variables it set.
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", _CHECK], capture_output=True, text=True, env=env, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["before"], "numpy loaded no thread pool threadpoolctl can see"
    if (os.cpu_count() or 1) > 1:
        assert max(got["before"]) > 1  # the default this guards against
    assert got["after"] and set(got["after"]) == {1}
    assert got["torch"] == 1


def test_local_engine_workers_run_one_thread_each():
    engine = LocalEngine(processes=2)
    try:
        pools = list(engine.imap(operator.call, [threadpool_info, threadpool_info]))
    finally:
        engine.close()
    assert all(pools)
    assert {p["num_threads"] for pools_of_one in pools for p in pools_of_one} == {1}


def test_local_engine_workers_collect_garbage_less_often():
    """The align stage allocates many short-lived objects; workers raise the young generation's
    threshold (engines/collector.py) so the collector does not run every 700 of them."""
    import gc

    from copytrace.engines.collector import YOUNG

    engine = LocalEngine(processes=2)
    try:
        thresholds = list(engine.imap(operator.call, [gc.get_threshold, gc.get_threshold]))
    finally:
        engine.close()
    assert [t[0] for t in thresholds] == [YOUNG, YOUNG]
    assert gc.get_threshold()[0] < YOUNG  # the calling process keeps its own settings

"""One thread per worker process: the engines already run one worker per core.

A worker that let numpy's BLAS, OpenMP or torch start a thread per core
would run ``cores²`` threads on ``cores`` cores. Measured on the BBC 10k scan
(2 cores): the align stage took 66.6 s with numpy's BLAS at its default,
and 46.8 s with one thread per worker, with the same pairs. Environment
variables alone come too late: numpy is loaded (with its thread pool sized)
before a worker's initialiser runs, so the pools already loaded are limited
through threadpoolctl.
"""
from __future__ import annotations

import os
import sys

_limited = False
_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS")


def one_thread() -> None:
    """Hold this process's numeric libraries to one thread each, those loaded now and later.

    threadpoolctl inspects every loaded library (~8 ms a call), so that part
    runs once per process; a Spark worker calls this for every partition.
    """
    global _limited
    one_torch_thread()
    if _limited:
        return
    from threadpoolctl import threadpool_limits

    for name in _VARIABLES:  # read by libraries when they load (torch, tokenizers)
        os.environ[name] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    threadpool_limits(1)  # pools already loaded (numpy's OpenBLAS)
    _limited = True


def one_torch_thread() -> None:
    """torch at one thread, if loaded: cheap enough to check after every task."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != 1:
        torch.set_num_threads(1)

"""Copies of the shipped sentence model made on this machine: where they live, how they are written.

The static copy (:mod:`copytrace.static`) and the int8 copy
(:mod:`copytrace.int8`) are both built once per machine from the shipped
weights, in a child process, and cached under ``$COPYTRACE_CACHE`` (default
``$XDG_CACHE_HOME/copytrace`` or ``~/.cache/copytrace``). Both are written
atomically: a crash or a Ctrl-C mid-way leaves no half copy behind, and two
processes building at once both end up reading one complete copy.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable


def cache_dir() -> Path:
    base = os.environ.get("COPYTRACE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "copytrace"
    )
    return Path(base)


def build_in_child(module: str, source: Path, target: Path, marker: str) -> str | None:
    """Run ``python -m module SOURCE TARGET``; ``None`` when ``target/marker`` now exists, else why not.

    A child process: a build's torch thread pools, graphs and memory must not
    stay in a process that later forks workers.
    """
    done = subprocess.run([sys.executable, "-m", module, str(source), str(target)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode == 0 and (target / marker).exists():
        return None
    return (done.stderr.strip().splitlines() or ["no output"])[-1][:200]


def built(module: str, source: Path, target: Path, marker: str, *, building: str, instead: str) -> bool:
    """Whether ``target/marker`` exists, built first by :func:`build_in_child` when it does not.

    ``building`` is said on stderr before a build, ``instead`` (what copytrace
    does without the copy) with the reason when the build fails.
    """
    if (target / marker).exists():
        return True
    print(f"copytrace: {building}", file=sys.stderr)
    failed = build_in_child(module, source, target, marker)
    if failed is not None:
        print(f"copytrace: {instead} ({failed})", file=sys.stderr)
        return False
    return True


def write_atomically(target: Path, marker: str, write: Callable[[Path], None]) -> None:
    """``write(folder)`` into a temporary folder beside ``target``, then move it into place.

    When another process got there first, its copy (``target/marker``) is as good as ours.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError:
        if not (target / marker).exists():
            raise
    finally:  # another process finished first, or we failed
        shutil.rmtree(tmp, ignore_errors=True)

"""Engines schedule the corpus stages; they hold no logic of their own.

An engine answers four calls with the shared stage functions of
``copytrace.blocks`` and ``copytrace.corpus``:

- ``common(spool, keep, progress)`` → the shingle frequencies
  (:func:`copytrace.blocks.common.count_batch`, summed);
- ``fingerprint(spool, keep, semantic, progress, common)`` → ``(sig, vec, anchors)``
  for the kept rows, in row order; ``anchors`` is ``(positions, hashes)`` when
  ``common`` is given, else ``None``
  (:func:`copytrace.corpus.fingerprint_stage.fingerprint_batch`);
- ``lsh(sig)`` → candidate pairs of positions in ``sig``
  (:func:`copytrace.blocks.candidates.band_keys` / ``bucket_pairs``);
- ``align(tasks_file, n_tasks, progress)`` → pair results
  (:func:`copytrace.corpus.align.align_task`).

``local`` uses a process pool on this machine and answers these calls; the
scan then holds per-article arrays (ids, signatures, vectors) in its own
process. ``spark`` runs the same block functions as PySpark jobs but answers
a wider set of calls (read, copies, keep, common, fingerprint, candidates,
write_tasks, align, components, singletons and a few lookups, see
:mod:`copytrace.engines.spark`), driven by
:func:`copytrace.corpus.scan_spark.scan_on_spark`, so that no stage runs over
the whole corpus on the driver.
"""
from __future__ import annotations

from ..errors import InputError

ENGINES = ("local", "spark")


def get_engine(name: str, *, master: str | None = None, processes: int | None = None, paraphrase: bool = True,
               floor: float = 0.5, verdict_model: str | None = None):
    """An engine; ``paraphrase``, ``floor`` and ``verdict_model`` go to every
    :func:`~copytrace.corpus.align.align_task`."""
    if name == "local":
        from .local import LocalEngine

        return LocalEngine(processes=processes, paraphrase=paraphrase, floor=floor, verdict_model=verdict_model)
    if name == "spark":
        from .spark import SparkEngine

        return SparkEngine(master=master, paraphrase=paraphrase, floor=floor, verdict_model=verdict_model)
    raise InputError("--engine", f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")

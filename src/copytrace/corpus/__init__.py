"""``copytrace scan``: the stages that turn a corpus into pairs, clusters and a report.

:mod:`.scan` runs them; :mod:`.spool` holds the read articles in Parquet,
:mod:`.align` groups candidate pairs into tasks and judges them, :mod:`.report`
writes the HTML report. The reading, fingerprint, candidate, cluster and
provenance stages are in :mod:`copytrace.blocks`, which the archive shares;
the engines (:mod:`copytrace.engines`) only schedule the stages.
"""

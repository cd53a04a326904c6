"""Corpus-scale stages: read, fingerprint, candidates, align, cluster, provenance, report.

Each module is one stage of ``copytrace scan`` as plain functions over records
and NumPy arrays; the engines (``copytrace.engines``) only schedule them.
"""

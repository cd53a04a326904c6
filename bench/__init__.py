"""copytrace's benchmarks: one module per workload, each with ``run(quick=False) -> dict``.

``python -m bench`` runs them all (see bench/run.py); ``python bench/readme.py``
puts the figures into the README.
"""

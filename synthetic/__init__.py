"""Synthetic test data with known truth, for the tests, the benchmarks and training/.

Not part of the installed package: run from the repository root
(``python -m synthetic.generate pairs|corpus|wire …``) or with the root on
``sys.path`` (tests/conftest.py, bench/ and training/ put it there). It needs
scikit-learn (``copytrace[eval]``) for ``generate.score``.

- :mod:`.edits` — what a copying outlet does to an article (near copies, rewrites);
- :mod:`.templates` — wire-report grammars, template twins and site furniture;
- :mod:`.generate` — scan corpora with planted reuse, and the command line;
- :mod:`.labelled` — labelled article pairs for fitting and checking the verdict.
"""

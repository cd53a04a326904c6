"""copytrace: how a news story travelled.

>>> import copytrace
>>> c = copytrace.compare("The minister resigned on Monday after the vote.",
...                       "The minister resigned on Monday after the vote, officials said.",
...                       paraphrase=False)
>>> c.verdict.label
'wholly'

The public API is five names: :func:`compare`, :class:`Document`,
:class:`Comparison`, :class:`Index` (the archive) and :func:`scan` (a corpus).
"""
from .errors import InputError

__all__ = ["compare", "Document", "Comparison", "Index", "scan", "load", "InputError"]


def __getattr__(name: str):
    # Each stage pulls in its libraries (NumPy, rapidfuzz, SQLite …); load them on first use
    # so that `import copytrace` and the CLI's --help stay instant, and a Ctrl-C right after
    # the command starts reaches the CLI's handler instead of an import (exit 130, no traceback).
    if name == "__version__":
        # pyproject.toml holds the version; a source tree that was never installed has none to read.
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("copytrace")
        except PackageNotFoundError:
            return "0+unknown"
    if name == "Comparison":
        from .comparison import Comparison

        return Comparison
    if name in ("Document", "load"):
        from . import document

        return getattr(document, name)
    if name == "compare":
        from .pipeline import compare

        return compare
    if name == "Index":
        from .index import Index

        return Index
    if name == "scan":
        from .corpus.scan import scan

        return scan
    raise AttributeError(f"module 'copytrace' has no attribute {name!r}")

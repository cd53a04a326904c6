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
from importlib.metadata import PackageNotFoundError, version

from .comparison import Comparison
from .document import Document, load
from .errors import InputError

__all__ = ["compare", "Document", "Comparison", "Index", "scan", "load", "InputError"]
# pyproject.toml holds the version; a source tree that was never installed has none to read.
try:
    __version__ = version("copytrace")
except PackageNotFoundError:
    __version__ = "0+unknown"


def __getattr__(name: str):
    # Each stage pulls in its libraries (NumPy, rapidfuzz, SQLite …); load them on first use
    # so that `import copytrace` and the CLI's --help stay instant.
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

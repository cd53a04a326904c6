"""``python -m copytrace.evaluate DATASET PATH [options]``: the same command as ``copytrace eval``.

The options live in one place, the CLI (:mod:`copytrace.cli`); this only hands it the arguments.
"""
from __future__ import annotations

import sys
from typing import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    from ..cli import main as cli_main

    cli_main(["eval", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

"""Shared fixtures: the seed articles (copied into tests/data/seeds/).

The repository root goes on ``sys.path`` so the tests import the synthetic
corpus generator (``synthetic/``, not part of the installed package).
"""
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def seed_paths() -> tuple[Path, Path]:
    return DATA / "seeds" / "000.txt", DATA / "seeds" / "003.txt"


@pytest.fixture(scope="session")
def seeds(seed_paths) -> tuple[str, str]:
    return tuple(p.read_text(encoding="utf-8") for p in seed_paths)

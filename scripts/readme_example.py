"""Regenerate the README's example: the real text output for the seed articles.

    .venv/bin/python scripts/readme_example.py
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "copytrace"


def main() -> None:
    seeds = ROOT / "tests" / "data" / "seeds"
    out = subprocess.run(
        [str(EXE), "compare", str(seeds / "000.txt"), str(seeds / "003.txt"), "--format", "text"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout
    block = (
        "<!-- example:start -->\n"
        "What the first command prints (regenerate with `.venv/bin/python scripts/readme_example.py`):\n\n"
        "```text\n" + out.rstrip() + "\n```\n<!-- example:end -->"
    )
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    text = re.sub(r"<!-- example:start -->.*?<!-- example:end -->", lambda _: block, text, flags=re.S)
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

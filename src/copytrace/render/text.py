"""A comparison as plain text: the verdict, coverage, passages side by side.

>>> from copytrace import compare
>>> print(render_text(compare("Rockets hit the base on Tuesday night, officials said.",
...                           "Rockets hit the base on Tuesday night, the army said.",
...                           paraphrase=False)).splitlines()[0])
a  ↔  b: wholly derived (score 0.93, direction: unknown)
"""
from __future__ import annotations

import re
import textwrap

from ..comparison import Comparison
from ..types import Span
from .what_changed import what_changed_section

# Control characters (ESC starting an ANSI sequence, CR, BEL, the C1 range with its
# one-byte CSI) would act on the terminal instead of being shown: an article could
# recolour, rewrite or clear the user's screen. They are printed as escapes.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

LABELS = {"wholly": "wholly derived", "partially": "partially derived", "non": "not derived"}


def render_text(c: Comparison, width: int = 100) -> str:
    """The readable summary printed by ``copytrace compare --format text``."""
    v = c.verdict
    lines = [
        f"{c.a.id}  ↔  {c.b.id}: {LABELS[v.label]} (score {v.score:.2f}, direction: {_direction(c)})",
        f"coverage: {c.coverage.get('a', 0):.0%} of {c.a.id} is found in {c.b.id}; "
        f"{c.coverage.get('b', 0):.0%} of {c.b.id} is found in {c.a.id}",
        f"passages: {sum(p.kind == 'verbatim' for p in c.passages)} verbatim, "
        f"{sum(p.kind == 'paraphrase' for p in c.passages)} paraphrased; "
        f"quotes in both: {len(c.quotes)} ({sum(q.altered for q in c.quotes)} altered)",
        "",
    ]
    if c.passages:
        lines += _side_by_side(c, width)
    lines += ["", what_changed_section(c, width)]
    return terminal_safe("\n".join(lines).rstrip() + "\n")


def terminal_safe(text: str) -> str:
    """``text`` with control characters (but newline and tab) shown as ``\\xNN``.

    >>> terminal_safe("red \\x1b[31malert\\x1b[0m")
    'red \\\\x1b[31malert\\\\x1b[0m'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _direction(c: Comparison) -> str:
    d = c.verdict.direction
    if d == "a->b":
        return f"{c.a.id} → {c.b.id}"
    if d == "b->a":
        return f"{c.b.id} → {c.a.id}"
    return "unknown"


def _side_by_side(c: Comparison, width: int) -> list[str]:
    col = max(20, (width - 3) // 2)
    out = [f"{'─' * col}┬{'─' * col}", f"{c.a.id[:col]:<{col}}│{c.b.id[:col]}", f"{'─' * col}┼{'─' * col}"]
    for p in c.passages:
        left = _wrap(f"[{p.kind} {p.score:.2f}] " + _clip(c.a.text, p.a), col)
        right = _wrap(_clip(c.b.text, p.b), col)
        for i in range(max(len(left), len(right))):
            l = left[i] if i < len(left) else ""
            r = right[i] if i < len(right) else ""
            out.append(f"{l:<{col}}│{r}")
        out.append(f"{'─' * col}┼{'─' * col}")
    out[-1] = f"{'─' * col}┴{'─' * col}"
    return out


def _clip(text: str, span: Span) -> str:
    return " ".join(text[span.start : span.end].split())


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width - 1) or [""]

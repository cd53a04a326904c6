"""The "What changed" section of the text report: changes, added, dropped, credits.

>>> from copytrace import compare
>>> c = compare("At least four militants were killed, the Pentagon says.",
...             "Four militants were killed, the Pentagon claims.", paraphrase=False)
>>> print(what_changed_section(c))  # doctest: +ELLIPSIS
What changed
============
...
"""
from __future__ import annotations

import textwrap

from ..analyse.changes import is_factual
from ..comparison import Comparison
from ..segment import split_sentences
from ..types import Change, Span

_CONTEXT = 70  # characters of the surrounding sentence shown on each side of a change


def what_changed_section(comparison: Comparison, width: int = 100) -> str:
    """Plain text, ``width`` columns: each change with both sides, its kind and its
    sentence, factual changes under "Facts" and wording changes under "Wording"; then the added and dropped spans, who each text credits, and whether
    the reuse credits its source."""
    c = comparison
    width = max(40, width)
    lines = ["What changed", "============"]
    if c.changes:
        bounds = {"a": split_sentences(c.a.text), "b": split_sentences(c.b.text)}
        facts = [x for x in c.changes if is_factual(x)]
        wording = [x for x in c.changes if not is_factual(x)]
        n = 0
        for heading, group in (("Facts", facts), ("Wording", wording)):
            if group:
                lines += ["", f"{heading} ({len(group)})"]
            for change in group:
                n += 1
                lines += _change(c, n, change, width, bounds)
    else:
        lines.append("No changes inside the aligned passages.")
    src, der = _roles(c)
    lines += ["", f"Added in {der.id} (no counterpart in {src.id}): {len(c.added)}"]
    lines += _spans(der.text, c.added, width)
    lines += ["", f"Dropped from {src.id} (left out of {der.id}): {len(c.dropped)}"]
    lines += _spans(src.text, c.dropped, width)
    lines += ["", "Credited sources"]
    for side, doc in (("a", c.a), ("b", c.b)):
        names = _unique(t.source for t in c.attributions if t.doc == side)
        lines += _wrap(f"{doc.id}: " + (", ".join(names) if names else "none"), width, "  ", "    ")
    lines += [""] + _wrap(_credit_line(c, src, der), width)
    if c.boilerplate:
        lines += ["", f"Boilerplate left out of the scores: {len(c.boilerplate)}"]
        for b in c.boilerplate:
            doc = c.a if b.doc == "a" else c.b
            lines += _wrap(f"{doc.id} {_at(b.span)}: {_clip(doc.text[b.span.start:b.span.end])}", width, "  ", "    ")
    return "\n".join(lines)


def _roles(c: Comparison):
    return c.source, c.derived


def _change(c: Comparison, n: int, change: Change, width: int, bounds: dict[str, list[Span]]) -> list[str]:
    a_text = _clip(change.a_text) or "(nothing)"
    b_text = _clip(change.b_text) or "(nothing)"
    out = _wrap(f"{n:>3}. {change.kind:<11} “{a_text}” → “{b_text}”", width, "", " " * 17)
    indent = " " * 5
    for side, doc, span in (("a", c.a, change.a), ("b", c.b, change.b)):
        context = _context(doc.text, span, _sentence_around(bounds[side], span))
        out += _wrap(f"{doc.id} {_at(span)}: {context}", width, indent, indent + "  ")
    return out


def _sentence_around(sentences: list[Span], span: Span) -> Span:
    """The sentences that hold ``span`` (an empty span belongs to the sentence it sits in)."""
    touched = [s for s in sentences if s.start <= span.end and span.start <= s.end] or sentences[:1]
    if not touched:
        return span
    return Span(min(s.start for s in touched), max(s.end for s in touched))


def _context(text: str, span: Span, sentence: Span) -> str:
    """The change inside its sentence, marked with [ ], trimmed to a readable length."""
    line_start, line_end = min(sentence.start, span.start), max(sentence.end, span.end)
    left = text[max(line_start, span.start - _CONTEXT) : span.start]
    right = text[span.end : min(line_end, span.end + _CONTEXT)]
    if span.start - _CONTEXT > line_start:
        left = "…" + left.split(" ", 1)[-1]
    if span.end + _CONTEXT < line_end:
        right = right.rsplit(" ", 1)[0] + "…"
    return _clip(f"{left}[{text[span.start:span.end]}]{right}")


def _spans(text: str, spans, width: int) -> list[str]:
    out = []
    for s in spans:
        body = _clip(text[s.start : s.end])
        if len(body) > 3 * width:
            body = body[: 3 * width].rsplit(" ", 1)[0] + " …"
        out += _wrap(f"{_at(s)} {body}", width, "  ", "    ")
    return out


def _credit_line(c: Comparison, src, der) -> str:
    outlet = src.outlet or "the source"
    if c.credited is True:
        return f"Reuse is credited: {der.id} names {outlet}."
    if c.credited is False:
        return f"Reuse is NOT credited: {der.id} never names {outlet}."
    return "Credit unknown: the source has no outlet to look for (or nothing is reused)."


def _at(span: Span) -> str:
    return f"[{span.start}:{span.end}]"


def _clip(text: str) -> str:
    return " ".join(text.split())


def _unique(names) -> list[str]:
    seen, out = set(), []
    for n in names:
        if n.casefold() not in seen:
            seen.add(n.casefold())
            out.append(n)
    return out


def _wrap(text: str, width: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    return textwrap.wrap(
        text, width=width, initial_indent=indent, subsequent_indent=subsequent or indent,
        break_long_words=False, break_on_hyphens=False,
    ) or [indent]

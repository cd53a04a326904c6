"""Quoted speech: found in each text, matched across the two, alterations flagged.

>>> from copytrace.segment import segment
>>> a = segment('“We will respond to attacks on our servicemembers,” the general said.')
>>> b = segment('Kurilla said: “We will respond to attacks on our service members.”')
>>> [a.slice(q) for q in find_quotes(a)]
['We will respond to attacks on our servicemembers']
>>> m = align_quotes(a, b)[0]
>>> b.slice(m.b), m.altered          # spacing is not an alteration
('We will respond to attacks on our service members', False)

A quote's span covers the words inside the quote marks (first word to last
word, so the comma or full stop in ``…members,”`` is left out). A quote in one
text that is an excerpt of a longer quote in the other is matched with the part
it shares, and that part's span is what the match reports.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

from rapidfuzz.distance import Indel, LCSseq, Levenshtein

from ..segment import Segmented
from ..types import QuoteMatch, Span

# Two quotes are the same speech when this share of the shorter one's words
# reappears in order in the other (and at least MIN_SHARED words do).
MIN_SHARED_FRACTION = 0.6
MIN_SHARED = 3

_PARAGRAPH = re.compile(r"[^\n]+")
_MARK = re.compile(r"[\"“”‘’]")
# Orthographic variants that are spelling, not a change of words (British/US).
# British "-our" and the doubled "l" of "travelled" only occur after an
# unstressed syllable, so the stem before them must have a vowel ("colour",
# "honour") or two ("travelled", "fuelled"): otherwise "four" / "for",
# "hour" / "hor" and "filled" / "filed" would be one word.
_SPELLING = [
    (re.compile(r"(\w*[aeiou]\w*)our\b"), r"\1or"),
    (re.compile(r"([^aeiou])re\b"), r"\1er"),
    (re.compile(r"is(e|ed|es|ing|ation)\b"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing)\b"), r"yz\1"),
    (re.compile(r"ence\b"), "ense"),
    (re.compile(r"ogue\b"), "og"),
    (re.compile(r"(\w*[aeiou]\w*[aeiou])ll(ed|ing|er)\b"), r"\1l\2"),
]


@dataclass(frozen=True)
class _Quote:
    span: Span
    first: int  # token range [first, last) of the words inside
    last: int


def find_quotes(seg: Segmented) -> list[Span]:
    """Spans of quoted speech in ``seg``, in text order.

    Double quotes (curly or straight) always count; single curly quotes only
    when they open at the start of a word and close before a non-letter, so
    "Iran’s" is never a quote. A quote left open at the end of a paragraph runs
    to the paragraph's end (news style for quotes over several paragraphs).
    Short quoted names and scare quotes — Michael “Erik” Kurilla — are not
    speech: a quote needs three words, or must open its sentence and end in
    punctuation (“No,” he said).
    """
    return [q.span for q in _quotes(seg)]


def align_quotes(a: Segmented, b: Segmented) -> list[QuoteMatch]:
    """Quotes of ``a`` matched one-to-one with the same speech in ``b``.

    ``score`` is the word-level similarity (rapidfuzz Indel) of the matched
    words; ``altered`` is true when a word differs beyond case, punctuation,
    spacing or spelling ("servicemembers" / "service members" is not altered).
    """
    qa, qb = _quotes(a), _quotes(b)
    wa = [a.words[q.first : q.last] for q in qa]
    wb = [b.words[q.first : q.last] for q in qb]
    candidates = []
    for i, j in _pairs_worth_checking(wa, wb):
        x, y = wa[i], wb[j]
        shared = LCSseq.similarity(x, y)
        if shared >= min(MIN_SHARED, len(x), len(y)) and shared >= MIN_SHARED_FRACTION * min(len(x), len(y)):
            candidates.append((Indel.normalized_similarity(x, y), shared, i, j))
    candidates.sort(reverse=True)
    used_a, used_b, matches = set(), set(), []
    for _, _, i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matches.append(_match(a, qa[i], b, qb[j]))
    return sorted(matches, key=lambda m: (m.a.start, m.b.start))


def _pairs_worth_checking(wa: list, wb: list) -> list[tuple[int, int]]:
    """The (quote of a, quote of b) pairs that could share enough words, in order.

    Checking every pair costs the product of the two quote counts (a long text
    with a thousand quotes on each side: seconds). Two word sequences sharing a
    common subsequence of ``t = ceil(MIN_SHARED_FRACTION * m)`` words, ``m`` the
    shorter length, share that many words counted with repeats; so the shorter
    one shares one of its ``m - t + 1`` rarest words (the prefix filter of
    set-similarity joins). Each quote probes the other side with its rarest
    words and is taken as the shorter one; both directions together find every
    pair the exact test can accept.
    """
    def tokens(words) -> list[tuple[str, int]]:  # "the" twice → ("the", 0), ("the", 1)
        seen: dict[str, int] = {}
        out = []
        for w in words:
            out.append((w, seen.get(w, 0)))
            seen[w] = seen.get(w, 0) + 1
        return out

    ta, tb = [tokens(x) for x in wa], [tokens(y) for y in wb]
    freq: dict[tuple[str, int], int] = {}
    for ts in ta + tb:
        for t in ts:
            freq[t] = freq.get(t, 0) + 1
    found: set[tuple[int, int]] = set()
    for mine, theirs, flip in ((ta, tb, False), (tb, ta, True)):
        where: dict[tuple[str, int], list[int]] = {}
        for k, ts in enumerate(theirs):
            for t in ts:
                where.setdefault(t, []).append(k)
        for k, ts in enumerate(mine):
            if not ts:  # no words: the exact test accepts it with anything (as before)
                found.update(((other, k) if flip else (k, other)) for other in range(len(theirs)))
                continue
            need = math.ceil(MIN_SHARED_FRACTION * len(ts) - 1e-9)
            for t in sorted(ts, key=lambda t: (freq[t], t))[: len(ts) - need + 1]:
                for other in where.get(t, ()):
                    if len(theirs[other]) >= len(ts):  # this quote is the shorter one (or equal)
                        found.add((other, k) if flip else (k, other))
    return sorted(found)


def _match(a: Segmented, qa: _Quote, b: Segmented, qb: _Quote) -> QuoteMatch:
    x, y = a.words[qa.first : qa.last], b.words[qb.first : qb.last]
    blocks = _blocks(x, y)
    # An excerpt: words only one side has before or after the shared stretch
    # are not an alteration; the match covers the shared stretch.
    lo_a = lo_b = 0
    hi_a, hi_b = len(x), len(y)
    if blocks and blocks[0][0] == 0 and blocks[0][2] == 0 and _one_sided(blocks[0]):
        _, lo_a, _, lo_b = blocks.pop(0)
    if blocks and blocks[-1][1] == len(x) and blocks[-1][3] == len(y) and _one_sided(blocks[-1]):
        hi_a, _, hi_b, _ = blocks.pop()
    span_a = a.word_span(qa.first + lo_a, qa.first + hi_a - 1)
    span_b = b.word_span(qb.first + lo_b, qb.first + hi_b - 1)
    x, y = list(x[lo_a:hi_a]), list(y[lo_b:hi_b])
    blocks = [(i1 - lo_a, i2 - lo_a, j1 - lo_b, j2 - lo_b) for i1, i2, j1, j2 in blocks]
    variants = [(i1, i2, j1, j2) for i1, i2, j1, j2 in blocks if _same_words(x[i1:i2], y[j1:j2])]
    # The score counts each spelling/spacing variant as one matching word.
    for i1, i2, j1, j2 in reversed(variants):
        x[i1:i2] = y[j1:j2] = ["".join(x[i1:i2])]
    score = Indel.normalized_similarity(x, y)
    return QuoteMatch(span_a, span_b, round(score, 4), altered=len(variants) < len(blocks))


def _blocks(x: tuple[str, ...], y: tuple[str, ...]) -> list[tuple[int, int, int, int]]:
    """Stretches where the word sequences differ, as ``(a_from, a_to, b_from, b_to)``.

    Adjacent edits are merged, so "servicemembers" against "service members"
    is one block that can be judged as a whole.
    """
    blocks: list[list[int]] = []
    for op in Levenshtein.opcodes(x, y):
        if op.tag == "equal":
            continue
        if blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    return [tuple(b) for b in blocks]


def _one_sided(block: tuple[int, int, int, int]) -> bool:
    i1, i2, j1, j2 = block
    return i1 == i2 or j1 == j2


def _same_words(left: tuple[str, ...], right: tuple[str, ...]) -> bool:
    """Equal but for spacing, hyphenation or spelling."""
    x, y = "".join(left), "".join(right)
    return x == y or _spelling_key(x) == _spelling_key(y)


def _spelling_key(word: str) -> str:
    for pattern, repl in _SPELLING:
        word = pattern.sub(repl, word)
    return word


def _quotes(seg: Segmented) -> list[_Quote]:
    starts = seg.token_starts
    sentence_starts = {seg.sentences[s].start for s in range(len(seg.sentences))}
    sentence_first_token = {seg.sentence_tokens(s).start for s in range(len(seg.sentences)) if len(seg.sentence_tokens(s))}
    out: list[_Quote] = []
    for para in _PARAGRAPH.finditer(seg.text):
        for open_at, close_at in _pairs(seg.text, para.start(), para.end()):
            first = bisect.bisect_left(starts, open_at + 1)
            last = bisect.bisect_left(starts, close_at)
            if last <= first:
                continue
            n = last - first
            if n < 3:
                inner = seg.text[open_at + 1 : close_at].rstrip()
                opens_sentence = first in sentence_first_token or open_at in sentence_starts
                if not (opens_sentence and inner[-1:] in ",.!?"):
                    continue
            out.append(_Quote(seg.word_span(first, last - 1), first, last))
    return out


def _pairs(text: str, start: int, end: int):
    """(opening mark, closing mark) positions of the quotes in one paragraph."""
    double = single = None
    for m in _MARK.finditer(text, start, end):
        i, ch = m.start(), m.group()
        before = text[i - 1] if i > start else " "
        after = text[i + 1] if i + 1 < end else " "
        if ch == "“" or (ch == '"' and double is None and _opens(before, after)):
            if double is None:
                double, single = i, None  # a single quote inside speech is nested, not its own
        elif ch in '”"':
            if double is not None:
                yield double, i
                double = None
        elif ch == "‘" and double is None and _opens(before, after):
            single = i
        elif ch == "’" and single is not None and not after.isalnum():
            yield single, i
            single = None
    if double is not None:
        yield double, end


def _opens(before: str, after: str) -> bool:
    return (before.isspace() or before in "([{—–-:") and not after.isspace()

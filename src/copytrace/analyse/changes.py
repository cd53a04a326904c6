"""What a rewrite changed inside each aligned passage, word by word, and of what kind.

>>> from copytrace.segment import segment
>>> from copytrace.types import Passage, Span
>>> a = segment("At least four militants were killed, the Pentagon says.")
>>> b = segment("Four militants were killed, the Pentagon claims.")
>>> pair = Passage("paraphrase", Span(0, len(a.text)), Span(0, len(b.text)), 0.9)
>>> [(c.kind, c.a_text, c.b_text) for c in find_changes(a, b, [pair])]
[('hedge', 'At least four', 'Four'), ('attribution', 'says', 'claims')]

How it works, and why this way:

1. **Diff.** The two sides' normalised words (case, quotes and accents folded
   by :mod:`copytrace.segment`) are diffed with :class:`difflib.SequenceMatcher`,
   with function words marked as junk: a junk word never anchors a match, so a
   stray "at" or "the" cannot tie a paraphrase to an unrelated clause (plain
   Levenshtein or LCS opcodes happily do that, which scatters one change
   over several fragments). Runs of non-equal opcodes are one changed unit.
2. **Not a change.** A unit is dropped when its two sides spell the same words
   ("servicemembers" / "service members", "Iran’s" / "Iran's"), differ only in
   spelling (rapidfuzz ratio ≥ 88 on words of 6+ letters), only move a phrase
   that the other side has elsewhere ("Thursday’s strikes" / "strikes on
   Thursday"), or only swap function words.
3. **Kind.** Values are extracted from both sides and compared explicitly,
   because a sentence whose number changed still embeds close to the original:
   negation words counted; numbers parsed from digits and number words
   ("seven" == "7", "two or three" != "four"); hedges ("at least", "about",
   "reportedly", "up to") with the quantity they qualify; date and time words
   (weekdays, months, "last week", "the day before"; dateparser decides
   whether two written-out dates are the same day); reporting verbs by lemma
   ("says" / "claims", "lists" / "has designated"); names (capitalised words)
   and the groups and places a sentence is about ("the two sides" / "the two
   countries"). The first kind whose values differ wins, in the order
   negation, number, hedge, date, attribution, entity; anything else that
   changes content words is ``other``.

No spaCy pipeline is used: its statistical models (NER, tagger) are not on
the package registries this project can reach, and unofficial re-uploads of
weights are not to be installed. The lexicons (:mod:`.values`) are short,
closed-class word lists, which is what a rule-based matcher would be given
anyway. The values are read in :mod:`.values`; the stretches diffed are chosen
in :mod:`.units`.
"""
from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

from rapidfuzz import fuzz

from ..segment import Segmented
from ..types import Change, ChangeKind, Passage, Span
from ..words import NEGATIONS
from .values import (
    ACTOR_NOUNS, CANONICAL, DATE_WORDS, STOPWORDS, base_word, date_item, date_items, hedge_at, is_date_number,
    negation_count, number_value, parse_date, quantities, quantity_at, reporting_lemma, reporting_verbs,
)

_MAX_SIDE = 8  # longer one-sided runs are added or dropped text, not a change
MAX_CHANGE_WORDS = 12  # a side longer than this is a rewritten clause, not a change
_KIND_RANK: tuple[ChangeKind, ...] = ("negation", "number", "hedge", "date", "attribution", "entity", "other")


@dataclass(frozen=True)
class _Side:
    """One side of an aligned passage: its tokens (absolute indices) and words."""

    seg: Segmented
    first: int  # absolute index of the passage's first token
    words: tuple[str, ...]

    def span(self, lo: int, hi: int) -> Span:
        """Character span of passage tokens ``lo:hi``; empty and in place when ``lo == hi``."""
        toks, text = self.seg.tokens, self.seg.text
        if lo < hi:
            start, end = toks[self.first + lo].start, toks[self.first + hi - 1].end
            if text[end : end + 1] == "." and re.search(r"(?:\b[A-Za-z]\.)+[A-Za-z]$", text[start:end]):
                end += 1  # "U.S." keeps its last full stop
            return Span(start, end)
        if lo < len(self.words):
            at = toks[self.first + lo].start
        elif self.words:
            at = toks[self.first + len(self.words) - 1].end
        else:
            at = 0
        return Span(at, at)

    def hyphenated(self, i: int) -> bool:
        """Whether passage tokens ``i`` and ``i + 1`` are one hyphenated word ("al-Tanf")."""
        k = self.first + i
        if i + 1 >= len(self.words):
            return False
        return self.seg.text[self.seg.tokens[k].end : self.seg.tokens[k + 1].start] == "-"

    def speaker(self, i: int) -> bool:
        """Whether token ``i`` is part of who speaks before a reporting verb at ``i + 1``
        ("CNN reported", "Pentagon officials said"); a comma ends the speaker."""
        toks = self.seg.tokens
        gap = self.seg.text[toks[self.first + i].end : toks[self.first + i + 1].start]
        return not gap.strip() and (self.capitalised(i) or self.words[i] in ACTOR_NOUNS)

    @cached_property
    def base_counts(self) -> Counter:
        """How often each word (possessive cut) occurs in the passage, counted once:
        :func:`_moved` asks for every unit of a diff, and a long passage has many."""
        return Counter(base_word(w) for w in self.words)

    @cached_property
    def dates(self) -> frozenset[str]:
        """The date words of the whole passage (asked for every unit, computed once)."""
        return date_items(self.words)

    def sentence_cuts(self, lo: int, hi: int) -> list[int]:
        """Passage token indices in ``lo+1:hi`` that open a new sentence."""
        of = self.seg.sentence_of
        return [i for i in range(lo + 1, hi) if of[self.first + i] != of[self.first + i - 1]]

    def capitalised(self, i: int) -> bool:
        """Whether passage token ``i`` is written as a name (not just a sentence opener)."""
        k = self.first + i
        tok = self.seg.tokens[k]
        if not self.seg.text[tok.start].isupper():
            return False
        opens = k == 0 or self.seg.sentence_of[k - 1] != self.seg.sentence_of[k]
        written = self.seg.text[tok.start : tok.end]
        if not opens or len(written) > 1 and written.isupper():  # an acronym opening a sentence: "UK troops"
            return True
        # a sentence opener counts when the next word is capitalised too ("Mission Support")
        nxt = k + 1
        return (
            self.words[i] not in STOPWORDS
            and nxt < len(self.seg.tokens)
            and self.seg.text[self.seg.tokens[nxt].start].isupper()
        )


def find_changes(a: Segmented, b: Segmented, passages: Sequence[Passage]) -> list[Change]:
    """Every changed unit inside the aligned ``passages``, ``a`` side → ``b`` side.

    Factual changes (every kind but ``other``) come first, then wording changes,
    each group in reading order. No two changes overlap on either side, and none
    is longer than :data:`MAX_CHANGE_WORDS` words a side: a longer difference
    is a rewritten clause, not a change.

    Spans are character offsets into ``a.text`` and ``b.text``; an insertion or
    deletion has an empty span on the side that lacks it.
    """
    seen: set[tuple[Span, Span]] = set()
    out: list[Change] = []
    for p in passages:
        sa, sb = _side(a, p.a), _side(b, p.b)
        for change in _pair_changes(sa, sb):
            key = (change.a, change.b)
            if key not in seen:
                seen.add(key)
                out.append(change)
    short = [c for c in _outermost(out) if max(len(c.a_text.split()), len(c.b_text.split())) <= MAX_CHANGE_WORDS]
    return sorted(_one_per_stretch(short), key=lambda c: (not is_factual(c), c.a, c.b))


def is_factual(change: Change) -> bool:
    """Whether ``change`` alters a fact (a number, date, name, attribution, hedge or
    negation) rather than only the wording."""
    return change.kind != "other"


def _one_per_stretch(changes: list[Change]) -> list[Change]:
    """Changes that share no text on either side; of two that do, the more
    telling kind wins (the order of _KIND_RANK), then the shorter."""
    def rank(c: Change) -> tuple[int, int, Span, Span]:
        return (_KIND_RANK.index(c.kind), len(c.a_text) + len(c.b_text), c.a, c.b)

    # Only kept changes starting at most `reach` characters before one can overlap it:
    # looking those up by start keeps a long text's many changes from costing n².
    reach = max((max(len(c.a), len(c.b)) for c in changes), default=0)
    kept: list[Change] = []
    starts_a: list[tuple[int, int]] = []  # (a.start, index into kept), sorted
    starts_b: list[tuple[int, int]] = []
    for c in sorted(changes, key=rank):
        if _near(starts_a, c.a, reach, lambda k: _overlap(c.a, kept[k].a)) or _near(
            starts_b, c.b, reach, lambda k: _overlap(c.b, kept[k].b)
        ):
            continue
        bisect.insort(starts_a, (c.a.start, len(kept)))
        bisect.insort(starts_b, (c.b.start, len(kept)))
        kept.append(c)
    return kept


def _near(starts: list[tuple[int, int]], span: Span, reach: int, test) -> bool:
    """Whether ``test`` holds for an item of ``starts`` (sorted (start, item)) starting
    between ``reach`` characters before ``span`` and its end."""
    lo = bisect.bisect_left(starts, (span.start - reach, -1))
    hi = bisect.bisect_left(starts, (span.end + 1, -1))
    return any(test(k) for _, k in starts[lo:hi])


def _overlap(x: Span, y: Span) -> bool:
    """Whether two spans share a character (an empty span: whether it lies inside the other)."""
    return x.start < y.end and y.start < x.end


def _outermost(changes: list[Change]) -> list[Change]:
    """Overlapping passages (a verbatim run inside a paraphrase) report a change once."""
    def inside(c: Change, d: Change) -> bool:
        return c is not d and c.kind == d.kind and d.a.contains(c.a) and d.b.contains(c.b)

    # d holds c only when d starts at most `reach` characters before c (see _one_per_stretch).
    reach = max((len(c.a) for c in changes), default=0)
    starts = sorted((c.a.start, k) for k, c in enumerate(changes))
    return [
        c
        for c in changes
        if not _near(starts, Span(c.a.start, c.a.start), reach,
                     lambda k: inside(c, changes[k]) and (c.a, c.b) != (changes[k].a, changes[k].b))
    ]


def _side(seg: Segmented, span: Span) -> _Side:
    lo = bisect.bisect_left(seg.token_starts, span.start)
    hi = lo
    while hi < len(seg.tokens) and seg.tokens[hi].end <= span.end:
        hi += 1
    return _Side(seg, lo, tuple(_reading(seg, k) for k in range(lo, hi)))


def _reading(seg: Segmented, k: int) -> str:
    """Word ``k`` as the analysis reads it: the normalised word, except that the
    proper-noun reading of an ambiguous word keeps its capital, so "US" the country
    is not the function word "us" and "May" the month is not the hedge "may"."""
    word = seg.words[k]
    if word not in ("us", "may"):
        return word
    tok = seg.tokens[k]
    written = seg.text[tok.start : tok.end]
    neighbours = [j for j in (k - 1, k + 1) if 0 <= j < len(seg.tokens) and seg.sentence_of[j] == seg.sentence_of[k]]
    if word == "us":
        # in an all-capitals line ("THEY TOLD US") the capitals say nothing
        shouting = any(seg.text[seg.tokens[j].start : seg.tokens[j].end].isupper() for j in neighbours)
        return "US" if written == "US" and not shouting else word
    if not written[:1].isupper():
        return word
    opens = k == 0 or seg.sentence_of[k - 1] != seg.sentence_of[k]
    dated = any(number_value(seg.words[j]) is not None for j in neighbours)  # "May 5", "May 2023"
    return "May" if dated or not opens else word


def _pair_changes(a: _Side, b: _Side) -> list[Change]:
    return _pair_moved_values(_diff(a, b, 0, len(a.words), 0, len(b.words), depth=0))


def _pair_moved_values(changes: list[Change]) -> list[Change]:
    """A number or date dropped in one place and another put in elsewhere in the same
    passage is one changed value: "four militants were killed" / "killed two or three
    militants" (the diff anchors on "killed" and sees a deletion and an insertion)."""
    out = list(changes)
    for kind in ("number", "date"):
        gone = [c for c in out if c.kind == kind and c.a_text and not c.b_text]
        new = [c for c in out if c.kind == kind and c.b_text and not c.a_text]
        for d, i in zip(gone, new):
            out[out.index(d)] = Change(kind, d.a, i.b, d.a_text, i.b_text)
            out.remove(i)
    return out


# difflib's matcher costs the product of the two lengths on ranges this long (a verbatim
# passage over a whole 200k-character paragraph took 7 s); they are cut at shared anchors first.
LONG_DIFF = 1000  # words a side
_ANCHOR_GRAM = 3  # words in an anchor: a word sequence found once on each side
_ANCHOR_EVERY = 400  # words between cuts


def _matching_blocks(x: Sequence[str], y: Sequence[str]) -> list[difflib.Match]:
    """difflib's matching blocks of ``x`` and ``y`` (junk: stopwords), in near-linear time.

    Ranges longer than :data:`LONG_DIFF` are cut where a word trigram found once
    on each side lines up (patience diff's anchors, in order on both sides), and
    the pieces are matched one by one; shorter ranges go to difflib whole, as before.
    """
    def blocks_of(xs, ys):
        return difflib.SequenceMatcher(lambda w: w in STOPWORDS, xs, ys, autojunk=False).get_matching_blocks()

    if max(len(x), len(y)) <= LONG_DIFF:
        return blocks_of(x, y)
    out: list[difflib.Match] = []
    pi = pj = 0
    for ci, cj in anchor_cuts(x, y) + [(len(x), len(y))]:
        for m in blocks_of(x[pi:ci], y[pj:cj])[:-1]:
            if out and out[-1].a + out[-1].size == pi + m.a and out[-1].b + out[-1].size == pj + m.b:
                out[-1] = difflib.Match(out[-1].a, out[-1].b, out[-1].size + m.size)  # joined across a cut
            else:
                out.append(difflib.Match(pi + m.a, pj + m.b, m.size))
        pi, pj = ci, cj
    out.append(difflib.Match(len(x), len(y), 0))
    return out


def anchor_cuts(x: Sequence[str], y: Sequence[str]) -> list[tuple[int, int]]:
    """Positions ``(i, j)``, increasing on both sides and about :data:`_ANCHOR_EVERY`
    words apart, where the same trigram starts and occurs nowhere else on either side."""
    def once(seq) -> dict[tuple[str, ...], int]:
        at: dict[tuple[str, ...], int] = {}
        for k in range(len(seq) - _ANCHOR_GRAM + 1):
            gram = tuple(seq[k : k + _ANCHOR_GRAM])
            at[gram] = -1 if gram in at else k
        return at

    in_y = once(y)
    pairs = sorted((i, in_y.get(g, -1)) for g, i in once(x).items() if i >= 0 and in_y.get(g, -1) >= 0)
    # The longest run of pairs increasing in j (patience sorting), so the cuts never cross.
    tails: list[int] = []  # tails[k]: index into pairs of the smallest end of a run of length k + 1
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = _bisect_tails(pairs, tails, j)
        back[k] = tails[pos - 1] if pos else -1
        if pos == len(tails):
            tails.append(k)
        else:
            tails[pos] = k
    chain: list[tuple[int, int]] = []
    k = tails[-1] if tails else -1
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    cuts: list[tuple[int, int]] = []
    last_i = last_j = 0
    for i, j in reversed(chain):
        if i - last_i >= _ANCHOR_EVERY and j > last_j:
            cuts.append((i, j))
            last_i, last_j = i, j
    return cuts


def _bisect_tails(pairs: list[tuple[int, int]], tails: list[int], j: int) -> int:
    """bisect_left of ``j`` in the j-values of ``tails`` (ascending), without building the list."""
    lo, hi = 0, len(tails)
    while lo < hi:
        mid = (lo + hi) // 2
        if pairs[tails[mid]][1] < j:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _diff(a: _Side, b: _Side, i1: int, i2: int, j1: int, j2: int, depth: int) -> list[Change]:
    """Diff tokens ``i1:i2`` of ``a`` against ``j1:j2`` of ``b``; each gap between matches is a unit."""
    blocks = _matching_blocks(a.words[i1:i2], b.words[j1:j2])
    aligned = {i1 + m.a + k: j1 + m.b + k for m in blocks for k in range(m.size)}
    out: list[Change] = []
    pa, pb = i1, j1
    for m in blocks:
        if i1 + m.a > pa or j1 + m.b > pb:
            for unit in _clause_units(a, b, pa, i1 + m.a, pb, j1 + m.b):
                out += _unit(a, b, *unit, aligned, depth)
        pa, pb = i1 + m.a + m.size, j1 + m.b + m.size
    return out


def _clause_units(a: _Side, b: _Side, i1: int, i2: int, j1: int, j2: int) -> list[tuple[int, int, int, int]]:
    """The gap ``i1:i2`` / ``j1:j2`` as units whose clauses correspond.

    When a sentence ends inside one side of the gap but not the other, the two
    sides are different clauses ("Pentagon officials said. At least" /
    "resulting in"), and pairing their words word by word invents changes; each
    side's clause is then reported on its own, against nothing.
    """
    cuts_a, cuts_b = a.sentence_cuts(i1, i2), b.sentence_cuts(j1, j2)
    if bool(cuts_a) == bool(cuts_b):
        return [(i1, i2, j1, j2)]
    pieces_a = list(zip([i1] + cuts_a, cuts_a + [i2]))
    pieces_b = list(zip([j1] + cuts_b, cuts_b + [j2]))
    return [(lo, hi, j1, j1) for lo, hi in pieces_a if hi > lo and i2 > i1] + [
        (i2, i2, lo, hi) for lo, hi in pieces_b if hi > lo and j2 > j1
    ]


def _unit(
    a: _Side, b: _Side, i1: int, i2: int, j1: int, j2: int, aligned: dict[int, int], depth: int
) -> list[Change]:
    """The changes in one unit: its first typed core, and the rest of it on either side."""
    wa, wb = a.words[i1:i2], b.words[j1:j2]
    if _same_words(wa, wb):
        return []
    signals_same = negation_count(wa) == negation_count(wb) and _hedges(a, i1, i2) == _hedges(b, j1, j2)
    if signals_same and _moved(wa, a.base_counts, b.base_counts) and _moved(wb, b.base_counts, a.base_counts):
        return []
    kind = _kind(a, b, i1, i2, j1, j2)
    if kind is None:
        return []
    if kind == "entity":
        core_a, core_b = _paired_names(a, i1, i2, b, j1, j2)
    else:
        core_a, core_b = _core(kind, a, i1, i2, b), _core(kind, b, j1, j2, a)
    whole = [_change(kind, a, b, i1, i2, j1, j2, aligned)]
    if kind == "other" or depth > 6 or (core_a, core_b) in (((i1, i2), (j1, j2)), (None, None)):
        return whole
    if core_a is None:
        core_a = _place(core_b, j1, j2, i1, i2)
    if core_b is None:
        core_b = _place(core_a, i1, i2, j1, j2)
    rest = _diff(a, b, i1, core_a[0], j1, core_b[0], depth + 1)
    here = _change(kind, a, b, *core_a, *core_b, aligned)
    rest_right = _diff(a, b, core_a[1], i2, core_b[1], j2, depth + 1)
    if any(c.kind == "other" for c in rest + rest_right):
        return whole  # the rest is the same idea reworded: keep the unit in one piece
    return rest + [here] + rest_right


def _place(core: tuple[int, int], lo: int, hi: int, olo: int, ohi: int) -> tuple[int, int]:
    """An empty core on the side that lacks the items, at the matching place."""
    if core[1] >= hi:
        return ohi, ohi
    if core[0] <= lo:
        return olo, olo
    at = olo + round((ohi - olo) * (core[0] - lo) / max(1, hi - lo))
    return at, at


def _core(kind: ChangeKind, side: _Side, lo: int, hi: int, other: _Side) -> tuple[int, int] | None:
    """The smallest token range in ``lo:hi`` holding the items of ``kind``; None if none.

    Dates and names that the other side also has somewhere are moved, not changed.
    """
    words = side.words
    if kind == "negation":
        hits = [i for i in range(lo, hi) if words[i] in NEGATIONS or words[i].endswith("n't")]
    elif kind == "number":
        hits = [i for i in range(lo, hi) if number_value(words[i]) is not None and not is_date_number(words, i)]
    elif kind == "hedge":
        hits = []
        for i in range(lo, hi):
            n = hedge_at(words, i)
            if n:
                hits += range(i, min(hi, i + n))
    elif kind == "date":
        elsewhere = other.dates
        hits = [i for i in range(lo, hi) if date_item(words, i) and date_item(words, i) not in elsewhere]
        if hits:  # "the day before", "this week"
            first, last = min(hits), max(hits)
            while first > lo and words[first - 1] in _DATE_EDGES:
                first -= 1
            while last + 1 < hi and words[last + 1] in _DATE_EDGES:
                last += 1
            hits = [first, last]
    elif kind == "attribution":
        hits = [i for i in range(lo, hi) if reporting_lemma(words[i])]
        # the credited name goes with its verb: "CNN reported", "Pentagon officials said"
        while hits and hits[0] > lo and side.speaker(hits[0] - 1):
            hits.insert(0, hits[0] - 1)
        while hits and hits[0] > lo and words[hits[0] - 1] in _AUXILIARIES:
            hits.insert(0, hits[0] - 1)
    elif kind == "entity":
        return _first_name_run(side, lo, hi)
    else:
        return (lo, hi)
    return (min(hits), max(hits) + 1) if hits else None


_DATE_EDGES = frozenset("the this that before after earlier later ago".split())
_CONNECTORS = frozenset("and of the for de al el".split())
# words that only place or point at a name: "in" / "near Deir ez-Zor", "us" / "the US"
_FILLERS = frozenset("a an the in at on of to for from by with near into onto and us them it him her me".split())
_DIRECTIONS = frozenset(
    """north south east west northeast northwest southeast southwest northern southern eastern
    western northeastern northwestern southeastern southwestern central""".split()
)


def _name_runs(side: _Side, lo: int, hi: int) -> list[tuple[int, int]]:
    """Every run of name tokens in ``lo:hi``, in order."""
    runs = []
    while (run := _first_name_run(side, lo, hi)) is not None:
        runs.append(run)
        lo = run[1]
    return runs


def _run_class(side: _Side, run: tuple[int, int]) -> str:
    words = side.words[run[0] : run[1]]
    if all(w in _DIRECTIONS for w in words):
        return "direction"
    return "name" if any(side.capitalised(i) for i in range(*run)) else "group"


def _paired_names(a: _Side, i1: int, i2: int, b: _Side, j1: int, j2: int):
    """The name runs that replace each other: the first pair of the same class
    ("northeast" / "southern", not "U.S. military installations" / "southern"),
    else the first run of each side."""
    runs_a, runs_b = _name_runs(a, i1, i2), _name_runs(b, j1, j2)
    for ra in runs_a:
        for rb in runs_b:
            if _run_class(a, ra) == _run_class(b, rb):
                return ra, rb
    return (runs_a[0] if runs_a else None), (runs_b[0] if runs_b else None)


def _first_name_run(side: _Side, lo: int, hi: int) -> tuple[int, int] | None:
    """The first run of name tokens in ``lo:hi``: "Mission Support Site Conoco and … Green Village"."""
    start = next((i for i in range(lo, hi) if _is_entity(side, i)), None)
    if start is None:
        return None
    while start > lo and side.hyphenated(start - 1):
        start -= 1  # "al-Tanf"
    end = start + 1
    while end < hi:
        if _is_entity(side, end) or side.hyphenated(end - 1):
            end += 1
        elif side.words[end] in _CONNECTORS and end + 1 < hi and _is_entity(side, end + 1):
            end += 2
        else:
            break
    return start, end


_AUXILIARIES = frozenset("has have had is are was were be been being will would does did do".split())
_DETERMINERS = frozenset("the a an both two three four five six seven eight nine ten its their".split())


def _change(kind: ChangeKind, a: _Side, b: _Side, i1: int, i2: int, j1: int, j2: int, aligned: dict[int, int]) -> Change:
    if kind == "hedge":
        return _hedge_change(a, b, i1, i2, j1, j2, aligned)
    if kind in ("entity", "number", "other"):
        i1, i2 = _trim(a.words, i1, i2)
        j1, j2 = _trim(b.words, j1, j2)
    if kind == "entity":  # show the group with its determiners: "the two sides"
        while (
            i1 > 0 and i1 < i2 and j1 > 0 and j1 < j2 and a.words[i1 - 1] == b.words[j1 - 1] in _DETERMINERS
            and not _hedged(a, i1 - 1) and not _hedged(b, j1 - 1)  # the hedge change shows "At least four"
        ):
            i1, j1 = i1 - 1, j1 - 1
    span_a, span_b = a.span(i1, i2), b.span(j1, j2)
    return Change(kind, span_a, span_b, a.seg.slice(span_a), b.seg.slice(span_b))


def _trim(words: Sequence[str], lo: int, hi: int) -> tuple[int, int]:
    """``lo:hi`` without function words at either edge (unless that leaves nothing)."""
    l, h = lo, hi
    while l < h and words[l] in STOPWORDS:
        l += 1
    while h > l and words[h - 1] in STOPWORDS:
        h -= 1
    return (l, h) if l < h else (lo, hi)


def _same_words(wa: Sequence[str], wb: Sequence[str]) -> bool:
    """Spacing, hyphenation, possessives or spelling alone: "service members" / "servicemembers"."""
    ja, jb = _squash(wa), _squash(wb)
    if ja == jb:
        return True
    if any(c.isdigit() for c in ja + jb):  # "16.08.2023" / "17.08.2023" is one character apart
        return False
    return min(len(ja), len(jb)) >= 6 and not quantities(wa) and not quantities(wb) and fuzz.ratio(ja, jb) >= 88


def _squash(words: Sequence[str]) -> str:
    return "".join(CANONICAL.get(base_word(w.casefold()), base_word(w.casefold())) for w in words)


def _moved(words: Sequence[str], own: Counter, other: Counter) -> bool:
    """Whether every content word of ``words`` is as frequent on the other side (a move).

    ``own`` and ``other`` count the words of the two passages (:attr:`_Side.base_counts`).
    """
    content = [base_word(w) for w in words if w not in STOPWORDS]
    if not content:
        return True
    return all(other[w] >= own[w] for w in content)


def _kind(a: _Side, b: _Side, i1: int, i2: int, j1: int, j2: int) -> ChangeKind | None:
    wa, wb = a.words[i1:i2], b.words[j1:j2]
    short = min(len(wa), len(wb)) == 0 and max(len(wa), len(wb)) <= 4 or max(len(wa), len(wb)) <= _MAX_SIDE
    if negation_count(wa) != negation_count(wb):
        return "negation"
    na, nb = _numbers_in(a, i1, i2), _numbers_in(b, j1, j2)
    if na != nb and (na and nb or not (wa and wb) and len(wa + wb) <= 3):
        return "number"
    if _hedges(a, i1, i2) != _hedges(b, j1, j2):
        return "hedge"
    da, db = _dates_in(a, i1, i2), _dates_in(b, j1, j2)
    moved_a, moved_b = da - b.dates, db - a.dates  # a date said elsewhere moved
    if (moved_a or moved_b) and (da and db or short) and not _same_day(a, b, i1, i2, j1, j2):
        return "date"
    if reporting_verbs(wa) != reporting_verbs(wb):
        return "attribution"
    ea, eb = _entities(a, i1, i2), _entities(b, j1, j2)
    # a name against words that are no name ("the two sides comes" / "even") is a
    # clause built differently, unless those words only place it ("in" / "near Deir ez-Zor")
    unnamed = wb if ea and not eb else wa
    if ea != eb and (ea and eb or short and all(w in _FILLERS for w in unnamed)):
        return "entity"
    ca = Counter(w for w in wa if _is_content(w))
    cb = Counter(w for w in wb if _is_content(w))
    if ca != cb and max(len(wa), len(wb)) <= _MAX_SIDE:
        return "other"
    return None


def _is_content(w: str) -> bool:
    return w not in STOPWORDS and number_value(w) is None


def _numbers_in(side: _Side, lo: int, hi: int) -> tuple[float, ...]:
    """The quantities in tokens ``lo:hi``, numbers that are part of a date left out."""
    words = [w if not is_date_number(side.words, lo + k) else "" for k, w in enumerate(side.words[lo:hi])]
    return quantities(words)


def _dates_in(side: _Side, lo: int, hi: int) -> frozenset[str]:
    return frozenset(filter(None, (date_item(side.words, i) for i in range(lo, hi))))


def _hedges(side: _Side, lo: int, hi: int) -> frozenset[str]:
    """Hedge phrases that start inside tokens ``lo:hi`` (a quantity hedge needs a number after it)."""
    words = side.words
    return frozenset(" ".join(words[i : i + n]) for i in range(lo, hi) if (n := hedge_at(words, i)))


def _hedged(side: _Side, i: int) -> bool:
    """Whether token ``i`` is part of the quantity a hedge qualifies ("at least [four]")."""
    words = side.words
    for j in range(max(0, i - 3), i):
        n = hedge_at(words, j)
        if n and j + n <= i < (quantity_at(words, j + n) or 0):
            return True
    return False


def _hedge_change(a: _Side, b: _Side, i1: int, i2: int, j1: int, j2: int, aligned: dict[int, int]) -> Change:
    """A hedge change shown with the quantity it qualifies: "At least four" / "four"."""
    ha, hb = _hedges(a, i1, i2), _hedges(b, j1, j2)
    hedged, other, lo, hi, flip = (a, b, i1, i2, False) if ha - hb else (b, a, j1, j2, True)
    mapping = aligned if not flip else {v: k for k, v in aligned.items()}
    end = hi
    stop = quantity_at(hedged.words, hi)
    if stop is not None:
        end = stop
    # the other side: its own words in the unit, stretched over the counterpart of the quantity
    o_lo, o_hi = (j1, j2) if not flip else (i1, i2)
    partners = [mapping[k] for k in range(hi, end) if k in mapping]
    if partners:
        o_lo, o_hi = min(o_lo, min(partners)) if o_hi > o_lo else min(partners), max(o_hi, max(partners) + 1)
        if o_hi - o_lo > _MAX_SIDE:  # the unit's own words are a long rewrite: show just the quantity
            o_lo, o_hi = min(partners), max(partners) + 1
    h_span, o_span = hedged.span(lo, end), other.span(o_lo, o_hi)
    sa, sb = (h_span, o_span) if not flip else (o_span, h_span)
    return Change("hedge", sa, sb, a.seg.slice(sa), b.seg.slice(sb))


def _same_day(a: _Side, b: _Side, i1: int, i2: int, j1: int, j2: int) -> bool:
    """Two written-out dates for the same day ("Aug. 16" / "16 August"), by dateparser."""
    ta, tb = a.seg.slice(a.span(i1, i2)), b.seg.slice(b.span(j1, j2))
    if not ta or not tb:
        return False
    da, db = parse_date(ta), parse_date(tb)
    return da is not None and da == db


def _entities(side: _Side, lo: int, hi: int) -> frozenset[str]:
    """Names and the groups or places a sentence is about, in tokens ``lo:hi``."""
    return frozenset(base_word(side.words[i]) for i in range(lo, hi) if _is_entity(side, i))


def _is_entity(side: _Side, i: int) -> bool:
    w = side.words[i]
    if w in DATE_WORDS or number_value(w) is not None or reporting_lemma(w):
        return False
    return w in ACTOR_NOUNS or side.capitalised(i)

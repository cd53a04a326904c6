"""What an alignment says about reuse, as the numbers the verdict reads.

Everything here comes from passages the alignment already found, so it costs
little next to the alignment itself.

>>> from copytrace.segment import segment
>>> from copytrace.types import Passage, Span
>>> a = segment("Thailand exported 56,652 tonnes of rice in the week ended April 7, the ministry said.")
>>> b = segment("Thailand exported 61,200 tonnes of rice in the week ended April 14, the ministry said.")
>>> p = Passage("verbatim", Span(0, len(a.text) - 1), Span(0, len(b.text) - 1), 0.8)
>>> fact_agreement(a, b, [p])           # the figures and the date differ; "Thailand" agrees
(4, 5, 4, 4)
>>> longest_exact(a, b, [p])             # "tonnes of rice in the week ended April"
8
"""
from __future__ import annotations

import bisect
import re
from typing import Iterable, Sequence

import numpy as np
from rapidfuzz.distance import Indel

from ..segment import TOKEN, Segmented, normalise
from ..types import Passage, Span
from ..verdict import CLOSE_PARAPHRASE, LONG_RUN, Evidence
from ..words import FUNCTION_WORDS, MONTH_ABBREVIATIONS, MONTHS, WEEKDAYS
from .boilerplate import without_boilerplate_lines
from .coverage import covered_shares, word_array

# Words that start a sentence or a quotation are capitalised for grammar, not as names.
_NOT_NAMES = frozenset(
    """the a an and but or if in on at to of for by with from as it its he she they we i you this that these
    those there here his her their our my your mr mrs ms dr when while after before since until however
    meanwhile also still yet so then""".split()
)
_MONTHS = frozenset(MONTHS + MONTH_ABBREVIATIONS + WEEKDAYS)
_DIGIT = re.compile(r"\d")
# Facts just outside a passage still belong to it: verbatim passages stop at the changed figure.
FACT_MARGIN = 2


def gather(
    a: Segmented,
    b: Segmented,
    verbatim: Sequence[Passage],
    paraphrase: Sequence[Passage],
    *,
    skip_a: Sequence[Span] = (),
    skip_b: Sequence[Span] = (),
    quotes_a: Sequence[Span] = (),
    quotes_b: Sequence[Span] = (),
    names_skip: tuple[Sequence[Span], Sequence[Span]] | None = None,
    **meta,
) -> Evidence:
    """The :class:`~copytrace.verdict.Evidence` of one alignment.

    ``skip_*`` are boilerplate spans (left out of every share), ``quotes_*``
    quotation spans; ``names_skip``, when given, the spans of each text whose
    names :func:`name_agreement` leaves out (it is not counted otherwise);
    ``meta`` passes publication times, credit counts and corpus facts through.
    """
    # A passage that lies wholly in skipped text on one side (template frames verbatim passages
    # may run through: see pipeline.Prepared.frames) is the template speaking, not evidence.
    verbatim = _with_content(a, b, verbatim, skip_a, skip_b)
    close = [p for p in paraphrase if p.score >= CLOSE_PARAPHRASE]
    # Each side's shares: verbatim; verbatim and paraphrase; verbatim and close paraphrase.
    kinds = (verbatim, [*verbatim, *paraphrase], [*verbatim, *close])
    (va, both_a, close_a), words_a = covered_shares(a, [[p.a for p in ps] for ps in kinds], skip_a)
    (vb, both_b, close_b), words_b = covered_shares(b, [[p.b for p in ps] for ps in kinds], skip_b)
    close_a, close_b = close_a - va, close_b - vb
    runs = _run_lengths(a, verbatim, quotes_a)
    units = [*verbatim, *paraphrase]
    differ, total, numbers_differ, numbers = fact_agreement(a, b, units)
    names_differ, names = name_agreement(a, b, units, *names_skip) if names_skip is not None else (0, 0)
    dates_differ = changed_dates(a, b, verbatim, *names_skip) if names_skip is not None else 0
    return Evidence(
        verbatim_a=va,
        verbatim_b=vb,
        paraphrase_a=max(0.0, both_a - va),
        paraphrase_b=max(0.0, both_b - vb),
        close_paraphrase_a=max(0.0, close_a),
        close_paraphrase_b=max(0.0, close_b),
        words_a=words_a,
        words_b=words_b,
        longest_run=max(runs, default=0),
        long_runs=sum(1 for r in runs if r >= LONG_RUN),
        units=len(units),
        in_order=in_order(units),
        facts=total,
        facts_differ=differ,
        numbers=numbers,
        numbers_differ=numbers_differ,
        names=names,
        names_differ=names_differ,
        dates_differ=dates_differ,
        longest_exact=longest_exact(a, b, verbatim),
        identity=_identity(verbatim),
        quoted=max(_quoted(a, [p.a for p in verbatim], quotes_a), _quoted(b, [p.b for p in verbatim], quotes_b)),
        **meta,
    )


def _with_content(a: Segmented, b: Segmented, passages: Sequence[Passage], skip_a: Sequence[Span],
                  skip_b: Sequence[Span]) -> list[Passage]:
    """The passages with some words outside ``skip_*`` on both sides."""
    if not passages or not (skip_a or skip_b):
        return list(passages)
    skipped_a, skipped_b = word_array(a, skip_a), word_array(b, skip_b)

    def has_content(seg: Segmented, skipped: np.ndarray, span: Span) -> bool:
        lo, hi = _word_range(seg, span)
        return not skipped[lo:hi].all()

    return [p for p in passages if has_content(a, skipped_a, p.a) and has_content(b, skipped_b, p.b)]


def in_order(passages: Sequence[Passage]) -> int:
    """The most passages that appear in the same order in both texts (longest increasing run).

    >>> from copytrace.types import Passage, Span
    >>> ps = [Passage("verbatim", Span(i, i + 1), Span(j, j + 1), 1.0) for i, j in [(0, 5), (2, 1), (4, 7), (6, 9)]]
    >>> in_order(ps)
    3
    """
    tails: list[int] = []
    for p in sorted(passages, key=lambda p: (p.a.start, p.b.start)):
        k = bisect.bisect_left(tails, p.b.start)
        if k == len(tails):
            tails.append(p.b.start)
        else:
            tails[k] = p.b.start
    return len(tails)


def fact_agreement(a: Segmented, b: Segmented, passages: Sequence[Passage]) -> tuple[int, int, int, int]:
    """Facts inside the aligned passages: (on one side only, in all), then the same for figures alone.

    Facts are numbers, dates and capitalised names. Two reports cut from one
    template align well but disagree on nearly every fact, and on every
    figure; a copy keeps them. (Names that every report of a template shares,
    "the Trade Ministry", dilute the first count, not the second.)

    A passage's facts include the unaligned words just outside it where both
    texts have some (:func:`_gaps`): a verbatim passage stops at the changed
    figure. Where one text goes straight on into another aligned passage, the
    passage ends at a junction — a copy cut and pasted together, an added or
    dropped sentence — and what the other text holds there is not a changed fact.
    """
    covered_a, covered_b = word_array(a, [p.a for p in passages]), word_array(b, [p.b for p in passages])
    differ = total = numbers_differ = numbers = 0
    for p in passages:
        words_a, words_b = _gaps(a, p.a, covered_a, b, p.b, covered_b)
        fa, fb = _facts(a, words_a), _facts(b, words_b)
        differ += len(fa ^ fb)
        total += len(fa | fb)
        na, nb = {f for f in fa if _DIGIT.search(f)}, {f for f in fb if _DIGIT.search(f)}
        numbers_differ += len(na ^ nb)
        numbers += len(na | nb)
    return differ, total, numbers_differ, numbers


def _gaps(a: Segmented, span_a: Span, covered_a: np.ndarray, b: Segmented, span_b: Span,
          covered_b: np.ndarray) -> tuple[list[int], list[int]]:
    """The word indices of each side's passage and, at each end where both sides have them, of up
    to ``FACT_MARGIN`` unaligned words beyond it."""
    (la, ha), (lb, hb) = _word_range(a, span_a), _word_range(b, span_b)
    before_a, before_b = _unaligned(covered_a, la, -1), _unaligned(covered_b, lb, -1)
    after_a, after_b = _unaligned(covered_a, ha, 1), _unaligned(covered_b, hb, 1)
    both_before, both_after = bool(before_a and before_b), bool(after_a and after_b)
    return ([*(before_a if both_before else ()), *range(la, ha), *(after_a if both_after else ())],
            [*(before_b if both_before else ()), *range(lb, hb), *(after_b if both_after else ())])


def _word_range(seg: Segmented, span: Span) -> tuple[int, int]:
    """The words of ``span``, as a range of word indices."""
    starts = seg.token_starts
    return bisect.bisect_left(starts, span.start), bisect.bisect_left(starts, span.end)


def _unaligned(covered: np.ndarray, edge: int, step: int) -> list[int]:
    """Up to ``FACT_MARGIN`` words from ``edge`` outward (``step`` -1: before it) in no passage."""
    out = []
    i = edge - 1 if step < 0 else edge
    while len(out) < FACT_MARGIN and 0 <= i < len(covered) and not covered[i]:
        out.append(i)
        i += step
    return out


def name_agreement(a: Segmented, b: Segmented, passages: Sequence[Passage], skip_a: Sequence[Span] = (),
                   skip_b: Sequence[Span] = ()) -> tuple[int, int]:
    """Names inside the aligned passages, outside ``skip_*``: (on one side only, in all).

    Two reports filed from one template fill its frames with other companies,
    places and officials; a copy, an update or a rewrite keeps them. Figures
    alone cannot tell: at 100,000 same-beat reports, chance agreements on a
    rate or a temperature passed half the template pairs a scan still kept.
    Credits and furniture ("first reported by City Wire", a newsletter banner)
    are the caller's to skip: a rewrite adds them.
    """
    differ = total = 0
    for (na, wa), (nb, wb) in _passage_names(a, b, passages, skip_a, skip_b):
        differ += len(_one_side_only(na, wa, nb, wb))
        total += len(na | nb)
    return differ, total


def _one_side_only(na: set[str], wa: set[str], nb: set[str], wb: set[str]) -> set[str]:
    """The names of one side whose word the other side's stretch does not hold at all.

    Capitalisation marks a name only inside a sentence: "Net" opens a line of
    an earnings table and sits mid-sentence in a copy that ran the lines
    together, and "Bayes" opens one text's sentence and not the other's. A
    name is missing from the other side only when its word is.
    """
    return (na - wb) | (nb - wa)


def changed_dates(a: Segmented, b: Segmented, verbatim: Sequence[Passage], skip_a: Sequence[Span] = (),
                  skip_b: Sequence[Span] = ()) -> int:
    """Days and months on one side only in the verbatim passages (with :func:`_names`' margins).

    A copy keeps the day its source names; another report of one template,
    filed on another day, changes it. At 100,000 same-beat reports, a brief
    (a report's headline and lead) matched another report of its beat word
    for word but the weekday about 500 times, one figure agreeing by chance
    all it had for the other rules to go on. Verbatim passages only: the
    sentence model's passages cannot change the count, so a scan can settle
    a pair before it runs.
    """
    return sum(len({w for w in _one_side_only(na, wa, nb, wb) if w in _MONTHS})
               for (na, wa), (nb, wb) in _passage_names(a, b, verbatim, skip_a, skip_b))


def _passage_names(a: Segmented, b: Segmented, passages: Sequence[Passage], skip_a: Sequence[Span],
                   skip_b: Sequence[Span]) -> Iterable[tuple[tuple[set[str], set[str]], tuple[set[str], set[str]]]]:
    """Each passage's :func:`_names` on both sides."""
    if not passages:
        return
    skipped_a, skipped_b = word_array(a, skip_a), word_array(b, skip_b)
    for p in passages:
        yield _names(a, p.a, skipped_a), _names(b, p.b, skipped_b)


def _names(seg: Segmented, span: Span, skipped: np.ndarray) -> tuple[set[str], set[str]]:
    """The names of ``span`` and its margin, the margin kept inside the sentences ``span`` touches
    (a rewrite reorders sentences, and the next one's names are not this passage's), and every word there."""
    first, end = _word_range(seg, span)
    if first >= end:
        return set(), set()
    sentence_of = seg.sentence_of
    inside = range(sentence_of[first], sentence_of[end - 1] + 1)
    lo, hi = max(first - FACT_MARGIN, 0), min(end + FACT_MARGIN, len(sentence_of))
    words, capitalised = seg.words, seg.capitalised
    window = [i for i in range(lo, hi) if not skipped[i] and sentence_of[i] in inside]
    return {words[i] for i in window if capitalised[i] and words[i] not in _NOT_NAMES}, {words[i] for i in window}


def story_names(seg: Segmented, skip: Sequence[Span] = ()) -> frozenset[str]:
    """The capitalised words of ``seg`` outside ``skip`` (furniture, credits): who and where a report is about.

    Sentence openers count too ("Economists had forecast ..."): in a brief the
    subject often opens the sentence ("Dalwell Resources begins tender offer
    ..."). Days and months are left out (:func:`changed_dates` reads those), as
    are function words.
    """
    skipped = word_array(seg, skip) if skip else None
    text = seg.text
    return frozenset(
        w for i, (w, start) in enumerate(zip(seg.words, seg.token_starts))
        if text[start].isupper() and (skipped is None or not skipped[i])
        and w not in _NOT_NAMES and w not in FUNCTION_WORDS and w not in _MONTHS and not _DIGIT.search(w)
    )


def names_kept(names_a: frozenset[str], names_b: frozenset[str], words_a: frozenset[str],
               words_b: frozenset[str]) -> float | None:
    """Share of the :func:`story_names` of the text with fewer found anywhere in the other (``words_*``: each
    text's words).

    ``None`` when either text has none. Two briefs of one beat match word for
    word but the bank, the company or the place ("The Bank of Canada raised its
    benchmark interest rate at 1.71 percent on Sunday" beside the Central Bank
    of Chile's report, the rate equal by chance): in a large corpus those are
    template frames, left out of every score, and the figures agree, so only the
    names tell. A copy, a shortened copy or a rewrite keeps its source's names.
    """
    if not names_a or not names_b:
        return None
    if len(names_a) <= len(names_b):
        return len(names_a & words_b) / len(names_a)
    return len(names_b & words_a) / len(names_b)


def figures(text: str, words: Iterable[tuple[int, str]]) -> frozenset[str]:
    """The figures of ``text``: its words with a digit.

    ``words`` are ``(start offset, normalised word)`` pairs, as :class:`Segmented`
    holds them. A minus sign written before a figure is kept ("-13" is not
    "13": at 100,000 same-beat weather reports such pairs passed template
    pairs as copies). Small numbers count too: leaving out days, temperatures
    and years left most reports one figure, and chance agreements on it
    passed 8x more template pairs.

    A scan computes the same set from the raw text before any pair is aligned
    (:func:`copytrace.corpus.fingerprint_stage.text_figures`), so a template
    pair can be dropped as a candidate with the verdict it would get.
    """
    return frozenset(("-" + w if _signed(text, start) else w) for start, w in words if _DIGIT.search(w))


def _signed(text: str, start: int) -> bool:
    """A minus sign before the word at ``start``, not a hyphen ("2-3", "Jan-13")."""
    return start > 0 and text[start - 1] in "-\u2212" and (start == 1 or not text[start - 2].isalnum())


def story_figures(text: str) -> frozenset[str]:
    """:func:`figures` of ``text`` outside its boilerplate lines (:func:`without_boilerplate_lines`).

    A press-wire footer's "customers in 42 countries" and "Reform Act of 1995"
    are not the story's: counted, a shortened copy that carried such a footer
    kept "few" of its source's figures and a scan dropped it as a template
    filed twice. Read from the raw text, so a scan computes the same set before
    any article is segmented (:func:`copytrace.corpus.fingerprint_stage.text_figures`).
    """
    return figures_of_text(without_boilerplate_lines(text))


def figures_of_text(text: str) -> frozenset[str]:
    """:func:`figures` of ``text`` read from the raw text, as :class:`Segmented` would give them."""
    # Only a word with a digit, or with a character folding could make one ("km²"), is normalised.
    return figures(text, ((m.start(), normalise(m.group())) for m in TOKEN.finditer(text)
                          if not m.group().isascii() or _DIGIT.search(m.group())))


def figures_kept(a: str | frozenset[str], b: str | frozenset[str]) -> float | None:
    """Share of the figures (:func:`story_figures`) of the text with fewer found in the other.

    ``a`` and ``b`` are the texts, or their story figures when the caller has them
    (a scan prepares each article once and pairs it many times).

    ``None`` when either text has none. Two reports written from one template
    share their frames but few figures; a copy or a rewrite keeps them. The
    whole stories count: leaving out the figures of common text or template
    frames (small numbers, dates) left so few that chance agreements passed
    template pairs as copies (wire corpus, 10k reports: 67 template pairs
    kept against 23), and the scan can decide it from the texts alone.
    """
    fa, fb = (story_figures(t) if isinstance(t, str) else t for t in (a, b))
    if not fa or not fb:
        return None
    return len(fa & fb) / min(len(fa), len(fb))


def longest_exact(a: Segmented, b: Segmented, verbatim: Sequence[Passage]) -> int:
    """The longest run of identical words inside the verbatim passages.

    A verbatim passage tolerates small edits, so a template's frame aligns
    across its changed figures; copied text has long runs with no edit at all.
    """
    best = 0
    for p in verbatim:
        wa = a.words[bisect.bisect_left(a.token_starts, p.a.start) : bisect.bisect_left(a.token_starts, p.a.end)]
        wb = b.words[bisect.bisect_left(b.token_starts, p.b.start) : bisect.bisect_left(b.token_starts, p.b.end)]
        best = max(best, _longest_equal(wa, wb))
    return best


def _longest_equal(wa: Sequence[str], wb: Sequence[str]) -> int:
    """The longest 'equal' block of the Indel alignment of ``wa`` and ``wb``.

    The alignment costs the product of the lengths (a passage over a whole
    400k-character paragraph: ~5 s), so above ``LONG_DIFF`` words a side it is
    done between anchors, word trigrams found once on each side (as the change
    analysis does); a run that crosses an anchor is counted whole.
    """
    from .changes import LONG_DIFF, anchor_cuts

    cuts = anchor_cuts(wa, wb) if max(len(wa), len(wb)) > LONG_DIFF else []
    best = run = pi = pj = 0
    for ci, cj in cuts + [(len(wa), len(wb))]:
        for block in Indel.opcodes(wa[pi:ci], wb[pj:cj]):
            if block.tag != "equal":
                run = 0
                continue
            # an equal run that ended the previous piece goes on in this piece's first block
            carried = run if (block.src_start, block.dest_start) == (0, 0) else 0
            run = carried + block.src_end - block.src_start
            best = max(best, run)
        pi, pj = ci, cj
    return best


def _facts(seg: Segmented, indices: Iterable[int]) -> set[str]:
    words, capitalised = seg.words, seg.capitalised
    return {w for w, cap in ((words[i], capitalised[i]) for i in indices)
            if (cap and w not in _NOT_NAMES) or w in _MONTHS or _DIGIT.search(w)}


def _run_lengths(seg: Segmented, verbatim: Sequence[Passage], quotes: Sequence[Span]) -> list[int]:
    """Words of each verbatim passage outside quotations (quoting one speaker is not copying)."""
    quoted = [0, *np.cumsum(word_array(seg, quotes)).tolist()] if quotes else [0] * (len(seg.token_starts) + 1)
    out = []
    for p in verbatim:
        lo, hi = _word_range(seg, p.a)
        out.append((hi - lo) - (quoted[hi] - quoted[lo]))
    return out


def _identity(verbatim: Sequence[Passage]) -> float:
    size = sum(len(p.a) for p in verbatim)
    return sum(p.score * len(p.a) for p in verbatim) / size if size else 0.0


def _quoted(seg: Segmented, spans: Sequence[Span], quotes: Sequence[Span]) -> float:
    if not quotes or not spans:
        return 0.0
    shared = word_array(seg, spans)
    n = int(np.count_nonzero(shared))
    if not n:
        return 0.0
    return int(np.count_nonzero(shared & word_array(seg, quotes))) / n

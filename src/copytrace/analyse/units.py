"""Which stretches of two articles are diffed for changes (:mod:`.changes` diffs them).

The aligned passages are the starting point; a sentence pair the passages tie
closely is diffed whole, and sentences a rewrite merged into one are diffed
together against it (see :func:`change_units`).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from ..segment import Segmented
from ..types import Passage, Span
from .coverage import word_mask

SENTENCE_PAIR_SHARE = 0.3  # passages covering this much of a sentence pair make it one unit for change analysis


def change_units(a: Segmented, b: Segmented, passages: Sequence[Passage]) -> list[Passage]:
    """The stretches whose words are diffed for changes.

    A verbatim passage often stops just short of a changed fact ("between the
    two sides" / "between the two countries"), so when passages tie one
    sentence of ``a`` to one sentence of ``b`` closely enough, the whole
    sentence pair is diffed instead of the passage alone. When adjacent
    sentences of one side are each tied most to the same sentence of the
    other, the rewrite merged them ("… M777 artillery, Pentagon officials
    said. At least four militants were killed …" / one CENTCOM quote): the
    sentences are diffed together against it.
    """
    words_a = _sentence_sizes(a)
    words_b = _sentence_sizes(b)
    linked: dict[tuple[int, int], int] = defaultdict(int)  # (sentence a, sentence b) → words aligned
    loose: list[Passage] = []
    kinds: dict[tuple[int, int], Passage] = {}
    for p in passages:
        in_a = _sentences_of(a, p.a)
        in_b = _sentences_of(b, p.b)
        if len(in_a) == 1 and len(in_b) == 1:
            key = (in_a[0], in_b[0])
            linked[key] += sum(word_mask(a, [p.a]))
            kinds.setdefault(key, p)
        else:
            loose.append(p)
    units = list(loose)
    best_a: dict[int, tuple[int, int]] = {}
    best_b: dict[int, tuple[int, int]] = {}
    for key, n in linked.items():
        if n > best_a.get(key[0], (0, -1))[0]:
            best_a[key[0]] = (n, key[1])
        if n > best_b.get(key[1], (0, -1))[0]:
            best_b[key[1]] = (n, key[0])
    merged: set[tuple[int, int]] = set()
    for group, j, one_on_b in _merged_groups(best_a, best_b):
        keys = [(i, j) if one_on_b else (j, i) for i in group]
        tied = sum(linked[k] for k in keys)
        many_words = sum((words_a if one_on_b else words_b)[i] for i in group)
        if tied >= SENTENCE_PAIR_SHARE * min(many_words, (words_b if one_on_b else words_a)[j]):
            p = kinds[keys[0]]
            many = Span((a if one_on_b else b).sentences[group[0]].start, (a if one_on_b else b).sentences[group[-1]].end)
            span_a = _trim(a, many) if one_on_b else _trim(a, a.sentences[j])
            span_b = _trim(b, b.sentences[j]) if one_on_b else _trim(b, many)
            units.append(Passage(p.kind, span_a, span_b, p.score))
            merged.update(keys)
    for (sa_i, sb_i), n in linked.items():
        if (sa_i, sb_i) in merged:
            continue
        mutual = best_a[sa_i][1] == sb_i and best_b[sb_i][1] == sa_i
        if mutual and n >= SENTENCE_PAIR_SHARE * min(words_a[sa_i], words_b[sb_i]):
            p = kinds[(sa_i, sb_i)]
            units.append(Passage(p.kind, _trim(a, a.sentences[sa_i]), _trim(b, b.sentences[sb_i]), p.score))
        else:
            units.extend(q for q in passages if _sentences_of(a, q.a) == [sa_i] and _sentences_of(b, q.b) == [sb_i])
    return _outermost_units(sorted(set(units), key=lambda p: (p.a.start, p.b.start)))


def _merged_groups(best_a: dict[int, tuple[int, int]], best_b: dict[int, tuple[int, int]]):
    """Runs of two or more adjacent sentences on one side whose best tie is one sentence of the other.

    Yields (the run, that sentence, True when the run is in ``a``).
    """
    for best, one_on_b in ((best_a, True), (best_b, False)):
        by_partner: dict[int, list[int]] = defaultdict(list)
        for i, (_, j) in best.items():
            by_partner[j].append(i)
        for j, members in by_partner.items():
            members.sort()
            run = [members[0]]
            for i in members[1:] + [None]:
                if i is not None and i == run[-1] + 1:
                    run.append(i)
                    continue
                if len(run) >= 2:
                    yield run, j, one_on_b
                run = [i] if i is not None else []


def _outermost_units(units: list[Passage]) -> list[Passage]:
    """Units not lying inside another unit on both sides.

    A stretch diffed twice is reported twice, and the smaller unit is the worse
    diff: a sentence stretched to its counterpart pairs its own clause with the
    clause of a neighbouring sentence that the larger unit holds ("Pentagon
    officials" / "resulting in four enemy fighters killed …")."""
    by_spans = {(p.a, p.b): p for p in reversed(units)}  # same stretch twice: keep the first
    distinct = [p for p in units if by_spans[(p.a, p.b)] is p]

    def inside(p: Passage, q: Passage) -> bool:
        return (p.a, p.b) != (q.a, q.b) and q.a.contains(p.a) and q.b.contains(p.b)

    return [p for p in distinct if not any(inside(p, q) for q in distinct)]


def _sentence_sizes(seg: Segmented) -> list[int]:
    return [len(seg.sentence_tokens(i)) for i in range(len(seg.sentences))]


def _sentences_of(seg: Segmented, span: Span) -> list[int]:
    return [i for i, s in enumerate(seg.sentences) if s.overlaps(span)]


def _trim(seg: Segmented, span: Span) -> Span:
    """A sentence span without the spaces after it."""
    text = seg.text[span.start : span.end]
    return Span(span.start, span.start + len(text.rstrip()))

"""One comparison, stage by stage: load → segment → align → analyse → judge.

Every shell (CLI, server, index, corpus scan) comes through :func:`compare`.

>>> c = compare("Four militants were killed in the strike on Thursday, officials said.",
...             "Officials said four militants were killed in the strike on Thursday night.",
...             paraphrase=False)
>>> c.verdict.label, [c.b.text[p.b.start:p.b.end] for p in c.passages]
('partially', ['four militants were killed in the strike on Thursday'])
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Sequence

from .align.paraphrase import align_paraphrases
from .align.quotes import align_quotes
from .align.verbatim import align_verbatim
from .analyse.attribution import credits, find_attributions
from .analyse.boilerplate import find_boilerplate
from .analyse.changes import find_changes
from .analyse.coverage import covered_share, uncovered, word_mask
from .comparison import Comparison
from .document import Document, as_document
from .segment import Segmented, segment
from .types import Attribution, Boilerplate, Passage, Span, Verdict
from .verdict import DEFAULT, Evidence, Thresholds, judge

SENTENCE_PAIR_SHARE = 0.3  # passages covering this much of a sentence pair make it one unit for change analysis


@dataclass(frozen=True)
class Prepared:
    """One article after the stages that look at it alone.

    A corpus scan prepares each article once and judges it against every
    candidate it has, instead of segmenting it again for each pair.
    """

    doc: Document
    seg: Segmented
    boilerplate: list[Span]
    credits: list[tuple[str, Span]]


def prepare(doc: str | Document, id: str = "a") -> Prepared:
    """Segment one article and find its boilerplate and credits."""
    doc = as_document(doc, id=id)
    seg = segment(doc.text)
    return Prepared(doc, seg, find_boilerplate(seg), find_attributions(seg))


@dataclass(frozen=True)
class Judgement:
    """The verdict of a pair without the passages, changes and rendering.

    ``used_model`` says whether the sentence model ran: :func:`judge_pair`
    skips it when no paraphrase it could find would change the label or the
    direction, and then ``verdict.score`` is the lexical score (at most
    ``paraphrase_weight`` x the uncovered share below the full one).
    """

    verdict: Verdict
    evidence: Evidence
    coverage_a: float
    coverage_b: float
    credited: bool | None
    used_model: bool


def compare(
    a: str | Document,
    b: str | Document,
    *,
    paraphrase: bool = True,
    model: str | None = None,
    thresholds: Thresholds = DEFAULT,
) -> Comparison:
    """Compare two articles: what ``b`` reuses of ``a`` (or the reverse) and what changed.

    ``a`` and ``b`` are texts or :class:`Document`s. ``paraphrase=False`` skips the
    sentence model (lexical alignment only); ``model`` names another
    sentence-transformers model than the default all-MiniLM-L6-v2.
    """
    pa, pb = prepare(a, "a"), prepare(b, "b")
    da, db, sa, sb = pa.doc, pb.doc, pa.seg, pb.seg
    bp_a, bp_b = pa.boilerplate, pb.boilerplate

    verbatim = align_verbatim(sa, sb, skip_a=bp_a, skip_b=bp_b)
    quotes = align_quotes(sa, sb)
    para = _paraphrases(pa, pb, verbatim, model) if paraphrase else []
    passages = sorted(verbatim + para, key=lambda p: (p.a.start, p.b.start))

    evidence = _evidence(pa, pb, verbatim, para, thresholds)
    verdict = judge(evidence, thresholds)

    changes = find_changes(sa, sb, change_units(sa, sb, passages)) if passages else []
    source_is_b = verdict.direction == "b->a"
    src, der = (sb, sa) if source_is_b else (sa, sb)
    src_bp, der_bp = (bp_b, bp_a) if source_is_b else (bp_a, bp_b)
    src_cov = [p.b if source_is_b else p.a for p in passages]
    der_cov = [p.a if source_is_b else p.b for p in passages]
    has_reuse = verdict.label != "non"
    added = uncovered(der, der_cov, der_bp) if has_reuse else []
    dropped = uncovered(src, src_cov, src_bp) if has_reuse else []

    return Comparison(
        a=da,
        b=db,
        verdict=verdict,
        passages=tuple(passages),
        changes=tuple(changes),
        attributions=tuple(
            [Attribution("a", name, span) for name, span in pa.credits]
            + [Attribution("b", name, span) for name, span in pb.credits]
        ),
        added=tuple(added),
        dropped=tuple(dropped),
        boilerplate=tuple([Boilerplate("a", s) for s in bp_a] + [Boilerplate("b", s) for s in bp_b]),
        quotes=tuple(quotes),
        coverage={
            "a": covered_share(sa, [p.a for p in passages], bp_a),
            "b": covered_share(sb, [p.b for p in passages], bp_b),
            "a_verbatim": evidence.verbatim_a,
            "b_verbatim": evidence.verbatim_b,
        },
        credited=_credited(verdict, pa, pb),
        evidence=evidence,
    )


def judge_pair(
    a: Prepared,
    b: Prepared,
    *,
    paraphrase: bool = True,
    model: str | None = None,
    thresholds: Thresholds = DEFAULT,
    floor: float = 0.0,
) -> Judgement:
    """The verdict of :func:`compare` for two prepared articles, with less work.

    No quotes, changes or added/dropped text, and the sentence model only runs
    when the lexical evidence leaves the verdict open: paraphrases add at most
    ``paraphrase_weight`` x the uncovered share to either side, so when every
    such addition gives the same label and direction, they are not looked for.
    A caller that drops pairs scoring below ``floor`` (the corpus scan) passes
    it, and a pair that cannot reach it is not looked at further either.

    >>> j = judge_pair(prepare("Four militants were killed in the strike on Thursday."),
    ...                prepare("Four militants were killed in the strike on Thursday.", "b"))
    >>> j.verdict.label, j.used_model
    ('wholly', False)
    """
    verbatim = align_verbatim(a.seg, b.seg, skip_a=a.boilerplate, skip_b=b.boilerplate)
    evidence = _evidence(a, b, verbatim, [], thresholds)
    para: list[Passage] = []
    used = paraphrase and not settled(evidence, thresholds, floor)
    if used:
        para = _paraphrases(a, b, verbatim, model)
        evidence = _evidence(a, b, verbatim, para, thresholds)
    verdict = judge(evidence, thresholds)
    passages = verbatim + para
    return Judgement(
        verdict=verdict,
        evidence=evidence,
        coverage_a=covered_share(a.seg, [p.a for p in passages], a.boilerplate),
        coverage_b=covered_share(b.seg, [p.b for p in passages], b.boilerplate),
        credited=_credited(verdict, a, b),
        used_model=used,
    )


def settled(evidence: Evidence, thresholds: Thresholds = DEFAULT, floor: float = 0.0) -> bool:
    """Whether no paraphrase evidence could change the label or the direction.

    Paraphrases can add to each side at most what verbatim passages left
    uncovered. The score rises with that addition and the direction's lean is
    linear in it, so the four extreme cases bound every outcome. Outcomes
    scoring below ``floor`` count as one ("not reuse", whatever the label).

    >>> settled(Evidence(verbatim_a=0.5, verbatim_b=0.5))       # partially either way, direction open
    False
    >>> settled(Evidence(verbatim_a=0.6, verbatim_b=0.97))      # b is made of a: wholly, a->b
    True
    >>> settled(Evidence(verbatim_a=0.05, verbatim_b=0.05), floor=0.2)  # cannot reach 0.2
    True
    """
    outcomes = set()
    for pa in (0.0, 1.0 - evidence.verbatim_a):
        for pb in (0.0, 1.0 - evidence.verbatim_b):
            v = judge(replace(evidence, paraphrase_a=pa, paraphrase_b=pb), thresholds)
            outcomes.add((v.label, v.direction) if v.score >= floor else "below")
    return len(outcomes) == 1


def _paraphrases(a: Prepared, b: Prepared, verbatim: list[Passage], model: str | None) -> list[Passage]:
    from .embed import get_encoder

    return align_paraphrases(
        a.seg,
        b.seg,
        get_encoder(model),
        covered_a=[p.a for p in verbatim],
        covered_b=[p.b for p in verbatim],
        skip_a=a.boilerplate,
        skip_b=b.boilerplate,
    )


def _credited(verdict: Verdict, a: Prepared, b: Prepared) -> bool | None:
    """Whether the derived text credits the source's outlet (None: no reuse, or outlet unknown)."""
    source, derived = (b, a) if verdict.direction == "b->a" else (a, b)
    if verdict.label == "non" or not source.doc.outlet:
        return None
    return credits(derived.credits, source.doc.outlet)


def _evidence(a: Prepared, b: Prepared, verbatim, para, thresholds) -> Evidence:
    sa, sb, bp_a, bp_b = a.seg, b.seg, a.boilerplate, b.boilerplate
    va = covered_share(sa, [p.a for p in verbatim], bp_a)
    vb = covered_share(sb, [p.b for p in verbatim], bp_b)
    # Articles on the same event have many sentences alike in meaning without
    # one being copied, so only close paraphrases count as evidence of reuse.
    strong = [p for p in para if p.score >= thresholds.strong_paraphrase]
    both_a = covered_share(sa, [p.a for p in verbatim + strong], bp_a)
    both_b = covered_share(sb, [p.b for p in verbatim + strong], bp_b)
    return Evidence(
        verbatim_a=va,
        verbatim_b=vb,
        paraphrase_a=both_a - va,
        paraphrase_b=both_b - vb,
        published_a=a.doc.published_at,
        published_b=b.doc.published_at,
        reported_credits_a=_reported(sa, a.credits),
        reported_credits_b=_reported(sb, b.credits),
    )


def _reported(seg: Segmented, found: Sequence[tuple[str, Span]]) -> int:
    """Credits that pass on another outlet's reporting ("CNN reported").

    "according to" and "told" are left out: original reporting uses them for its
    own sources ("according to officials"), and so do encyclopaedias.
    """
    cues = ("reported", "reports")
    return sum(1 for _, span in found if any(c in seg.slice(span).lower() for c in cues))


def change_units(a: Segmented, b: Segmented, passages: Sequence[Passage]) -> list[Passage]:
    """The stretches whose words are diffed for changes.

    A verbatim passage often stops just short of a changed fact ("between the
    two sides" / "between the two countries"), so when passages tie one
    sentence of ``a`` to one sentence of ``b`` closely enough, the whole
    sentence pair is diffed instead of the passage alone.
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
    for (sa_i, sb_i), n in linked.items():
        mutual = best_a[sa_i][1] == sb_i and best_b[sb_i][1] == sa_i
        if mutual and n >= SENTENCE_PAIR_SHARE * min(words_a[sa_i], words_b[sb_i]):
            p = kinds[(sa_i, sb_i)]
            units.append(Passage(p.kind, _trim(a, a.sentences[sa_i]), _trim(b, b.sentences[sb_i]), p.score))
        else:
            units.extend(q for q in passages if _sentences_of(a, q.a) == [sa_i] and _sentences_of(b, q.b) == [sb_i])
    return _outermost_units(sorted(set(units), key=lambda p: (p.a.start, p.b.start)))


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

"""One comparison, stage by stage: load → segment → align → analyse → judge.

Every shell (CLI, server, index, corpus scan) comes through :func:`compare`.

>>> c = compare("Four militants were killed in the strike on Thursday, officials said.",
...             "Officials said four militants were killed in the strike on Thursday night.",
...             paraphrase=False)
>>> c.verdict.label, [c.b.text[p.b.start:p.b.end] for p in c.passages]
('wholly', ['four militants were killed in the strike on Thursday'])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from .align.paraphrase import align_paraphrases
from .align.quotes import align_quotes, find_quotes
from .align.verbatim import align_verbatim
from .analyse.attribution import credits, find_attributions
from .analyse.boilerplate import find_boilerplate
from .analyse.changes import find_changes
from .analyse.coverage import covered_share, uncovered
from .analyse.units import change_units
from .analyse.evidence import figures_kept, gather, names_kept, story_figures, story_names
from .comparison import Comparison
from .document import Document, as_document, check_length
from .segment import TOKEN, Segmented, segment
from .types import Attribution, Boilerplate, Passage, Span, Verdict
from .verdict import Evidence, VerdictModel, get_model

_DIGIT = re.compile(r"\d")


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
    quotes: list[Span]
    templated: bool = False  # most figures sit in frames the corpus fills with others (blocks.common)
    # In a templated report, the text as many documents hold as hold its frames. Left out of
    # every score, but verbatim passages may run through it: a copy then stays one passage
    # with its figures, while another report from the frames breaks at every figure.
    frames: list[Span] = field(default_factory=list)
    # In a templated report, its figures outside boilerplate lines (evidence.story_figures), read
    # once here rather than for every pair the article is in.
    figures: frozenset[str] = frozenset()
    # ... and its names outside furniture and credits (evidence.story_names), with every word it
    # holds: what another report of its template must share for the two to be one story.
    names: frozenset[str] = frozenset()
    vocabulary: frozenset[str] = frozenset()

    @property
    def skipped(self) -> list[Span]:
        """Boilerplate and template frames: the text no score counts."""
        return sorted({*self.boilerplate, *self.frames}) if self.frames else self.boilerplate


def prepare(doc: str | Document, id: str = "a", *, common: Sequence[Span] = (), templated: bool = False,
            frames: Sequence[Span] = ()) -> Prepared:
    """Segment one article and find its boilerplate, credits and quotations.

    ``common`` are stretches a corpus scan or an archive found in many
    unrelated documents (templates, site furniture): they count as boilerplate.
    ``templated`` says the corpus found most of its figures in template frames
    (:meth:`copytrace.blocks.common.CommonText.templated`), and ``frames`` are
    then the stretches as common as those frames (see :attr:`Prepared.frames`):
    in a templated report the common text is one of them, not boilerplate, for in
    a large corpus a whole report is common and a copy of it is known only by
    verbatim passages that run through its frames and carry its figures.
    """
    doc = as_document(doc, id=id)
    check_length(doc.text, doc.id)  # a Document made directly has not been checked yet
    seg = segment(doc.text)
    boilerplate = sorted({*find_boilerplate(seg), *([] if templated else common)})
    credits = find_attributions(seg)
    if not templated:
        return Prepared(doc, seg, boilerplate, credits, find_quotes(seg))
    frames = _around_figures(seg, sorted({*frames, *common}))
    return Prepared(doc, seg, boilerplate, credits, find_quotes(seg), templated, frames, story_figures(doc.text),
                    _story_names(seg, boilerplate, credits), frozenset(seg.words))


def _around_figures(seg: Segmented, spans: Sequence[Span]) -> list[Span]:
    """``spans`` with every word that holds a digit cut out of them.

    A frame's shingles hold the common part of a figure ("rate at 0" of "rate
    at 0.80"), and a figure the frame reaches into counted as frame: a
    shortened copy of a report, every word of it in frames, then had nothing
    left to count (a scan of 10,000 same-beat reports missed 5% of them). The
    figures are what tells a copy from another report of the same frames.
    """
    if not spans:
        return []
    text = seg.text
    figures = [m.span() for m in TOKEN.finditer(text) if _DIGIT.search(m.group())]
    out: list[Span] = []
    k = 0
    for span in spans:
        start = span.start
        while k < len(figures) and figures[k][1] <= start:
            k += 1
        j = k
        while j < len(figures) and figures[j][0] < span.end:
            if figures[j][0] > start:
                out.append(Span(start, figures[j][0]))
            start = max(start, figures[j][1])
            j += 1
        if start < span.end:
            out.append(Span(start, span.end))
    return out


@dataclass(frozen=True)
class Judgement:
    """The verdict of a pair without the passages, changes and rendering.

    ``used_model`` says whether the sentence model ran: :func:`judge_pair`
    skips it when no paraphrase it could find would change the label or the
    direction (then ``verdict.score`` is judged from the verbatim evidence).
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
    verdict_model: str | VerdictModel | None = None,
) -> Comparison:
    """Compare two articles: what ``b`` reuses of ``a`` (or the reverse) and what changed.

    ``a`` and ``b`` are texts or :class:`Document`s. ``paraphrase=False`` skips the
    sentence model (lexical alignment only); ``model`` names another
    sentence-transformers model than the default all-MiniLM-L6-v2;
    ``verdict_model`` a verdict model file made by ``copytrace fit`` (the
    shipped model by default).
    """
    return compare_prepared(prepare(a, "a"), prepare(b, "b"), paraphrase=paraphrase, model=model,
                            verdict_model=verdict_model)


def compare_prepared(
    pa: Prepared,
    pb: Prepared,
    *,
    paraphrase: bool = True,
    model: str | None = None,
    verdict_model: str | VerdictModel | None = None,
    second_opinion: bool = True,
) -> Comparison:
    """:func:`compare` for articles already prepared (the archive passes its common text this way).

    ``second_opinion=False`` leaves the paraphrase passages' scores as the pair
    scorer gave them (for callers that read only the evidence, as training does).
    """
    da, db, sa, sb = pa.doc, pb.doc, pa.seg, pb.seg
    bp_a, bp_b = pa.skipped, pb.skipped

    verbatim = align_verbatim(sa, sb, skip_a=pa.boilerplate, skip_b=pb.boilerplate)
    quotes = align_quotes(sa, sb)
    para = _paraphrases(pa, pb, verbatim, model) if paraphrase else []
    evidence = _evidence(pa, pb, verbatim, para)
    verdict = get_model(verdict_model).judge(evidence)
    if para and second_opinion:  # the evidence is the pair scorer's; the score shown says whether the meaning was kept
        para = _second_opinion(para, sa, sb, model)
    passages = sorted(verbatim + para, key=lambda p: (p.a.start, p.b.start))

    units = change_units(sa, sb, passages) if passages else []
    changes = find_changes(sa, sb, units) if units else []
    source_is_b = verdict.direction == "b->a"
    src, der = (sb, sa) if source_is_b else (sa, sb)
    src_bp, der_bp = (bp_b, bp_a) if source_is_b else (bp_a, bp_b)
    # A stretch diffed for changes is accounted for there, not again as added or dropped.
    src_cov = [p.b if source_is_b else p.a for p in [*passages, *units]]
    der_cov = [p.a if source_is_b else p.b for p in [*passages, *units]]
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
    verdict_model: str | VerdictModel | None = None,
    floor: float = 0.5,
) -> Judgement:
    """The verdict of :func:`compare` for two prepared articles, with less work.

    No quote matching, changes or added/dropped text, and the sentence model
    only runs when the lexical evidence leaves the verdict open
    (:meth:`~copytrace.verdict.VerdictModel.settled`). A caller that drops
    pairs scoring below ``floor`` (the corpus scan) passes it, and a pair
    that cannot reach it is not looked at further either.

    >>> j = judge_pair(prepare("Four militants were killed in the strike on Thursday."),
    ...                prepare("Four militants were killed in the strike on Thursday.", "b"))
    >>> j.verdict.label, j.used_model
    ('wholly', False)
    """
    verbatim = align_verbatim(a.seg, b.seg, skip_a=a.boilerplate, skip_b=b.boilerplate)  # frames not skipped
    judge_model = get_model(verdict_model)
    evidence = _evidence(a, b, verbatim, [])
    para: list[Passage] = []
    # First the loose bound (any uncovered word could be paraphrased), then tighter
    # ones: only sentences the static screen lets through can be, and of those only
    # the ones in a unit whose lexical features let it reach the scorer's cut.
    used = paraphrase and not judge_model.settled(evidence, floor)
    if used:
        used = not any(judge_model.settled(evidence, floor, room=r) for r in _paraphrase_rooms(a, b, verbatim, model))
    if used:
        para = _paraphrases(a, b, verbatim, model)
        evidence = _evidence(a, b, verbatim, para)
    verdict = judge_model.judge(evidence)
    passages = verbatim + para
    return Judgement(
        verdict=verdict,
        evidence=evidence,
        coverage_a=covered_share(a.seg, [p.a for p in passages], a.skipped),
        coverage_b=covered_share(b.seg, [p.b for p in passages], b.skipped),
        credited=_credited(verdict, a, b),
        used_model=used,
    )


def _paraphrase_rooms(a: Prepared, b: Prepared, verbatim: list[Passage], model: str | None):
    from .align.paraphrase import rooms
    from .embed import get_screen

    return rooms(a.seg, b.seg, get_screen(model), covered_a=[p.a for p in verbatim],
                covered_b=[p.b for p in verbatim], skip_a=a.skipped, skip_b=b.skipped)


def _second_opinion(para: list[Passage], a: Segmented, b: Segmented, model: str | None) -> list[Passage]:
    """Paraphrase passages scored as :func:`copytrace.align.cross_encoder.second_opinion` says (default model only)."""
    from .align.cross_encoder import second_opinion
    from .align.pair_scorer import load_scorer
    from .embed import get_encoder
    from .weights import DEFAULT_MODEL

    if get_encoder(model).name != DEFAULT_MODEL:  # the adapters fit the default model only
        return para
    return second_opinion(para, a, b, load_scorer().cut)


def _paraphrases(a: Prepared, b: Prepared, verbatim: list[Passage], model: str | None) -> list[Passage]:
    from .embed import get_encoder

    return align_paraphrases(
        a.seg,
        b.seg,
        get_encoder(model),
        covered_a=[p.a for p in verbatim],
        covered_b=[p.b for p in verbatim],
        skip_a=a.skipped,
        skip_b=b.skipped,
    )


def _credited(verdict: Verdict, a: Prepared, b: Prepared) -> bool | None:
    """Whether the derived text credits the source's outlet (None: no reuse, or outlet unknown)."""
    source, derived = (b, a) if verdict.direction == "b->a" else (a, b)
    if verdict.label == "non" or not source.doc.outlet:
        return None
    return credits(derived.credits, source.doc.outlet)


def _evidence(a: Prepared, b: Prepared, verbatim, para) -> Evidence:
    from .align.pair_scorer import load_scorer

    # Sentences tied by a verbatim passage are shown as paraphrases on a lower bar
    # (align.paraphrase.LINKED_CUT); as evidence of reuse only the scorer's own cut counts.
    cut = load_scorer().cut
    templated = a.templated and b.templated
    return gather(
        a.seg, b.seg, verbatim, [p for p in para if p.score >= cut],
        skip_a=a.skipped, skip_b=b.skipped, quotes_a=a.quotes, quotes_b=b.quotes,
        published_a=a.doc.published_at, published_b=b.doc.published_at,
        reported_credits_a=len(_reported(a.seg, a.credits)), reported_credits_b=len(_reported(b.seg, b.credits)),
        templated=templated,
        figures_kept=figures_kept(a.figures, b.figures) if templated else None,
        names_kept=_names_kept(a, b),
        names_skip=(_not_the_story(a.seg, a.boilerplate, a.credits), _not_the_story(b.seg, b.boilerplate, b.credits))
        if templated else None,
    )


def _names_kept(a: Prepared, b: Prepared) -> float | None:
    """:func:`~copytrace.analyse.evidence.names_kept` when a corpus says the names must tell; else None.

    That is when both texts fill its template frames, or one does and the
    other has fewer than two figures of its own: a headline-and-lead brief
    ("Reserve Bank of India cut rate at 0.29 pct") is not templated, having
    too few figures to sit in frames, yet matches another bank's report word
    for word but the name wherever the figure agrees by chance (same-beat
    100k scan: 188 of the 243 wrong pairs had such a brief; see
    ``verdict.BRIEF_NAMES_KEPT``).
    """
    if a.templated and b.templated:
        return names_kept(a.names, b.names, a.vocabulary, b.vocabulary)
    if a.templated == b.templated:
        return None
    report, brief = (a, b) if a.templated else (b, a)
    if len(story_figures(brief.doc.text)) >= 2:
        return None
    names = _story_names(brief.seg, brief.boilerplate, brief.credits)
    return names_kept(report.names, names, report.vocabulary, frozenset(brief.seg.words))


def _story_names(seg: Segmented, boilerplate: Sequence[Span], credits: Sequence[tuple[str, Span]]) -> frozenset[str]:
    """:func:`~copytrace.analyse.evidence.story_names` outside furniture and credits (:func:`_not_the_story`)."""
    return story_names(seg, _not_the_story(seg, boilerplate, credits))


def _not_the_story(seg: Segmented, boilerplate: Sequence[Span], credits: Sequence[tuple[str, Span]]) -> list[Span]:
    """Where a text's names are not its story's: a rewrite adds its outlet's furniture and a credit
    ("first reported by City Wire")."""
    return [*boilerplate, *_reported(seg, credits)]


def _reported(seg: Segmented, found: Sequence[tuple[str, Span]]) -> list[Span]:
    """The credits that pass on another outlet's reporting ("CNN reported").

    "according to" and "told" are left out: original reporting uses them for its
    own sources ("according to officials"), and so do encyclopaedias.
    """
    cues = ("reported", "reports")
    return [span for _, span in found if any(c in seg.slice(span).lower() for c in cues)]

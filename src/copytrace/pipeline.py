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
from .types import Attribution, Boilerplate, Passage, Span
from .verdict import DEFAULT, Evidence, Thresholds, judge

SENTENCE_PAIR_SHARE = 0.3  # passages covering this much of a sentence pair make it one unit for change analysis


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
    da, db = as_document(a, id="a"), as_document(b, id="b")
    sa, sb = segment(da.text), segment(db.text)
    bp_a, bp_b = find_boilerplate(sa), find_boilerplate(sb)

    verbatim = align_verbatim(sa, sb, skip_a=bp_a, skip_b=bp_b)
    quotes = align_quotes(sa, sb)
    para: list[Passage] = []
    if paraphrase:
        from .embed import get_encoder

        para = align_paraphrases(
            sa,
            sb,
            get_encoder(model),
            covered_a=[p.a for p in verbatim],
            covered_b=[p.b for p in verbatim],
            skip_a=bp_a,
            skip_b=bp_b,
        )
    passages = sorted(verbatim + para, key=lambda p: (p.a.start, p.b.start))

    credits_a, credits_b = find_attributions(sa), find_attributions(sb)
    evidence = _evidence(sa, sb, verbatim, para, bp_a, bp_b, da, db, credits_a, credits_b, thresholds)
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

    source_doc, derived_credits = (db, credits_a) if source_is_b else (da, credits_b)
    credited = credits(derived_credits, source_doc.outlet) if (has_reuse and source_doc.outlet) else None

    return Comparison(
        a=da,
        b=db,
        verdict=verdict,
        passages=tuple(passages),
        changes=tuple(changes),
        attributions=tuple(
            [Attribution("a", name, span) for name, span in credits_a]
            + [Attribution("b", name, span) for name, span in credits_b]
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
        credited=credited,
        evidence=evidence,
    )


def _evidence(sa, sb, verbatim, para, bp_a, bp_b, da, db, credits_a, credits_b, thresholds) -> Evidence:
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
        published_a=da.published_at,
        published_b=db.published_at,
        reported_credits_a=_reported(sa, credits_a),
        reported_credits_b=_reported(sb, credits_b),
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
    return sorted(set(units), key=lambda p: (p.a.start, p.b.start))


def _sentence_sizes(seg: Segmented) -> list[int]:
    return [len(seg.sentence_tokens(i)) for i in range(len(seg.sentences))]


def _sentences_of(seg: Segmented, span: Span) -> list[int]:
    return [i for i, s in enumerate(seg.sentences) if s.overlaps(span)]


def _trim(seg: Segmented, span: Span) -> Span:
    """A sentence span without the spaces after it."""
    text = seg.text[span.start : span.end]
    return Span(span.start, span.start + len(text.rstrip()))

"""MinHash signatures and document vectors."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from copytrace.blocks.fingerprint import doc_vectors, minhash, words
from copytrace.corpus.fingerprint_stage import fingerprint_batch
from synthetic.generate import read_sources

DATA = Path(__file__).parent / "data"


def shingles(text, k=3):
    w = words(text)
    return {tuple(w[i : i + k]) for i in range(len(w) - k + 1)}


def test_signature_agreement_estimates_jaccard():
    texts = [r["text"] for r in read_sources(DATA / "bbc-sample.jsonl.gz")[:40]]
    # Build pairs with known overlap: a text and its first part.
    pairs = []
    for t in texts[:20]:
        cut = t[: len(t) * 2 // 3]
        pairs.append((t, cut))
    sig = minhash([x for p in pairs for x in p])
    for k, (a, b) in enumerate(pairs):
        sa, sb = shingles(a), shingles(b)
        true = len(sa & sb) / len(sa | sb)
        est = float((sig[2 * k] == sig[2 * k + 1]).mean())
        assert abs(est - true) < 0.15, (true, est)
    unrelated = float((sig[0] == sig[2]).mean())
    assert unrelated < 0.1


def test_signatures_are_stable_across_processes():
    here = minhash(["The minister said the plan would go ahead next year."])
    code = ("from copytrace.blocks.fingerprint import minhash;"
            "print(minhash(['The minister said the plan would go ahead next year.']).tolist())")
    # A different hash seed in the child: Python's salted str hash must play no part.
    # The child imports the copytrace this test imported (a source tree on PYTHONPATH, not
    # whatever is installed).
    path = {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "123", "PATH": "/usr/bin:/bin", **path})
    assert eval(out.stdout) == here.tolist()


def test_short_and_empty_texts_get_signatures():
    sig = minhash(["one", "two words", ""])
    assert sig.shape == (3, 128)
    assert not (sig[0] == sig[1]).all()


def test_doc_vectors_are_unit_and_closer_for_rewrites():
    a = "The central bank raised interest rates by half a point to fight rising inflation."
    b = "Interest rates were raised by the central bank by half a point to combat inflation."
    c = "The striker scored twice as the home side won the cup final in extra time."
    v = doc_vectors([a, b, c])
    assert v.shape == (3, 256)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.1


def test_fingerprint_batch_keeps_rows():
    rows, sig, vec, anchors, figures = fingerprint_batch([7, 9], ["first text here", "second text here"], semantic=False)
    assert rows == [7, 9] and sig.shape == (2, 128) and vec is None and anchors is None and figures is None


def test_a_texts_figures_before_alignment_are_the_figures_the_verdict_compares():
    """The scan drops template pairs by the figures it reads from the raw text; the verdict reads
    them from the segmented text. Both must see the same set, odd digits included."""
    from xxhash import xxh3_64_intdigest

    from copytrace.analyse.evidence import figures, figures_kept, story_figures
    from copytrace.corpus.fingerprint_stage import text_figures
    from copytrace.segment import segment

    text = ("Sales rose 4,500 tonnes (12.5%) to 1.2.3 in Q3 2024; the plot is 30 km\u00b2, "
            "\uff17\uff18 units, 1\u200b000 more, from -13.5 to 2-3.4 and \u22127,1.")
    seg = segment(text)
    expected = figures(text, zip(seg.token_starts, seg.words))
    assert {"4,500", "12.5", "2024", "q3", "-13.5", "3.4"} <= expected
    assert story_figures(text) == expected
    assert sorted(text_figures(text).tolist()) == sorted(xxh3_64_intdigest(f.encode()) for f in expected)
    # a furniture block's figures are not the story's, before alignment or in the verdict
    footer = "\nAbout Lumant Energy\nLumant Energy serves customers in more than 42 countries.\nSOURCE Lumant Energy"
    assert story_figures(text + footer) == expected and figures_kept(text + footer, text) == 1.0


def test_template_pairs_are_found_alike_one_pair_at_a_time_and_all_at_once():
    """The local scan checks millions of candidates at once (filed_twice_many); it must say what
    filed_twice says of each pair, whatever the figures' overlap, and skip reports without any."""
    from copytrace.corpus.fingerprint_stage import filed_twice, filed_twice_many

    rng = np.random.default_rng(0)
    pool = rng.integers(0, 2**63, size=40, dtype=np.uint64)  # few figures: overlaps of every size
    figures = {p: np.unique(rng.choice(pool, size=rng.integers(1, 9), replace=False)) for p in range(0, 300, 2)}
    pairs = np.sort(rng.integers(0, 300, size=(5_000, 2)), axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    one_by_one = np.array([a in figures and b in figures and filed_twice(figures[a], figures[b])
                           for a, b in pairs.tolist()])
    at_once = filed_twice_many(pairs, figures, chunk=700)
    assert one_by_one.any() and (~one_by_one).any()
    assert (at_once == one_by_one).all()
    assert not filed_twice_many(pairs, {}).any()
    # With common figures set aside, the same agreement, and some pairs now judged on the rarer
    # ones (reports drawn from fewer figures, so that many keep two thirds of each other's).
    figures = {p: np.unique(rng.choice(pool[:12], size=rng.integers(1, 9), replace=False)) for p in range(0, 300, 2)}
    common = np.sort(pool[:4])
    plain, rarer = ([a in figures and b in figures and filed_twice(figures[a], figures[b], c) for a, b in pairs.tolist()]
                    for c in (np.zeros(0, dtype=np.uint64), common))
    rarer = np.array(rarer)
    assert (filed_twice_many(pairs, figures, common, chunk=700) == rarer).all()
    assert (rarer & ~np.array(plain)).any() and not (~rarer & np.array(plain)).any()


def test_figures_common_in_the_corpus_do_not_make_a_template_sibling_a_copy():
    """Two reports of one template agree on the rate and on the day by chance: 2 of 3 figures
    kept, as a copy would. The day is in many reports of the corpus; on their rarer figures they
    keep 1 of 2. A copy keeps its rare figures, and a report with one rare figure is judged on
    all of them (one chance agreement must not decide)."""
    from copytrace.corpus.fingerprint_stage import common_figures, figure_counts, filed_twice, text_figures

    sibling_a = "The bank cut its rate to 6.06 percent on June 17; economists had forecast 10.13 percent."
    sibling_b = ("The bank cut its rate to 6.06 percent on June 17; economists had forecast 12.64 percent. "
                 "Inflation stood at 17.3 percent.")
    copy_a = sibling_a + " The decision was unanimous, with 9 votes."
    figs = {n: text_figures(t) for n, t in enumerate([sibling_a, sibling_b, copy_a])}
    filler = {100 + n: text_figures(f"The bank held its rate at {n}.{n} percent on June 17.") for n in range(60)}
    common = common_figures(figure_counts({**figs, **filler}), documents=1000)
    assert set(common.tolist()) == set(text_figures("June 17").tolist())  # in 63 reports, over 20
    assert not filed_twice(figs[0], figs[1])  # 2 of 3 kept: not a template on all figures
    assert filed_twice(figs[0], figs[1], common)  # on the rarer ones: 1 of 2
    assert not filed_twice(figs[0], figs[2], common)  # a copy keeps them
    one_rare = text_figures("The bank cut its rate to 6.06 percent on June 17.")
    assert not filed_twice(one_rare, figs[1], common)  # one rare figure: all count, 2 of 2 kept
    assert len(common_figures(figure_counts({**figs, **filler}), documents=10_000)) == 0  # 63 is under 1%


def test_figures_keep_their_minus_sign_and_a_hyphen_is_not_one():
    from copytrace.analyse.evidence import figures
    from copytrace.segment import segment

    text = "Temperatures ranged from -13 to 27 (\u22124 at night), pages 2-13."
    seg = segment(text)
    assert figures(text, zip(seg.token_starts, seg.words)) == {"-13", "27", "-4", "2", "13"}


def test_a_shared_furniture_block_does_not_make_two_short_articles_look_alike():
    """In a corpus too small for a furniture block to be common, two one-line reports that carry
    the same block shared most of their shingles (lexical scan of 1,000 wire reports: 39 such
    pairs kept, precision 0.78)."""
    import random

    from synthetic.templates import furnish, furniture_blocks

    a, b = "Rockets hit the base near the border on Sunday.", "The minister resigned after the vote on Friday."
    for lines in furniture_blocks(random.Random(0)).values():
        sig = minhash([furnish(a, lines, at_end=True), furnish(b, lines, at_end=True)])
        assert float((sig[0] == sig[1]).mean()) < 0.1, lines
    same = minhash([furnish(a, lines, at_end=True), a])
    assert (same[0] == same[1]).all()  # the block is all that differs

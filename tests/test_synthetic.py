"""The test-corpus generator and its scoring."""
from pathlib import Path

import itertools
import json
import re
import random
import subprocess
import sys
from collections import Counter

import pytest

from synthetic.generate import Babbler, generate, generate_wire, labelled_pairs, read_sources, score, truth_pairs
from synthetic.labelled import LABEL_OF
from synthetic.templates import FAMILIES, name_pool, numbers, template_pair, template_twin
from copytrace.evaluate.datasets import load_msrp

DATA = Path(__file__).parent / "data"
MSRP = DATA / "msrp" / "msr_paraphrase_train.txt"


def paragraphs(text):
    return [p.strip() for p in text.split("\n") if p.strip()]


def lowercase_words(text):
    return set(re.findall(r"\b[a-z]+\b", text))


def test_planted_copies_have_the_advertised_kinds():
    sources = read_sources(DATA / "bbc-sample.jsonl.gz")
    corpus = generate(sources, families=15, background=50, seed=3, furniture=0)
    by_id = {r["id"]: r for r in corpus.records}
    kinds = {k for _, _, k in corpus.pairs}
    assert kinds == {"exact", "near", "rewrite", "cut", "excerpt"}
    for origin, copy, kind in corpus.pairs:
        a, b = by_id[origin]["text"], by_id[copy]["text"]
        if kind == "exact":
            assert a == b
        else:
            assert a != b and by_id[copy]["published_at"] > by_id[origin]["published_at"]
        if kind in ("rewrite", "cut"):
            assert len(b) < len(a)  # sentences were dropped
        if kind == "cut":
            assert_cut_of(a, b, by_id[copy]["outlet"])
    ids = [r["id"] for r in corpus.records]
    assert len(ids) == len(set(ids))
    assert sorted(m for c in corpus.clusters for m in c) == sorted(ids)
    assert sum(1 for i in ids if i.startswith("bg-")) == 50


def assert_cut_of(source_text, copy_text, outlet):
    """``copy_text`` is some of the source's sentences word for word and at most a promo line."""
    from synthetic.edits import PROMO, sentences

    source = sentences(source_text)
    kept = [s for s in source if s in copy_text]
    assert 0 < len(kept) < len(source)
    rest = copy_text
    for s in sorted(kept, key=len, reverse=True):
        rest = rest.replace(s, "", 1)
    for promo in PROMO:
        rest = rest.replace(promo.format(outlet=outlet), "")
    assert not rest.strip()


def test_the_scan_corpus_has_shortened_copies_of_their_own_number():
    sources = read_sources(DATA / "bbc-sample.jsonl.gz")
    with_cuts = generate(sources, families=15, seed=3, cuts=6)
    assert sum(k == "cut" for *_, k in with_cuts.pairs) == 6
    without = generate(sources, families=15, seed=3, cuts=0)
    assert not any(k == "cut" for *_, k in without.pairs)
    # the cuts draw from their own stream: the other planted copies stay as they were
    assert [p for p in with_cuts.pairs if p[2] != "cut"] == without.pairs


def test_generation_is_deterministic():
    sources = read_sources(DATA / "bbc-sample.jsonl.gz")
    one, two = generate(sources, families=5, seed=11), generate(sources, families=5, seed=11)
    assert one.records == two.records and one.pairs == two.pairs


def test_score_perfect_and_empty():
    corpus = generate(read_sources(DATA / "bbc-sample.jsonl.gz"), families=10, seed=2)
    perfect = score([tuple(p) for p in truth_pairs(corpus)], corpus.clusters, corpus)
    assert perfect["recall"] == 1.0 and perfect["precision"] == 1.0 and perfect["ari"] == 1.0
    empty = score([], [], corpus)
    assert empty["recall"] == 0.0 and empty["ari"] < 0.1


def test_babbler_text_shares_no_long_runs_with_sources():
    sources = read_sources(DATA / "bbc-sample.jsonl.gz")[:50]
    import numpy as np

    text = Babbler(s["text"] for s in sources).batch(3, 200, np.random.default_rng(0))[0]
    assert len(text.split()) == 200
    assert not any(text[i : i + 120] in s["text"] for s in sources for i in range(0, len(text) - 120, 40))


def test_excerpts_are_a_few_verbatim_paragraphs_in_a_long_host_that_shares_nothing_else():
    corpus = generate(read_sources(DATA / "bbc-sample.jsonl.gz"), families=15, seed=3, excerpts=4, furniture=0)
    by_id = {r["id"]: r for r in corpus.records}
    excerpts = [(a, b) for a, b, k in corpus.pairs if k == "excerpt"]
    assert len(excerpts) == 4
    for origin, host in excerpts:
        copied = [p for p in paragraphs(by_id[origin]["text"]) if p in paragraphs(by_id[host]["text"])]
        assert 1 <= len(copied) <= 3
        assert 0.04 < sum(map(len, copied)) / len(by_id[host]["text"]) < 0.2
        family = next(c for c in corpus.clusters if origin in c)
        rest = [p for p in paragraphs(by_id[host]["text"]) if p not in copied and len(p) > 80]
        for other in corpus.records:
            if other["id"] not in family:
                assert not any(p in other["text"] for p in rest), other["id"]


def test_template_groups_and_furniture_are_not_truth():
    corpus = generate(read_sources(DATA / "bbc-sample.jsonl.gz"), families=16, seed=5, templates=6, furniture=0.3)
    truth = truth_pairs(corpus)
    in_template = [m for g in corpus.templates for m in g]
    assert len(corpus.templates) >= 4 and all(len(g) >= 2 for g in corpus.templates)
    assert not any(frozenset(p) in truth for g in corpus.templates for p in itertools.combinations(g, 2))
    assert all([m] in corpus.clusters for m in in_template)
    share = len(corpus.furnished) / len(corpus.records)
    assert 0.2 < share < 0.4
    by_block = {}
    for rid, block in corpus.furnished.items():
        by_block.setdefault(block, []).append(rid)
    same_block = {frozenset(p) for ids in by_block.values() for p in itertools.combinations(ids, 2)}
    assert same_block and len(same_block & truth) < 0.01 * len(same_block)  # only when a family shares one by chance
    # A scanner that pairs every template group loses precision, put down to templates.
    planted = [(a, b) for a, b, _ in corpus.pairs]
    fooled = planted + [p for g in corpus.templates for p in itertools.combinations(g, 2)]
    got = score(fooled, corpus.clusters, corpus)
    assert got["recall"] == 1.0 and got["precision"] < 1.0
    assert got["wrong_by_cause"]["template"] == len(fooled) - len(planted) and got["wrong_by_cause"]["other"] == 0


def test_furniture_is_one_of_a_few_blocks_at_the_start_or_end():
    plain = generate(read_sources(DATA / "bbc-sample.jsonl.gz"), families=10, seed=2, furniture=0)
    furnished = generate(read_sources(DATA / "bbc-sample.jsonl.gz"), families=10, seed=2)
    assert plain.furnished == {} and furnished.furnished
    assert len(set(furnished.furnished.values())) <= 10
    before = {r["id"]: r["text"] for r in plain.records}
    for r in furnished.records:
        if r["id"] in furnished.furnished and not r["id"].startswith("wire-") and "~twin" not in r["id"]:
            text = before[r["id"]]
            assert r["text"] != text and text.strip() in r["text"]


def test_a_template_twin_keeps_the_frames_and_changes_every_fact():
    sources = read_sources(DATA / "bbc-sample.jsonl.gz")
    pool = name_pool(s["text"] for s in sources)
    rng = random.Random(0)
    for src in sources[:20]:
        a = src["text"]
        b = template_twin(a, rng, pool)
        assert numbers(a) and numbers(a).isdisjoint(numbers(b))
        names = set(re.findall(r"(?<=[a-z,] )[A-Z][a-z]{2,}", a)) - {"The"}
        assert names and not names & set(re.findall(r"[A-Za-z]+", b))
        assert len(lowercase_words(a) & lowercase_words(b)) > 0.9 * len(lowercase_words(a))


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_two_grammar_reports_share_frames_but_no_figure(family):
    rng = random.Random(family)
    for _ in range(10):
        a, b = template_pair(family, rng)
        assert a != b and numbers(a).isdisjoint(numbers(b))
        assert 3 <= len(paragraphs(a)) - 1 <= 8
        first_a, first_b = paragraphs(a)[1], paragraphs(b)[1]  # the fixed opening frame
        assert len(lowercase_words(first_a) & lowercase_words(first_b)) >= 0.7 * len(lowercase_words(first_a))


def test_earnings_tables_are_rows_of_figures_and_join_the_wire_corpus_only_when_asked():
    rng = random.Random("tables")
    a, b = template_pair("earnings", rng)
    assert numbers(a).isdisjoint(numbers(b))
    assert all(row.split()[0] in ("Shr", "Net", "Revs", "Avg", "Nine", "Note:") for row in paragraphs(a)[1:])
    plain, tabled = generate_wire(300, seed=2, furniture=0), generate_wire(300, seed=2, furniture=0, tables=True)
    assert not any("Shr " in r["text"] for r in plain.records)
    assert sum("Shr " in r["text"] for r in tabled.records) > 300 // (len(FAMILIES) + 2)


def test_the_wire_corpus_is_templates_with_planted_copies():
    corpus = generate_wire(600, seed=1, furniture=0)
    by_id = {r["id"]: r for r in corpus.records}
    assert len(corpus.records) == 600 == len(by_id)
    assert sorted(m for g in corpus.templates for m in g) == sorted(by_id)
    assert {k for *_, k in corpus.pairs} == {"exact", "near", "rewrite", "cut"} and len(corpus.pairs) > 30
    for origin, copy, kind in corpus.pairs:
        assert (by_id[origin]["text"] == by_id[copy]["text"]) == (kind == "exact")
        if kind == "cut":
            assert_cut_of(by_id[origin]["text"], by_id[copy]["text"], by_id[copy]["outlet"])
    assert score([(a, b) for a, b, _ in corpus.pairs], corpus.clusters, corpus)["precision"] == 1.0
    one_frame = corpus.templates[0][:2]
    assert frozenset(one_frame) not in truth_pairs(corpus)


# -- labelled pairs -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pairs():
    sources, msrp = read_sources(DATA / "bbc-sample.jsonl.gz"), load_msrp(MSRP)
    return {split: labelled_pairs(sources, msrp, n=150, seed=0, split=split) for split in ("train", "test")}


def without_furniture(text, pair):
    return "\n".join(line for line in text.split("\n") if line not in pair["furniture"]).strip()


def test_every_kind_with_its_label(pairs):
    for split, got in pairs.items():
        assert len(got) == 150
        assert {p["kind"] for p in got} == set(LABEL_OF)
        assert all(p["label"] == LABEL_OF[p["kind"]] for p in got)
        assert all(set(p["a"]) >= {"id", "text", "outlet"} and p["a"]["text"] and p["b"]["text"] for p in got)
        labels = Counter(p["label"] for p in got)
        assert min(labels.values()) > 0.2 * len(got)
        ids = [p[side]["id"] for p in got for side in "ab"]
        assert len(ids) == len(set(ids))


def test_train_and_test_share_no_article_and_no_sentence_pair(pairs):
    used = {split: {i for p in got for i in p["from"]} for split, got in pairs.items()}
    assert any(i.startswith("bbc-") for i in used["train"]) and any(i.startswith("msrp:") for i in used["test"])
    assert not used["train"] & used["test"]
    texts = {split: {p["a"]["text"] for p in got if p["kind"] in ("exact", "near", "rewrite")} for split, got in pairs.items()}
    assert not texts["train"] & texts["test"]


def test_copies_keep_the_text_and_dates_put_the_source_first(pairs):
    for p in pairs["train"]:
        a, b = without_furniture(p["a"]["text"], p), without_furniture(p["b"]["text"], p)
        if p["kind"] == "exact":
            assert a == b
        if p["kind"] == "template_copy":
            assert numbers(a) <= numbers(b) and a != b
        if p["label"] != "non" and "published_at" in p["a"]:
            assert p["a"]["published_at"] < p["b"]["published_at"]


def test_excerpt_pairs_copy_a_few_paragraphs_into_a_much_longer_text(pairs):
    excerpts = [p for got in pairs.values() for p in got if p["kind"] == "excerpt"]
    assert excerpts
    for p in excerpts:
        b = p["b"]["text"]
        assert all(par in p["a"]["text"] and par in b for par in p["copied"])
        assert 1 <= len(p["copied"]) <= 3 and sum(map(len, p["copied"])) < 0.2 * len(b)


def test_template_pairs_share_frames_but_no_figure(pairs):
    templates = [p for p in pairs["train"] if p["kind"] == "template"]
    assert {p["via"] for p in templates} == {"grammar", "bbc"}
    for p in templates:
        a, b = without_furniture(p["a"]["text"], p), without_furniture(p["b"]["text"], p)
        assert numbers(a).isdisjoint(numbers(b))
        if p["via"] == "grammar":  # optional frames come and go; the fixed opening one stays
            a, b = paragraphs(a)[1], paragraphs(b)[1]
        assert len(lowercase_words(a) & lowercase_words(b)) > 0.7 * len(lowercase_words(a))


def test_furniture_pairs_share_the_block_and_nothing_else(pairs):
    furniture = [p for p in pairs["train"] if p["kind"] == "furniture"]
    assert furniture
    for p in furniture:
        assert 2 <= len(p["furniture"]) <= 6
        shared = set(paragraphs(p["a"]["text"])) & set(paragraphs(p["b"]["text"]))
        assert shared == set(p["furniture"])
        assert p["from"][0].split("-")[1] != p["from"][1].split("-")[1]  # different topics


def test_paraphrase_and_coverage_come_from_msrp_pairs_of_their_label(pairs):
    msrp = {p.id_a: p for p in load_msrp(MSRP)}
    for p in pairs["train"] + pairs["test"]:
        if p["kind"] not in ("paraphrase", "coverage"):
            continue
        used = [msrp[i.removeprefix("msrp:")] for i in p["from"]]
        assert 6 <= len(used) <= 15
        assert {u.label for u in used} == {1 if p["kind"] == "paraphrase" else 0}
        firsts = [p["a"]["text"].index(u.a) for u in used]
        assert firsts == sorted(firsts)  # the source keeps its order
        kept = [u for u in used if u.b in p["b"]["text"]]
        assert len(kept) >= len(used) - 2
        if p["kind"] == "paraphrase":
            seconds = [p["b"]["text"].index(u.b) for u in kept]
            assert seconds == sorted(seconds)  # sentence by sentence, in the same order


def test_a_cut_keeps_some_of_the_source_s_sentences_word_for_word_and_adds_nothing_but_a_promo(pairs):
    from synthetic.edits import PROMO, sentences

    cuts = [p for got in pairs.values() for p in got if p["kind"] == "cut"]
    assert cuts and all(p["label"] == "wholly" for p in cuts)
    for p in cuts:
        assert_cut_of(without_furniture(p["a"]["text"], p), without_furniture(p["b"]["text"], p), p["b"]["outlet"])


def test_pairs_of_some_kinds_only():
    sources, msrp = read_sources(DATA / "bbc-sample.jsonl.gz"), load_msrp(MSRP)
    got = labelled_pairs(sources, msrp, n=12, split="test", kinds=("cut", "exact"))
    assert len(got) == 12 and {p["kind"] for p in got} == {"cut", "exact"}
    with pytest.raises(ValueError, match="no pair kind"):
        labelled_pairs(sources, msrp, n=12, split="test", kinds=("cuts",))


def test_labelled_pairs_are_deterministic():
    sources, msrp = read_sources(DATA / "bbc-sample.jsonl.gz"), load_msrp(MSRP)
    one = labelled_pairs(sources, msrp, n=40, seed=3, split="test")
    assert one == labelled_pairs(sources, msrp, n=40, seed=3, split="test")
    assert one != labelled_pairs(sources, msrp, n=40, seed=4, split="test")


def test_the_pairs_command_writes_jsonl_with_texts_inline(tmp_path):
    out = tmp_path / "pairs.jsonl"
    run = subprocess.run(
        [sys.executable, "-m", "synthetic.generate", "pairs", "--out", str(out), "--split", "test",
         "--n", "60", "--seed", "1", "--bbc", str(DATA / "bbc-sample.jsonl.gz"), "--msrp", str(MSRP)],
        capture_output=True, text=True, check=True, cwd=DATA.parents[1],
    )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 60 and all(r["a"]["text"] and r["b"]["text"] and r["label"] in ("wholly", "partially", "non") for r in rows)
    assert "template" in run.stderr and "excerpt" in run.stderr


def test_generator_sentences_keep_figures_whole():
    from synthetic.edits import sentences

    # A rewrite reorders sentences: a figure cut at its decimal point would become two wrong figures.
    assert sentences("Bank of Korea raised rate at 12.68 pct\n\nOffer at 495.75 dollars. It rose 3.4 percent!") == [
        "Bank of Korea raised rate at 12.68 pct", "Offer at 495.75 dollars.", "It rose 3.4 percent!"]


def test_sources_repeating_a_passage_of_another_are_dropped():
    from synthetic.edits import distinct

    articles = [r for r in read_sources(DATA / "bbc-sample.jsonl.gz")[:6]]
    paragraph = " ".join(articles[0]["text"].split()[30:50])  # 20 words of the first article
    follow_up = {"id": "follow-up", "text": articles[5]["text"] + "\n\n" + paragraph}
    kept = [s["id"] for s in distinct(articles[:5] + [follow_up])]
    assert kept == [s["id"] for s in articles[:5]]
    assert [s["id"] for s in distinct(articles)] == [s["id"] for s in articles]


def test_cluster_scores_counted_without_listing_pairs_equal_the_listed_ones():
    """bench/scan.py scores a tool's clusters by counting (score_clusters); it must give what
    score gives for every pair inside those clusters, on clusters right, wrong and mixed."""
    import itertools
    import random

    from synthetic.generate import generate_wire, score, score_clusters

    corpus = generate_wire(600, seed=2)
    rng = random.Random(0)
    ids = [r["id"] for r in corpus.records]
    rng.shuffle(ids)
    # A few true families whole, one merged with strangers, and random clusters of every size.
    found = [list(c) for c in corpus.clusters[:20] if len(c) > 1]
    taken = {m for c in found for m in c} | set(corpus.clusters[21])
    found.append(list(corpus.clusters[21]) + [m for m in ids if m not in taken][:30])  # found clusters do not overlap
    taken = {m for c in found for m in c}
    rest = [m for m in ids if m not in taken]
    while rest:
        k = rng.randint(1, 12)
        found.append(rest[:k])
        rest = rest[k:]
    pairs = [p for c in found for p in itertools.combinations(c, 2)]
    listed, counted = score(pairs, found, corpus), score_clusters(found, corpus)
    assert 0 < listed["precision"] < 1 and 0 < listed["recall"] < 1
    for key in ("precision", "recall", "ari", "found_pairs", "planted_pairs"):
        assert counted[key] == pytest.approx(listed[key]), key
    assert counted["recall_by_kind"] == pytest.approx(listed["recall_by_kind"])

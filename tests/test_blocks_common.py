"""Common text in a corpus: furniture and template frames found by document frequency."""
import numpy as np

from copytrace.blocks.common import CommonText, count_batch, doc_buckets, threshold
from synthetic.generate import read_sources
from pathlib import Path

DATA = Path(__file__).parent / "data"
FURNITURE = ("This story has not been edited by our staff and is auto-generated from a syndicated feed. "
             "Download our free report on the ten stocks to watch this year.")


def _sketch(texts, buckets=1 << 16):
    sketch = CommonText.empty(buckets)
    docs, rows = count_batch(texts, buckets)
    sketch.add_counts(docs, rows)
    return sketch


def test_furniture_in_many_documents_is_common_a_story_in_two_is_not():
    articles = [r["text"] for r in read_sources(DATA / "bbc-sample.jsonl.gz")[:80]]
    corpus = [a + "\n" + FURNITURE for a in articles] + [articles[0]]  # one real copy of article 0
    sketch = _sketch(corpus)
    assert sketch.n_docs == 81
    spans = sketch.spans(corpus[5], threshold=60)
    assert [corpus[5][s.start:s.end] for s in spans] == [FURNITURE.rstrip(".")]
    # Article 0 is in two documents: far below any threshold, so its copy stays evidence.
    assert sketch.spans(corpus[-1], threshold=60) == []


def test_counts_are_document_frequencies_not_term_frequencies():
    once, many = "alpha beta gamma delta epsilon zeta eta", "alpha beta gamma delta epsilon zeta eta " * 50
    sketch = _sketch([once, many])
    hashes = np.unique(np.concatenate([doc_buckets(once, 1 << 16)[0]]))
    assert sketch.counts[0, hashes].max() == 2


def test_counters_saturate_instead_of_wrapping():
    sketch = CommonText.empty(1 << 8)
    idx = doc_buckets("one two three four five six seven", 1 << 8)
    for _ in range(3):
        sketch.add_counts(30_000, [(idx[r], np.full(idx.shape[1], 30_000)) for r in range(2)])
    assert sketch.counts[0, idx[0]].min() == 65535


def test_threshold_grows_with_the_corpus_but_never_below_the_floor():
    assert threshold(10) == threshold(5_000) == 50
    assert threshold(1_000_000) == 5_000


def test_sketch_round_trips_through_a_file(tmp_path):
    sketch = _sketch(["a b c d e f g h", "a b c d e f g h i"])
    sketch.save(tmp_path / "common.npy")
    again = CommonText.load(tmp_path / "common.npy")
    assert again.n_docs == 2 and np.array_equal(again.counts, sketch.counts)


def _jaccard(a, b, **kw):
    from copytrace.blocks.fingerprint import minhash

    sig = minhash([a, b], **kw)
    return float((sig[0] == sig[1]).mean())


def test_template_frames_leave_the_fingerprint_and_copies_keep_theirs():
    from synthetic.generate import generate_wire

    corpus = generate_wire(400, seed=3)
    texts = {r["id"]: r["text"] for r in corpus.records}
    sketch = _sketch(list(texts.values()), buckets=1 << 18)
    family = {m: i for i, members in enumerate(corpus.clusters) for m in members}
    limit = threshold(len(texts))
    template = [(a, b) for g in corpus.templates for a, b in zip(g[::2], g[1::2]) if family[a] != family[b]][:60]
    plain = np.mean([_jaccard(texts[a], texts[b]) for a, b in template])
    kept = np.mean([_jaccard(texts[a], texts[b], common=sketch, max_df=limit) for a, b in template])
    assert kept < plain / 1.8, (plain, kept)
    copies = [(a, b) for a, b, kind in corpus.pairs if kind in ("exact", "near")][:20]
    assert np.mean([_jaccard(texts[a], texts[b], common=sketch, max_df=limit) for a, b in copies]) > 0.75


def test_a_document_of_common_text_only_matches_itself():
    texts = [FURNITURE] * 60 + [FURNITURE + " "]
    sketch = _sketch(texts)
    assert _jaccard(texts[0], texts[-1], common=sketch, max_df=50) == 0.0
    assert _jaccard(texts[0], texts[0], common=sketch, max_df=50) == 1.0


def test_paragraphs_copied_into_a_long_article_share_anchors_unrelated_articles_do_not():
    from copytrace.blocks.candidates import anchor_pairs

    articles = [r["text"] for r in read_sources(DATA / "bbc-sample.jsonl.gz")[:60]]
    source = articles[0]
    excerpt = " ".join(source.split()[40:140])  # about 100 words from the middle
    long_article = "\n\n".join(articles[1:9]) + "\n\n" + excerpt + "\n\n" + "\n\n".join(articles[9:12])
    corpus = [source, long_article] + articles[12:]
    sketch = _sketch(corpus, buckets=1 << 18)
    anchors = [sketch.anchors(t) for t in corpus]
    positions = np.concatenate([np.full(len(a), i) for i, a in enumerate(anchors)])
    pairs = anchor_pairs(positions, np.concatenate(anchors)).tolist()
    assert [0, 1] in pairs
    assert _jaccard(source, long_article) < 0.1  # what Jaccard alone would have missed
    assert len(pairs) <= 3, pairs


def test_reports_filling_one_frame_with_other_figures_are_templated_a_syndicated_story_is_not():
    from copytrace.blocks.common import template_threshold
    from synthetic.generate import generate_wire

    reports = [r["text"] for r in generate_wire(300, seed=4, origins=0.0, furniture=0.0).records]
    story = read_sources(DATA / "bbc-sample.jsonl.gz")[3]["text"]
    syndicated = [story + f"\n\nSyndicated to outlet {k}." for k in range(30)]  # same figures everywhere
    sketch = _sketch(reports + syndicated, buckets=1 << 20)
    bar = template_threshold(sketch.n_docs)
    assert sum(sketch.templated(r, bar) for r in reports) >= 0.9 * len(reports)
    assert not sketch.templated(syndicated[0], bar)


def test_a_beat_of_seventy_reports_is_still_a_template_in_a_corpus_of_a_hundred_thousand():
    """The template bar follows the square root of the corpus size, not a share of it: a
    beat's report count does not grow with the corpus (a bar of 0.1% would be 100 here)."""
    from copytrace.blocks.common import template_threshold
    from synthetic.generate import generate_wire

    bar = template_threshold(100_000)
    assert 10 < bar <= 40
    assert template_threshold(1_000_000) <= 104  # a weekly report over two years
    reports = [r["text"] for r in generate_wire(400, seed=5, origins=0.0, furniture=0.0).records]
    sketch = _sketch(reports, buckets=1 << 20)
    # Six report families (the generator's grammars) of ~67 reports each, as the BBC bench
    # corpus's wire beats; the grammars vary their wording, so one frame is filled less often.
    templated = sum(sketch.templated(r, bar) for r in reports)
    assert templated >= 0.9 * len(reports)
    assert sum(sketch.templated(r, 100) for r in reports) < 0.5 * len(reports)  # what the old bar saw


def test_reading_the_folded_text_at_once_finds_the_words_one_by_one_would():
    """The common-text counts read a text's words with one regex pass over its case-folded
    form; the words, and their order, must be those folded one by one (every key of the
    sketch depends on them), whatever the characters: sharp s, dotted I, the Greek
    ypogegrammeni (a mark that folds into a letter), accents, digits."""
    import unicodedata

    from xxhash import xxh3_64_intdigest

    from copytrace.blocks.common import _WORD, _read, _word_spans

    marks = "".join(chr(c) for c in range(0x300, 0x370))
    letters = "".join(chr(c) for c in range(0xC0, 0x250) if chr(c).isalnum())
    texts = ["Sign up for our newsletter. Rockets hit the base on Thursday, 4 May 2024.", "Straße İstanbul ΣΊΣΥΦΟΣ ᾳ a\u0345b 12,5 km² Ǆemal", f"x{marks}y {letters} 3{marks}4",
             unicodedata.normalize("NFD", "Café naïve déjà vu in Zürich on 4 May")]
    for text in texts:
        words = [w.casefold() for w in _WORD.findall(text)]
        hashes, figure, h = _read(text)
        assert h.tolist() == [xxh3_64_intdigest(w.encode()) for w in words]
        assert figure.tolist() == [w[0].isdigit() for w in words]
        assert len(_word_spans(text)) == len(words)


def test_a_copy_of_a_templated_report_is_judged_a_copy_though_each_run_of_its_figures_recurs_by_chance():
    """In a large same-beat corpus a run with its figure ("stood at 1.8 percent in June") is in
    dozens of reports by chance. Frames are text as frequent as 0.1% of the corpus
    (frame_threshold), not the lower template bar: masked at that bar, a copy of a report kept
    nothing to align and was judged unrelated."""
    import random

    from copytrace.blocks.common import frame_threshold, template_threshold
    from copytrace.corpus.spool import to_document
    from copytrace.pipeline import judge_pair, prepare

    rng = random.Random(3)
    banks = ["Chile", "Poland", "Korea"]
    # Every figure from a small pool, as a beat's figures are at 100k reports: each run is in ~50-150 of 300.
    reports = [f"The Central Bank of {rng.choice(banks)} cut its benchmark rate to {rng.choice(['4.25', '5.5'])} "
               f"percent on {rng.choice(['Monday', 'Friday'])}, the bank said in a statement. Inflation stood at "
               f"{rng.choice(['1.8', '2.4'])} percent in {rng.choice(['June', 'July'])}, above the bank's target "
               f"of {rng.choice(['2', '3'])} percent. Economists had forecast a rate of {rng.choice(['4', '5'])} "
               "percent." for _ in range(300)]
    sketch = _sketch(reports, buckets=1 << 20)
    n = 100_000  # the bars of a corpus this size; the counts are the sketch's
    source, copy = reports[0], "We use cookies to give you the best experience on our website.\n\n" + reports[0]

    def judged(frame_docs):
        docs = []
        for i, text in enumerate((source, copy)):
            common, templated, frames = sketch.left_out(text, 10_000, template_threshold(n), frame_docs)
            assert templated
            docs.append(prepare(to_document({"id": str(i), "text": text}), common=common, templated=True, frames=frames))
        return judge_pair(*docs, paraphrase=False).verdict.label

    assert judged(frame_threshold(n)) != "non"
    # Masked at the lower template bar, the copy once kept nothing to align and was judged
    # unrelated; the figures are never frame now (pipeline._around_figures), so it keeps them.
    assert judged(template_threshold(n)) != "non"


def test_the_counted_fingerprint_shingles_are_the_fingerprints_own():
    # doc_buckets counts the MinHash shingles from the word hashes it already made; where case
    # folding changes a text's length or a mark becomes a letter, it hashes them the fingerprint's way.
    from copytrace.blocks.common import fingerprint_word_hashes
    from copytrace.blocks.fingerprint import doc_shingles, shingle_hashes, word_hashes, words

    for text in ["Rockets hit the base on Thursday, officials said.", "Die Straße war gesperrt, sagte die Polizei.",
                 "İstanbul'da toplantı yapıldı ve karar verildi.", "a", "", "\u0345 mark \u0345 then letters"]:
        assert np.array_equal(fingerprint_word_hashes(text), word_hashes(words(text))), text
        assert np.array_equal(np.unique(shingle_hashes(fingerprint_word_hashes(text))), doc_shingles(text)), text

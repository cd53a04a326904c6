"""copytrace.compare end to end, with the real sentence model."""
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import copytrace
from copytrace import Document, compare


@pytest.fixture(scope="module")
def seed_comparison(seeds):
    return compare(Document(seeds[0], id="000"), Document(seeds[1], id="003"))


def _passages(c, kind=None):
    return [(c.a.text[p.a.start : p.a.end], c.b.text[p.b.start : p.b.end], p)
            for p in c.passages if kind is None or p.kind == kind]


def test_commander_quote_is_verbatim(seed_comparison):
    hits = [x for x in _passages(seed_comparison, "verbatim") if "respond appropriately and proportionally" in x[0]]
    assert len(hits) == 1 and "respond appropriately and proportionally" in hits[0][1]


def test_lead_sentences_are_aligned(seed_comparison):
    lead_a = "the latest blow in"
    hits = [x for x in _passages(seed_comparison) if lead_a in x[0]]
    assert hits and "the latest blow in a rapidly escalating conflict" in hits[0][1]


def test_pentagon_says_aligned_with_claims(seed_comparison):
    hits = [x for x in _passages(seed_comparison) if "Pentagon says are directly linked" in x[0]]
    assert hits and "Pentagon claims are directly linked" in hits[0][1]


def test_seed_verdict_is_partially(seed_comparison):
    assert seed_comparison.verdict.label == "partially"
    assert 0 < seed_comparison.verdict.score < 1


def test_seed_results_are_the_recorded_ones(seeds):
    # Recorded before the transformer was limited to the units that could pass (tests/data/seeds).
    # The int8 sentence model's vectors differ slightly from one CPU to another (recorded on an
    # AMD EPYC with AVX2; an Intel Xeon with AVX-512 VNNI moved paraphrase scores by up to 0.0022):
    # the passages, spans and labels must be the same, paraphrase scores close.
    recorded = json.loads((Path(__file__).parent / "data" / "seeds" / "compare-000-003.json").read_text())
    for key, (x, y) in (("a->b", seeds), ("b->a", seeds[::-1])):
        c = compare(x, y)
        want = recorded[key]
        assert [c.verdict.label, c.verdict.direction] == [want["verdict"][0], want["verdict"][2]]
        assert c.verdict.score == pytest.approx(want["verdict"][1], abs=2e-3)
        got = [[p.kind, p.a.start, p.a.end, p.b.start, p.b.end] for p in c.passages]
        assert got == [p[:5] for p in want["passages"]]
        for p, w in zip(c.passages, want["passages"]):
            assert p.score == pytest.approx(w[5], abs=1e-4 if p.kind == "verbatim" else 0.01)


def test_swapping_swaps_every_span_and_the_direction(seeds, seed_comparison):
    flipped = compare(Document(seeds[1], id="003"), Document(seeds[0], id="000"))
    d, f = seed_comparison.to_dict(), flipped.to_dict()
    assert sorted((p["kind"], p["a"], p["b"]) for p in d["passages"]) == sorted(
        (p["kind"], p["b"], p["a"]) for p in f["passages"])
    assert f["verdict"]["direction"] == {"a->b": "b->a", "b->a": "a->b", "unknown": "unknown"}[d["verdict"]["direction"]]
    assert f["verdict"]["label"] == d["verdict"]["label"]


def test_identical_texts_are_wholly_derived(seeds):
    c = compare(seeds[0], seeds[0])
    assert c.verdict.label == "wholly" and c.verdict.score > 0.95
    assert c.coverage["a"] > 0.95 and c.added == () and c.changes == ()


def test_unrelated_news_is_not_derived():
    c = compare(
        "The central bank raised interest rates by a quarter point on Wednesday, citing stubborn inflation "
        "in services. Markets had expected the move, and shares rose slightly after the announcement.",
        "A storm knocked out power to thousands of homes along the coast overnight. Crews expect to restore "
        "electricity by Friday, the utility said, and schools in two counties will stay closed.",
    )
    assert c.verdict.label == "non" and c.passages == () and c.verdict.direction == "unknown"


def test_text_embedded_in_a_longer_one(seeds):
    inner = seeds[0].split("\n")[4]  # the Pentagon paragraph
    outer = ("Markets were calm on Friday as investors waited for the jobs report.\n" + inner +
             "\nIn sport, the home side won the derby two goals to nil.")
    c = compare(inner, outer, paraphrase=False)
    start = outer.index(inner)
    assert c.passages and c.passages[0].b.start == start
    assert c.coverage["a"] > 0.95 and c.verdict.label == "wholly"


def test_json_has_exactly_the_contract_fields(seed_comparison):
    d = json.loads(json.dumps(seed_comparison.to_dict()))
    for key in ("a", "b", "verdict", "passages", "changes", "attributions", "added", "dropped", "boilerplate"):
        assert key in d
    assert set(d["verdict"]) == {"label", "score", "direction"}
    assert d["a"] == {"id": "000", "length": len(seed_comparison.a.text)}
    for p in d["passages"]:
        assert p["kind"] in {"verbatim", "paraphrase"} and len(p["a"]) == 2 and 0 <= p["score"] <= 1


def test_public_api_names():
    assert {"compare", "Document", "Comparison", "Index", "scan"} <= set(copytrace.__all__)


def _edit(text: str, ops: list[tuple[int, int, str]]) -> str:
    words = text.split(" ")
    for kind, pos, word in ops:
        if not words:
            break
        i = pos % len(words)
        if kind == 0:
            words[i] = word
        elif kind == 1:
            words.insert(i, word)
        else:
            del words[i]
    return " ".join(words)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 10_000), st.sampled_from(
    ["the", "four", "Tuesday", "“", "”", "U.S.", "said", "—", "\n", "claims", "éclair", "7"])), max_size=30),
       st.booleans())
def test_every_span_slices_to_text_within_bounds(seeds, ops, swap):
    a, b = seeds[0], _edit(seeds[1], ops)
    if not any(ch.isalnum() for ch in b):
        return
    if swap:
        a, b = b, a
    c = compare(a, b, paraphrase=False)
    d = c.to_dict()
    texts = {"a": a, "b": b}
    spans = [("a", p["a"]) for p in d["passages"]] + [("b", p["b"]) for p in d["passages"]]
    spans += [("a", x["a"]) for x in d["changes"] if x["a"][1] > x["a"][0]]
    spans += [("b", x["b"]) for x in d["changes"] if x["b"][1] > x["b"][0]]
    spans += [(x["doc"], x["span"]) for x in d["attributions"] + d["boilerplate"]]
    derived = "a" if d["verdict"]["direction"] == "b->a" else "b"
    spans += [(derived, s) for s in d["added"]] + [("b" if derived == "a" else "a", s) for s in d["dropped"]]
    for side, (start, end) in spans:
        assert 0 <= start < end <= len(texts[side])
        assert texts[side][start:end].strip()


# --- judge_pair: the scan's verdict-only path ----------------------------------------

from copytrace.pipeline import judge_pair, prepare  # noqa: E402


def test_judge_pair_gives_the_verdict_of_compare(seeds):
    texts = [seeds[0], seeds[1], seeds[0][: len(seeds[0]) // 2], "Stocks rose in Tokyo on Monday as the yen weakened "
             "against the dollar, traders said, with exporters leading the gains."]
    for a in texts:
        for b in texts:
            j = judge_pair(prepare(a), prepare(b, "b"))
            c = compare(a, b)
            assert (j.verdict.label, j.verdict.direction) == (c.verdict.label, c.verdict.direction), (a[:30], b[:30])
            if j.used_model:
                assert j.verdict.score == c.verdict.score


def test_judge_pair_runs_the_model_only_when_it_matters(seeds):
    # Half of an article inside the whole: verbatim decides; the model is skipped.
    half = judge_pair(prepare(seeds[0]), prepare(seeds[0][: len(seeds[0]) // 2], "b"))
    assert half.verdict.label != "non" and not half.used_model
    # The seed pair: half of the rewrite is paraphrase, which could change the label: the model is consulted.
    a, b = seeds
    near_floor = judge_pair(prepare(a), prepare(b, "b"))
    assert near_floor.used_model
    assert not judge_pair(prepare(a), prepare(b, "b"), paraphrase=False).used_model


def test_settling_a_pair_with_the_screen_does_not_load_the_transformer(monkeypatch):
    # The static screen's bound settles most scan pairs; loading the transformer
    # just to reach it cost each scan worker ~15 s.
    from copytrace import embed, pipeline

    def no_transformer(name):
        raise AssertionError(f"the transformer {name} was loaded")

    rooms = []
    real_rooms = pipeline._paraphrase_rooms
    monkeypatch.setattr(embed, "_encoders", {})
    monkeypatch.setattr(embed, "_load", no_transformer)
    monkeypatch.setattr(pipeline, "_paraphrase_rooms",
                        lambda *args: (rooms.append(r) or r for r in real_rooms(*args)))
    council = "The council approved the new budget on Tuesday after a long debate."
    a = (f"{council} Schools will receive an extra 4 million pounds next year. The mayor said the plan was fair. "
         "Residents had protested outside the town hall for a week.")
    b = (f"{council} A spokesman for the fire service declined to comment on staffing levels at the station. "
         "The weather in the region is expected to turn cold by the weekend, forecasters said. "
         "Police closed the bridge after a lorry overturned.")
    j = judge_pair(prepare(a), prepare(b, "b"))
    assert rooms, "the loose bound settled the pair: the screen was never asked"
    assert not j.used_model and j.verdict.label != "non"


TENDER = ("{bidder} begins tender offer for {target}\n\n{bidder} said it has begun a tender offer for all outstanding "
          "shares of {target} at 938.67 dollars a share in cash, valuing the company at about 624 million dollars.\n\n"
          "The board of {target} has recommended that shareholders accept the offer.\n\n"
          "{bank} is acting as dealer manager for the offer.")


def test_in_a_corpus_a_template_filled_with_other_names_is_not_a_copy_and_a_credited_rewrite_is():
    # Two tender offers from one wire template whose two figures agree by chance (it happens at
    # 100,000 same-beat reports); a rewrite of the first reorders it and adds a credit.
    a = TENDER.format(bidder="Vexant plc", target="Corwell Holdings", bank="Goldman Sachs")
    b = TENDER.format(bidder="Altford plc", target="Norex Group", bank="Nomura")
    rewrite = ("Vexant plc begins tender offer for Corwell Holdings\n\nThe board of Corwell Holdings has recommended "
               "that shareholders accept the offer. Vexant plc said it has begun a tender offer for all outstanding "
               "shares of Corwell Holdings at 938.67 dollars a share in cash, valuing the company at about 624 million "
               "dollars. The story was first reported by Global Feed.")
    # Without a corpus nothing says template: the frame and the figures agree.
    assert judge_pair(prepare(a, "a"), prepare(b, "b")).verdict.label != "non"
    # The corpus says both fill template frames: the names decide.
    A, B, R = (prepare(t, i, templated=True) for t, i in ((a, "a"), (b, "b"), (rewrite, "r")))
    template = judge_pair(A, B)
    assert template.verdict.label == "non" and template.evidence.names_differ == template.evidence.names > 0
    copy = judge_pair(A, R)
    assert copy.verdict.label != "non" and copy.evidence.names > 0 and copy.evidence.names_differ == 0


def test_a_shortened_copy_of_a_templated_report_keeps_its_figures_as_evidence():
    """A large same-beat corpus holds every run of a rate report's frame, figures' whole-number
    parts included ("interest rate at 0" of "0.80"), so its frames reached into the figures: a
    copy of the report's first sentences, every word of it in frames, kept nothing to count and
    was judged unrelated (a scan of 10,000 same-beat reports missed 5% of such copies)."""
    from copytrace.pipeline import judge_pair, prepare
    from copytrace.types import Span

    report = ("Bank of Canada cut rate at 0.80 pct\n\nThe Bank of Canada cut its benchmark interest rate at 0.80 "
              "percent on Saturday, the bank said in a statement.\n\nEconomists had forecast a rate of 11.33 percent."
              "\n\nThe next policy meeting is scheduled for January 26.")
    cut = ("The Bank of Canada cut its benchmark interest rate at 0.80 percent on Saturday, the bank said in a "
           "statement. Economists had forecast a rate of 11.33 percent.")

    def framed(text):  # every stretch between the figures' rare fractional parts is a frame
        edges = [0] + [i for f in ("80", "33", "26") for i in (text.find(f), text.find(f) + 2) if f in text] + [len(text)]
        frames = [Span(a, b) for a, b in zip(edges[::2], edges[1::2]) if b > a]
        return prepare(Document(text, id=str(len(text))), templated=True, frames=frames)

    source, copy = framed(report), framed(cut)
    assert not any(s.start < copy.doc.text.index("0.80") + 4 and copy.doc.text.index("0.80") < s.end for s in copy.frames)
    verdict = judge_pair(source, copy, paraphrase=False).verdict
    assert verdict.label != "non" and verdict.score >= 0.5, verdict


def test_in_a_corpus_a_brief_of_one_banks_decision_is_not_a_copy_of_another_banks_report():
    """At 100,000 same-beat reports a brief (headline and lead) matched another bank's report word for word
    but the bank and the decision, all of it template frames the scan leaves out, and the rate and the day
    agreed by chance: the scan kept it as a copy (score 0.99). Only the names tell them apart."""
    from copytrace.pipeline import judge_pair, prepare
    from copytrace.types import Span

    report = ("{bank} {verb} rate at 11.84 pct\n\nThe {bank} {verb} its benchmark interest rate at 11.84 percent on "
              "Monday, the bank said in a statement.\n\nEconomists had forecast a rate of {forecast} percent.\n\n"
              "The next policy meeting is scheduled for May 11.")
    korea = report.format(bank="Bank of Korea", verb="raised", forecast="4.01")
    chile = report.format(bank="Central Bank of Chile", verb="cut", forecast="7.25")
    brief = korea.split("\n\nEconomists")[0]

    def framed(text, id):  # the whole report is frames but its figures, as in a large corpus
        return prepare(Document(text, id=id), templated=True, frames=[Span(0, len(text))])

    other = judge_pair(framed(brief, "brief"), framed(chile, "chile"))
    assert other.verdict.label == "non" and other.evidence.names_kept == 0.5, other
    own = judge_pair(framed(brief, "brief"), framed(korea, "korea"))
    assert own.verdict.label != "non" and own.evidence.names_kept == 1.0, own


def test_in_a_corpus_a_one_figure_brief_must_keep_the_templated_reports_names():
    """At 100,000 same-beat reports, "Reserve Bank of India cut rate at 0.29 pct" and its lead, one figure
    and so never templated itself, matched the Reserve Bank of Australia's templated report where the rate
    agreed by chance: 188 of the scan's 243 wrong pairs held such a brief. Its own bank's report still counts."""
    from copytrace.pipeline import judge_pair, prepare
    from copytrace.types import Span

    report = ("Reserve Bank of {country} {verb} rate at 0.29 pct\n\nThe Reserve Bank of {country} {verb} its benchmark "
              "interest rate at 0.29 percent on Friday, the bank said in a statement.\n\nEconomists had forecast a "
              "rate of 7.16 percent.\n\nInflation stood at 4.7 percent in May, below the bank's target of 3.8 percent.")
    india, australia = (report.format(country=c, verb=v) for c, v in (("India", "cut"), ("Australia", "raised")))
    brief = prepare(Document(india.split("\n\nEconomists")[0], id="brief"))  # one figure: not templated

    def framed(text, id):
        return prepare(Document(text, id=id), templated=True, frames=[Span(0, len(text))])

    other = judge_pair(brief, framed(australia, "australia"))
    assert other.verdict.label == "non" and other.evidence.names_kept == 2 / 3, other  # India lost
    own = judge_pair(brief, framed(india, "india"))
    assert own.verdict.label != "non" and own.evidence.names_kept == 1.0, own
    # Outside a corpus nothing is templated and the names are not asked.
    assert judge_pair(brief, prepare(Document(australia, id="australia"))).evidence.names_kept is None


def test_in_a_corpus_a_table_copy_with_its_rows_run_together_keeps_its_names():
    """An earnings table ("Shr 45 cts vs 144 cts", a row to a line) copied with its rows run into one
    paragraph: "Net" and "Revs" open a line in the source and sit mid-sentence in the copy, so they read
    as names there only. Counted as changed names, they made the copy a template filed twice (scans of
    1,000 wire reports with earnings tables, three seeds, missed 4 of their 496 planted copies that way);
    a name is missing from the other side only when its word is. Another company's table still differs."""
    from copytrace.pipeline import judge_pair, prepare
    from copytrace.types import Span

    table = ("{company} third-quarter net\n\nShr 45 cts vs 144 cts\n\nNet 86,608,995 vs 4,649,902\n\n"
             "Revs 45,222 mln vs 3,582 mln\n\nNote: Net includes gain of 1,065,000 dlrs from the sale of "
             "discontinued operations.")
    source = table.format(company="Lumwell Industries")
    copy = "Shr 45 cts vs 144 cts Net 86,608,995 vs 4,649,902 Revs 45,222 mln vs 3,582 mln"

    def framed(text, id):
        return prepare(Document(text, id=id), templated=True, frames=[Span(0, len(text))])

    j = judge_pair(framed(source, "source"), framed(copy, "copy"))
    assert j.evidence.names >= 2 and j.evidence.names_differ == 0, j.evidence
    assert j.verdict.label != "non", j
    other = table.format(company="Stenwell Systems").replace("45 cts vs 144", "61 cts vs 97")
    other = other.replace("86,608,995 vs 4,649,902", "12,004,311 vs 9,870,120")
    assert judge_pair(framed(source, "source"), framed(other, "other")).verdict.label == "non"

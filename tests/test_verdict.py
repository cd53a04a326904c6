from datetime import datetime, timezone

from copytrace.verdict import Evidence, Thresholds, judge


def test_labels_follow_the_derived_share():
    assert judge(Evidence(verbatim_a=1.0, verbatim_b=1.0)).label == "wholly"
    assert judge(Evidence(verbatim_a=0.4, verbatim_b=0.3)).label == "partially"
    assert judge(Evidence(verbatim_a=0.02, verbatim_b=0.01)).label == "non"


def test_non_derived_has_no_direction():
    assert judge(Evidence(verbatim_a=0.0, verbatim_b=0.0)).direction == "unknown"


def test_publication_time_decides_direction():
    early, late = datetime(2023, 1, 1, tzinfo=timezone.utc), datetime(2023, 1, 2, tzinfo=timezone.utc)
    v = judge(Evidence(verbatim_a=0.9, verbatim_b=0.5, published_a=early, published_b=late))
    assert v.direction == "a->b" and v.score == 0.5  # the score is the derived text's share
    v = judge(Evidence(verbatim_a=0.5, verbatim_b=0.9, published_a=late, published_b=early))
    assert v.direction == "b->a"


def test_textual_evidence_when_no_time():
    assert judge(Evidence(verbatim_a=0.3, verbatim_b=0.9)).direction == "a->b"
    assert judge(Evidence(verbatim_a=0.9, verbatim_b=0.3)).direction == "b->a"
    assert judge(Evidence(verbatim_a=0.5, verbatim_b=0.5)).direction == "unknown"
    # a text that credits another outlet's reporting leans towards being the rewrite
    assert judge(Evidence(verbatim_a=0.5, verbatim_b=0.45, reported_credits_b=2)).direction == "a->b"


def test_paraphrase_counts_at_its_weight():
    e = Evidence(verbatim_a=0.1, paraphrase_a=0.5, verbatim_b=0.1, paraphrase_b=0.5)
    assert judge(e, Thresholds(paraphrase_weight=1.0)).score == 0.6
    assert judge(e, Thresholds(paraphrase_weight=0.0)).score == 0.1

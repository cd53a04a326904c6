"""The shared word lists leave every stage's own set exactly as it was.

The sets below are copied from the code before the lists were merged into
copytrace.words; a stage's output depends on them (the paraphrase model was
trained on features over its set), so they must not move.
"""
from copytrace.align import pair_scorer
from copytrace.analyse import attribution, changes, evidence, values
from copytrace.words import FUNCTION_WORDS

PAIR_SCORER_STOPWORDS = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our ours out over own said same
    say says she should so some such than that the their theirs them then there these they this
    those through to told too under until up very was we were what when where which while who
    whom why will with would you your
""".split()
CHANGES_STOPWORDS = """
    a about after against all also among an and another any are around as at be been before
    being between both but by can did do does during each even for from had has have he her here
    him his i in into is it it's its just many me more most much my of on onto or other our over
    shall she should since so such than that the their theirs them then there these they this
    those through to under until upon us very was we were what when where which while who whom
    whose will with within would you your
""".split()
NOT_A_NAME = """
    a after also an and april at august before but december earlier february friday he her his
    however i in it its january july june just last later march may meanwhile monday next
    november october on or our saturday september she so sunday that the their then these they
    this those thursday today tonight tuesday we wednesday when while yesterday yet you
""".split()
EVIDENCE_DATES = """
    apr april aug august dec december feb february friday jan january jul july jun june mar
    march may monday nov november oct october saturday sep sept september sunday thursday
    tuesday wednesday
""".split()
CHANGES_MONTHS = """
    january february march april May june july august september october november december jan
    feb mar apr jun jul aug sep sept oct nov dec
""".split()
NEGATIONS = """
    cannot neither never no nobody none nor not nothing without
""".split()


def test_each_stage_keeps_its_stopwords():
    assert pair_scorer.STOPWORDS == frozenset(PAIR_SCORER_STOPWORDS)
    assert changes.STOPWORDS == frozenset(CHANGES_STOPWORDS)
    assert FUNCTION_WORDS == pair_scorer.STOPWORDS & changes.STOPWORDS  # the base is what they share


def test_negations_dates_and_names_are_unchanged():
    assert pair_scorer.NEGATIONS == changes.NEGATIONS == frozenset(NEGATIONS)
    assert values._MONTHS == CHANGES_MONTHS  # order and the capital "May" included
    assert evidence._MONTHS == frozenset(EVIDENCE_DATES)
    assert attribution._NOT_A_NAME == set(NOT_A_NAME)

"""English word lists that several stages read, defined once.

Each stage that passes over "words that say nothing" builds its own set from
:data:`FUNCTION_WORDS` plus a few words of its own, written beside it with the
reason; the additions differ because each list was tuned (and the paraphrase
model trained) with exactly those words, and changing one changes that
stage's output.

>>> "the" in FUNCTION_WORDS, "minister" in FUNCTION_WORDS
(True, False)
>>> len(WEEKDAYS), len(MONTHS)
(7, 12)
"""
from __future__ import annotations

# Articles, pronouns, prepositions, conjunctions and auxiliaries: sharing them says
# nothing about meaning, and a change in one is not a change of fact.
FUNCTION_WORDS = frozenset(
    """a an the and or but of in on at to for from by with as into over under
    that this these those which who whom what when where while than then so such
    is are was were be been being has have had do does did will would should can
    it its they them their theirs he him his she her we our you your i me my
    there here also just very more most each both all any other
    after before during until against between about through""".split()
)
# Words that negate what follows ("not", "never"); words ending in "n't" count too.
NEGATIONS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"})
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")

"""The facts a run of words states, and the word lists that say what they are.

Each function reads normalised words (:mod:`copytrace.segment`) and returns
plain values that :mod:`copytrace.analyse.changes` compares between the two
sides of a unit: negations counted; quantities parsed from digits and number
words ("seven" == 7, "two or three" -> (2, 3)); hedges ("at least", "about",
"reportedly") with the quantity they qualify; date and time words, and
dateparser's day for a written-out date; reporting verbs by lemma ("claims" ->
"claim"). The lists are short closed-class lexicons (see changes.py on why no
spaCy model).

>>> quantities(["two", "or", "three", "of", "1.5", "million"])
(2, 3, 1500000.0)
>>> hedge_at(["at", "least", "four"], 0), reporting_lemma("admitted")
(2, 'admit')
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from ..words import FUNCTION_WORDS, MONTH_ABBREVIATIONS, MONTHS, NEGATIONS, WEEKDAYS

# Words the diff passes over: the shared function words and a few more that are
# never the fact that changed (the change tests were written against this set).
STOPWORDS = FUNCTION_WORDS | frozenset(
    """onto upon whose shall it's us even much many another since among around within""".split()
)
# Hedges that qualify anything ("reportedly killed") ...
HEDGE_WORDS = frozenset(
    """reportedly allegedly apparently possibly probably likely purportedly seemingly
    perhaps presumably suspected may might could""".split()
)
# ... and hedges that only qualify a quantity ("about four", "up to 20").
QUANTITY_HEDGES = (
    ("at", "least"), ("at", "most"), ("up", "to"), ("more", "than"), ("less", "than"),
    ("fewer", "than"), ("as", "many", "as"), ("as", "few", "as"), ("as", "much", "as"),
    ("close", "to"), ("upwards", "of"), ("an", "estimated"), ("estimated",), ("about",),
    ("around",), ("approximately",), ("roughly",), ("nearly",), ("almost",), ("some",),
    ("over",), ("under",), ("just",), ("only",), ("several",),
)
_HEDGES_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _phrase in QUANTITY_HEDGES:
    _HEDGES_BY_FIRST.setdefault(_phrase[0], []).append(_phrase)
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "dozen": 12, "dozens": 24, "half": 0.5, "single": 1, "couple": 2, "few": 3, "score": 20,
}
_SCALES = {"hundred": 100, "hundreds": 100, "thousand": 1_000, "thousands": 1_000,
           "million": 1_000_000, "millions": 1_000_000, "billion": 10**9, "billions": 10**9,
           "trillion": 10**12}
_WEEKDAYS = list(WEEKDAYS)
# "May" the month is told from "may" the hedge by context (see changes._reading).
_MONTHS = [m.capitalize() if m == "may" else m for m in MONTHS] + list(MONTH_ABBREVIATIONS)
DATE_WORDS = frozenset(
    _WEEKDAYS + [w + "'s" for w in _WEEKDAYS] + _MONTHS
    + """today tonight yesterday tomorrow yesterday's today's morning afternoon evening night
    overnight week weeks weekend month months year years day days hour hours minute minutes
    decade decades century ago earlier later last next previous past recent recently
    mid midday midnight noon dawn dusk am pm""".split()
)
# The groups, places and parties a sentence can be about ("the two sides").
ACTOR_NOUNS = frozenset(
    """side sides country countries nation nations party parties group groups government
    governments state states ally allies force forces militia militias militant militants
    fighter fighters troop troops soldier soldiers rebel rebels insurgent insurgents official
    officials administration company companies police army military navy regime coalition
    garrison base bases installation installations site sites compound city cities town
    towns village villages region province area border capital north south east west
    northeast northwest southeast southwest northern southern eastern western central""".split()
)
_VERB_LEMMAS = {
    "said": "say", "says": "say", "say": "say", "told": "tell", "tells": "tell", "tell": "tell",
    "wrote": "write", "writes": "write", "denied": "deny", "denies": "deny", "deny": "deny",
    "according": "accord",
}
REPORTING_VERBS = frozenset(
    """claim report allege state announce insist assert contend maintain acknowledge admit
    confirm suggest list designate call describe accuse warn note add argue believe estimate
    concede stress charge label brand consider deem classify""".split()
)
_NUMERIC = re.compile(r"^\d+(?:[.,]\d+)*$")
_NUMERIC_DATE = re.compile(r"^(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:\d{2}|\d{4})$")  # 16.08.2023
# Abbreviations that are the same word ("Aug." / "August").
CANONICAL = {
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
    "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
    "dec": "december", "mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday",
    "thu": "thursday", "thurs": "thursday", "fri": "friday", "sat": "saturday", "sun": "sunday",
    "gov": "governor", "sen": "senator", "rep": "representative", "gen": "general", "lt": "lieutenant",
    "col": "colonel", "sgt": "sergeant", "dept": "department", "st": "street", "mt": "mount",
    "percent": "%", "pct": "%",
}


def base_word(word: str) -> str:
    """``word`` without a possessive "'s"."""
    return word[:-2] if word.endswith("'s") else word


def negation_count(words: Sequence[str]) -> int:
    """How many negations ``words`` holds ("not", "never", "didn't")."""
    return sum(w in NEGATIONS or w.endswith("n't") for w in words)


@lru_cache(maxsize=65536)
def number_value(word: str) -> float | None:
    """The number ``word`` writes ("7", "seven", "million"), else None."""
    if _NUMERIC_DATE.match(word):
        return None  # "16.08.2023" is a date (see date_item), not a quantity
    if _NUMERIC.match(word):
        return parse_number(word)
    return _UNITS.get(word, _SCALES.get(word))


def parse_number(word: str) -> float:
    """A written number: "1,000.5", "1.000.000" (thousands by dots), "9.85"; a code
    with several dots ("192.168.0.1") reads as its digits, so any changed digit shows."""
    if word.count(".") > 1 and "," in word:  # "1.000.000,5"
        return float(word.replace(".", "").replace(",", "."))
    if word.count(".") > 1:
        return float(word.replace(".", ""))
    return float(word.replace(",", ""))


def quantities(words: Sequence[str], dates: bool = True) -> tuple[float, ...]:
    """The quantities written in ``words``: "two or three" → (2, 3), "1.5 million" → (1500000,).

    With ``dates=False`` a number that belongs to a date ("August 16", "2023") is skipped.
    """
    values: list[float] = []
    current: float | None = None
    for i, w in enumerate(words):
        v = number_value(w)
        if v is not None and not dates and is_date_number(words, i):
            v = None
        if v is None:
            if current is not None:
                values.append(current)
            current = None
        elif w in _SCALES and current is not None:
            current *= v
        elif current is not None and current >= 20 and v < 10 and current % 10 == 0:
            current += v  # "twenty four"
        else:
            if current is not None:
                values.append(current)
            current = v
    if current is not None:
        values.append(current)
    return tuple(sorted(values))


def is_date_number(words: Sequence[str], i: int) -> bool:
    w = words[i]
    if w.isdigit() and len(w) == 4 and 1800 <= int(w) <= 2100:  # a year, not "9.85"
        return True
    neighbours = words[max(0, i - 1) : i] + words[i + 1 : i + 2]
    return any(n in _MONTHS or n in DATE_WORDS and n not in _WEEKDAYS for n in neighbours)


def hedge_at(words: Sequence[str], i: int) -> int:
    """Length of the hedge phrase starting at ``i``, or 0."""
    if words[i] in HEDGE_WORDS:
        return 1
    for phrase in _HEDGES_BY_FIRST.get(words[i], ()):
        end = i + len(phrase)
        if tuple(words[i:end]) == phrase and quantity_at(words, end) is not None:
            return len(phrase)
    return 0


def quantity_at(words: Sequence[str], i: int) -> int | None:
    """Index just past the number at ``i`` (one filler word "of"/"a" allowed), else None."""
    if i < len(words) and words[i] in {"a", "an"}:
        i += 1
    if i < len(words) and number_value(words[i]) is not None:
        while i < len(words) and number_value(words[i]) is not None:
            i += 1
        return i
    return None


@lru_cache(maxsize=256)
def date_items(words: tuple[str, ...]) -> frozenset[str]:
    """Every date or time word of ``words`` (see :func:`date_item`)."""
    return frozenset(filter(None, (date_item(words, i) for i in range(len(words)))))


def date_item(words: Sequence[str], i: int) -> str | None:
    """The date or time word at ``i`` ("thursday", "week", "2023"), else None."""
    w = words[i]
    if w in DATE_WORDS:
        return CANONICAL.get(base_word(w), base_word(w))
    if number_value(w) is not None and is_date_number(words, i) or _NUMERIC_DATE.match(w):
        return w
    return None


@lru_cache(maxsize=1024)
def parse_date(text: str):
    import datetime

    import dateparser

    if not any(m.casefold() in text.casefold() for m in _MONTHS) and not re.search(r"\d", text):
        return None  # relative words ("last week") never name the same day as another phrase
    settings = {"RELATIVE_BASE": datetime.datetime(2000, 1, 1), "STRICT_PARSING": False}
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def reporting_verbs(words: Sequence[str]) -> frozenset[str]:
    """The reporting verbs of ``words``, by lemma."""
    return frozenset(filter(None, (reporting_lemma(w) for w in words)))


@lru_cache(maxsize=65536)
def reporting_lemma(word: str) -> str | None:
    """The reporting verb ``word`` is a form of, if it is one ("claims" → "claim")."""
    if word in _VERB_LEMMAS:
        return _VERB_LEMMAS[word]
    for suffix, repl in (("ied", "y"), ("ies", "y"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", ""), ("d", ""), ("", "")):
        if word.endswith(suffix):
            stem = word[: len(word) - len(suffix)] + repl if suffix else word
            if stem in REPORTING_VERBS:
                return stem
            if suffix == "ed" and len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in REPORTING_VERBS:
                return stem[:-1]  # "admitted"
    return None

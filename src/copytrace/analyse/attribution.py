"""Who a text credits: "CNN reported", "according to …", "said in a statement".

>>> from copytrace.segment import segment
>>> seg = segment("Rockets hit the base, CNN reported. Two were hurt, according to a statement from U.S. Central Command.")
>>> [(name, seg.slice(span)) for name, span in find_attributions(seg)]
[('CNN', 'CNN reported'), ('U.S. Central Command', 'according to a statement from U.S. Central Command')]
>>> credits(find_attributions(seg), "CNN.com")
True

Rules, not a model: attribution in news English is a handful of fixed frames
(NAME said / said NAME / according to [a statement by] NAME / told NAME /
reported by NAME / a wire-service dateline "(AP)"), and names are runs of
capitalised words. No spaCy model is available offline, and these frames
are exactly what spaCy's rule-based Matcher would be given anyway. Outlet
names are matched fuzzily with rapidfuzz ("The Dallas Express" ~ "Dallas
Express", "CNN" ~ "CNN.com", "AP" ~ "Associated Press").
"""
from __future__ import annotations

import re
from typing import Sequence

from rapidfuzz import fuzz

from ..segment import ODD_CASE, Segmented
from ..types import Span
from ..words import FUNCTION_WORDS, MONTHS, WEEKDAYS

_CAP = r"(?:[A-Z][\w'’.&-]*|[A-Z]\.)"
# A proper name: capitalised words, with "of"/"the"/"and" inside ("Department of
# State") and a quoted nickname ("Michael “Erik” Kurilla").
_NAME = (
    rf"{_CAP}(?:\s+(?:(?:of|for|on|and|the|de|del|al)\s+)*(?:[“\"‘']{_CAP}[”\"’']\s+)?{_CAP})*"
)
_GROUP_HEAD = (
    r"officials?|authorities|police|spokes(?:man|woman|person)|sources?|analysts|experts|witnesses"
    r"|residents|investigators|prosecutors|military|army|ministry|government|lawmakers|diplomats"
    r"|observers|activists|medics|doctors|forces|commanders?|representatives?"
)
_GROUP_MOD = (
    r"senior|top|military|defen[cs]e|government|administration|local|federal|state|intelligence"
    r"|security|health|police|two|three|several|other|western|american|israeli|iranian|russian"
    r"|ukrainian|chinese|a|an|the"
)
# "Pentagon officials", "senior U.S. defense officials", "a spokesperson"
_GROUP = rf"(?:(?:{_CAP}|(?:{_GROUP_MOD}))\s+){{0,4}}(?:{_GROUP_HEAD})\b"
_VERB = (
    r"said|says|say|reported|reports|report|told|tells|announced|announces|stated|states"
    r"|confirmed|confirms|claimed|claims|claim|wrote|writes|alleged|alleges|added|noted"
    r"|estimated|estimates|disclosed|revealed|warned"
)
_DOCUMENT = (
    r"assessment|statement|report|analysis|estimate|tally|count|release|post|filing|data|figures"
    r"|survey|investigation|review|memo|document|interview|briefing|video|letter|tweet"
)
_SETTING = r"(?:\s+(?:in|on|at|during)\s+an?\s+(?:\w+\s+)?(?:" + _DOCUMENT + r"|email|call|conference))?"
_SRC = rf"(?P<src>{_GROUP}|{_NAME})"
_WIRES = r"AP|Reuters|AFP|UPI|CNN|dpa|DPA|PA|Bloomberg|TASS|Xinhua|ANI|PTI|IANS|ANSA|EFE|Kyodo|Yonhap"

# Each frame, with words one of which any match must hold, and whether they are matched in
# lower case: a sentence with none of them is not searched with the frame. Most sentences hold
# none of "report", "told", "(": the frames that begin with a name try a match at every
# capital, and took 2.8 ms an article. The words are looked for with ``in``: a regex for them
# cost as much as the frames it spared.
_PATTERNS = [
    # according to [an assessment by] U.S. forces
    (re.compile(
        rf"(?i:according\s+to)\s+(?:(?i:an?|the)\s+(?:\w+\s+){{0,2}}?(?i:{_DOCUMENT})s?\s+"
        rf"(?i:by|from|of|with|released\s+by|issued\s+by)\s+)?(?:the\s+)?{_SRC}"
    ), ("according",), True),
    # CNN reported / U.S. Central Command said in a statement / the Pentagon says
    (re.compile(rf"{_SRC}\s+(?:(?:first|also|later|earlier|previously)\s+)?(?:{_VERB})\b{_SETTING}"),
     tuple(_VERB.split("|")), False),
    # first reported by / a report by / told Reuters
    (re.compile(rf"(?i:(?:first\s+)?reported\s+by|(?:a\s+)?report\s+(?:by|from|in)|told)\s+(?:the\s+)?{_SRC}"),
     ("report", "told"), True),
    # “…,” said Gen. Michael Kurilla
    (re.compile(rf"(?i:said|says|added|wrote|according\s+to)\s+(?P<src>{_NAME})"),
     ("said", "says", "added", "wrote", "according"), True),
    # WASHINGTON (AP) —
    (re.compile(rf"\((?P<src>{_WIRES})\)"), ("(",), False),
]

# Nouns a credited outlet's name may stand before ("the BBC website", "Reuters news agency").
# Before any other noun the name only describes it: "as reported by the Google toolbar" credits
# no one (Clough-Stevenson's PageRank answers).
_OUTLET_NOUNS = frozenset(
    """website site web newspaper paper daily weekly magazine journal channel network station radio television tv
    broadcaster news agency service wire feed bureau programme program show outlet blog podcast affiliate
    reporter reporters correspondent correspondents journalist journalists editor editors team""".split()
)
_NEXT_WORD = re.compile(r"\s*([^\W\d_][\w'’-]*)")

# Capitalised words that open a sentence or name a time, never a source.
_NOT_A_NAME = {
    "the", "a", "an", "that", "this", "these", "those", "it", "he", "she", "they", "we", "i", "you",
    "and", "but", "or", "so", "yet", "also", "meanwhile", "however", "earlier", "later", "then",
    "yesterday", "today", "tonight", "just", "in", "on", "at", "after", "before", "when", "while",
    "last", "next", "his", "her", "their", "its", "our", *WEEKDAYS, *MONTHS,
}


# A name may stand before a document it issued too ("according to Bloomberg figures").
_DOCUMENT_NOUNS = frozenset(_DOCUMENT.split("|"))
# Words that go on the frame after a name ("told Reuters earlier", "said Smith, adding").
_FRAME_WORDS = frozenset(_VERB.split("|")) | {"earlier", "later", "yesterday", "today", "tonight", "adding", "saying"}


def find_attributions(seg: Segmented) -> list[tuple[str, Span]]:
    """Every credited source in ``seg``: ``(name as written, span of the phrase)``, in order.

    Where two frames match overlapping text the longer phrase wins.
    """
    found: list[tuple[str, Span, Span]] = []
    for sentence in seg.sentences:
        body = seg.slice(sentence)
        lowered = body.lower()
        every = any(c in body for c in ODD_CASE)  # lower() does not fold these as the regex does
        for pattern, needs, any_case in _PATTERNS:
            if not every and not any(word in (lowered if any_case else body) for word in needs):
                continue
            for m in pattern.finditer(body):
                lo, hi = _trim(m.group("src"))
                if lo == hi or (m.end("src") == m.end() and _describes_a_thing(body, m.group("src"), m.end())):
                    continue
                src = Span(sentence.start + m.start("src") + lo, sentence.start + m.start("src") + hi)
                # the phrase runs from the first word of frame or name to the last
                start = src.start if m.start() == m.start("src") else sentence.start + m.start()
                end = src.end if m.end() == m.end("src") else sentence.start + m.end()
                found.append((seg.slice(src), Span(start, end), src))
    return _without_overlaps(found)


def _describes_a_thing(body: str, name: str, end: int) -> bool:
    """Whether ``name``, ending at ``end``, stands before a common noun that is neither an outlet's
    nor a document's ("reported by the Google toolbar"): then it names the thing's maker, not a
    source. Groups ("Pentagon officials familiar with ...") are sources whatever follows."""
    if not name.split()[-1][:1].isupper():
        return False
    nxt = _NEXT_WORD.match(body, end)
    if nxt is None:
        return False  # punctuation or the sentence's end follows the name
    word = nxt.group(1)
    lowered = word.casefold()
    return (word[0].islower() and lowered not in FUNCTION_WORDS and lowered not in _OUTLET_NOUNS
            and lowered not in _DOCUMENT_NOUNS and lowered.removesuffix("s") not in _DOCUMENT_NOUNS
            and lowered not in _NOT_A_NAME
            and lowered not in _FRAME_WORDS)


def _trim(name: str) -> tuple[int, int]:
    """Where the name proper lies in ``name``: leading non-name words and end punctuation cut."""
    end = len(name.rstrip(" ,;:’'\"”"))
    if name[:end].endswith(".") and not re.search(r"(?:\b[A-Z]|\.[A-Z]|Gen|Col|Lt|Sgt|Jr|Sr|Co|Inc|Corp)\.$", name[:end]):
        end -= 1  # the sentence's full stop, not an abbreviation's
    start = 0
    for word in re.finditer(r"\S+", name[:end]):
        key = word.group().casefold().strip("’'")
        nxt = name[word.end() :].lstrip()[:1]
        if key not in _NOT_A_NAME or (word.group() == "The" and nxt.isupper()):
            start = word.start()  # "The Dallas Express" keeps its article
            break
    else:
        return 0, 0
    return start, end


def _without_overlaps(found: list[tuple[str, Span, Span]]) -> list[tuple[str, Span]]:
    """One attribution per name: where frames share a name the longer phrase wins."""
    kept: list[tuple[str, Span, Span]] = []
    for item in sorted(found, key=lambda f: (-len(f[1]), f[1].start)):
        if not any(item[2].overlaps(k[2]) for k in kept):
            kept.append(item)
    return sorted(((name, span) for name, span, _ in kept), key=lambda f: f[1])


def _key(name: str) -> str:
    """An outlet's name reduced to what identifies it: "The Dallas Express" → "dallas express"."""
    name = name.casefold().strip()
    name = re.sub(r"^(?:https?://)?(?:www\.)?", "", name)
    name = re.sub(r"\.(?:com|org|net|co\.uk|co|news|tv|us|uk|de|fr|in)\b.*$", "", name)
    name = re.sub(r"[^\w\s]", " ", name)
    name = re.sub(r"^the\s+", "", name.strip())
    return " ".join(name.split())


def _acronym(key: str) -> str:
    return "".join(w[0] for w in key.split() if w not in {"of", "the", "and", "for"})


def same_source(name: str, outlet: str) -> bool:
    """Whether a credited name and an outlet name denote the same source (fuzzily).

    >>> same_source("The Dallas Express", "dallasexpress.com"), same_source("CNN", "CNN.com")
    (True, True)
    >>> same_source("AP", "Associated Press"), same_source("CNN", "NBC News")
    (True, False)
    """
    a, b = _key(name), _key(outlet)
    if not a or not b:
        return False
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return True
    short, long_ = sorted((a, b), key=len)
    if " " not in short and len(short) <= 5 and short == _acronym(long_):
        return True
    if fuzz.ratio(a, b) >= 90:
        return True
    # "Dallas Express" inside "The Dallas Express News": a multi-word name contained whole
    return len(short.split()) >= 2 and fuzz.token_set_ratio(a, b) >= 95


def credits(attributions: Sequence[tuple[str, Span]], outlet: str) -> bool:
    """Whether any credited source names ``outlet`` ("The Dallas Express" ~ "Dallas Express")."""
    return any(same_source(name, outlet) for name, _ in attributions)

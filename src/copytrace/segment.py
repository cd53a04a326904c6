"""Words and sentences with character offsets into the original text.

Matching works on normalised copies of the words (case-folded, curly quotes
straightened, accents removed); the spans always point into the text as given.

>>> seg = segment("Gen. Kurilla spoke. “We will respond,” he said.")
>>> [seg.text[s.start:s.end] for s in seg.sentences]
['Gen. Kurilla spoke. ', '“We will respond,” he said.']
>>> seg.words[:3]
('gen', 'kurilla', 'spoke')
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from .types import Span

# A word: letters/digits with inner apostrophes ("Iran’s"), or a number with
# separators ("1,000", "3.5"). Hyphens split words so "Iran-backed" aligns with
# "Iranian-backed" on its second half. Public: the pair scorer splits sentences alike.
#
# Invisible characters (zero-width space/joiners, word joiner, BOM, soft hyphen)
# inside a word stay inside it: "con\u200bfirmed" is one token spanning all its
# characters in the text, and its normalised form drops them, so a copy salted
# with them still matches the original word for word.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
TOKEN = re.compile(
    rf"\d+(?:(?:[.,]|[{INVISIBLE}]+)\d+)*|[^\W_]+(?:(?:['’]|[{INVISIBLE}]+)[^\W_]+)*", re.UNICODE
)
_DROP_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE))
_PARAGRAPH = re.compile(r"[^\n]+")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@dataclass(frozen=True)
class Segmented:
    """A text cut into words and sentences.

    Word ``i`` runs from ``token_starts[i]`` to ``token_ends[i]`` (also
    ``tokens[i]``, as a span) and ``words[i]`` is its normalised form;
    ``sentence_of[i]`` is the index of the sentence that holds it.
    """

    text: str
    token_starts: tuple[int, ...]  # ascending: bisect it to find the words in a span
    token_ends: tuple[int, ...]
    words: tuple[str, ...]
    sentences: tuple[Span, ...]
    sentence_of: tuple[int, ...]

    def sentence_tokens(self, index: int) -> range:
        """The token indices inside sentence ``index``."""
        return self._token_ranges[index]

    # Cached per instance (cached_property writes the instance's __dict__, which a frozen
    # dataclass allows): the scan asks for these once per pair, the text is fixed.
    @cached_property
    def _token_ranges(self) -> list[range]:
        starts = [0] * (len(self.sentences) + 1)
        for s in self.sentence_of:
            starts[s + 1] += 1
        for i in range(len(self.sentences)):
            starts[i + 1] += starts[i]
        return [range(starts[i], starts[i + 1]) for i in range(len(self.sentences))]

    # Built on demand: a scan segments millions of words and needs offsets, not objects
    # (a frozen Span per word was a tenth of segmenting).
    @cached_property
    def tokens(self) -> tuple[Span, ...]:
        """The span of each word."""
        return tuple(map(Span, self.token_starts, self.token_ends))

    def word_span(self, first: int, last: int) -> Span:
        """The span from the start of word ``first`` to the end of word ``last`` (inclusive)."""
        return Span(self.token_starts[first], self.token_ends[last])

    @cached_property
    def sentence_starts(self) -> list[int]:
        """Start offset of each sentence, ascending: bisect it to find sentences in a span."""
        return [s.start for s in self.sentences]

    @cached_property
    def surfaces(self) -> tuple[str, ...]:
        """Per word: as written, without invisible characters (what the pair scorer reads beside ``words``)."""
        text = self.text
        return tuple(visible(text[start:end]) for start, end in zip(self.token_starts, self.token_ends))

    @cached_property
    def capitalised(self) -> tuple[bool, ...]:
        """Per word: capitalised where grammar does not ask for it (a name, most likely).

        Not the first word of a sentence, nor of a quotation.
        """
        out = []
        text, starts, ends, sentence_of = self.text, self.token_starts, self.token_ends, self.sentence_of
        for i, start in enumerate(starts):
            if not text[start].isupper() or i == 0 or sentence_of[i - 1] != sentence_of[i]:
                out.append(False)
                continue
            before = text[ends[i - 1] : start]
            out.append(not any(c in before for c in "\"“‘:"))
        return tuple(out)

    def slice(self, span: Span) -> str:
        return self.text[span.start : span.end]


@lru_cache(maxsize=200_000)
def normalise(word: str) -> str:
    """The form two words are compared in: case, quotes and accents folded."""
    word = visible(word).translate(_FOLD).casefold()
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def visible(text: str) -> str:
    """``text`` without invisible characters (:data:`INVISIBLE`): what a reader sees.

    >>> visible("mili\u200btants")
    'militants'
    """
    return text.translate(_DROP_INVISIBLE)


@lru_cache(maxsize=1)
def _splitter():
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    segmenter.language_module = _english_fewer_abbreviations()
    return segmenter


# The only letters outside ASCII that match an ASCII letter under re.IGNORECASE, none of
# them lower() to it (dotted and dotless i, long s, Kelvin sign): where one occurs, a
# test on the lower-cased text cannot stand in for a case-insensitive regex.
ODD_CASE = ("\u0130", "\u0131", "\u017f", "\u212a")


def _english_fewer_abbreviations():
    """pysbd's English, whose abbreviation pass skips the abbreviations that cannot apply.

    For each of its ~190 abbreviations found anywhere in a line (most short ones
    are: "a", "al", "st"), pysbd runs a ``findall`` and a ``sub`` with patterns
    built on the spot, past ``re``'s cache: two thirds of its time on news text.
    Every change it can make turns the full stop after the abbreviation into a
    marker, so an abbreviation never followed by "." in the line changes nothing
    and is left out of the pass. The rest runs pysbd's own code, in its order.
    A language class with its own ``AbbreviationReplacer`` is how pysbd varies
    this pass (its Spanish, Armenian and Marathi do).
    """
    from pysbd.lang.english import English

    every = English.Abbreviation.ABBREVIATIONS
    # Only plain ones can be ruled out by a substring test; "e.g" and "u.s" are regexes to pysbd.
    plain = {a: a.strip() + "." for a in every if a.strip().isascii() and a.strip().isalnum()}

    class Replacer(English.AbbreviationReplacer):
        def search_for_abbreviations_in_string(self, text):
            if any(c in text for c in ODD_CASE):
                return super().search_for_abbreviations_in_string(text)
            lowered = text.lower()
            lang = self.lang

            class Fewer(lang):
                class Abbreviation(lang.Abbreviation):
                    ABBREVIATIONS = [a for a in every if a not in plain or plain[a] in lowered]

            self.lang = Fewer
            try:
                return super().search_for_abbreviations_in_string(text)
            finally:
                self.lang = lang

    class FewerEnglish(English):
        AbbreviationReplacer = Replacer

    return FewerEnglish


# A sentence end no rule could doubt: terminal punctuation and any closing
# quotes or brackets, a space, then a capital or digit (maybe behind an opening quote).
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’')\]]*(\s+)(?=[\"“‘(\[]?[A-Z0-9])")
_LAST_WORD = re.compile(r"(\S+)[.!?][\"”’')\]]*$")


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    from pysbd.lang.english import English

    return frozenset(English.Abbreviation.ABBREVIATIONS)


def _easy_split(body: str) -> list[tuple[int, int, bool]] | None:
    """A paragraph cut at the sentence ends no rule could doubt: ``(start, end, doubtful)``
    pieces, ``doubtful`` when a full stop inside may or may not end a sentence.

    pysbd is accurate but costs ~2 ms a paragraph, half of a lexical comparison
    (measured with bench/compare.py), and grows with the square of the text it
    is given; most sentence ends follow no abbreviation, initial or ellipsis and
    need none of its rules. Only the doubtful pieces go to pysbd ("U.S.
    Central Command said", in every other paragraph of a story on the U.S.
    military, sent whole paragraphs to it). Like pysbd, a quotation of several
    sentences stays one sentence. ``None`` (all to pysbd) for an ellipsis, which
    pysbd reads across sentences.
    """
    if ".." in body or "…" in body:
        return None
    pieces, start, doubtful = [], 0, False
    for m in _BOUNDARY.finditer(body):
        head = body[start : m.start(1)]
        before = body[: m.start(1)]
        if before.count("“") > before.count("”") or before.count('"') % 2:
            continue  # inside a quotation
        last = _LAST_WORD.search(head)
        if last and head.rstrip("\"”’')]").endswith("."):
            word = last.group(1).strip("\"“‘([").lower()
            if len(word) <= 1 or "." in word or word in _abbreviations():
                doubtful = True  # pysbd decides, with the text up to the next sure end
                continue
        pieces.append((start, m.start(1), doubtful))
        start, doubtful = m.end(1), False
    pieces.append((start, len(body), doubtful))
    if any(d for *_, d in pieces) and (body.count("“") != body.count("”") or body.count('"') % 2):
        return None  # a quotation left open: which ends are inside it is pysbd's to weigh
    return pieces


def split_sentences(text: str) -> list[Span]:
    """Sentence spans: each line is a paragraph, pysbd splits inside it.

    pysbd returns strings; we locate each one in its paragraph ourselves so the
    offsets stay exact even when a sentence repeats.
    """
    spans: list[Span] = []
    for para in _PARAGRAPH.finditer(text):
        if not para.group().strip():
            continue
        long = len(para.group()) > LONG_PARAGRAPH
        for at, body in _chunks(para.group()):
            if long and len(body) > CHUNK and len(_BOUNDARY.findall(body)) > MAX_DOUBTFUL:
                # "U.S. " x 50,000: pysbd would weigh every full stop against the whole
                # piece (0.6 s for 6,000 characters); a run of doubtful ends is one sentence.
                lead = len(body) - len(body.lstrip())
                spans.append(Span(para.start() + at + lead, para.start() + at + len(body.rstrip())))
                continue
            _split_paragraph(body, para.start() + at, spans)
    return _absorb_trailing(text, spans)


# pysbd's cost grows with the square of a paragraph (each abbreviation rewrites the
# whole paragraph with a regex): 6 s for one 50k-character paragraph. A paragraph
# longer than LONG_PARAGRAPH is cut into pieces of about CHUNK characters at sentence
# ends no rule could doubt, and where no such end comes for HARD_CHUNK characters
# ("U.S. " x 50,000, a line without full stops), at a space.
LONG_PARAGRAPH = 4000
CHUNK = 1000
HARD_CHUNK = 2000
MAX_DOUBTFUL = 40  # doubtful sentence ends in a piece cut without a sure one


def _chunks(body: str) -> list[tuple[int, str]]:
    """``body`` cut into (offset, piece) pieces short enough to split quickly."""
    if len(body) <= LONG_PARAGRAPH:
        return [(0, body)]
    cuts = [0]  # piece starts
    curly = straight = 0  # quotation marks before `seen`, counted once
    seen = 0
    for m in _BOUNDARY.finditer(body):
        end = m.start(1)
        if end - cuts[-1] < CHUNK:
            continue
        between = body[seen:end]
        curly += between.count("“") - between.count("”")
        straight += between.count('"')
        seen = end
        last = _LAST_WORD.search(body, max(cuts[-1], end - 100), end)
        word = last.group(1).strip("\"“‘([").lower() if last else ""
        doubtful = curly > 0 or straight % 2 or len(word) <= 1 or "." in word or word in _abbreviations()
        if not doubtful or end - cuts[-1] >= HARD_CHUNK:
            cuts.append(m.end(1))
    pieces: list[tuple[int, str]] = []
    for start, stop in zip(cuts, cuts[1:] + [len(body)]):
        while stop - start > HARD_CHUNK:  # no sentence end at all: cut at a space
            space = body.rfind(" ", start + CHUNK, start + HARD_CHUNK)
            cut = space + 1 if space > start else start + HARD_CHUNK
            pieces.append((start, body[start:cut]))
            start = cut
        pieces.append((start, body[start:stop]))
    return pieces


def _split_paragraph(body: str, base: int, spans: list[Span]) -> None:
    """Append the sentence spans of one paragraph (or piece of one) starting at ``base``."""
    pieces = _easy_split(body)
    if pieces is None:
        _pysbd_split(body, base, spans)
        return
    for start, end, doubtful in pieces:
        piece = body[start:end]
        if doubtful:
            _pysbd_split(piece, base + start, spans)
        elif piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append(Span(base + start + lead, base + start + len(piece.rstrip())))


def _pysbd_sentences(body: str) -> list[str]:
    """``pysbd.Segmenter.segment(body)``, without its regex per sentence.

    pysbd finds each sentence it returns in the text with ``re.finditer`` on
    the escaped sentence: a new pattern each time, past ``re``'s cache, which
    cost a scan's align stage ~3% of its time. The same search with
    ``str.find``: the first non-overlapping occurrence, trailing whitespace
    included, that ends after the last sentence found; a sentence pysbd
    altered (found nowhere) is dropped, as pysbd drops it.
    """
    out: list[str] = []
    if not body:
        return out
    prior = 0
    for sent in _splitter().processor(body).process():
        if not sent:
            continue
        pos = 0
        while (at := body.find(sent, pos)) >= 0:
            end = at + len(sent)
            while end < len(body) and body[end].isspace():
                end += 1
            if end > prior:
                out.append(body[at:end])
                prior = end
                break
            pos = end
    return out


def _pysbd_split(body: str, base: int, spans: list[Span]) -> None:
    """Append pysbd's sentences of ``body``, located in it (pysbd returns strings)."""
    cursor = 0
    for piece in _pysbd_sentences(body):
        stripped = piece.strip()
        if not stripped:
            continue
        at = body.find(stripped, cursor)
        if at < 0:  # pysbd altered the text; fall back to the rest of the paragraph
            at = cursor
            stripped = body[cursor:].strip()
            if not stripped:
                break
        end = at + len(stripped)
        spans.append(Span(base + at, base + end))
        cursor = end


def _absorb_trailing(text: str, spans: list[Span]) -> list[Span]:
    """Give each sentence the spaces up to the next one on its line, as pysbd does."""
    out = []
    for i, s in enumerate(spans):
        end = s.end
        limit = spans[i + 1].start if i + 1 < len(spans) else len(text)
        while end < limit and text[end] in " \t":
            end += 1
        out.append(Span(s.start, end))
    return out


def locate(text: str, found: list[str]) -> tuple[list[int], list[int]]:
    """Start and end offsets of ``found``, a word regex's ``findall`` over ``text``.

    Each is where it first occurs after the one before: the regex (:data:`TOKEN`,
    or any whose match can begin at any character its first class admits) would
    have matched at an earlier occurrence. A match object a word cost a third of
    segmenting's word pass.
    """
    starts, ends, at, find = [], [], 0, text.find
    for word in found:
        at = find(word, at)
        starts.append(at)
        at += len(word)
        ends.append(at)
    return starts, ends


def segment(text: str) -> Segmented:
    """Tokens and sentences of ``text`` with offsets into it."""
    sentences = split_sentences(text)
    found = TOKEN.findall(text)
    starts, ends = locate(text, found)
    words = tuple(map(normalise, found))
    # Each word belongs to the first sentence ending after its start (the last one, past them all).
    sentence_ends = np.fromiter((s.end for s in sentences), dtype=np.int64, count=len(sentences))
    last = max(len(sentences) - 1, 0)
    sentence_of = tuple(np.minimum(np.searchsorted(sentence_ends, starts, side="right"), last).tolist())
    if not sentences and starts:
        sentences = [Span(starts[0], ends[-1])]
    return Segmented(text, tuple(starts), tuple(ends), words, tuple(sentences), sentence_of)

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
from functools import lru_cache

from .types import Span

# A word: letters/digits with inner apostrophes ("Iran’s"), or a number with
# separators ("1,000", "3.5"). Hyphens split words so "Iran-backed" aligns with
# "Iranian-backed" on its second half.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_PARAGRAPH = re.compile(r"[^\n]+")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@dataclass(frozen=True)
class Segmented:
    """A text cut into words and sentences.

    ``tokens[i]`` is the span of word ``i`` and ``words[i]`` its normalised form;
    ``sentence_of[i]`` is the index of the sentence that holds it.
    """

    text: str
    tokens: tuple[Span, ...]
    words: tuple[str, ...]
    sentences: tuple[Span, ...]
    sentence_of: tuple[int, ...]

    def sentence_tokens(self, index: int) -> range:
        """The token indices inside sentence ``index``."""
        return self._token_ranges[index]

    @property
    def _token_ranges(self) -> list[range]:
        cached = self.__dict__.get("_ranges")
        if cached is None:
            starts = [0] * (len(self.sentences) + 1)
            for s in self.sentence_of:
                starts[s + 1] += 1
            for i in range(len(self.sentences)):
                starts[i + 1] += starts[i]
            cached = [range(starts[i], starts[i + 1]) for i in range(len(self.sentences))]
            object.__setattr__(self, "_ranges", cached)
        return cached

    def slice(self, span: Span) -> str:
        return self.text[span.start : span.end]


def normalise(word: str) -> str:
    """The form two words are compared in: case, quotes and accents folded."""
    word = word.translate(_FOLD).casefold()
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _splitter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[Span]:
    """Sentence spans: each line is a paragraph, pysbd splits inside it.

    pysbd returns strings; we locate each one in its paragraph ourselves so the
    offsets stay exact even when a sentence repeats.
    """
    spans: list[Span] = []
    for para in _PARAGRAPH.finditer(text):
        if not para.group().strip():
            continue
        base, body = para.start(), para.group()
        cursor = 0
        for piece in _splitter().segment(body):
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
    return _absorb_trailing(text, spans)


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


def segment(text: str) -> Segmented:
    """Tokens and sentences of ``text`` with offsets into it."""
    sentences = split_sentences(text)
    tokens: list[Span] = []
    words: list[str] = []
    sentence_of: list[int] = []
    s = 0
    for m in _TOKEN.finditer(text):
        start = m.start()
        while s < len(sentences) - 1 and start >= sentences[s].end:
            s += 1
        tokens.append(Span(start, m.end()))
        words.append(normalise(m.group()))
        sentence_of.append(s)
    if not sentences and tokens:
        sentences = [Span(tokens[0].start, tokens[-1].end)]
    return Segmented(text, tuple(tokens), tuple(words), tuple(sentences), tuple(sentence_of))

"""Promotional, navigation and sign-up lines: text that is not the story.

Scraped news carries lines such as "CLICK HERE TO GET THE DALLAS EXPRESS APP",
"Subscribe", "Read more: …" or "Advertisement". They are shared by every
article of an outlet, so left in they would look like reuse; copytrace reports
them under ``boilerplate`` and keeps them out of every score.

>>> from copytrace.segment import segment
>>> seg = segment("Rockets hit the base.\\nCLICK HERE TO GET THE DALLAS EXPRESS APP\\nAdvertisement\\n")
>>> [seg.slice(s) for s in find_boilerplate(seg)]
['CLICK HERE TO GET THE DALLAS EXPRESS APP', 'Advertisement']

The rules are hand-written regular expressions, not a model: boilerplate is a
small closed set of phrasings, and a rule that fires can be read and argued
with. A sentence only counts when the *whole* sentence is a call to action or
a navigation label, so "Users who click the link install the app, police said."
is left alone.
"""
from __future__ import annotations

import re

from ..segment import Segmented
from ..types import Span

# A short sentence that *starts* like a call to action or a navigation label.
_CALL = re.compile(
    r"""^\W*(?:
        (?:click|tap|press)\s+(?:here|below|the\s+link|this\s+link)
      | (?:subscribe|sign\s*up|signup|register|join)\b(?!\w*\s+(?:said|says|told))
      | (?:download|get|install)\s+(?:the|our)\b.*\bapps?\b
      | (?:get|receive)\s+(?:the|our)\b.*\b(?:newsletter|alerts?|updates)\b
      | (?:read|see|watch|listen)\s+(?:more|also|next|now|the\s+full\s+(?:story|article))\b
      | (?:watch|listen|video|photos?|gallery)\s*:
      | (?:related|recommended|trending|more\s+from|more\s+on|also\s+read|popular)(?:\s+\w+){0,2}\s*:
      | (?:share|email|print|tweet)\s+(?:this|the)\s+(?:article|story|page|post)
      | (?:follow|like|find)\s+(?:us|@)
      | follow\s+(?:[\w.&'’-]+\s+){1,4}on\s+(?:social\s+media|twitter|x|facebook|instagram|tiktok|threads|linkedin|youtube)\b
      | (?:advertisement|sponsored(?:\s+content)?|promoted(?:\s+content)?|ad)\W*$
      | (?:skip|jump)\s+to\s+(?:main\s+)?content
      | (?:continue\s+reading|story\s+continues\s+below|scroll\s+to\s+continue)
      | (?:copyright|©)
      | (?:have\s+a\s+(?:news\s+)?tip|send\s+us\s+a\s+tip)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Phrases that mark boilerplate wherever they stand in a short line.
_ANYWHERE = re.compile(
    r"all\s+rights\s+reserved|sign\s+up\s+for\s+(?:our|the)\s+\w*\s*newsletter"
    r"|subscribe\s+to\s+(?:our|the)\s+\w*\s*(?:newsletter|channel|podcast)"
    r"|this\s+(?:article|story)\s+(?:is|was)\s+(?:sponsored|paid\s+for)",
    re.IGNORECASE,
)
# Longer lines ("Read more: <a whole headline>") are still navigation when they
# open with a label and a colon.
_LABEL = re.compile(r"^\W*(?:read\s+more|see\s+also|related|also\s+read|more)\s*:", re.IGNORECASE)
_MAX_WORDS = 14


def is_boilerplate(sentence: str) -> bool:
    """Whether one sentence or line, on its own, is boilerplate.

    >>> is_boilerplate("Sign up for our newsletter")
    True
    >>> is_boilerplate("Follow Metro Wire on social media for the latest updates.")
    True
    >>> is_boilerplate("The app lets users click through the filings, officials said.")
    False
    """
    words = sentence.split()
    if not words:
        return False
    if _LABEL.match(sentence):
        return True
    if len(words) > _MAX_WORDS:
        return False
    return bool(_CALL.match(sentence) or _ANYWHERE.search(sentence))


def find_boilerplate(seg: Segmented) -> list[Span]:
    """Spans of the boilerplate sentences of ``seg``, in order; neighbours on one line merged.

    Each span covers the sentence text without its trailing spaces, so a
    whole line of boilerplate comes back as exactly that line.
    """
    out: list[Span] = []
    for s in seg.sentences:
        body = seg.slice(s)
        if not is_boilerplate(body):
            continue
        span = Span(s.start, s.start + len(body.rstrip()))
        gap = seg.text[out[-1].end : span.start] if out else "\n"
        if not gap.strip() and "\n" not in gap:
            out[-1] = Span(out[-1].start, span.end)  # "Subscribe. Follow us." is one block
        else:
            out.append(span)
    return out

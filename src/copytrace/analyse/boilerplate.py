"""Promotional, navigation and sign-up lines and site furniture: text that is not the story.

Scraped news carries lines such as "CLICK HERE TO GET THE DALLAS EXPRESS APP",
"Subscribe", "Read more: …" or "Advertisement", and furniture blocks:
syndication notes ("… is auto-generated from a syndicated feed"), newsletter
and subscription banners, "download our free report" blocks, cookie notices
and press-wire footers ("About <Company>" and the description under it,
forward-looking-statements text, "SOURCE <Company>", "Media contact:", "###").
They are shared by every article of an outlet, so left in they would look like
reuse; copytrace reports them under ``boilerplate`` and keeps them out of
every score.

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
      | (?:subscribe|sign\s*up|signup|register)\b(?!\w*\s+(?:said|says|told))
      | join\s+(?:us|our|now|today|for\s+free|the\s+(?:conversation|discussion))\b
      | (?:download|get|install)\s+(?:the|our)\b.*\bapps?\b
      | (?:get|receive)\s+(?:the|our)\b.*\b(?:newsletter|alerts?|updates)\b
      | (?:read|see|watch|listen)\s+(?:more|also|next|now|the\s+full\s+(?:story|article))\b
      | (?:watch|listen|video|photos?|gallery)\s*:
      | (?:related|recommended|trending|more\s+from|more\s+on|also\s+read|popular)(?:\s+\w+){0,2}\s*:
      | (?:share|email|print|tweet)\s+(?:this|the)\s+(?:article|story|page|post)
      | (?:follow|like|find)\s+(?:us\s+(?:on|at)\b|us\W*$|@)
      | follow\s+(?:[\w.&'’-]+\s+){1,4}on\s+(?:social\s+media|twitter|x|facebook|instagram|tiktok|threads|linkedin|youtube)\b
      | (?:advertisement|sponsored(?:\s+content)?|promoted(?:\s+content)?|ad)\W*$
      | (?:skip|jump)\s+to\s+(?:main\s+)?content
      | (?:continue\s+reading|story\s+continues\s+below|scroll\s+to\s+continue)
      | ©
      | copyright\s*(?:©|\(c\)|\d{4})
      | (?:have\s+a\s+(?:news\s+)?tip|send\s+us\s+a\s+tip)
      | (?:log|sign)\s*in(?:\s+(?:here|now|below|to\s+(?:continue|read|comment|your\s+account)))?\W*$
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
# Site furniture: syndication notes, newsletter and subscription banners,
# "free report" blocks, cookie notices and press-wire footers. Their sentences
# run long ("This story has not been edited by … staff and is auto-generated
# from a syndicated feed."), so these phrases count at any length.
_FURNITURE = re.compile(
    r"auto-generated\s+from\s+a\s+syndicated\s+feed|has\s+not\s+been\s+edited\s+by\s+.{0,60}\bstaff\b"
    r"|headline\s+of\s+this\s+report\s+may\s+have\s+been\s+reworked"
    r"|delivered\s+(?:straight\s+|directly\s+)?to\s+your\s+inbox|already\s+a\s+subscriber\s*\?"
    r"|for\s+unlimited\s+access\b|support\s+(?:independent|quality)\s+journalism"
    r"|^\W*free\s+(?:special\s+)?report\s*:|download\s+(?:our|your|the|a|this)\s+free\b"
    r"|claim\s+your\s+free\s+(?:copy|report|guide)"
    r"|we\s+use\s+cookies|(?:our|the)\s+use\s+of\s+cookies|cookie\s+(?:policy|preferences|settings)"
    r"|^\W*(?:accept|manage|reject)\s+(?:all\s+)?cookies?\b"
    r"|forward-looking\s+statements?\s+within\s+the\s+meaning|private\s+securities\s+litigation\s+reform\s+act"
    r"|undue\s+reliance\s+on\s+(?:these|any|such)?\s*forward-looking|undertakes?\s+no\s+(?:duty|obligation)\s+to\s+(?:publicly\s+)?(?:update|revise)"
    r"|actual\s+results\s+(?:could|may|might)\s+differ\s+materially"
    r"|for\s+more\s+information,?\s+(?:please\s+)?visit\s+(?:www\.|https?://)"
    r"|^\W*(?:media|press|investor)\s+(?:contacts?|relations|inquiries|enquiries)\b|^\W*contacts?\s*:"
    r"|^\W*(?:safe\s+harbor\s+statement|forward-looking\s+statements|cautionary\s+(?:note|statement)[\w\s]*)\W*$"
    r"|^\s*(?:#{3}|-30-)\s*$",
    re.IGNORECASE,
)
# Press-wire lines that are furniture only as capitalised: "About Acme Corp"
# heads the company's description, "SOURCE Acme Corp" closes the release;
# "About 300 people …" and "Sources said …" are news. Company suffixes are often lower case ("plc").
_WIRE_LINE = re.compile(
    r"^About\s+[A-Z][\w&.,'’-]*(?:\s+(?:[A-Z][\w&.,'’-]*|of|and|&|the|for|de"
    r"|plc|inc\.?|ltd\.?|llc|corp\.?|co\.?|gmbh|ag|sa|nv|se|spa|bv|ab)){0,6}\s*:?\s*$"
    r"|^SOURCE\b:?\s+\S.{0,80}$"
)
# Every alternative of _FURNITURE holds one of these (case-folded): a sentence holding none
# is not searched. The search tried the whole alternation at every position of every
# sentence, ~4% of a scan's align stage.
_FURNITURE_WORDS = (
    "syndicated", "edited", "reworked", "inbox", "subscriber", "unlimited", "journalism", "free",
    "cookie", "forward-looking", "litigation", "undertake", "materially", "visit", "contact",
    "relations", "inquiries", "enquiries", "safe", "cautionary", "###", "-30-",
)
_ABOUT = re.compile(r"^About\s+[A-Z]")
_MAX_FURNITURE_WORDS = 80

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
    if _LABEL.match(sentence) or _WIRE_LINE.match(sentence.strip()):
        return True
    if len(words) <= _MAX_FURNITURE_WORDS and _may_be_furniture(sentence) and _FURNITURE.search(sentence):
        return True
    if len(words) > _MAX_WORDS:
        return False
    return bool(_CALL.match(sentence) or _ANYWHERE.search(sentence))


def _may_be_furniture(sentence: str) -> bool:
    folded = sentence.casefold()
    return any(w in folded for w in _FURNITURE_WORDS)


def find_boilerplate(seg: Segmented) -> list[Span]:
    """Spans of the boilerplate sentences of ``seg``, in order; neighbours on one line merged.

    Each span covers the sentence text without its trailing spaces, so a
    whole line of boilerplate comes back as exactly that line.
    """
    out: list[Span] = []
    about_until = -1
    for s in seg.sentences:
        body = seg.slice(s)
        if s.start < about_until:
            pass  # the company description under a press release's "About <Company>" heading
        elif not is_boilerplate(body):
            continue
        elif _ABOUT.match(body.strip()):
            about_until = _end_of_next_line(seg.text, s.start + len(body.rstrip()))
        span = Span(s.start, s.start + len(body.rstrip()))
        gap = seg.text[out[-1].end : span.start] if out else "\n"
        if not gap.strip() and "\n" not in gap:
            out[-1] = Span(out[-1].start, span.end)  # "Subscribe. Follow us." is one block
        else:
            out.append(span)
    return out


def without_boilerplate_lines(text: str) -> str:
    """``text`` without its lines that are boilerplate on their own (``text`` itself when none is).

    What a scan's and an archive's fingerprints read: two short articles that
    carry the same promo line or furniture block would otherwise look alike
    before any comparison. Line by line, not sentence by sentence, so it costs
    no segmentation: furniture stands on lines of its own.

    >>> without_boilerplate_lines("Rockets hit the base.\\nCLICK HERE TO GET THE DALLAS EXPRESS APP\\n")
    'Rockets hit the base.\\n'
    """
    lines = text.split("\n")
    kept, about, dropped = [], False, False
    for line in lines:
        if about and line.strip():  # the company description under "About <Company>"
            about, dropped = False, True
        elif is_boilerplate(line):
            about, dropped = bool(_ABOUT.match(line.strip())), True
        else:
            kept.append(line)
    return "\n".join(kept) if dropped else text


def _end_of_next_line(text: str, at: int) -> int:
    """Where the first non-blank line after the line holding offset ``at`` ends."""
    newline = text.find("\n", at)
    while newline >= 0:
        end = text.find("\n", newline + 1)
        end = len(text) if end < 0 else end
        if text[newline + 1 : end].strip():
            return end
        newline = end if end < len(text) else -1
    return len(text)

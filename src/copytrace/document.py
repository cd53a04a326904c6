"""Load articles: plain text, HTML pages and records, with their metadata.

A :class:`Document` holds the text exactly as copytrace analyses it; every span
that copytrace reports indexes ``Document.text``. For an HTML page that is the
article's main text as extracted (navigation and boilerplate removed).

>>> doc = Document("U.S. forces struck back on Thursday.", id="lead", outlet="CNN")
>>> doc.id, doc.outlet
('lead', 'CNN')
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from .errors import InputError

MAX_BYTES = 20_000_000  # an article file (HTML with its scripts) larger than this is not an article
# Characters of article text: ~80,000 words, many times the longest news article. Cost is
# near-linear in length (a 400k-character paragraph against its copy: ~30 s without the
# sentence model), so this bounds one comparison; a 5 MB text is refused, not chewed on.
MAX_CHARS = 500_000
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_WORD = re.compile(r"[^\W_]", re.UNICODE)
# A surrogate code point is never text: it comes from a lone "\\ud800" JSON escape or
# bytes decoded with surrogateescape, and the tokenizer and UTF-8 encoders fail on it.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Document:
    """One article: its text and what is known about it."""

    text: str
    id: str = ""
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError(f"Document.text must be str, not {type(self.text).__name__}")
        for name in ("text", "id", "title", "outlet", "url"):
            value = getattr(self, name)
            if isinstance(value, str) and _SURROGATE.search(value):
                object.__setattr__(self, name, sanitise(value))
        if isinstance(self.published_at, str):
            object.__setattr__(self, "published_at", parse_time(self.published_at, self.id or "document"))
        elif isinstance(self.published_at, datetime) and self.published_at.tzinfo is None:
            # A naive time (a Python datetime, a Parquet timestamp) is read as UTC, as
            # parse_time reads a string without a zone: naive and aware times never meet.
            object.__setattr__(self, "published_at", self.published_at.replace(tzinfo=timezone.utc))
        if not self.id:
            object.__setattr__(self, "id", content_id(self.text))

    @property
    def content_hash(self) -> str:
        return content_id(self.text)

    def describe(self) -> dict[str, Any]:
        """The metadata as JSON-ready values (no text)."""
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "published_at": self.published_at.isoformat() if self.published_at else None,
        }


def sanitise(text: str) -> str:
    """``text`` with each surrogate code point replaced by U+FFFD.

    One character for one, so every offset into the text stays where it was.

    >>> sanitise("a\\ud800b")
    'a\ufffdb'
    """
    return _SURROGATE.sub("\ufffd", text)


def content_id(text: str) -> str:
    """A short, stable id derived from the text itself."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def parse_time(value: str, source: str) -> datetime | None:
    """ISO 8601 first (fast, exact); dateparser for anything looser."""
    value = value.strip()
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        import dateparser  # slow to import; only needed for unusual formats

        when = dateparser.parse(value, settings={"RETURN_AS_TIMEZONE_AWARE": True})
        if when is None:
            raise InputError(source, f"published_at is not a date: {value!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when


def decode(data: bytes, source: str) -> str:
    """Bytes to text, detecting the encoding instead of assuming it."""
    if not data:
        raise InputError(source, "file is empty")
    if len(data) > MAX_BYTES:
        raise InputError(source, f"file is too large (more than {MAX_BYTES:,} bytes, the limit)")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(source, "binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise InputError(source, "cannot detect the text encoding (binary or corrupt?)") from None
        # Single-byte Western text is nearly always Windows-1252; the detector
        # cannot tell it from cp1250/cp775 on a few curly quotes, so a tie goes to cp1252.
        western = from_bytes(data, cp_isolation=["cp1252"]).best()
        if western is not None and western.chaos <= best.chaos:
            best = western
        text = str(best)
    if "\x00" in text:
        raise InputError(source, "binary file (contains NUL characters), not text")
    return text


def extract_html(html: str, source: str) -> tuple[str, dict[str, Any]]:
    """The main article text of an HTML page, with title/url/date when present."""
    import trafilatura

    extracted = trafilatura.bare_extraction(html, include_comments=False, with_metadata=True)
    if extracted is None:
        raise InputError(source, "no article text found in the HTML page")
    record = extracted if isinstance(extracted, dict) else extracted.as_dict()
    text = record.get("text") or ""
    meta = {k: record.get(k) for k in ("title", "url", "date") if record.get(k)}
    if record.get("sitename"):
        meta["outlet"] = record["sitename"]
    return text, meta


def check_text(text: str, source: str) -> str:
    """``text`` when it is an article: not empty, has words, at most :data:`MAX_CHARS` long."""
    check_length(text, source)
    if not text.strip():
        raise InputError(source, "text is empty")
    if not _WORD.search(text):
        raise InputError(source, "text has no words")
    return text


def check_length(text: str, source: str) -> None:
    if len(text) > MAX_CHARS:
        raise InputError(source, f"text is too long ({len(text):,} characters; the limit is {MAX_CHARS:,})")


def load(source: str | Path | Document, *, id: str | None = None) -> Document:
    """A Document from a file path (.txt, .html) or an existing Document.

    Strings are *paths* here; use ``Document(text)`` or :func:`as_document` for raw text.
    """
    if isinstance(source, Document):
        return source
    path = Path(source)
    name = str(path)
    if not path.exists():
        raise InputError(name, "no such file")
    if path.is_dir():
        raise InputError(name, "is a directory, not a file")
    try:
        # At most one byte past the limit: /dev/zero or a huge file is refused
        # after reading MAX_BYTES + 1 bytes, not after filling the memory.
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    return load_bytes(data, name, id=id or path.stem)


def load_bytes(data: bytes, name: str, *, id: str | None = None) -> Document:
    """A Document from a file's bytes (an upload): decoded, HTML extracted, checked.

    ``name`` is the file name, used in error messages and to recognise HTML.
    """
    text = decode(data, name)
    meta: dict[str, Any] = {}
    if Path(name).suffix.lower() in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        text, meta = extract_html(text, name)
    check_text(text, name)
    published = parse_time(meta["date"], name) if meta.get("date") else None
    return Document(
        text,
        id=id or Path(name).stem,
        title=meta.get("title"),
        outlet=meta.get("outlet"),
        url=meta.get("url"),
        published_at=published,
    )


RECORD_FIELDS = ("id", "text", "title", "outlet", "url", "published_at")


def from_record(record: Mapping[str, Any], source: str) -> Document:
    """A Document from a JSONL/CSV/Parquet record with at least ``text``."""
    if not isinstance(record, Mapping):
        raise InputError(source, f"record is {type(record).__name__}, not an object")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(source, "record has no 'text' string")
    check_text(text, source)
    rid = record.get("id")
    if rid is not None and not isinstance(rid, (str, int)):
        raise InputError(source, "record 'id' must be a string or number")
    published = record.get("published_at")
    if published is not None and not isinstance(published, (str, datetime)):
        raise InputError(source, "record 'published_at' must be a date string")
    extra = {k: v for k, v in record.items() if k not in RECORD_FIELDS}
    return Document(
        text,
        id=str(rid) if rid is not None else "",
        title=record.get("title") or None,
        outlet=record.get("outlet") or None,
        url=record.get("url") or None,
        published_at=(parse_time(published, source) if isinstance(published, str) else published),
        meta=extra,
    )


def as_document(value: str | Document, *, id: str | None = None) -> Document:
    """Text or a Document → Document. A string is taken as the article's text."""
    if isinstance(value, Document):
        return value
    if not isinstance(value, str):
        raise TypeError(f"expected str or Document, not {type(value).__name__}")
    check_text(value, id or "text")
    return Document(value, id=id or "")

"""RSS and Atom feeds (feedparser): each entry an article.

An entry's text is its full content when the feed carries it, else its
summary (HTML turned into text, feedparser having already removed scripts);
its date is the published (else updated) date as written in the feed. An
entry without content or summary is a BadInput naming the entry; the other
entries go on. A file that is not a feed is a BadInput.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import feedparser

from cartotech.domain.documents import BadInput, BadInputKind, Document
from cartotech.ingest.dates import metadata_date
from cartotech.ingest.documents import build_document
from cartotech.ingest.html_text import fragment_to_text
from cartotech.ingest.language import MIN_LETTERS, declared_language

__all__ = ["read_feed"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _as_text(detail: Any) -> str:
    """The text of a feedparser text construct (``{"type", "value"}``)."""
    value = detail.get("value") or ""
    return fragment_to_text(value) if detail.get("type") in _HTML_TYPES else value


def _body(entry: Any) -> str:
    contents = [_as_text(content) for content in entry.get("content") or []]
    longest = max(contents, key=len, default="")
    if longest.strip():
        return longest
    summary = entry.get("summary_detail")
    return _as_text(summary) if summary else ""


def _published(entry: Any) -> str | None:
    for key in ("published", "updated"):
        written = entry.get(key)
        if isinstance(written, str) and (date := metadata_date(written)):
            return date
        parsed = entry.get(f"{key}_parsed")
        if isinstance(parsed, time.struct_time):
            return time.strftime("%Y-%m-%d", parsed)
    return None


def _entry(path: Path, number: int, entry: Any, feed_lang: str | None) -> Document | BadInput:
    body = _body(entry)
    if not body.strip():
        return BadInput(
            path, BadInputKind.NO_TEXT, "entry without content or summary", entry=number
        )
    title_detail = entry.get("title_detail")
    title = _as_text(title_detail) if title_detail else entry.get("title")
    # A short entry says too little to detect its language: trust the feed's.
    short = sum(char.isalpha() for char in body) < MIN_LETTERS
    link = entry.get("link")
    return build_document(
        path,
        body,
        fmt="feed",
        title=title,
        published=_published(entry),
        url=link if isinstance(link, str) else None,
        lang=feed_lang if short and feed_lang else None,
        entry=number,
    )


def read_feed(path: Path, data: bytes) -> list[Document | BadInput]:
    """One document (or BadInput) per entry of an RSS or Atom file."""
    # A stream, never the bytes: feedparser fetches a string that looks like a
    # URL and opens one that names a local file.
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            detail = f" ({problem})" if problem else ""
            return [BadInput(path, BadInputKind.MALFORMED, f"not a readable RSS/Atom feed{detail}")]
        reason = "feed without entries" if parsed.get("version") else "not an RSS or Atom feed"
        return [BadInput(path, BadInputKind.NO_TEXT, reason)]
    language = parsed.get("feed", {}).get("language")
    feed_lang = declared_language(language) if isinstance(language, str) else None
    return [_entry(path, number, entry, feed_lang) for number, entry in enumerate(entries, start=1)]

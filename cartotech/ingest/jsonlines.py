"""JSON Lines: one article a line, ``{"text" | "html", "title", "url", "date", "lang"}``.

``text`` (plain) or ``html`` (a page, read like an ``.html`` file) is
required; the other fields are optional. A line that is not such an object
is a BadInput naming its line; the other lines go on. Blank lines are skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

from cartotech.domain.documents import BadInput, BadInputKind, Document
from cartotech.ingest.dates import metadata_date
from cartotech.ingest.documents import build_document
from cartotech.ingest.html_text import page_to_article
from cartotech.ingest.language import declared_language

__all__ = ["read_json_lines"]

_FIELDS = ("text", "html", "title", "url", "date", "lang")


class _BadLine(ValueError):
    """A line that is not an article (the message is the BadInput's reason)."""


def _string(record: dict[str, object], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadLine(f"field '{key}' must be a string, not {type(value).__name__}")
    return value


def _article(path: Path, number: int, line: str) -> Document | BadInput:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _BadLine(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise _BadLine("not valid JSON (nested too deeply)") from None
    if not isinstance(record, dict):
        raise _BadLine(f"expected a JSON object with {', '.join(_FIELDS)}")
    text, markup = _string(record, "text"), _string(record, "html")
    title, url = _string(record, "title"), _string(record, "url")
    date, lang = _string(record, "date"), _string(record, "lang")
    published = metadata_date(date) if date else None
    if date and published is None:
        raise _BadLine(f"date {date!r} is not a date (write it as YYYY-MM-DD)")
    declared = declared_language(lang) if lang else None
    if lang and declared is None:
        raise _BadLine(f"lang {lang!r} is not a language code (fr, en, de...)")
    if not text and markup:
        page = page_to_article(markup, url=url)
        text = page.text
        title = title or page.title
        published = published or page.published
        url = url or page.url
    elif not text:
        raise _BadLine("no 'text' or 'html' field: one of them holds the article")
    return build_document(
        path,
        text or "",
        fmt="jsonl",
        title=title,
        published=published,
        url=url,
        lang=declared,
        line=number,
        empty_reason="no text in 'text' or 'html'",
    )


def read_json_lines(path: Path, content: str) -> list[Document | BadInput]:
    """One document (or BadInput) per non-blank line of a JSON Lines file."""
    items: list[Document | BadInput] = []
    # Only \n ends a line: JSON strings may hold U+2028 and other separators.
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append(_article(path, number, line))
        except _BadLine as exc:
            items.append(BadInput(path, BadInputKind.MALFORMED, str(exc), line=number))
    if not items:
        items.append(BadInput(path, BadInputKind.EMPTY, "empty"))
    return items

"""Turning what a reader found into a complete :class:`Document` (or a BadInput).

Every reader ends here, so every document gets the same treatment: text and
title normalised, the headline put first in the text, the language detected
(unless the source states it), the content hashed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cartotech.domain.documents import BadInput, BadInputKind, Document, normalize_text
from cartotech.ingest.language import detect_language

__all__ = ["MAX_TITLE_CHARS", "build_document"]

#: A first line longer than this is a paragraph, not a headline.
MAX_TITLE_CHARS = 200


def _one_line(text: str | None) -> str | None:
    if text is None:
        return None
    line = " ".join(normalize_text(text).split())
    return line[:1000] or None


def build_document(
    path: Path,
    text: str,
    *,
    fmt: str,
    title: str | None = None,
    published: str | None = None,
    url: str | None = None,
    lang: str | None = None,
    line: int | None = None,
    entry: int | None = None,
    empty_reason: str = "no text",
) -> Document | BadInput:
    """A document from a reader's findings; a BadInput (``no_text``) when the text is empty.

    The title, when given and not already the text's first line, is put first
    in the text, so that the extractor reads the headline too. ``lang``, when
    the source states it (``fr``, ``en`` or ``other``), is kept as is;
    otherwise it is detected from the text.
    """
    body = normalize_text(text)
    if not body:
        kind = BadInputKind.EMPTY if empty_reason == "empty" else BadInputKind.NO_TEXT
        return BadInput(path, kind, empty_reason, line=line, entry=entry)
    headline = _one_line(title)
    if headline and _one_line(body.split("\n", 1)[0]) != headline:
        body = f"{headline}\n\n{body}"
    return Document(
        path=path,
        title=headline,
        text=body,
        published=published,
        url=_one_line(url),
        lang=lang if lang is not None else detect_language(body),
        content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        fmt=fmt,
        line=line,
        entry=entry,
    )

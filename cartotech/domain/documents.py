"""Press documents as the pipeline reads them, and the inputs it could not read.

A :class:`Document` is complete or absent: its text is normalised (see
:func:`normalize_text`) and its ``content_hash`` is the SHA-256 of that text,
so two readings of the same article give equal documents. A
:class:`BadInput` names a file (and line or feed entry) that gave no document,
with a short human reason. Pure types and functions, no I/O.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from cartotech.domain.dates import is_partial_date

__all__ = [
    "DOCUMENT_LANGUAGES",
    "BadInput",
    "BadInputKind",
    "Document",
    "normalize_text",
    "text_hash",
]

#: What ``Document.lang`` may be: French and English are extracted; "other" is
#: stored but not extracted.
DOCUMENT_LANGUAGES = ("fr", "en", "other")

# Apostrophes that the French models mistake for part of a word -> ASCII '.
_APOSTROPHES = {0x2019: "'", 0x02BC: "'", 0x2018: "'"}
# Line breaks other than \n (str.splitlines() breaks on all of them).
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_BLANK_RUNS = re.compile(r"\n{3,}")


@cache
def _translation() -> dict[int, str | None]:
    """Apostrophes -> ', and control, format (soft hyphen, zero-width, BOM) and
    surrogate characters removed; \n and \t kept. Built once (~0.1 s)."""
    table: dict[int, str | None] = {
        code: None
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Cs")
    }
    del table[ord("\n")], table[ord("\t")]
    return table | _APOSTROPHES


def normalize_text(text: str) -> str:
    """The canonical form of an article's text (idempotent).

    NFC; typographic apostrophes -> ``'``; soft hyphens, zero-width and other
    control or format characters removed; every kind of space (NBSP, narrow
    NBSP, tabs...) -> one space; lines stripped; at most one blank line
    between paragraphs; no leading or trailing blank lines.
    """
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text).translate(_translation())
    # str.split() splits on every Unicode space, NBSP and U+202F included.
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")
    # Removing a format character can bring a base and a combining mark together.
    return unicodedata.normalize("NFC", text)


def text_hash(text: str) -> str:
    """SHA-256 (hex) of ``normalize_text(text)``: equal for equal articles."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


class BadInputKind(StrEnum):
    """Why an input gave no document (stable codes, for counts and reports)."""

    UNREADABLE = "unreadable"
    TOO_LARGE = "too_large"
    EMPTY = "empty"
    BINARY = "binary"
    ARCHIVE = "archive"
    ENCODING = "encoding"
    UNSUPPORTED = "unsupported_format"
    MALFORMED = "malformed"
    NO_TEXT = "no_text"


@dataclass(frozen=True)
class Document:
    """One article, read and normalised, ready for extraction.

    ``text`` is what the extractor reads: the headline first when the source
    has one, then the main text, normalised by :func:`normalize_text`.
    ``path`` is the file it came from; ``line`` (JSON Lines) or ``entry``
    (RSS/Atom, 1-based position) say where in a file holding several articles.
    ``published`` is a partial ISO date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``)
    when the source states one. ``lang`` is ``fr``, ``en`` or ``other``.
    ``fmt`` names the reader (``txt``, ``md``, ``html``, ``jsonl``, ``feed``).
    Build documents with ``cartotech.ingest`` readers, which normalise and hash.
    """

    path: Path
    title: str | None
    text: str
    published: str | None
    url: str | None
    lang: str
    content_hash: str
    fmt: str
    line: int | None = None
    entry: int | None = None

    def __post_init__(self) -> None:
        if self.lang not in DOCUMENT_LANGUAGES:
            raise ValueError(f"lang {self.lang!r} is not one of {', '.join(DOCUMENT_LANGUAGES)}")
        if self.published is not None and not is_partial_date(self.published):
            raise ValueError(f"published {self.published!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        if not self.text:
            raise ValueError(f"{self.source}: a document needs a text")

    @property
    def source(self) -> str:
        """A locator naming the article: the path, plus ``#line=N`` or ``#entry=N``."""
        if self.line is not None:
            return f"{self.path}#line={self.line}"
        if self.entry is not None:
            return f"{self.path}#entry={self.entry}"
        return str(self.path)


@dataclass(frozen=True)
class BadInput:
    """A file, a line of a file or a feed entry that gave no document, and why.

    ``reason`` is a short sentence without the path ("empty", "not UTF-8 at
    byte 1234 (line 5)"); ``message`` adds the path and line or entry.
    """

    path: Path
    kind: BadInputKind
    reason: str
    line: int | None = None
    entry: int | None = None

    @property
    def message(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f", line {self.line}"
        elif self.entry is not None:
            where += f", entry {self.entry}"
        return f"{where}: {self.reason}"

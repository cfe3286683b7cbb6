"""Reading press articles from files and folders: one stream of documents and bad inputs.

``iter_documents`` walks the paths it is given (folders recursively, in a
stable order), checks each file's size and bytes before parsing it, reads it
by extension and yields a :class:`Document` per article or a
:class:`BadInput` naming the file (and line or entry) and the reason. A bad
file never stops the run, and each file is read in full before any of its
documents is yielded: a document is complete or absent.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from cartotech.domain.documents import BadInput, BadInputKind, Document
from cartotech.ingest.dates import metadata_date
from cartotech.ingest.documents import MAX_TITLE_CHARS, build_document
from cartotech.ingest.feeds import read_feed
from cartotech.ingest.html_text import page_to_article
from cartotech.ingest.jsonlines import read_json_lines
from cartotech.ingest.language import declared_language
from cartotech.ingest.markdown_text import markdown_to_article

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "iter_documents",
    "iter_input_files",
    "read_document_bytes",
    "read_document_file",
    "read_file_bytes",
]

#: The largest file read, in bytes (as ``CARTOTECH_MAX_IMPORT_BYTES``' default).
DEFAULT_MAX_BYTES = 20_000_000

Item = Document | BadInput
_Reader = Callable[[Path, bytes], list[Item]]

# Magic numbers of files that are not articles whatever their extension.
_ARCHIVES = {
    b"PK\x03\x04": "zip archive",
    b"PK\x05\x06": "zip archive",
    b"\x1f\x8b": "gzip archive",
    b"7z\xbc\xaf\x27\x1c": "7z archive",
    b"Rar!\x1a\x07": "RAR archive",
    b"BZh": "bzip2 archive",
    b"\xfd7zXZ\x00": "xz archive",
}
_BINARIES = {
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF87a": "GIF image",
    b"GIF89a": "GIF image",
    b"%PDF-": "PDF document",
    b"\xd0\xcf\x11\xe0": "Office document",
    b"\x7fELF": "executable",
    b"SQLite format 3\x00": "SQLite database",
}
_UTF16 = (b"\xff\xfe", b"\xfe\xff")
_CHARSET = re.compile(rb"""<meta[^>]*charset\s*=\s*["']?([-\w.:]+)""", re.IGNORECASE)


def _limit(count: int) -> str:
    return f"{count / 1_000_000:g} MB" if count >= 1_000_000 else f"{count:,}-byte"


def _sniff(data: bytes) -> tuple[BadInputKind, str] | None:
    """What the first bytes say a file is, when it is not text: the kind and reason."""
    for magic, name in _ARCHIVES.items():
        if data.startswith(magic):
            return BadInputKind.ARCHIVE, f"{name}: not an article format"
    for magic, name in _BINARIES.items():
        if data.startswith(magic):
            return BadInputKind.BINARY, f"binary content ({name})"
    if data.startswith(_UTF16):
        return BadInputKind.ENCODING, "UTF-16 text: save it as UTF-8"
    if b"\x00" in data[:65536]:
        return BadInputKind.BINARY, "binary content (NUL bytes)"
    return None


def _decode_utf8(path: Path, data: bytes) -> str | BadInput:
    """``data`` as UTF-8 text (a BOM dropped), or a BadInput naming the first bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return BadInput(
            path,
            BadInputKind.ENCODING,
            f"not UTF-8 at byte {exc.start} (line {line}): save the file as UTF-8",
        )
    controls = sum(1 for char in text[:65536] if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > max(8, len(text[:65536]) // 100):
        return BadInput(path, BadInputKind.BINARY, "binary content (control characters)")
    return text


def _read_txt(path: Path, data: bytes) -> list[Item]:
    text = _decode_utf8(path, data)
    if isinstance(text, BadInput):
        return [text]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if len(lines) > 1 else ""
    is_headline = 0 < len(first) <= MAX_TITLE_CHARS and first[-1] not in ".,;:"
    return [
        build_document(
            path, text, fmt="txt", title=first if is_headline else None, empty_reason="empty"
        )
    ]


def _read_md(path: Path, data: bytes) -> list[Item]:
    text = _decode_utf8(path, data)
    if isinstance(text, BadInput):
        return [text]
    if not text.strip():
        return [BadInput(path, BadInputKind.EMPTY, "empty")]
    try:
        article = markdown_to_article(text)
    except ValueError as exc:
        return [BadInput(path, BadInputKind.MALFORMED, str(exc))]
    meta = article.meta
    title = meta.get("title")
    date = meta.get("date")
    url = meta.get("url") or meta.get("link")
    lang = meta.get("lang") or meta.get("language")
    return [
        build_document(
            path,
            article.text,
            fmt="md",
            title=str(title) if title else article.title,
            published=metadata_date(str(date)) if date else None,
            url=str(url) if url else None,
            lang=declared_language(str(lang)) if lang else None,
            empty_reason="Markdown without text",
        )
    ]


def _decode_html(path: Path, data: bytes) -> str | BadInput:
    """An HTML page's text: UTF-8, or else the charset its ``<meta>`` declares."""
    text = _decode_utf8(path, data)
    declared = _CHARSET.search(data[:4096])
    if isinstance(text, BadInput) and declared is not None:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return text


def _read_html(path: Path, data: bytes) -> list[Item]:
    markup = _decode_html(path, data)
    if isinstance(markup, BadInput):
        return [markup]
    if not markup.strip():
        return [BadInput(path, BadInputKind.EMPTY, "empty")]
    article = page_to_article(markup)
    return [
        build_document(
            path,
            article.text,
            fmt="html",
            title=article.title,
            published=article.published,
            url=article.url,
            empty_reason="HTML without a main text",
        )
    ]


def _read_jsonl(path: Path, data: bytes) -> list[Item]:
    text = _decode_utf8(path, data)
    return [text] if isinstance(text, BadInput) else read_json_lines(path, text)


#: Readers by (lower-case) file extension.
FORMATS: dict[str, _Reader] = {
    ".txt": _read_txt,
    ".text": _read_txt,
    ".md": _read_md,
    ".markdown": _read_md,
    ".html": _read_html,
    ".htm": _read_html,
    ".xhtml": _read_html,
    ".jsonl": _read_jsonl,
    ".ndjson": _read_jsonl,
    ".xml": read_feed,
    ".rss": read_feed,
    ".atom": read_feed,
}


def read_document_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Item]:
    """Every document of one file, or the BadInputs saying why not (never raises).

    The size is checked before reading, then the first bytes (archives,
    images, binaries), then the extension, then the reader of that format.
    """
    data = read_file_bytes(path, max_bytes=max_bytes)
    return [data] if isinstance(data, BadInput) else read_document_bytes(path, data)


def read_file_bytes(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes | BadInput:
    """The bytes of a regular file of at most ``max_bytes``, or the BadInput saying why not."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            return BadInput(path, BadInputKind.UNREADABLE, "not a regular file")
        if status.st_size > max_bytes:
            reason = f"over the {_limit(max_bytes)} limit ({status.st_size:,} bytes)"
            return BadInput(path, BadInputKind.TOO_LARGE, reason)
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as exc:
        return BadInput(path, BadInputKind.UNREADABLE, f"cannot be read ({exc.strerror})")
    if len(data) > max_bytes:
        reason = f"over the {_limit(max_bytes)} limit (more than {max_bytes:,} bytes)"
        return BadInput(path, BadInputKind.TOO_LARGE, reason)
    return data


def read_document_bytes(path: Path, data: bytes) -> list[Item]:
    """Every document of ``data``, the bytes read from ``path`` (its extension
    picks the format), or the BadInputs saying why not (never raises)."""
    if not data.strip():
        return [BadInput(path, BadInputKind.EMPTY, "empty")]
    sniffed = _sniff(data)
    if sniffed is not None:
        return [BadInput(path, *sniffed)]
    reader = FORMATS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(FORMATS))
        what = f"'{path.suffix}'" if path.suffix else "no extension"
        reason = f"unknown file type ({what}); articles are read from {known}"
        return [BadInput(path, BadInputKind.UNSUPPORTED, reason)]
    try:
        return reader(path, data)
    except Exception as exc:  # a parser failing on one file is that file's problem: go on
        reason = f"could not be parsed ({type(exc).__name__}: {exc})"
        return [BadInput(path, BadInputKind.MALFORMED, reason)]


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(folder: Path) -> tuple[list[Path], list[BadInput]]:
    """The files under ``folder``, sorted, and the subfolders that could not be listed."""
    found: list[Path] = []
    problems: list[BadInput] = []

    def report(error: OSError) -> None:
        where = Path(error.filename) if error.filename else folder
        reason = f"cannot be read ({error.strerror})"
        problems.append(BadInput(where, BadInputKind.UNREADABLE, reason))

    for parent, folders, files in os.walk(folder, onerror=report):
        folders[:] = [name for name in folders if not _hidden(name)]
        found.extend(Path(parent, name) for name in files if not _hidden(name))
    return sorted(found, key=lambda file: file.relative_to(folder).parts), problems


def iter_input_files(paths: Path | str | Iterable[Path | str]) -> Iterator[Path | BadInput]:
    """The files under ``paths`` (one path or several): each file given, and
    folders' files recursively.

    A folder's files come sorted by their path inside it; hidden files and
    folders (``.git``, ``.DS_Store``) are skipped there, symbolic links to
    folders are not followed. A path that does not exist is a BadInput.
    """
    for given in [paths] if isinstance(paths, str | Path) else paths:
        path = Path(given)
        if path.is_dir():
            files, problems = _walk(path)
            yield from problems
            yield from files
        elif path.exists() or path.is_symlink():
            yield path
        else:
            yield BadInput(path, BadInputKind.UNREADABLE, "no such file or folder")


def iter_documents(
    paths: Path | str | Iterable[Path | str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Item]:
    """Documents and bad inputs from files and folders, in a stable order.

    Each file is read whole (and its size checked first: files over
    ``max_bytes`` are reported, not read) before its documents are yielded.
    """
    for item in iter_input_files(paths):
        if isinstance(item, BadInput):
            yield item
        else:
            yield from read_document_file(item, max_bytes=max_bytes)

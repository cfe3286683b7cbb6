"""Reading input files safely: size limit, encoding, one clear error each."""

from __future__ import annotations

from pathlib import Path

from cartotech.errors import InputTooLarge, MalformedFile, UnsupportedEncoding

__all__ = ["read_text_file"]


def read_text_file(path: Path, max_bytes: int) -> str:
    """The text of ``path`` decoded as UTF-8 (a BOM is dropped).

    Raises ``InputTooLarge`` past ``max_bytes``, ``UnsupportedEncoding`` for
    bytes that are not UTF-8 and ``MalformedFile`` for binary content.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MalformedFile(f"{path}: cannot read the file ({exc.strerror})") from None
    if size > max_bytes:
        raise InputTooLarge(
            f"{path}: {size:,} bytes is over the limit of {max_bytes:,} bytes "
            "(raise CARTOTECH_MAX_IMPORT_BYTES, or split the file)"
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnsupportedEncoding(
            f"{path}, line {line}: byte 0x{data[exc.start]:02x} at offset {exc.start} is not "
            "UTF-8; save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
        ) from None
    if "\x00" in text:
        raise MalformedFile(f"{path}: contains NUL bytes; this looks like a binary file")
    return text

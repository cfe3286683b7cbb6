"""Files uploaded as declared evidence of a candidacy, stored by their content.

A file is kept under ``<root>/<first two hex digits>/<sha256>``: the name is
the hash of the bytes, so no part of a path comes from the person uploading
(their file name is only display text, kept on the evidence row). What the
file is comes from its first bytes, never from its name or the browser's
content type: PDF, PNG, JPEG, and the word-processing documents ODT and DOCX
(zip archives recognised by their members). Anything else is refused.

A file is written to a temporary file in the same directory, checked, then
renamed into place (atomic on one filesystem). The row citing it is written
afterwards in the caller's unit of work; when that rolls back, the file stays
without a row, which is harmless: the same bytes uploaded again have the same
name.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cartotech.errors import InputError, InputTooLarge, NotFound, UnsupportedFileType

__all__ = [
    "ACCEPTED_TYPES",
    "EvidenceFiles",
    "StoredFile",
    "sniff_content_type",
]

CHUNK = 64 * 1024
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What is accepted, with the extension a download is named with.
ACCEPTED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    ODT: ".odt",
    DOCX: ".docx",
}
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str


def _zip_document_type(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and archive.getinfo("mimetype").file_size <= 100
                and archive.read("mimetype").strip() == ODT.encode()
            ):
                return ODT
            if {"[Content_Types].xml", "word/document.xml"} <= names:
                return DOCX
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return None
    return None


def sniff_content_type(path: Path) -> str | None:
    """The accepted content type of the file at ``path`` by its bytes, or None."""
    with path.open("rb") as stream:
        head = stream.read(16)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_document_type(path)
    return None


class EvidenceFiles:
    """The content-addressed directory of evidence files."""

    def __init__(self, root: Path, *, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def path_of(self, sha256: str) -> Path:
        """Where the file of ``sha256`` lives (NotFound for anything but 64 hex digits)."""
        if not _SHA256.fullmatch(sha256):
            raise NotFound(f"no stored file {sha256!r}", field="file")
        return self.root / sha256[:2] / sha256

    def open(self, sha256: str) -> Path:
        """The path of a stored file; NotFound when it is not there."""
        path = self.path_of(sha256)
        if not path.is_file():
            raise NotFound(f"the file {sha256} is not in {self.root}", field="file")
        return path

    def save(self, stream: BinaryIO) -> StoredFile:
        """Copy ``stream`` into the store: InputTooLarge past ``max_bytes``,
        UnsupportedFileType unless its bytes say PDF, PNG, JPEG, ODT or DOCX; nothing
        stays behind when it is refused."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        handle, name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        temp = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise InputTooLarge(
                            f"the file is over {self.max_bytes} bytes, the largest accepted "
                            "(CARTOTECH_MAX_UPLOAD_BYTES): send a smaller file or a link",
                            field="file",
                        )
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise InputError("the file is empty: choose the document to send", field="file")
            content_type = sniff_content_type(temp)
            if content_type is None:
                raise UnsupportedFileType(
                    "this file is not a PDF, PNG, JPEG, ODT or DOCX document (judged by its "
                    "content, not its name): export it as PDF and send it again",
                    field="file",
                )
            sha256 = digest.hexdigest()
            target = self.path_of(sha256)
            target.parent.mkdir(exist_ok=True)
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
        return StoredFile(sha256, size, content_type)

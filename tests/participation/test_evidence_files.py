"""The evidence file store: a file is named by its sha256, typed by its bytes (PDF, PNG,
JPEG, ODT, DOCX; never by its name), refused past the size limit, and nothing stays
behind when it is refused."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from cartotech.errors import InputTooLarge, NotFound, UnsupportedFileType
from cartotech.store.evidence_files import DOCX, ODT, EvidenceFiles


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


ODT_FILE = _zip({"mimetype": ODT.encode(), "content.xml": b"<office:document-content/>"})
DOCX_FILE = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (ODT_FILE, ODT),
        (DOCX_FILE, DOCX),
    ],
)
def test_accepted_types_by_their_bytes(tmp_path: Path, content: bytes, content_type: str) -> None:
    files = EvidenceFiles(tmp_path, max_bytes=10_000)
    stored = files.save(io.BytesIO(content))
    sha = hashlib.sha256(content).hexdigest()
    assert (stored.sha256, stored.size, stored.content_type) == (sha, len(content), content_type)
    assert files.open(sha).read_bytes() == content
    assert files.save(io.BytesIO(content)) == stored  # the same bytes, the same file
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [sha]


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program
        b"\x7fELF\x02\x01\x01",
        _zip({"index.html": b"<html/>"}),  # a zip that is no document
        _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
    ],
)
def test_other_files_are_refused_and_leave_nothing(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(UnsupportedFileType, match="PDF, PNG, JPEG, ODT or DOCX"):
        EvidenceFiles(tmp_path, max_bytes=10_000).save(io.BytesIO(content))
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_too_large_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    files = EvidenceFiles(tmp_path, max_bytes=100)
    assert files.save(io.BytesIO(b"%PDF-" + b"x" * 95)).size == 100
    with pytest.raises(InputTooLarge, match="over 100 bytes"):
        files.save(io.BytesIO(b"%PDF-" + b"x" * 96))
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


@pytest.mark.parametrize("reference", ["../../etc/passwd", "AB" * 32, "a" * 63, ""])
def test_only_a_sha256_names_a_file(tmp_path: Path, reference: str) -> None:
    with pytest.raises(NotFound):
        EvidenceFiles(tmp_path, max_bytes=100).open(reference)

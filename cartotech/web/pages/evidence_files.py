"""Declared evidence by upload: a candidacy's managers send a file, moderators and the
managers download it.

Files (PDF, PNG, JPEG, ODT, DOCX, judged by their bytes; at most
``CARTOTECH_MAX_UPLOAD_BYTES``) are stored under ``CARTOTECH_DATA_DIR``/evidence
by their sha256 (:mod:`cartotech.store.evidence_files`); the name the file had
is kept on the evidence row as display text only. The file is stored, then the
evidence row written, in one unit of work whose permission check comes first:
another territory's manager gets 403 and nothing is stored. A refused or
rolled-back upload leaves at most an unreferenced file named by its content.

A download is an attachment with the content type found at upload and
``X-Content-Type-Options: nosniff``, named with the extension of that type.
Anonymous visitors see on the candidacy page that a document exists, not its
name nor its content.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import FileResponse, Response
from sqlalchemy import Connection

from cartotech.domain.permissions import can_moderate
from cartotech.domain.validation import clean_text
from cartotech.errors import InputError, InputTooLarge, NotFound
from cartotech.settings import Settings
from cartotech.store.candidacy_access import require_candidacy_manager
from cartotech.store.candidacy_evidence import MAX_FILE_NAME, add_declared_evidence, get_evidence
from cartotech.store.evidence_files import ACCEPTED_TYPES, EvidenceFiles
from cartotech.web.auth import UserDep
from cartotech.web.deps import ConnectionDep, ReferentialDep
from cartotech.web.pages.candidacies import write_or_page

__all__ = ["display_name", "router"]

router = APIRouter(include_in_schema=False)

_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def evidence_files(settings: Settings) -> EvidenceFiles:
    """The site's evidence files: ``evidence/`` in its data directory."""
    return EvidenceFiles(settings.files_dir() / "evidence", max_bytes=settings.max_upload_bytes)


def display_name(raw: str | None) -> str | None:
    """The last part of an uploaded file's name, without control characters: text to
    show, never a path."""
    name = _UNSAFE.sub("", re.split(r"[\\/]", raw or "")[-1]).strip()
    if name in ("", ".", ".."):
        return None
    return clean_text(name[:MAX_FILE_NAME], field="file", max_length=MAX_FILE_NAME)


@router.post("/candidacies/{candidacy_id}/evidence/upload", response_class=Response)
def upload_evidence(
    request: Request,
    user: UserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    candidacy_id: Annotated[int, Path(ge=1)],
    file: Annotated[UploadFile | None, File()] = None,
    criterion: Annotated[str, Form(max_length=80)] = "",
    note: Annotated[str, Form(max_length=2100)] = "",
) -> Response:
    files = evidence_files(request.app.state.settings)

    def write(unit: Connection) -> None:
        # Who may, before anything is stored.
        require_candidacy_manager(unit, candidacy_id, user, referential)
        if file is None or not (file.size or file.filename):
            raise InputError("file: choose the document to send", field="file")
        if file.size is not None and file.size > files.max_bytes:
            raise InputTooLarge(
                f"the file is over {files.max_bytes} bytes, the largest accepted "
                "(CARTOTECH_MAX_UPLOAD_BYTES): send a smaller file or a link",
                field="file",
            )
        stored = files.save(file.file)
        add_declared_evidence(
            unit, candidacy_id, criterion, kind="upload", reference=stored.sha256, by=user,
            referential=referential, note=note or None, file_name=display_name(file.filename),
            content_type=stored.content_type,
        )  # fmt: skip

    return write_or_page(request, user, conn, referential, candidacy_id, write)


@router.get("/candidacies/{candidacy_id}/evidence/{evidence_id}/file")
def download_evidence(
    request: Request,
    user: UserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    candidacy_id: Annotated[int, Path(ge=1)],
    evidence_id: Annotated[int, Path(ge=1)],
) -> FileResponse:
    item = get_evidence(conn, evidence_id)
    if item["candidacy_id"] != candidacy_id or item["kind"] != "upload":
        raise NotFound(f"candidacy {candidacy_id} has no uploaded evidence {evidence_id}",
                       field="evidence")  # fmt: skip
    if not can_moderate(user):
        require_candidacy_manager(conn, candidacy_id, user, referential)
    path = evidence_files(request.app.state.settings).open(item["reference"])
    content_type = item["content_type"] or "application/octet-stream"
    extension = ACCEPTED_TYPES.get(content_type, "")
    name = item["file_name"] or f"evidence-{evidence_id}"
    suffixes = (extension, ".jpeg") if extension == ".jpg" else (extension,)
    if extension and not name.lower().endswith(suffixes):
        name += extension  # a download is named for what it is
    return FileResponse(
        path,
        media_type=content_type,
        filename=name,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )

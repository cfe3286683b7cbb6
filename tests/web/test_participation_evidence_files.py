"""Declared evidence by upload, on SQLite and PostgreSQL: a manager of the candidacy's
territory uploads a document (stored under the data directory by its sha256, its name
kept as text only); a file over CARTOTECH_MAX_UPLOAD_BYTES is answered 413, an HTML page
or a program renamed .pdf 415, a form without its CSRF token 403, another territory's
manager 403, each storing nothing; the name is never a path; moderators and the
candidacy's managers download it as an attachment, anonymous visitors only see that
it exists."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cartotech.store.schema import candidacy_evidence
from cartotech.web.security import FORM_OVERHEAD, UploadLimitMiddleware
from tests.conftest import BACKENDS
from tests.web import participation_support
from tests.web.auth_support import csrf_of
from tests.web.participation_support import (
    LILLE_MANAGER,
    MANAGER_PASSWORD,
    MARSEILLE_MANAGER,
    ParticipationSite,
    open_participation_site,
)

smtp = participation_support.smtp

CANDIDACY = "/candidacies/1"  # the demo's, on the Métropole européenne de Lille
MAX_BYTES = 4000
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
HTML_AS_PDF = b"<!doctype html><script>alert(document.cookie)</script>"
PROGRAM_AS_PDF = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture(params=BACKENDS)
def fsite(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    smtp: participation_support.SmtpServer,
    tmp_path: Path,
) -> Iterator[ParticipationSite]:
    """A participation site whose uploads go to this test's directory, at most
    MAX_BYTES each."""
    with open_participation_site(
        request, tmp_path_factory, request.param, smtp,
        data_dir=tmp_path / "data", max_upload_bytes=MAX_BYTES,
    ) as site:  # fmt: skip
        yield site


def stored_files(site: ParticipationSite) -> list[Path]:
    root: Path = site.app.state.settings.files_dir()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def uploads(site: ParticipationSite) -> int:
    """Uploads beyond the demo's (its manifesto)."""
    return site.count(candidacy_evidence, candidacy_evidence.c.kind == "upload") - 1


def upload(
    client: Any, name: str, content: bytes, *, criterion: str = "manifesto", token: bool = True
) -> Any:
    data = {"criterion": criterion, "note": "Signé par les membres"}
    if token:
        data["csrf_token"] = csrf_of(client.get(CANDIDACY).text)
    return client.post(
        f"{CANDIDACY}/evidence/upload", data=data, files={"file": (name, content, "text/html")}
    )


def manager(site: ParticipationSite) -> Any:
    return site.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)


def test_a_manager_uploads_and_the_readers_download(fsite: ParticipationSite) -> None:
    client = manager(fsite)
    assert upload(client, "Manifeste signé.pdf", PDF).status_code == 303
    sha = hashlib.sha256(PDF).hexdigest()
    with fsite.engine.connect() as conn:
        row = conn.execute(
            select(candidacy_evidence).where(candidacy_evidence.c.reference == sha)
        ).one()
    assert (row.reference, row.file_name, row.content_type, row.state) == (
        sha, "Manifeste signé.pdf", "application/pdf", "submitted",
    )  # fmt: skip
    root = fsite.app.state.settings.files_dir()
    assert stored_files(fsite) == [root / "evidence" / sha[:2] / sha]
    link = f"{CANDIDACY}/evidence/{row.id}/file"

    assert f'href="{link}"' in client.get(CANDIDACY).text
    queue = fsite.moderator_client().get("/moderation").text
    assert f'href="{link}"' in queue
    assert "Manifeste signé.pdf" in queue

    visitor = fsite.client().get(CANDIDACY).text
    assert "document téléversé" in visitor  # that it exists
    assert "Manifeste signé" not in visitor
    assert link not in visitor
    assert sha not in visitor

    for reader in (client, fsite.moderator_client()):
        got = reader.get(link)
        assert got.status_code == 200
        assert got.content == PDF
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"].startswith("attachment;")
        assert "Manifeste" in got.headers["content-disposition"]
    assert fsite.client().get(link).status_code == 303  # to the login page
    other = fsite.logged_in(MARSEILLE_MANAGER, MANAGER_PASSWORD)
    assert other.get(link).status_code == 403
    assert client.get(f"/candidacies/2/evidence/{row.id}/file").status_code == 404

    # the same document again: a second piece of evidence, the same file
    assert upload(client, "copie.pdf", PDF).status_code == 303
    assert uploads(fsite) == 2
    assert len(stored_files(fsite)) == 1


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (PDF + b"x" * (MAX_BYTES - len(PDF) + 1), 413),  # one byte over the setting
        (PDF + b"x" * (MAX_BYTES * 40), 413),  # refused before the body is read
        (HTML_AS_PDF, 415),
        (PROGRAM_AS_PDF, 415),
        (b"PK\x03\x04 not really a document", 415),
        (b"", 422),
    ],
)
def test_refused_files_store_nothing(fsite: ParticipationSite, content: bytes, status: int) -> None:
    response = upload(manager(fsite), "statuts.pdf", content)
    assert response.status_code == status, response.text[:500]
    assert uploads(fsite) == 0
    assert stored_files(fsite) == []


def test_the_file_name_is_never_a_path(fsite: ParticipationSite) -> None:
    client = manager(fsite)
    for name in ("../../../../etc/cron.d/evil.pdf", "..\\..\\boot.ini.pdf", "..", "/"):
        assert upload(client, name, PDF + name.encode()).status_code == 303
    with fsite.engine.connect() as conn:
        names = list(conn.execute(select(candidacy_evidence.c.file_name)
                                  .where(candidacy_evidence.c.kind == "upload")
                                  .order_by(candidacy_evidence.c.id)).scalars())  # fmt: skip
    assert names[1:] == ["evil.pdf", "boot.ini.pdf", None, None]
    root = fsite.app.state.settings.files_dir() / "evidence"
    files = stored_files(fsite)
    assert len(files) == 4
    assert all(f.parent.parent == root and len(f.name) == 64 for f in files)


def test_an_upload_needs_the_csrf_token_and_a_manager_of_the_territory(
    fsite: ParticipationSite,
) -> None:
    assert upload(manager(fsite), "statuts.pdf", PDF, token=False).status_code == 403
    other = fsite.logged_in(MARSEILLE_MANAGER, MANAGER_PASSWORD)
    assert upload(other, "statuts.pdf", PDF).status_code == 403
    assert uploads(fsite) == 0
    assert stored_files(fsite) == []
    # a computed criterion takes no evidence: said on the form, nothing counted
    refused = upload(manager(fsite), "statuts.pdf", PDF, criterion="startups")
    assert refused.status_code == 422
    assert uploads(fsite) == 0


def test_an_announced_oversized_body_is_refused_before_it_is_read() -> None:
    read: list[object] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        read.append(await receive())

    async def receive() -> dict[str, Any]:
        read.append("the body was read")
        return {"type": "http.request", "body": b"", "more_body": False}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    announced = str(MAX_BYTES + FORM_OVERHEAD + 1).encode()
    scope = {"type": "http", "method": "POST", "path": "/candidacies/1/evidence/upload",
             "headers": [(b"content-length", announced)]}  # fmt: skip
    middleware = UploadLimitMiddleware(app, max_upload_bytes=MAX_BYTES)
    # Its own thread: the session's Playwright fixture keeps an event loop running
    # in the main thread, where asyncio.run refuses to start a second one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, middleware(scope, receive, send)).result()
    assert sent[0]["status"] == 413
    assert read == []

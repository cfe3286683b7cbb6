"""Declared evidence of label candidacies: what a candidacy's managers attach to a
declared criterion of its programme (a link, or an uploaded file's sha256), and the
moderators' decision on it. A piece counts in the score once accepted
(:mod:`cartotech.store.candidacy_scores`); uploaded files themselves are kept by
:class:`~cartotech.store.evidence_files.EvidenceFiles`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select, update

from cartotech.domain.participation import EvidenceState, User, Who
from cartotech.domain.participation_errors import InvalidState
from cartotech.domain.permissions import can_moderate, require
from cartotech.domain.validation import MAX_COMMENT, clean_text, clean_url
from cartotech.errors import InputError, NotFound
from cartotech.geo import Referential
from cartotech.labels import CriterionKind, get_programme
from cartotech.store._participation import user_id_of, utc_now
from cartotech.store.audit import record_audit
from cartotech.store.candidacy_access import require_candidacy_manager
from cartotech.store.evidence_files import ACCEPTED_TYPES
from cartotech.store.schema import candidacies, candidacy_evidence, candidacy_territories

__all__ = [
    "MAX_FILE_NAME",
    "add_declared_evidence",
    "decide_evidence",
    "get_evidence",
    "list_evidence",
    "list_pending_evidence",
]

MAX_FILE_NAME = 200
_SHA256 = re.compile(r"[0-9a-f]{64}")


def add_declared_evidence(
    conn: Connection,
    candidacy_id: int,
    criterion_key: str,
    *,
    kind: str,
    reference: str,
    by: Who,
    referential: Referential,
    note: str | None = None,
    file_name: str | None = None,
    content_type: str | None = None,
    now: datetime | None = None,
) -> int:
    """Attach a piece of evidence to a declared criterion: ``kind`` ``link`` (a web
    address) or ``upload`` (the sha256 of a file stored by
    :class:`~cartotech.store.evidence_files.EvidenceFiles`, with the ``file_name`` it
    had, display text only, and its ``content_type``). It counts once a moderator
    accepts it."""
    now = utc_now(now)
    row = require_candidacy_manager(conn, candidacy_id, by, referential)
    criterion = get_programme(row.programme_key).criterion(criterion_key)
    if criterion.kind is not CriterionKind.DECLARED:
        raise InputError(
            f"criterion {criterion_key} is computed from the directory: it takes no evidence",
            field="criterion",
        )
    if kind == "link":
        clean = clean_url(reference, field="reference")
    elif kind == "upload":
        clean = reference if _SHA256.fullmatch(reference or "") else None
        if clean is None:
            raise InputError(f"upload reference {reference!r}: expected the file's sha256 "
                             "(64 lowercase hex digits)", field="reference")  # fmt: skip
        if content_type not in ACCEPTED_TYPES:
            raise InputError(f"upload content type {content_type!r}: expected one of "
                             f"{', '.join(ACCEPTED_TYPES)}", field="content_type")  # fmt: skip
    else:
        raise InputError(f"evidence kind {kind!r}: expected link or upload", field="kind")
    if clean is None:
        raise InputError("reference is required", field="reference")
    values = {
        "candidacy_id": candidacy_id, "criterion_key": criterion_key, "kind": kind,
        "reference": clean, "note": clean_text(note, field="note", max_length=MAX_COMMENT,
                                               multiline=True),
        "state": EvidenceState.SUBMITTED.value, "submitted_by": user_id_of(by), "created_at": now,
        "file_name": clean_text(file_name, field="file_name", max_length=MAX_FILE_NAME)
        if kind == "upload" else None,
        "content_type": content_type if kind == "upload" else None,
    }  # fmt: skip
    evidence_id = int(
        conn.execute(
            candidacy_evidence.insert().values(**values).returning(candidacy_evidence.c.id)
        ).scalar_one()
    )
    after = {k: values[k] for k in ("candidacy_id", "criterion_key", "kind", "reference",
                                    "file_name")}  # fmt: skip
    record_audit(conn, by, "evidence.submit", "evidence", evidence_id, after=after, at=now)
    return evidence_id


def decide_evidence(
    conn: Connection, evidence_id: int, *, accept: bool, by: User, reason: str | None = None,
    now: datetime | None = None,
) -> None:  # fmt: skip
    """A moderator accepts or rejects (with a reason) a piece of declared evidence."""
    now = utc_now(now)
    require(can_moderate(by), "only moderators and administrators check evidence")
    row = conn.execute(
        select(candidacy_evidence).where(candidacy_evidence.c.id == evidence_id)
    ).first()
    if row is None:
        raise NotFound(f"no evidence {evidence_id}", field="evidence")
    if row.state != EvidenceState.SUBMITTED.value:
        raise InvalidState(f"evidence {evidence_id} is already {row.state}")
    text = clean_text(reason, field="reason", max_length=MAX_COMMENT, required=not accept,
                      multiline=True)  # fmt: skip
    state = EvidenceState.ACCEPTED if accept else EvidenceState.REJECTED
    conn.execute(
        update(candidacy_evidence).where(candidacy_evidence.c.id == evidence_id)
        .values(state=state.value, decided_by=by.id, decided_at=now, decision_reason=text)
    )  # fmt: skip
    record_audit(conn, by, f"evidence.{'accept' if accept else 'reject'}", "evidence",
                 evidence_id, before={"state": row.state},
                 after={"state": state.value, "reason": text}, at=now)  # fmt: skip


def get_evidence(conn: Connection, evidence_id: int) -> dict[str, Any]:
    """One piece of declared evidence."""
    row = conn.execute(
        select(candidacy_evidence).where(candidacy_evidence.c.id == evidence_id)
    ).first()
    if row is None:
        raise NotFound(f"no evidence {evidence_id}", field="evidence")
    return dict(row._mapping)


def list_evidence(conn: Connection, candidacy_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(candidacy_evidence).where(candidacy_evidence.c.candidacy_id == candidacy_id)
        .order_by(candidacy_evidence.c.criterion_key, candidacy_evidence.c.id)
    )  # fmt: skip
    return [dict(r._mapping) for r in rows]


def list_pending_evidence(
    conn: Connection,
    *,
    territory_ids: Iterable[str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Declared evidence waiting for a moderator, across candidacies, oldest first, each
    with its candidacy's ``candidacy_name`` and ``programme_key``; and the total.
    ``territory_ids``: only the candidacies covering one of these territories (an empty
    list gives none)."""
    where: list[ColumnElement[bool]] = [candidacy_evidence.c.state == EvidenceState.SUBMITTED.value]
    if territory_ids is not None:
        where.append(
            candidacy_evidence.c.candidacy_id.in_(
                select(candidacy_territories.c.candidacy_id).where(
                    candidacy_territories.c.territory_id.in_(list(territory_ids))
                )
            )
        )
    total = conn.execute(
        select(func.count()).select_from(candidacy_evidence).where(*where)
    ).scalar_one()
    rows = conn.execute(
        select(
            candidacy_evidence,
            candidacies.c.name.label("candidacy_name"),
            candidacies.c.programme_key,
        )
        .join(candidacies, candidacies.c.id == candidacy_evidence.c.candidacy_id)
        .where(*where)
        .order_by(candidacy_evidence.c.created_at, candidacy_evidence.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [dict(r._mapping) for r in rows], int(total)

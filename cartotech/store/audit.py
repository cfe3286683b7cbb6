"""The audit log: who changed what, when, with the entity before and after.

Every write path calls :func:`record_audit` with the connection of its own
unit of work, so an audit entry lands exactly when its change does. ``who``
is a :class:`~cartotech.domain.participation.User` or a
:class:`~cartotech.domain.participation.SystemActor` (``press-pipeline``,
``import``, ``cli``, ``public``...). ``before`` and ``after`` are any
JSON-serialisable values (dicts of the changed row, typically); they must not
carry secrets (password hashes, tokens) and carry as little personal data as
possible: signatures are logged by id, never by email.

Actions are dotted names, ``<entity>.<verb>``: ``user.create``,
``user.login_failed``, ``submission.accept``, ``actor.create``,
``event.reject``, ``signature.confirm``, ``document.record``...
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, func, select, true

from cartotech.domain.participation import Who
from cartotech.errors import InputError
from cartotech.store._jsontext import to_json
from cartotech.store._participation import utc_now, who_of
from cartotech.store.schema import audit_log, users

__all__ = [
    "MAX_AUDIT_PAGE",
    "AuditEntry",
    "AuditPage",
    "AuditQuery",
    "audit_trail",
    "list_audit",
    "record_audit",
]

MAX_AUDIT_PAGE = 500


def record_audit(
    conn: Connection,
    who: Who,
    action: str,
    entity_kind: str,
    entity_id: int | str | None = None,
    *,
    before: Any = None,
    after: Any = None,
    note: str | None = None,
    at: datetime | None = None,
) -> int:
    """Append one entry (inside the caller's transaction); returns its id."""
    if not action or "." not in action:
        raise InputError(f"audit action {action!r}: expected '<entity>.<verb>'", field="action")
    label, user_id = who_of(who)
    row = {
        "at": utc_now(at),
        "who": label,
        "user_id": user_id,
        "action": action,
        "entity_kind": entity_kind,
        "entity_id": None if entity_id is None else str(entity_id),
        "before": None if before is None else to_json(before),
        "after": None if after is None else to_json(after),
        "note": note,
    }
    return int(
        conn.execute(audit_log.insert().values(**row).returning(audit_log.c.id)).scalar_one()
    )


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    who: str  # "user:<id>" or a system actor
    user_id: int | None
    user_email: str | None  # the user's current email, for display
    action: str
    entity_kind: str
    entity_id: str | None
    before: Any
    after: Any
    note: str | None


@dataclass(frozen=True)
class AuditQuery:
    """Filters (empty ones do not filter) and a page, newest first."""

    who: str | None = None  # "user:12", "press-pipeline"...
    user_id: int | None = None
    action: str | None = None  # exact, or a prefix ending with "." ("submission.")
    entity_kind: str | None = None
    entity_id: str | int | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEntry]
    total: int


def _conditions(query: AuditQuery) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if query.who:
        parts.append(audit_log.c.who == query.who)
    if query.user_id is not None:
        parts.append(audit_log.c.user_id == query.user_id)
    if query.action:
        if query.action.endswith("."):
            parts.append(audit_log.c.action.startswith(query.action, autoescape=True))
        else:
            parts.append(audit_log.c.action == query.action)
    if query.entity_kind:
        parts.append(audit_log.c.entity_kind == query.entity_kind)
    if query.entity_id is not None:
        parts.append(audit_log.c.entity_id == str(query.entity_id))
    if query.since is not None:
        parts.append(audit_log.c.at >= utc_now(query.since))
    if query.until is not None:
        parts.append(audit_log.c.at < utc_now(query.until))
    return and_(true(), *parts)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        who=row.who,
        user_id=row.user_id,
        user_email=row.user_email,
        action=row.action,
        entity_kind=row.entity_kind,
        entity_id=row.entity_id,
        before=None if row.before is None else json.loads(row.before),
        after=None if row.after is None else json.loads(row.after),
        note=row.note,
    )


def _entries(where: ColumnElement[bool]) -> Select[Any]:
    """The entries meeting ``where``, with the email of the user who acted."""
    return (
        select(audit_log, users.c.email.label("user_email"))
        .outerjoin(users, users.c.id == audit_log.c.user_id)
        .where(where)
    )


def list_audit(conn: Connection, query: AuditQuery | None = None) -> AuditPage:
    """A page of entries matching ``query``, newest first, and how many match in all."""
    query = query or AuditQuery()
    if not 1 <= query.limit <= MAX_AUDIT_PAGE or query.offset < 0:
        raise InputError(
            f"audit page: limit must be 1-{MAX_AUDIT_PAGE} and offset >= 0", field="limit"
        )
    where = _conditions(query)
    total = conn.execute(select(func.count()).select_from(audit_log).where(where)).scalar_one()
    rows = conn.execute(
        _entries(where)
        .order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        .limit(query.limit)
        .offset(query.offset)
    )
    return AuditPage(items=[_entry(r) for r in rows], total=int(total))


def audit_trail(
    conn: Connection, entity_kind: str, entity_id: int | str, *, limit: int = MAX_AUDIT_PAGE
) -> list[AuditEntry]:
    """The history of one entity, oldest first."""
    where = _conditions(AuditQuery(entity_kind=entity_kind, entity_id=entity_id))
    rows = conn.execute(_entries(where).order_by(audit_log.c.at, audit_log.c.id).limit(limit))
    return [_entry(r) for r in rows]

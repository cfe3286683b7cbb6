"""The audit log as the admin page and the admin API show it: filters read from
the query string, and entries with their before/after values as JSON text.

Filter values only ever reach the store as bound parameters of
:func:`cartotech.store.audit.list_audit`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import Connection

from cartotech.domain.utc import as_utc
from cartotech.errors import InputError
from cartotech.store.accounts import find_user_by_email
from cartotech.store.audit import MAX_AUDIT_PAGE, AuditEntry, AuditQuery
from cartotech.web.deps import Pagination

__all__ = [
    "AuditFilters",
    "AuditFiltersDep",
    "audit_filters",
    "audit_query",
    "entry_view",
    "json_text",
]

#: Entries per page unless ``per_page`` says otherwise.
AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    """The filters as typed (shown back in the form) and the page."""

    who: str = ""
    action: str = ""
    entity_kind: str = ""
    entity_id: str = ""
    since: str = ""
    until: str = ""
    paging: Pagination = Pagination(1, AUDIT_PAGE_SIZE)

    def params(self) -> dict[str, Any]:
        """The filters as query parameters: the page left out, its size only when it is
        not the default."""
        values = {key: value for key, value in asdict(self).items() if key != "paging" and value}
        if self.paging.per_page != AUDIT_PAGE_SIZE:
            values["per_page"] = self.paging.per_page
        return values


def audit_filters(
    who: Annotated[
        str,
        Query(max_length=320, description="An email, user:<id>, or a system actor (cli, import)"),
    ] = "",
    action: Annotated[
        str, Query(max_length=64, description="An action (user.create) or a prefix (user.)")
    ] = "",
    entity_kind: Annotated[str, Query(max_length=32, description="user, actor, event…")] = "",
    entity_id: Annotated[str, Query(max_length=80)] = "",
    since: Annotated[str, Query(max_length=10, description="From this day, YYYY-MM-DD")] = "",
    until: Annotated[str, Query(max_length=10, description="To this day, YYYY-MM-DD")] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_AUDIT_PAGE)] = AUDIT_PAGE_SIZE,
) -> AuditFilters:
    return AuditFilters(
        who=who.strip(),
        action=action.strip(),
        entity_kind=entity_kind.strip(),
        entity_id=entity_id.strip(),
        since=since.strip(),
        until=until.strip(),
        # A Pagination like the other listings', with the audit's own size and limit:
        # longer pages, and a 422 past the limit rather than a silent clamp.
        paging=Pagination(page, per_page),
    )


AuditFiltersDep = Annotated[AuditFilters, Depends(audit_filters)]


def _day(value: str, field: str) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"{field}: {value!r} is not a date; expected YYYY-MM-DD, e.g. 2025-03-01",
            field=field,
        ) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def audit_query(conn: Connection, filters: AuditFilters) -> AuditQuery:
    """The store query of ``filters``: an email becomes its account's id (an unknown
    email matches nothing), a bare number ``user:<number>``; ``until`` is inclusive."""
    who: str | None = filters.who or None
    user_id: int | None = None
    if who and "@" in who:
        user = find_user_by_email(conn, who)
        user_id = user.id if user is not None else 0  # no account has id 0
        who = None
    elif who and who.isdigit():
        who = f"user:{who}"
    until = _day(filters.until, "until")
    return AuditQuery(
        who=who,
        user_id=user_id,
        action=filters.action or None,
        entity_kind=filters.entity_kind or None,
        entity_id=filters.entity_id or None,
        since=_day(filters.since, "since"),
        until=None if until is None else until + timedelta(days=1),
        limit=filters.paging.per_page,
        offset=filters.paging.offset,
    )


def json_text(value: Any) -> str | None:
    """A before/after value as indented JSON text (escaped by the template like any text)."""
    if value is None:
        return None
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


def entry_view(entry: AuditEntry) -> dict[str, Any]:
    """An entry for the page: its fields, plus ``before_json``/``after_json``."""
    return {
        **asdict(entry),
        "at": as_utc(entry.at),
        "before_json": json_text(entry.before),
        "after_json": json_text(entry.after),
        "entity_href": _entity_href(entry),
    }


def _entity_href(entry: AuditEntry) -> str | None:
    if entry.entity_id is None:
        return None
    if entry.entity_kind == "actor" and entry.entity_id.isdigit():
        return f"/actors/{entry.entity_id}"
    if entry.entity_kind == "user" and entry.entity_id.isdigit():
        return f"/admin/users#user-{entry.entity_id}"
    return None

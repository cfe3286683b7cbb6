"""Events: submission, moderation, calendars per territory and per actor.

Anyone submits an event (title, start and end, place on the referential,
organiser actor, link); it appears in calendars once accepted by a moderator
or by a manager of the territory it is placed in. Each event cites a
'submitter' source created with it (``event-<uuid>``: who submitted it, no
personal data), so a label candidacy can count it as evidence.

Events are placed like actors (commune, EPCI, département and région codes
on the row), so a territory's calendar holds the events of every territory
inside it with a single-table query. iCalendar rendering is
:func:`cartotech.domain.ical.render_ics`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, false, func, or_, select, update

from cartotech.domain import SourceKind, SourceRecord
from cartotech.domain.participation import EventInput, EventState, SystemActor, User, Who
from cartotech.domain.participation_errors import InvalidState
from cartotech.domain.permissions import can_decide_event, require
from cartotech.domain.validation import MAX_COMMENT, clean_event, clean_text
from cartotech.errors import InputError, NotFound
from cartotech.geo import Referential
from cartotech.store._participation import (
    require_actor,
    submitter_label,
    user_id_of,
    utc_now,
)
from cartotech.store.audit import record_audit
from cartotech.store.placement import place_on_territory
from cartotech.store.schema import actors, events, sources
from cartotech.store.sources import ensure_source

__all__ = [
    "EventOrder",
    "accept_event",
    "actor_calendar",
    "event_scope_condition",
    "get_event",
    "list_events",
    "reject_event",
    "submit_event",
    "territory_calendar",
]

_PUBLIC_COLUMNS = [c for c in events.c if c.name not in ("contact_email", "user_id")]


def _snapshot(row: Any) -> dict[str, Any]:
    return {
        "title": row.title, "starts_at": row.starts_at, "ends_at": row.ends_at,
        "territory_id": row.territory_id, "organiser_actor_id": row.organiser_actor_id,
        "url": row.url, "state": row.state,
    }  # fmt: skip


def submit_event(
    conn: Connection,
    event: EventInput,
    *,
    referential: Referential,
    by: Who = SystemActor.PUBLIC,
    now: datetime | None = None,
) -> int:
    """File an event for moderation; returns its id. The place must be a territory of
    the referential; the organiser, when given, an existing actor."""
    now = utc_now(now)
    clean = clean_event(event)
    placement = place_on_territory(clean.territory_id, referential)
    if clean.organiser_actor_id is not None:
        require_actor(conn, clean.organiser_actor_id, field="organiser_actor_id")
    if by is SystemActor.PUBLIC and clean.contact_email is None:
        raise InputError("an event submitted without an account needs a contact email",
                         field="contact_email")  # fmt: skip
    source_id, _ = ensure_source(
        conn,
        SourceRecord(
            key=f"event-{uuid.uuid4().hex}",
            kind=SourceKind.SUBMITTER,
            title="Participation form: event submitted, checked by a moderator",
            submitter=submitter_label(by),
        ),
    )
    values = {
        "title": clean.title, "starts_at": clean.starts_at, "ends_at": clean.ends_at,
        "all_day": clean.all_day, "territory_id": clean.territory_id,
        "place_label": clean.place_label, "commune_code": placement.commune_code,
        "epci_code": placement.epci_code, "departement_code": placement.departement_code,
        "region_code": placement.region_code, "organiser_actor_id": clean.organiser_actor_id,
        "url": clean.url, "description": clean.description, "state": EventState.SUBMITTED.value,
        "contact_email": clean.contact_email, "user_id": user_id_of(by), "source_id": source_id,
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    event_id = int(
        conn.execute(events.insert().values(**values).returning(events.c.id)).scalar_one()
    )
    row = conn.execute(select(events).where(events.c.id == event_id)).one()
    record_audit(conn, by, "event.submit", "event", event_id, after=_snapshot(row), at=now)
    return event_id


def _decide(
    conn: Connection,
    event_id: int,
    state: EventState,
    *,
    by: User,
    referential: Referential,
    reason: str | None,
    now: datetime | None,
) -> None:
    now = utc_now(now)
    row = conn.execute(select(events).where(events.c.id == event_id).with_for_update()).first()
    if row is None:
        raise NotFound(f"no event {event_id}", field="event")
    require(
        can_decide_event(by, row.territory_id, referential),
        f"you may not decide event {event_id}: moderators may, and managers of {row.territory_id}",
    )
    if row.state != EventState.SUBMITTED.value:
        raise InvalidState(f"event {event_id} is already {row.state}")
    conn.execute(
        update(events)
        .where(events.c.id == event_id)
        .values(
            state=state.value,
            decided_at=now,
            decided_by=by.id,
            decision_reason=reason,
            updated_at=now,
        )  # fmt: skip
    )
    record_audit(conn, by, f"event.{'accept' if state is EventState.ACCEPTED else 'reject'}",
                 "event", event_id, before={"state": row.state},
                 after={"state": state.value, "reason": reason}, at=now)  # fmt: skip


def accept_event(
    conn: Connection,
    event_id: int,
    *,
    by: User,
    referential: Referential,
    note: str | None = None,
    now: datetime | None = None,
) -> None:
    """Publish a submitted event (moderators; managers of its territory)."""
    note = clean_text(note, field="note", max_length=MAX_COMMENT, multiline=True)
    _decide(conn, event_id, EventState.ACCEPTED, by=by, referential=referential, reason=note,
            now=now)  # fmt: skip


def reject_event(
    conn: Connection,
    event_id: int,
    *,
    by: User,
    referential: Referential,
    reason: str,
    now: datetime | None = None,
) -> None:
    """Refuse a submitted event, saying why."""
    text = clean_text(reason, field="reason", max_length=MAX_COMMENT, required=True, multiline=True)
    _decide(conn, event_id, EventState.REJECTED, by=by, referential=referential, reason=text,
            now=now)  # fmt: skip


def _select() -> Any:
    return (
        select(
            *_PUBLIC_COLUMNS,
            actors.c.name.label("organiser_name"),
            sources.c.key.label("source_key"),
            sources.c.title.label("source_title"),
            sources.c.submitter.label("source_submitter"),
        )
        .outerjoin(actors, actors.c.id == events.c.organiser_actor_id)
        .join(sources, sources.c.id == events.c.source_id)
    )


def get_event(conn: Connection, event_id: int) -> dict[str, Any]:
    """An event (without its submitter's contact) with organiser name and source."""
    row = conn.execute(_select().where(events.c.id == event_id)).first()
    if row is None:
        raise NotFound(f"no event {event_id}", field="event")
    return dict(row._mapping)


class EventOrder(StrEnum):
    """How :func:`list_events` sorts: by submission (the moderation queue), by start
    time (coming events), by start time latest first (past events)."""

    SUBMITTED = "submitted"
    START = "start"
    START_DESC = "start_desc"


_ORDERS = {
    EventOrder.SUBMITTED: (events.c.created_at, events.c.id),
    EventOrder.START: (events.c.starts_at, events.c.id),
    EventOrder.START_DESC: (events.c.starts_at.desc(), events.c.id.desc()),
}


def list_events(
    conn: Connection,
    *,
    state: EventState | None = EventState.SUBMITTED,
    territory_ids: Iterable[str] | None = None,
    referential: Referential | None = None,
    since: datetime | None = None,
    ended_before: datetime | None = None,
    order: EventOrder = EventOrder.SUBMITTED,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Events in ``state`` (default: the moderation queue) and the total.

    ``territory_ids``: only those placed in one of these territories or inside one
    (a territory manager's scope; needs ``referential``; an empty scope gives none).
    ``since``: only those not over before it (their end, or start, at or after it);
    ``ended_before``: only those over before it. ``order``: oldest submission first
    (default), or by start time.
    """
    where: list[ColumnElement[bool]] = []
    if state is not None:
        where.append(events.c.state == EventState(state).value)
    if territory_ids is not None:
        if referential is None:
            raise TypeError("list_events: territory_ids needs the referential")
        scopes = [t for t in dict.fromkeys(territory_ids) if referential.exists(t)]
        where.append(
            or_(*(event_scope_condition(t, referential) for t in scopes)) if scopes else false()
        )
    last_moment = func.coalesce(events.c.ends_at, events.c.starts_at)
    if since is not None:
        where.append(last_moment >= utc_now(since))
    if ended_before is not None:
        where.append(last_moment < utc_now(ended_before))
    total = conn.execute(select(func.count()).select_from(events).where(*where)).scalar_one()
    rows = conn.execute(
        _select().where(*where).order_by(*_ORDERS[EventOrder(order)])
        .limit(limit).offset(offset)
    )  # fmt: skip
    return [dict(r._mapping) for r in rows], int(total)


def event_scope_condition(territory_id: str, referential: Referential) -> ColumnElement[bool]:
    """The events placed in ``territory_id`` or in a territory inside it."""
    territory = referential.get(territory_id)
    match territory.level:
        case "region":
            return events.c.region_code == territory.code
        case "departement":
            return events.c.departement_code == territory.code
        case "epci":
            return events.c.epci_code == territory.code
    codes = [c.code for c in referential.communes_of(territory_id)]
    held = [territory_id]
    if territory.level == "group":
        members = set(codes)
        held += [
            g.id for g in referential.all("group")
            if g.id != territory_id and members >= {c.code for c in referential.communes_of(g.id)}
        ]  # fmt: skip
    return or_(events.c.commune_code.in_(codes), events.c.territory_id.in_(held))


def _window(start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
    """Events overlapping [start, end)."""
    parts = []
    if start is not None:
        parts.append(func.coalesce(events.c.ends_at, events.c.starts_at) >= utc_now(start))
    if end is not None:
        parts.append(events.c.starts_at < utc_now(end))
    return parts


def territory_calendar(
    conn: Connection,
    territory_id: str,
    *,
    referential: Referential,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Accepted events of the territory and the territories inside it that overlap
    [start, end), by start time."""
    where = and_(
        events.c.state == EventState.ACCEPTED.value,
        event_scope_condition(territory_id, referential),
        *_window(start, end),
    )
    rows = conn.execute(
        _select().where(where).order_by(events.c.starts_at, events.c.id).limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def actor_calendar(
    conn: Connection,
    actor_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Accepted events the actor organises that overlap [start, end), by start time."""
    where = and_(
        events.c.state == EventState.ACCEPTED.value,
        events.c.organiser_actor_id == actor_id,
        *_window(start, end),
    )
    rows = conn.execute(
        _select().where(where).order_by(events.c.starts_at, events.c.id).limit(limit)
    )
    return [dict(r._mapping) for r in rows]

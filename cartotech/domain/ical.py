"""iCalendar (RFC 5545) export of events, with the ``icalendar`` package (pure).

:func:`render_ics` takes event mappings as the store's calendars return them
(``store.events.territory_calendar`` / ``actor_calendar``) and gives the bytes
of a ``.ics`` file (``text/calendar; charset=utf-8``). The package escapes
text (``,`` ``;`` ``\\`` and newlines) and folds long lines; nothing is
interpreted. Output is deterministic: ``DTSTAMP`` is the event's last
change, ``UID`` is ``event-<id>@<host>``, so re-exporting changes nothing and
calendar clients update events in place.

All-day events use ``DATE`` values with an exclusive end (the day after the
last day); timed events are written in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from icalendar import Calendar, Event, vText

from cartotech.domain.utc import as_utc

__all__ = ["ICS_MEDIA_TYPE", "render_ics"]

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//cartotech//observatory of regional tech ecosystems//EN"


def _event(row: Mapping[str, Any], host: str) -> Event:
    event = Event()
    event.add("uid", f"event-{row['id']}@{host}")
    stamp = row.get("updated_at") or row.get("created_at") or row["starts_at"]
    event.add("dtstamp", as_utc(stamp))
    start = as_utc(row["starts_at"])
    end = as_utc(row["ends_at"]) if row.get("ends_at") else None
    if row.get("all_day"):
        event.add("dtstart", start.date())
        event.add("dtend", (end or start).date() + timedelta(days=1))
    else:
        event.add("dtstart", start)
        if end is not None:
            event.add("dtend", end)
    event.add("summary", row["title"])
    location = ", ".join(p for p in (row.get("place_label"), row.get("territory_name")) if p)
    if location:
        event.add("location", location)
    if row.get("url"):
        event.add("url", row["url"])
    description = row.get("description") or ""
    if row.get("organiser_name"):
        description = f"{description}\n\n{row['organiser_name']}".strip()
    if description:
        event.add("description", description)
    return event


def render_ics(
    rows: Iterable[Mapping[str, Any]], *, calendar_name: str, host: str = "cartotech"
) -> bytes:
    """The ``.ics`` file of ``rows`` (each with ``id``, ``title``, ``starts_at``; optionally
    ``ends_at``, ``all_day``, ``place_label``, ``territory_name``, ``url``,
    ``description``, ``organiser_name``, ``updated_at``)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", vText(calendar_name))
    calendar.add("x-wr-calname", vText(calendar_name))
    for row in rows:
        calendar.add_component(_event(row, host))
    return bytes(calendar.to_ical())

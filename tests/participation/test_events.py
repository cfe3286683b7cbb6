"""Events: submission, moderation by moderators and territory managers, calendars of a
territory (with the territories inside it) and of an actor, iCalendar export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import Engine

from cartotech.domain.ical import render_ics
from cartotech.domain.participation import EventInput, EventState, SystemActor, User
from cartotech.domain.participation_errors import InvalidState, PermissionDenied
from cartotech.errors import InputError
from cartotech.geo import Referential
from cartotech.store import unit_of_work
from cartotech.store.events import (
    EventOrder,
    accept_event,
    actor_calendar,
    get_event,
    list_events,
    reject_event,
    submit_event,
    territory_calendar,
)
from tests.participation.conftest import LILLE, LILLE_EPCI, NORD, NOW, actor_id

TECH_DAYS = EventInput(
    title="Lille's Tech Days",
    starts_at=datetime(2026, 6, 12, 8, 0, tzinfo=UTC),
    ends_at=datetime(2026, 6, 13, 18, 0, tzinfo=UTC),
    territory_id=LILLE,
    place_label="EuraTechnologies",
    url="https://example.org/techdays",
    description="Deux jours; conférences, démos",
    contact_email="events@example.org",
)


def _submit(engine: Engine, referential: Referential, event: EventInput = TECH_DAYS, **kw) -> int:
    with unit_of_work(engine) as conn:
        return submit_event(conn, event, referential=referential, now=NOW, **kw)


def test_submitted_events_wait_for_moderation(
    directory_engine: Engine, referential: Referential, moderator: User
) -> None:
    euratech = actor_id(directory_engine, "euratechnologies")
    from dataclasses import replace

    event_id = _submit(
        directory_engine, referential, replace(TECH_DAYS, organiser_actor_id=euratech)
    )
    with directory_engine.connect() as conn:
        assert territory_calendar(conn, NORD, referential=referential) == []
        queue, total = list_events(conn)
        assert total == 1
        assert "contact_email" not in queue[0]  # the submitter's address stays private
        assert queue[0]["source_key"].startswith("event-")
    with unit_of_work(directory_engine) as conn:
        accept_event(conn, event_id, by=moderator, referential=referential, now=NOW)
    with directory_engine.connect() as conn:
        for territory in (LILLE, "fr:epci:200093201", NORD, "fr:region:32"):
            assert [
                e["id"] for e in territory_calendar(conn, territory, referential=referential)
            ] == [event_id]
        assert territory_calendar(conn, "fr:departement:62", referential=referential) == []
        assert [e["id"] for e in actor_calendar(conn, euratech)] == [event_id]
        assert get_event(conn, event_id)["organiser_name"] == "Euratechnologies"
    with pytest.raises(InvalidState), unit_of_work(directory_engine) as conn:
        reject_event(conn, event_id, by=moderator, referential=referential, reason="late")


def test_calendar_window(
    directory_engine: Engine, referential: Referential, moderator: User
) -> None:
    event_id = _submit(directory_engine, referential)
    with unit_of_work(directory_engine) as conn:
        accept_event(conn, event_id, by=moderator, referential=referential, now=NOW)
        during = datetime(2026, 6, 13, 12, tzinfo=UTC)  # the second day
        assert territory_calendar(conn, LILLE, referential=referential, start=during)
        assert not territory_calendar(
            conn, LILLE, referential=referential, start=during + timedelta(days=1)
        )
        assert not territory_calendar(
            conn, LILLE, referential=referential, end=datetime(2026, 6, 12, 8, tzinfo=UTC)
        )


def test_list_events_by_start_scope_and_since(
    directory_engine: Engine, referential: Referential, moderator: User
) -> None:
    from dataclasses import replace

    def at(day: int, territory: str = LILLE) -> EventInput:
        start = datetime(2026, 6, day, 9, tzinfo=UTC)
        return replace(TECH_DAYS, title=f"day {day}", starts_at=start,
                       ends_at=start + timedelta(hours=2), territory_id=territory)  # fmt: skip

    # submitted in this order: 20 (Lille), 5 (Bordeaux), 12 (Lille), 28 (Lille, rejected)
    ids = {day: _submit(directory_engine, referential, at(day, territory))
           for day, territory in ((20, LILLE), (5, "fr:commune:33063"), (12, LILLE),
                                  (28, LILLE))}  # fmt: skip
    with directory_engine.connect() as conn:
        queue, _ = list_events(conn)
        assert [e["id"] for e in queue] == list(ids.values())  # by submission
    with unit_of_work(directory_engine) as conn:
        for day in (20, 5, 12):
            accept_event(conn, ids[day], by=moderator, referential=referential, now=NOW)
        reject_event(conn, ids[28], by=moderator, referential=referential, reason="no", now=NOW)

    def listed(**kw) -> list[int]:
        with directory_engine.connect() as conn:
            rows, total = list_events(conn, state=EventState.ACCEPTED, **kw)
        assert total == len(rows)
        return [next(d for d, i in ids.items() if i == row["id"]) for row in rows]

    assert listed(order=EventOrder.START) == [5, 12, 20]
    assert listed(order=EventOrder.START_DESC) == [20, 12, 5]
    # over at 11:00: still listed from 11:00, not after
    assert listed(order=EventOrder.START, since=datetime(2026, 6, 12, 11, tzinfo=UTC)) == [12, 20]
    assert listed(order=EventOrder.START, since=datetime(2026, 6, 12, 11, 1, tzinfo=UTC)) == [20]
    assert listed(
        order=EventOrder.START, ended_before=datetime(2026, 6, 12, 11, 1, tzinfo=UTC)
    ) == [5, 12]
    scoped = {"referential": referential, "order": EventOrder.START}
    assert listed(territory_ids=[LILLE_EPCI], **scoped) == [12, 20]
    assert listed(territory_ids=[NORD, "fr:commune:33063"], **scoped) == [5, 12, 20]
    assert listed(territory_ids=["fr:departement:62"], **scoped) == []
    assert listed(territory_ids=[], **scoped) == []
    with pytest.raises(TypeError), directory_engine.connect() as conn:
        list_events(conn, territory_ids=[LILLE])


def test_territory_manager_decides_only_in_their_territory(
    directory_engine: Engine, referential: Referential, lille_manager: User
) -> None:
    from dataclasses import replace

    in_lille = _submit(directory_engine, referential)
    in_bordeaux = _submit(
        directory_engine, referential, replace(TECH_DAYS, territory_id="fr:commune:33063")
    )
    with unit_of_work(directory_engine) as conn:
        accept_event(conn, in_lille, by=lille_manager, referential=referential, now=NOW)
    with pytest.raises(PermissionDenied), unit_of_work(directory_engine) as conn:
        accept_event(conn, in_bordeaux, by=lille_manager, referential=referential, now=NOW)
    with pytest.raises(PermissionDenied), unit_of_work(directory_engine) as conn:
        reject_event(conn, in_bordeaux, by=lille_manager, referential=referential, reason="no")
    with directory_engine.connect() as conn:
        assert get_event(conn, in_bordeaux)["state"] == EventState.SUBMITTED.value


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"starts_at": datetime(2026, 6, 12, 8)}, "starts_at"),  # naive
        ({"ends_at": datetime(2026, 6, 11, tzinfo=UTC)}, "ends_at"),
        ({"territory_id": "fr:commune:00000"}, "territory"),
        ({"contact_email": None}, "contact_email"),
        ({"url": "ftp://example.org"}, "url"),
        ({"organiser_actor_id": 999_999}, "organiser_actor_id"),
    ],
)
def test_event_errors_name_the_field(
    directory_engine: Engine, referential: Referential, change: dict, field: str
) -> None:
    from dataclasses import replace

    from cartotech.errors import CartotechError

    with pytest.raises(CartotechError) as caught:
        _submit(directory_engine, referential, replace(TECH_DAYS, **change))
    assert caught.value.field == field
    assert isinstance(caught.value, InputError) or caught.value.status_code == 404


def test_ics_export_escapes_and_is_stable(
    directory_engine: Engine, referential: Referential, moderator: User
) -> None:
    from dataclasses import replace

    hostile = replace(
        TECH_DAYS,
        title="Demo; <script>alert(1)</script>, night",
        all_day=True,
        description="first line\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:injected",
    )
    first = _submit(directory_engine, referential, hostile, by=SystemActor.PUBLIC)
    second = _submit(directory_engine, referential)
    with unit_of_work(directory_engine) as conn:
        for event_id in (first, second):
            accept_event(conn, event_id, by=moderator, referential=referential, now=NOW)
        rows = territory_calendar(conn, NORD, referential=referential)
    ics = render_ics(rows, calendar_name="Nord, events; 2026")
    assert ics == render_ics(rows, calendar_name="Nord, events; 2026")  # deterministic
    text = ics.decode("utf-8")
    lines = text.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 2  # the hostile newlines opened no event
    assert "SUMMARY:injected" not in lines
    assert "X-WR-CALNAME:Nord\\, events\\; 2026" in text
    parsed = Calendar.from_ical(ics)
    found = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    hostile_event = found[f"event-{first}@cartotech"]
    assert str(hostile_event["summary"]) == hostile.title  # the text round-trips exactly
    assert str(hostile_event["description"]) == hostile.description
    assert hostile_event["dtstart"].dt.isoformat() == "2026-06-12"
    assert (
        hostile_event["dtend"].dt.isoformat() == "2026-06-14"
    )  # exclusive end of an all-day event
    timed = found[f"event-{second}@cartotech"]
    assert timed["dtstart"].dt == TECH_DAYS.starts_at

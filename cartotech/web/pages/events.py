"""Events: the submission form, an event's page and the list of coming events.

Anyone submits an event; it is published once a moderator (or a manager of
its territory) accepts it, in the calendars of its territory (and every
territory holding it) and of its organiser, which the territory and actor
pages show with their ``.ics`` links (``/api/v1/.../events.ics``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection, Engine

from cartotech.domain.participation import EventInput, EventState, SystemActor
from cartotech.domain.permissions import can_decide_event
from cartotech.errors import CartotechError, InputError, NotFound
from cartotech.geo import Referential
from cartotech.store import get_actor, unit_of_work
from cartotech.store.events import EventOrder, get_event, list_events, submit_event
from cartotech.web.auth import OptionalUserDep
from cartotech.web.deps import ConnectionDep, ReferentialDep
from cartotech.web.pages.forms import (
    HONEYPOT_FIELD,
    event_view,
    form_error,
    local_datetime,
    place_label,
    resolve_actor,
    resolve_place,
    since_yesterday,
)
from cartotech.web.pages.rendering import render

__all__ = ["router", "upcoming_events"]

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=300)]
Short = Annotated[str, Form(max_length=40)]
MAX_LISTED = 100


def upcoming_events(
    conn: Connection, referential: Referential
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Accepted events not over yet (soonest first), and those of the past year (latest
    first), at most ``MAX_LISTED`` each."""
    now = since_yesterday()
    accepted = EventState.ACCEPTED
    coming, _ = list_events(
        conn, state=accepted, since=now, order=EventOrder.START, limit=MAX_LISTED
    )
    past, _ = list_events(
        conn, state=accepted, since=now - timedelta(days=365), ended_before=now,
        order=EventOrder.START_DESC, limit=MAX_LISTED,
    )  # fmt: skip
    return (
        [event_view(r, referential) for r in coming],
        [event_view(r, referential) for r in past],
    )


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, conn: ConnectionDep, referential: ReferentialDep) -> HTMLResponse:
    return render(
        request,
        "participation/events.html",
        dict(
            zip(("events", "past_events"), upcoming_events(conn, referential), strict=True),
            nav="participate",
        ),  # fmt: skip
    )


def _form_page(
    request: Request, form: dict[str, Any], *, error: Any = None, status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        "participation/event_form.html",
        {"nav": "participate", "form": form, "error": error, "honeypot": HONEYPOT_FIELD},
        status_code=status_code,
    )


@router.get("/events/new", response_class=HTMLResponse)
def event_form(
    request: Request,
    conn: ConnectionDep,
    referential: ReferentialDep,
    organiser: Annotated[int | None, Query(ge=1)] = None,
    territory: Annotated[str, Query(max_length=60)] = "",
) -> HTMLResponse:
    form: dict[str, Any] = {}
    if organiser is not None:
        try:
            actor = get_actor(conn, organiser)
        except NotFound:
            actor = None
        if actor is not None:
            form.update(organiser=actor["name"], organiser_actor_id=str(actor["id"]))
            territory = territory or actor["territory_id"] or ""
    if (
        territory
        and referential.exists(territory)
        and referential.get(territory).level == "commune"
    ):
        form.update(territory_id=territory, commune=place_label(territory, referential))
    return _form_page(request, form)


@router.post("/events/new", response_class=HTMLResponse)
def event_submit(
    request: Request,
    user: OptionalUserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    title: Text = "",
    start_date: Short = "",
    start_time: Short = "",
    end_date: Short = "",
    end_time: Short = "",
    all_day: Short = "",
    commune: Text = "",
    territory_id: Annotated[str, Form(max_length=60)] = "",
    place_label_text: Annotated[str, Form(alias="place_label", max_length=300)] = "",
    organiser: Text = "",
    organiser_actor_id: Short = "",
    url: Annotated[str, Form(max_length=2000)] = "",
    description: Annotated[str, Form(max_length=6000)] = "",
    contact_email: Text = "",
    website_url: Annotated[str, Form(max_length=2000)] = "",
) -> HTMLResponse:
    form = {
        "title": title, "start_date": start_date, "start_time": start_time,
        "end_date": end_date, "end_time": end_time, "all_day": all_day, "commune": commune,
        "territory_id": territory_id, "place_label": place_label_text, "organiser": organiser,
        "organiser_actor_id": organiser_actor_id, "url": url, "description": description,
        "contact_email": contact_email,
    }  # fmt: skip
    done = {"nav": "participate", "kind": "event"}
    if website_url:  # the honeypot: a bot
        return render(request, "participation/event_sent.html", done)
    whole_days = bool(all_day)
    try:
        starts = local_datetime(start_date, start_time, field="starts_at", all_day=whole_days)
        if starts is None:
            raise InputError("starts_at is required: give the first day", field="starts_at")
        ends = local_datetime(end_date, end_time or start_time, field="ends_at",
                              all_day=whole_days)  # fmt: skip
        place = resolve_place(referential, territory_id, commune, field="commune")
        assert place is not None
        event = EventInput(
            title=title, starts_at=starts, ends_at=ends, all_day=whole_days, territory_id=place,
            place_label=place_label_text or None,
            organiser_actor_id=resolve_actor(conn, referential, organiser_actor_id, organiser,
                                             field="organiser"),
            url=url or None, description=description or None,
            contact_email=contact_email or None,
        )  # fmt: skip
        engine: Engine = request.app.state.engine
        with unit_of_work(engine) as write:
            submit_event(write, event, referential=referential, by=user or SystemActor.PUBLIC)
    except CartotechError as exc:
        return _form_page(request, form, error=form_error(exc), status_code=exc.status_code)
    return render(request, "participation/event_sent.html", done)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(
    request: Request,
    user: OptionalUserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    event_id: Annotated[int, Path(ge=1)],
) -> HTMLResponse:
    row = get_event(conn, event_id)
    public = row["state"] == EventState.ACCEPTED.value
    if not public and not (user and can_decide_event(user, row["territory_id"], referential)):
        raise NotFound(f"no event {event_id}", field="event")
    return render(
        request,
        "participation/event.html",
        {"nav": "participate", "event": event_view(row, referential), "public": public},
    )

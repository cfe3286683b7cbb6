"""The participation hub (``/participate``), the funding calls listing, and the
participation sections of the actor and territory pages (calendar, matching
funding calls, candidacies, links to claim or edit a profile).

Open or closed is decided for today in France; the listing takes
``?state=open|closed|all``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from cartotech.domain.participation import User
from cartotech.domain.permissions import can_edit_actor
from cartotech.domain.utc import as_utc
from cartotech.geo import Referential
from cartotech.labels import get_programme
from cartotech.store.candidacies import list_candidacies
from cartotech.store.events import actor_calendar, territory_calendar
from cartotech.store.funding import FundingState, list_funding_calls, matching_calls
from cartotech.web.auth import OptionalUserDep
from cartotech.web.deps import ConnectionDep, ReferentialDep
from cartotech.web.pages.forms import (
    event_view,
    local_today,
    place_label,
    since_yesterday,
)
from cartotech.web.pages.moderation import can_see_queue
from cartotech.web.pages.rendering import render

__all__ = ["actor_participation", "router", "territory_participation"]

router = APIRouter(include_in_schema=False)

CALENDAR_SIZE = 20
PAST_SHOWN = 10
#: Calendars also show the events of the past year, latest first (what a
#: candidacy's "events in the last 12 months" counts).
PAST_WINDOW = timedelta(days=365)


def _calendar(rows: list[dict[str, Any]], referential: Referential) -> dict[str, Any]:
    """A calendar's events split into coming ones (soonest first) and past ones
    (latest first)."""
    cutoff = since_yesterday()
    coming: list[dict[str, Any]] = []
    past: list[dict[str, Any]] = []
    for row in rows:
        view = event_view(row, referential)
        (coming if as_utc(row["ends_at"] or row["starts_at"]) >= cutoff else past).append(view)
    return {"events": coming[:CALENDAR_SIZE], "past_events": past[::-1][:PAST_SHOWN]}


@router.get("/participate", response_class=HTMLResponse)
def participate(request: Request, user: OptionalUserDep) -> HTMLResponse:
    return render(
        request,
        "participation/participate.html",
        {"nav": "participate", "moderation": user is not None and can_see_queue(user)},
    )


@router.get("/funding", response_class=HTMLResponse)
def funding_page(
    request: Request,
    conn: ConnectionDep,
    referential: ReferentialDep,
    state: Annotated[FundingState, Query()] = "all",
) -> HTMLResponse:
    today = local_today()
    calls = list_funding_calls(conn, as_of=today, state=state, limit=500)
    for call in calls:
        call["scope"] = (
            place_label(call["territory_id"], referential) if call["territory_id"] else ""
        )
    return render(
        request,
        "participation/funding.html",
        {"nav": "participate", "calls": calls, "state": state, "today": today.isoformat()},
    )


def actor_participation(
    conn: Connection, actor: dict[str, Any], referential: Referential, user: User | None,
    *, edit_sent: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """What the actor page shows beyond the directory: its coming events (with the
    ``.ics`` link), the open funding calls that match it, and the claim/edit links."""
    actor_id = actor["id"]
    since = since_yesterday() - PAST_WINDOW
    events = actor_calendar(conn, actor_id, start=since, limit=500)
    return {
        "actor_id": actor_id,
        **_calendar(events, referential),
        "ics_url": f"/api/v1/actors/{actor_id}/events.ics",
        "events_json_url": f"/api/v1/actors/{actor_id}/events",
        "propose_url": f"/events/new?organiser={actor_id}",
        "calls": matching_calls(conn, actor_id, as_of=local_today(), referential=referential),
        "calls_json_url": f"/api/v1/actors/{actor_id}/funding-calls",
        "can_edit": user is not None
        and can_edit_actor(
            user, actor_id, actor_territory_id=actor["territory_id"], referential=referential
        ),
        "edit_sent": edit_sent,
    }


def territory_participation(
    conn: Connection, territory_id: str, referential: Referential
) -> dict[str, Any]:
    """The territory page's calendar (its events and those of the territories inside
    it) and the candidacies covering it."""
    since = since_yesterday() - PAST_WINDOW
    events = territory_calendar(conn, territory_id, referential=referential, start=since, limit=500)
    candidacies = [
        {**c, "programme_name": get_programme(c["programme_key"]).name}
        for c in list_candidacies(conn, territory_id=territory_id)
    ]
    territory = referential.get(territory_id)
    propose = "/events/new" + (f"?territory={territory_id}" if territory.level == "commune" else "")
    return {
        **_calendar(events, referential),
        "ics_url": f"/api/v1/territories/{territory_id}/events.ics",
        "events_json_url": f"/api/v1/territories/{territory_id}/events",
        "propose_url": propose,
        "candidacies": candidacies,
    }

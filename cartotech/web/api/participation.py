"""The participation API (read-only): calendars and their iCalendar exports, funding
calls, petitions with their public counts, candidacies with their scores.

Writes happen through the pages' forms (CSRF-protected); these routes only
read, and give nothing personal: no email, no unconsented name.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from cartotech.domain.ical import ICS_MEDIA_TYPE, render_ics
from cartotech.domain.participation import EventState
from cartotech.errors import NotFound
from cartotech.geo import Referential
from cartotech.labels import EvidenceItem, get_programme
from cartotech.settings import Settings
from cartotech.store import get_actor
from cartotech.store.candidacies import get_candidacy, list_candidacies
from cartotech.store.candidacy_scores import score_candidacy
from cartotech.store.events import actor_calendar, get_event, territory_calendar
from cartotech.store.funding import FundingState, list_funding_calls, matching_calls
from cartotech.store.petitions import get_petition, list_petitions, petition_signatories
from cartotech.web.deps import ConnectionDep, ReferentialDep
from cartotech.web.pages.candidacies import evidence_link, score_as_of
from cartotech.web.pages.forms import LOCAL_TZ, local_today, place_label
from cartotech.web.participation_schemas import (
    CandidacyPublic,
    CandidacySummary,
    EventList,
    EventPublic,
    FundingCallList,
    PetitionPublic,
    PetitionSummary,
)

router = APIRouter(prefix="/api/v1", tags=["participation"])

DayQuery = Annotated[date | None, Query(description="From this day (YYYY-MM-DD), inclusive")]
UntilQuery = Annotated[date | None, Query(description="Until this day (YYYY-MM-DD), exclusive")]
ICS_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {}}, "description": "An iCalendar (RFC 5545) file"}
}


def _moment(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ) if day else None


def _event_public(row: dict[str, Any]) -> dict[str, Any]:
    source = {"key": row["source_key"], "kind": "submitter", "title": row["source_title"],
              "submitter": row["source_submitter"]}  # fmt: skip
    return {**row, "source": source}


def _ics(
    request: Request, rows: list[dict[str, Any]], name: str, referential: Referential
) -> Response:
    settings: Settings = request.app.state.settings
    host = urlsplit(settings.public_url or str(request.base_url)).hostname or "cartotech"
    named = [
        {**row, "territory_name": place_label(row["territory_id"], referential)} for row in rows
    ]
    body = render_ics(named, calendar_name=name, host=host)
    return Response(body, media_type=ICS_MEDIA_TYPE)


@router.get(
    "/territories/{territory_id}/events",
    summary="The calendar of a territory (and of the territories inside it)",
    response_model=EventList,
)
def territory_events(
    conn: ConnectionDep,
    referential: ReferentialDep,
    territory_id: str,
    start: DayQuery = None,
    end: UntilQuery = None,
) -> dict[str, Any]:
    referential.get(territory_id)
    rows = territory_calendar(
        conn, territory_id, referential=referential, start=_moment(start), end=_moment(end)
    )
    return {"items": [_event_public(r) for r in rows]}


@router.get(
    "/territories/{territory_id}/events.ics",
    summary="The calendar of a territory as an iCalendar file",
    response_class=Response,
    responses=ICS_RESPONSE,
)
def territory_events_ics(
    request: Request, conn: ConnectionDep, referential: ReferentialDep, territory_id: str
) -> Response:
    territory = referential.get(territory_id)
    rows = territory_calendar(conn, territory_id, referential=referential, limit=1000)
    return _ics(request, rows, f"cartotech — {territory.name}", referential)


@router.get(
    "/actors/{actor_id}/events",
    summary="The events an actor organises",
    response_model=EventList,
)
def actor_events(
    conn: ConnectionDep,
    actor_id: Annotated[int, Path(ge=1)],
    start: DayQuery = None,
    end: UntilQuery = None,
) -> dict[str, Any]:
    get_actor(conn, actor_id)
    rows = actor_calendar(conn, actor_id, start=_moment(start), end=_moment(end))
    return {"items": [_event_public(r) for r in rows]}


@router.get(
    "/actors/{actor_id}/events.ics",
    summary="The events an actor organises, as an iCalendar file",
    response_class=Response,
    responses=ICS_RESPONSE,
)
def actor_events_ics(
    request: Request,
    conn: ConnectionDep,
    referential: ReferentialDep,
    actor_id: Annotated[int, Path(ge=1)],
) -> Response:
    actor = get_actor(conn, actor_id)
    rows = actor_calendar(conn, actor_id, limit=1000)
    return _ics(request, rows, f"cartotech — {actor['name']}", referential)


@router.get("/events/{event_id}", summary="One accepted event", response_model=EventPublic)
def read_event(conn: ConnectionDep, event_id: Annotated[int, Path(ge=1)]) -> dict[str, Any]:
    row = get_event(conn, event_id)
    if row["state"] != EventState.ACCEPTED.value:
        raise NotFound(f"no event {event_id}", field="event")
    return _event_public(row)


@router.get(
    "/funding-calls",
    summary="Funding calls and programmes, open or closed today",
    response_model=FundingCallList,
)
def funding_calls(
    conn: ConnectionDep,
    state: Annotated[FundingState, Query(description="open, closed or all, today")] = "all",
    territory: Annotated[str | None, Query(description="Calls scoped to this territory id")] = None,
    sector: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    today = local_today()
    calls = list_funding_calls(
        conn, as_of=today, state=state, territory_id=territory, sector=sector, limit=500
    )
    return {"as_of": today, "items": calls}


@router.get(
    "/actors/{actor_id}/funding-calls",
    summary="The open calls matching an actor's place and sectors",
    response_model=FundingCallList,
)
def actor_funding_calls(
    conn: ConnectionDep, referential: ReferentialDep, actor_id: Annotated[int, Path(ge=1)]
) -> dict[str, Any]:
    today = local_today()
    return {
        "as_of": today,
        "items": matching_calls(conn, actor_id, as_of=today, referential=referential),
    }


@router.get(
    "/petitions", summary="Petitions and their counts", response_model=list[PetitionSummary]
)
def petitions(conn: ConnectionDep) -> list[dict[str, Any]]:
    return list_petitions(conn)


@router.get(
    "/petitions/{slug}",
    summary="A petition: confirmed signatures, organisations, consenting names",
    response_model=PetitionPublic,
)
def read_petition(conn: ConnectionDep, slug: str) -> dict[str, Any]:
    petition = get_petition(conn, slug)
    signatories = petition_signatories(conn, petition["id"])
    organisations = [
        {"actor_id": i, "name": n, "signatures": c} for i, n, c in signatories.organisations
    ]
    return {**petition, "count": signatories.count, "organisations": organisations,
            "names": signatories.names}  # fmt: skip


@router.get("/candidacies", summary="Label candidacies", response_model=list[CandidacySummary])
def candidacies(conn: ConnectionDep) -> list[dict[str, Any]]:
    return list_candidacies(conn)


def _evidence(item: EvidenceItem) -> dict[str, Any]:
    return {"kind": item.kind, "id": item.id, "label": item.label, "value": item.value,
            "href": evidence_link(item), "source": dict(item.source),
            "detail": dict(item.detail)}  # fmt: skip


@router.get(
    "/candidacies/{candidacy_id}",
    summary="A candidacy and its score: each criterion's value, evidence, points, formula",
    response_model=CandidacyPublic,
)
def read_candidacy(
    conn: ConnectionDep,
    referential: ReferentialDep,
    candidacy_id: Annotated[int, Path(ge=1)],
    as_of: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
    lang: Annotated[str, Query(pattern="^(fr|en)$")] = "fr",
) -> dict[str, Any]:
    candidacy = get_candidacy(conn, candidacy_id)
    day = score_as_of(as_of)
    score = score_candidacy(conn, candidacy_id, as_of=day, referential=referential)
    criteria = [
        {
            "key": s.criterion.key,
            "label": s.criterion.label[lang],
            "kind": s.criterion.kind,
            "required": s.criterion.required,
            "threshold": s.criterion.threshold,
            "weight": s.criterion.weight,
            "scoring": s.criterion.scoring,
            "value": s.value,
            "points": s.points,
            "met": s.met,
            "formula": s.formula,
            "missing": s.missing,
            "evidence": [_evidence(i) for i in s.evidence],
            "pending": [_evidence(i) for i in s.pending],
        }  # fmt: skip
        for s in score.criteria
    ]
    return {
        **candidacy,
        "programme_name": get_programme(candidacy["programme_key"]).name[lang],
        "petitions": list_petitions(conn, candidacy_id=candidacy_id),
        "score": {"as_of": day, "total": score.total, "max_total": score.max_total,
                  "eligible": score.eligible, "formula": score.formula,
                  "missing_required": list(score.missing_required), "criteria": criteria},
    }  # fmt: skip

"""The moderation queue: verified submissions (new organisations, claims, owners'
edits), submitted events and declared evidence of candidacies, with their decisions.

Who sees what: moderators and administrators everything; a territory manager
the events placed in their territories (the store checks every decision again,
so a hand-made request gets 403). Accepting a new organisation or a claim
makes the contact an owner; when that person has no password yet, they get an
invitation email with a "set your password" link (``/invitation``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Connection, Engine

from cartotech.domain.participation import (
    EventState,
    Role,
    SubmissionKind,
    SubmissionState,
    User,
)
from cartotech.domain.permissions import can_moderate, has_role, require
from cartotech.errors import InputError
from cartotech.geo import Referential
from cartotech.labels import get_programme
from cartotech.mail import MailFailed, MailUnavailable
from cartotech.store import unit_of_work
from cartotech.store.candidacy_evidence import decide_evidence, list_pending_evidence
from cartotech.store.duplicates import DuplicateQuery, likely_duplicates_of
from cartotech.store.events import accept_event, list_events, reject_event
from cartotech.store.logins import PASSWORD_TOKEN_TTL
from cartotech.store.moderation import (
    SubmissionDecision,
    accept_submission,
    merge_submission,
    reject_submission,
)
from cartotech.store.submissions import get_submission, list_submissions
from cartotech.web.auth import UserDep
from cartotech.web.deps import ConnectionDep, ReferentialDep
from cartotech.web.notifications import public_link, send_mail
from cartotech.web.pages.forms import event_view, place_label
from cartotech.web.pages.rendering import render

__all__ = ["can_see_queue", "router"]

router = APIRouter(prefix="/moderation", include_in_schema=False)

Reason = Annotated[str, Form(max_length=2100)]
QUEUE_SIZE = 100
DONE = {"accepted", "rejected", "merged", "event_accepted", "event_rejected",
        "evidence_accepted", "evidence_rejected"}  # fmt: skip


def can_see_queue(user: User) -> bool:
    return can_moderate(user) or has_role(user, Role.TERRITORY_MANAGER)


def _submission_views(
    conn: Connection, rows: list[dict[str, Any]], referential: Referential
) -> list[dict[str, Any]]:
    """The queue's submissions with their place and, for new organisations, the close
    actors of the directory (found for the whole queue at once)."""
    new = [row for row in rows if row["kind"] == SubmissionKind.NEW.value]
    queries = [
        DuplicateQuery(row["name"], row["territory_id"], row["payload"].get("siren")) for row in new
    ]
    found = likely_duplicates_of(conn, queries, referential=referential)
    duplicates = {row["id"]: candidates for row, candidates in zip(new, found, strict=True)}
    return [
        {**row, "place": place_label(row["territory_id"], referential),
         "duplicates": duplicates.get(row["id"], [])}
        for row in rows
    ]  # fmt: skip


def _pending_evidence(conn: Connection) -> list[dict[str, Any]]:
    rows, _ = list_pending_evidence(conn, limit=QUEUE_SIZE)
    return [
        {**item, "candidacy": {"id": item["candidacy_id"], "name": item["candidacy_name"]},
         "criterion": get_programme(item["programme_key"]).criterion(item["criterion_key"])}
        for item in rows
    ]  # fmt: skip


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    user: UserDep,
    conn: ConnectionDep,
    referential: ReferentialDep,
    done: Annotated[str | None, Query(max_length=30)] = None,
    mail: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    require(can_see_queue(user), "the moderation queue is for moderators and territory managers")
    moderator = can_moderate(user)
    submissions: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    if moderator:
        rows, _ = list_submissions(conn, state=SubmissionState.VERIFIED, limit=QUEUE_SIZE)
        submissions = _submission_views(conn, rows, referential)
        evidence = _pending_evidence(conn)
    event_rows, _ = list_events(
        conn, state=EventState.SUBMITTED, limit=QUEUE_SIZE, referential=referential,
        territory_ids=None if moderator else user.territory_ids,
    )  # fmt: skip
    events = [event_view(row, referential) for row in event_rows]
    return render(
        request,
        "participation/moderation.html",
        {
            "nav": "moderation",
            "moderator": moderator,
            "submissions": submissions,
            "events": events,
            "evidence": evidence,
            "done": done if done in DONE else None,
            "mail_failed": mail == "failed",
        },
    )


def _invite(
    request: Request, conn: Connection, decision: SubmissionDecision, to: str | None
) -> str:
    """Email the new owner their "set your password" link; "" or "failed"."""
    if decision.invitation_token is None or not to:
        return ""
    name = get_submission(conn, decision.submission_id)["name"]
    link = public_link(request, "/invitation", token=decision.invitation_token)
    days = max(1, int(PASSWORD_TOKEN_TTL.total_seconds() // 86400))
    try:
        send_mail(request, to, "invitation", name=name, link=link, days=days)
    except (MailFailed, MailUnavailable):
        return "failed"
    return ""


def _back(done: str, mail: str = "") -> RedirectResponse:
    suffix = "&mail=failed" if mail else ""
    return RedirectResponse(f"/moderation?done={done}{suffix}", status_code=303)


def _decide_and_invite(
    request: Request,
    submission_id: int,
    done: str,
    decide: Callable[[Connection], SubmissionDecision],
) -> RedirectResponse:
    """Run ``decide(connection)`` on the submission in one unit of work, then email the
    invitation it may carry to the submission's contact; back to the queue."""
    engine: Engine = request.app.state.engine
    with unit_of_work(engine) as conn:
        contact = get_submission(conn, submission_id)["contact_email"]
        decision = decide(conn)
    with engine.connect() as conn:
        return _back(done, _invite(request, conn, decision, contact))


@router.post("/submissions/{submission_id}/accept")
def accept(
    request: Request,
    user: UserDep,
    referential: ReferentialDep,
    submission_id: Annotated[int, Path(ge=1)],
    note: Reason = "",
) -> RedirectResponse:
    return _decide_and_invite(
        request, submission_id, "accepted",
        lambda conn: accept_submission(
            conn, submission_id, by=user, referential=referential, note=note or None
        ),
    )  # fmt: skip


@router.post("/submissions/{submission_id}/reject")
def reject(
    request: Request,
    user: UserDep,
    submission_id: Annotated[int, Path(ge=1)],
    reason: Reason = "",
) -> RedirectResponse:
    engine: Engine = request.app.state.engine
    with unit_of_work(engine) as conn:
        reject_submission(conn, submission_id, by=user, reason=reason)
    return _back("rejected")


@router.post("/submissions/{submission_id}/merge")
def merge(
    request: Request,
    user: UserDep,
    referential: ReferentialDep,
    submission_id: Annotated[int, Path(ge=1)],
    into_actor: Annotated[str, Form(max_length=20)] = "",
    note: Reason = "",
) -> RedirectResponse:
    if not into_actor.strip().isdigit():
        raise InputError(
            "into_actor: choose the actor to merge into (its number, from its page address)",
            field="into_actor",
        )
    return _decide_and_invite(
        request, submission_id, "merged",
        lambda conn: merge_submission(
            conn, submission_id, int(into_actor), by=user, referential=referential,
            note=note or None,
        ),
    )  # fmt: skip


@router.post("/events/{event_id}/{decision}")
def decide_event(
    request: Request,
    user: UserDep,
    referential: ReferentialDep,
    event_id: Annotated[int, Path(ge=1)],
    decision: Annotated[str, Path(pattern="^(accept|reject)$")],
    reason: Reason = "",
) -> RedirectResponse:
    engine: Engine = request.app.state.engine
    with unit_of_work(engine) as conn:
        if decision == "accept":
            accept_event(conn, event_id, by=user, referential=referential, note=reason or None)
        else:
            reject_event(conn, event_id, by=user, referential=referential, reason=reason)
    return _back(f"event_{decision}ed")


@router.post("/evidence/{evidence_id}/{decision}")
def decide_declared(
    request: Request,
    user: UserDep,
    evidence_id: Annotated[int, Path(ge=1)],
    decision: Annotated[str, Path(pattern="^(accept|reject)$")],
    reason: Reason = "",
) -> RedirectResponse:
    engine: Engine = request.app.state.engine
    with unit_of_work(engine) as conn:
        decide_evidence(
            conn, evidence_id, accept=decision == "accept", by=user, reason=reason or None
        )
    return _back(f"evidence_{decision}ed")

"""The moderation queue: verified submissions (new organisations, claims, owners'
edits), submitted events and declared evidence of candidacies, with their decisions.

Who sees what: moderators and administrators everything; a territory manager
the events placed in their territories (the store checks every decision again,
so a hand-made request gets 403). Accepting a new organisation or a claim
makes the contact an owner; when that person has no password yet, they get an
invitation email with a "set your password" link (``/invitation``). Rejecting
a presentation or a claim emails its contact the reason.

Emails are sent once the decision is committed, with no database connection
held: a failed email does not undo it; it is logged and the moderator is told.
Owners who have not set their password are listed under the queue, and a
moderator can send them a new invitation
(``POST /moderation/invitations/{user_id}/resend``); once it is emailed, the
earlier links are withdrawn (a failed email leaves them working).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
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
from cartotech.store.actors import identifiers_of
from cartotech.store.candidacy_evidence import decide_evidence, list_pending_evidence
from cartotech.store.duplicates import DuplicateQuery, likely_duplicates_of
from cartotech.store.events import accept_event, list_events, reject_event
from cartotech.store.invitations import (
    list_pending_invitations,
    resend_invitation,
    withdraw_earlier_links,
)
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
from cartotech.web.notifications import MailKind, public_link, send_mail
from cartotech.web.pages.forms import event_view, place_label, show_time
from cartotech.web.pages.rendering import render

__all__ = ["can_see_queue", "router"]

router = APIRouter(prefix="/moderation", include_in_schema=False)
logger = logging.getLogger(__name__)

Reason = Annotated[str, Form(max_length=2100)]
QUEUE_SIZE = 100
DONE = {"accepted", "rejected", "merged", "event_accepted", "event_rejected",
        "evidence_accepted", "evidence_rejected", "invitation_sent"}  # fmt: skip
# What the queue says when the email of what was done failed, by what was done (a resend
# whose email failed changed nothing the person would see: that is all it says).
MAIL_FAILED = {"rejected": "moderation_mail_failed_rejected",
               "invitation_sent": "moderation_mail_failed_resend"}  # fmt: skip
# The email telling a rejected submission's contact why, by kind. An owner's rejected
# edit sends none for now: its author proposed it logged in, not from an emailed link.
REJECTION_MAILS: dict[str, MailKind] = {
    SubmissionKind.NEW.value: "presentation_rejected",
    SubmissionKind.CLAIM.value: "claim_rejected",
}
INVITATION_DAYS = max(1, int(PASSWORD_TOKEN_TTL.total_seconds() // 86400))


def can_see_queue(user: User) -> bool:
    return can_moderate(user) or has_role(user, Role.TERRITORY_MANAGER)


def _submission_views(
    conn: Connection, rows: list[dict[str, Any]], referential: Referential
) -> list[dict[str, Any]]:
    """The queue's submissions with their place; for new organisations the close actors
    of the directory, for claims and edits the identifiers their actor has now (each
    found for the whole queue at once)."""
    new = [row for row in rows if row["kind"] == SubmissionKind.NEW.value]
    queries = [
        DuplicateQuery(row["name"], row["territory_id"], row["payload"].get("siren")) for row in new
    ]
    found = likely_duplicates_of(conn, queries, referential=referential)
    duplicates = {row["id"]: candidates for row, candidates in zip(new, found, strict=True)}
    existing = [row["actor_id"] for row in rows if row["kind"] != SubmissionKind.NEW.value]
    identifiers = identifiers_of(conn, (i for i in existing if i is not None))
    return [
        {**row, "place": place_label(row["territory_id"], referential),
         "duplicates": duplicates.get(row["id"], []),
         "current": {} if row["kind"] == SubmissionKind.NEW.value
                    else identifiers.get(row["actor_id"], {})}
        for row in rows
    ]  # fmt: skip


def _invitation_views(conn: Connection) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {"invitation": item, "expired": item.link_expired(now),
         "expires": show_time(item.link_expires_at)}
        for item in list_pending_invitations(conn, limit=QUEUE_SIZE)
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
    invitations: list[dict[str, Any]] = []
    if moderator:
        rows, _ = list_submissions(conn, state=SubmissionState.VERIFIED, limit=QUEUE_SIZE)
        submissions = _submission_views(conn, rows, referential)
        evidence = _pending_evidence(conn)
        invitations = _invitation_views(conn)
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
            "invitations": invitations,
            "invitation_days": INVITATION_DAYS,
            **_notices(done if done in DONE else None, mail == "failed"),
        },
    )


def _notices(done: str | None, mail_failed: bool) -> dict[str, str | None]:
    """The queue's message keys after an action: ``notice`` what was done, ``alert`` the
    email that could not be sent (a failed resend has no notice: nothing was done)."""
    notice = f"moderation_done_{done}" if done else None
    if not mail_failed:
        return {"notice": notice, "alert": None}
    if done == "invitation_sent":
        notice = None
    return {"notice": notice, "alert": MAIL_FAILED.get(done or "", "moderation_mail_failed")}


def _send(request: Request, to: str, kind: MailKind, about: str, **values: Any) -> str:
    """Send a decision's email (its write is committed): "" or "failed". A failure
    leaves the decision as it is: it is logged, and the queue tells the moderator."""
    try:
        send_mail(request, to, kind, **values)
    except (MailFailed, MailUnavailable) as exc:
        logger.warning("the %s email of %s was not sent: %s", kind, about, exc.message)
        return "failed"
    return ""


def _invitation_mail(
    request: Request, to: str, names: tuple[str, ...], token: str, about: str
) -> str:
    """Email an owner their "set your password" link."""
    link = public_link(request, "/invitation", token=token)
    return _send(request, to, "invitation", about, name=", ".join(names), link=link,
                 days=INVITATION_DAYS)  # fmt: skip


def _decision_mail(
    request: Request, submission: dict[str, Any], decision: SubmissionDecision
) -> str:
    """Email the submission's contact (``submission`` as decided) what the decision
    means for them: the invitation of a new owner without a password, or why their
    presentation or claim was rejected. "" (sent, or nothing to send) or "failed"."""
    to = submission["contact_email"]  # None once erased at the person's request
    about = f"submission {decision.submission_id}"
    if not to:
        return ""
    if decision.invitation_token is not None:
        names = (submission["name"],)
        return _invitation_mail(request, to, names, decision.invitation_token, about)
    rejection = REJECTION_MAILS.get(submission["kind"])
    if decision.state is SubmissionState.REJECTED and rejection is not None:
        return _send(request, to, rejection, about, name=submission["name"],
                     reason=submission["decision_reason"])  # fmt: skip
    return ""


def _back(done: str, mail: str = "") -> RedirectResponse:
    suffix = "&mail=failed" if mail else ""
    return RedirectResponse(f"/moderation?done={done}{suffix}", status_code=303)


def _decide(
    request: Request,
    done: str,
    decide: Callable[[Connection], SubmissionDecision],
) -> RedirectResponse:
    """Run ``decide(connection)`` in one unit of work, which also reads what the email
    needs; once committed (and the connection back in the pool: an SMTP exchange may
    take seconds), email the submission's contact about it; back to the queue."""
    engine: Engine = request.app.state.engine
    with unit_of_work(engine) as conn:
        decision = decide(conn)
        submission = get_submission(conn, decision.submission_id)
    return _back(done, _decision_mail(request, submission, decision))


@router.post("/submissions/{submission_id}/accept")
def accept(
    request: Request,
    user: UserDep,
    referential: ReferentialDep,
    submission_id: Annotated[int, Path(ge=1)],
    note: Reason = "",
) -> RedirectResponse:
    return _decide(
        request, "accepted",
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
    return _decide(
        request, "rejected",
        lambda conn: reject_submission(conn, submission_id, by=user, reason=reason),
    )  # fmt: skip


@router.post("/invitations/{user_id}/resend")
def resend(
    request: Request, user: UserDep, user_id: Annotated[int, Path(ge=1)]
) -> RedirectResponse:
    """A new invitation for an owner who has not set their password (the email of the
    first failed, or its link expired); once it is emailed, the earlier links stop
    working. When the email fails they still work, and the moderator is told."""
    engine: Engine = request.app.state.engine
    with unit_of_work(engine) as conn:
        again = resend_invitation(conn, user_id, by=user)
    about = f"user {user_id} (sent again)"
    mail = _invitation_mail(request, again.email, again.actor_names, again.token, about)
    if not mail:
        with unit_of_work(engine) as conn:
            withdraw_earlier_links(conn, again, by=user)
    return _back("invitation_sent", mail)


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
    return _decide(
        request, "merged",
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

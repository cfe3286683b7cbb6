"""Self-presentation: "present your organisation", "this profile is mine", owners' edits.

The life of a submission::

    submitted --(email link)--> verified --(moderator)--> accepted | rejected | merged

- :func:`present_organisation` files a new organisation and returns the token
  of its email link (only a hash is stored; it expires after ``VERIFY_TTL``).
  :func:`likely_duplicates` (:mod:`cartotech.store.duplicates`) lets the form
  ask "is this you?" first, and
  :func:`claim_actor` files a claim of an existing actor instead.
- :func:`verify_submission` follows the link: the submission joins the
  moderation queue (:func:`list_submissions`).
- :func:`propose_actor_edit`: an owner's (or manager's) change, queued as
  verified at once (the account's email is known).
- Decisions are in :mod:`cartotech.store.moderation`.

A logged-in user submitting with their own account's email skips the link.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select, update

from cartotech.domain.participation import (
    ActorEdit,
    ActorSubmission,
    SubmissionKind,
    SubmissionState,
    SystemActor,
    User,
    Who,
)
from cartotech.domain.participation_errors import InvalidToken, TokenExpired
from cartotech.domain.permissions import can_edit_actor, require
from cartotech.domain.validation import (
    MAX_LONG_TEXT,
    MAX_NAME,
    clean_actor_edit,
    clean_identifiers,
    clean_submission,
    clean_text,
    normalize_email,
)
from cartotech.errors import InputError, NotFound
from cartotech.geo import Referential
from cartotech.store._jsontext import to_json
from cartotech.store._participation import (
    hash_token,
    new_token,
    require_actor,
    user_id_of,
    utc_now,
)
from cartotech.store.audit import record_audit
from cartotech.store.placement import place_on_territory
from cartotech.store.schema import actors, submissions

__all__ = [
    "VERIFY_TTL",
    "SubmissionReceipt",
    "claim_actor",
    "get_submission",
    "list_submissions",
    "present_organisation",
    "propose_actor_edit",
    "verify_submission",
]

VERIFY_TTL = timedelta(hours=48)


@dataclass(frozen=True)
class SubmissionReceipt:
    """What filing a submission gave: its id, its state and, when the email must be
    verified, the token for the link (email it; it is not stored in clear)."""

    submission_id: int
    state: SubmissionState
    token: str | None


def _own_email(by: Who, email: str | None) -> bool:
    return isinstance(by, User) and email is not None and by.email == email


def _insert(
    conn: Connection,
    *,
    kind: SubmissionKind,
    name: str,
    territory_id: str | None,
    payload: dict[str, Any],
    actor_id: int | None,
    contact_email: str | None,
    contact_name: str | None,
    by: Who,
    now: datetime,
    verified: bool,
    ttl: timedelta = VERIFY_TTL,
) -> SubmissionReceipt:
    token = None if verified else new_token()
    state = SubmissionState.VERIFIED if verified else SubmissionState.SUBMITTED
    values = {
        "kind": kind.value,
        "state": state.value,
        "name": name,
        "territory_id": territory_id,
        "payload": to_json(payload),
        "actor_id": actor_id,
        "contact_email": contact_email,
        "contact_name": contact_name,
        "user_id": user_id_of(by),
        "token_hash": hash_token(token) if token else None,
        "token_expires_at": now + ttl if token else None,
        "verified_at": now if verified else None,
        "created_at": now,
        "updated_at": now,
    }
    submission_id = int(
        conn.execute(submissions.insert().values(**values).returning(submissions.c.id)).scalar_one()
    )
    after = {"kind": kind.value, "state": state.value, "name": name, "actor_id": actor_id,
             "territory_id": territory_id, "payload": payload}  # fmt: skip
    record_audit(conn, by, f"submission.{kind.value}", "submission", submission_id, after=after,
                 at=now)  # fmt: skip
    return SubmissionReceipt(submission_id, state, token)


def present_organisation(
    conn: Connection,
    submission: ActorSubmission,
    *,
    referential: Referential,
    by: Who = SystemActor.PUBLIC,
    now: datetime | None = None,
) -> SubmissionReceipt:
    """File a new organisation (the public form). Checked whole: name, type, commune
    (an id of the referential), website, SIREN/SIRET check digits, contact email."""
    now = utc_now(now)
    clean = clean_submission(submission)
    place_on_territory(clean.territory_id, referential)  # refuses an unknown territory
    payload = asdict(clean)
    for private in ("contact_email", "contact_name"):
        payload.pop(private)
    return _insert(
        conn, kind=SubmissionKind.NEW, name=clean.name, territory_id=clean.territory_id,
        payload=payload, actor_id=None, contact_email=clean.contact_email,
        contact_name=clean.contact_name, by=by, now=now,
        verified=_own_email(by, clean.contact_email),
    )  # fmt: skip


def claim_actor(
    conn: Connection,
    actor_id: int,
    *,
    contact_email: str,
    contact_name: str | None = None,
    siren: str | None = None,
    siret: str | None = None,
    message: str | None = None,
    by: Who = SystemActor.PUBLIC,
    now: datetime | None = None,
) -> SubmissionReceipt:
    """File a claim of an existing actor ("this is us"): once the email is verified, a
    moderator accepts it and the contact becomes the actor's owner."""
    now = utc_now(now)
    actor = require_actor(conn, actor_id)
    email = normalize_email(contact_email, field="contact_email")
    clean_siren, clean_siret = clean_identifiers(siren, siret)
    payload = {
        "siren": clean_siren,
        "siret": clean_siret,
        "message": clean_text(message, field="message", max_length=MAX_LONG_TEXT, multiline=True),
    }
    return _insert(
        conn, kind=SubmissionKind.CLAIM, name=actor.name, territory_id=actor.territory_id,
        payload=payload, actor_id=actor_id, contact_email=email,
        contact_name=clean_text(contact_name, field="contact_name", max_length=MAX_NAME),
        by=by, now=now, verified=_own_email(by, email),
    )  # fmt: skip


def propose_actor_edit(
    conn: Connection,
    actor_id: int,
    edit: ActorEdit,
    *,
    by: User,
    referential: Referential,
    now: datetime | None = None,
) -> SubmissionReceipt:
    """Queue an owner's change to their actor for moderation. Owners of *this* actor,
    managers of its territory and moderators may propose; others get PermissionDenied."""
    now = utc_now(now)
    actor = require_actor(conn, actor_id)
    require(
        can_edit_actor(
            by, actor_id, actor_territory_id=actor.territory_id, referential=referential
        ),
        f"you may not edit actor {actor_id}: only its owners, the managers of its "
        "territory and moderators may",
    )
    clean = clean_actor_edit(edit)
    if clean.territory_id is not None:
        place_on_territory(clean.territory_id, referential)
    changes = {k: v for k, v in asdict(clean).items() if v is not None}
    if not changes:
        raise InputError("the edit changes nothing", field="edit")
    return _insert(
        conn, kind=SubmissionKind.EDIT, name=clean.name or actor.name,
        territory_id=clean.territory_id or actor.territory_id, payload=changes,
        actor_id=actor_id, contact_email=by.email, contact_name=by.display_name, by=by,
        now=now, verified=True,
    )  # fmt: skip


def verify_submission(conn: Connection, token: str, *, now: datetime | None = None) -> int:
    """Follow an email link: the submission moves to the moderation queue; returns its id.
    Following the link again is harmless."""
    now = utc_now(now)
    row = conn.execute(
        select(submissions).where(submissions.c.token_hash == hash_token(token or ""))
    ).first()
    if row is None:
        raise InvalidToken("this confirmation link is not valid: check that it was not cut")
    if row.state != SubmissionState.SUBMITTED.value:
        return int(row.id)
    if row.token_expires_at <= now:
        raise TokenExpired("this confirmation link has expired: please submit the form again")
    conn.execute(
        update(submissions)
        .where(submissions.c.id == row.id)
        .values(state=SubmissionState.VERIFIED.value, verified_at=now, updated_at=now)
    )
    record_audit(conn, SystemActor.PUBLIC, "submission.verify", "submission", row.id,
                 before={"state": row.state}, after={"state": "verified"}, at=now)  # fmt: skip
    return int(row.id)


def _view(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    data["payload"] = json.loads(data["payload"])
    data.pop("token_hash", None)
    return data


def _select() -> Any:
    return select(submissions, actors.c.name.label("actor_name")).outerjoin(
        actors, actors.c.id == submissions.c.actor_id
    )


def get_submission(conn: Connection, submission_id: int) -> dict[str, Any]:
    """A submission with its ``payload`` (the cleaned form) and the actor's name."""
    row = conn.execute(_select().where(submissions.c.id == submission_id)).first()
    if row is None:
        raise NotFound(f"no submission {submission_id}", field="submission")
    return _view(row)


def list_submissions(
    conn: Connection,
    *,
    state: SubmissionState | None = SubmissionState.VERIFIED,
    kind: SubmissionKind | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """The moderation queue (verified submissions, oldest first) or any state (None:
    all); and the total."""
    where = []
    if state is not None:
        where.append(submissions.c.state == SubmissionState(state).value)
    if kind is not None:
        where.append(submissions.c.kind == SubmissionKind(kind).value)
    total = conn.execute(select(func.count()).select_from(submissions).where(*where)).scalar_one()
    rows = conn.execute(
        _select().where(*where).order_by(submissions.c.created_at, submissions.c.id)
        .limit(limit).offset(offset)
    )  # fmt: skip
    return [_view(r) for r in rows], int(total)

"""Moderators' decisions on submissions: accept, reject with a reason, merge.

- Accepting a **new** organisation creates the actor, citing a 'submitter'
  source (``submission-<id>``: the organisation's own presentation, email
  verified, accepted by a moderator); its SIREN/SIRET are kept in
  ``actor_identifiers``; the verified contact becomes the actor's owner (an
  account without password is created if needed: the decision carries a
  password token for the invitation email).
- Accepting a **claim** makes the contact an owner of the claimed actor.
- Accepting an **edit** applies the change to the actor, which then cites the
  edit's source; the audit log keeps the actor before and after. The edit form
  shows the actor's SIREN and one SIRET, and sends both, with the ones shown,
  when either changed: each new one replaces the one shown (a SIRET emptied is
  removed), and the actor's other SIRETs (other establishments) stay.
- **Merging** a new organisation into an existing actor keeps the submitted
  name as an alias, adds the identifiers and makes the contact an owner.
- Rejecting needs a reason, kept with the submission.

Only moderators and administrators decide (PermissionDenied otherwise); only
verified submissions can be decided (InvalidState otherwise).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from cartotech.domain import ActorRecord, ActorType, SourceKind, SourceRecord
from cartotech.domain.participation import (
    SubmissionKind,
    SubmissionState,
    SystemActor,
    User,
)
from cartotech.domain.participation_errors import InvalidState
from cartotech.domain.permissions import can_moderate, require
from cartotech.domain.validation import MAX_COMMENT, clean_text
from cartotech.errors import ConflictError, NotFound
from cartotech.geo import Referential
from cartotech.normalize import slugify
from cartotech.store._participation import require_actor, utc_now
from cartotech.store._sql import insert_ignoring_duplicates
from cartotech.store.accounts import make_owner
from cartotech.store.actors import actor_id_by_key, identifiers_of, upsert_actor
from cartotech.store.audit import record_audit
from cartotech.store.logins import issue_password_token
from cartotech.store.schema import actor_aliases, actor_identifiers, actor_sectors, submissions
from cartotech.store.sources import ensure_source

__all__ = [
    "SubmissionDecision",
    "accept_submission",
    "actor_snapshot",
    "merge_submission",
    "reject_submission",
]


@dataclass(frozen=True)
class SubmissionDecision:
    """What a decision did. ``invitation_token``: the new owner has no password yet;
    email them a "set your password" link with it."""

    submission_id: int
    state: SubmissionState
    actor_id: int | None = None
    actor_created: bool = False
    owner_user_id: int | None = None
    invitation_token: str | None = None


def _pending(conn: Connection, submission_id: int, by: User) -> Any:
    require(can_moderate(by), "only moderators and administrators decide submissions")
    row = conn.execute(
        select(submissions).where(submissions.c.id == submission_id).with_for_update()
    ).first()
    if row is None:
        raise NotFound(f"no submission {submission_id}", field="submission")
    if row.state != SubmissionState.VERIFIED.value:
        hint = " (its email is not verified yet)" if row.state == "submitted" else ""
        raise InvalidState(f"submission {submission_id} is {row.state}{hint}: cannot decide it")
    return row


def _source(conn: Connection, row: Any) -> int:
    """The 'submitter' source of a submission's facts (no personal data in it)."""
    what = {"new": "self-presentation", "claim": "claim", "edit": "owner's edit"}[row.kind]
    record = SourceRecord(
        key=f"submission-{row.id}",
        kind=SourceKind.SUBMITTER,
        title=f"Participation form: {what} of {row.name} (submission #{row.id}), "
        "email verified and accepted by a moderator",
        submitter=f"{row.name} ({what}, submission #{row.id})",
    )
    source_id, _ = ensure_source(conn, record)
    return source_id


def actor_snapshot(conn: Connection, actor_id: int) -> dict[str, Any]:
    """The editable fields of an actor, as the audit log keeps them."""
    row = require_actor(conn, actor_id)
    aliases = conn.execute(
        select(actor_aliases.c.alias).where(actor_aliases.c.actor_id == actor_id)
    ).scalars()
    sectors = conn.execute(
        select(actor_sectors.c.sector).where(actor_sectors.c.actor_id == actor_id)
    ).scalars()
    return {
        "key": row.key, "name": row.name, "type": row.type, "territory_id": row.territory_id,
        "place_label": row.place_label, "website": row.website,
        "description_fr": row.description_fr, "description_en": row.description_en,
        "aliases": sorted(aliases), "sectors": sorted(sectors), "source_id": row.source_id,
        "lat": row.lat, "lon": row.lon,
        "identifiers": identifiers_of(conn, [actor_id]).get(actor_id, {}),
    }  # fmt: skip


_PLAIN_FIELDS = (
    "key", "name", "territory_id", "place_label", "website", "description_fr", "description_en",
    "lat", "lon",
)  # fmt: skip


def _record_of(snapshot: dict[str, Any], source_key: str, **changes: Any) -> ActorRecord:
    values = {k: snapshot[k] for k in _PLAIN_FIELDS}
    values.update(changes)
    if "territory_id" in changes and changes["territory_id"] != snapshot["territory_id"]:
        values["lat"] = values["lon"] = None  # placed on the new territory
    return ActorRecord(
        type=ActorType(changes.get("type", snapshot["type"])),
        source_key=source_key,
        aliases=tuple(changes.get("aliases", snapshot["aliases"])),
        sectors=tuple(changes.get("sectors", snapshot["sectors"])),
        **{k: v for k, v in values.items() if k not in ("type", "aliases", "sectors")},
    )


_SCHEMES = ("siren", "siret")
# In an edit's payload: the identifier of each scheme the form showed, which it replaces.
_REPLACED = {scheme: f"replaces_{scheme}" for scheme in _SCHEMES}


def _add_identifiers(conn: Connection, actor_id: int, payload: dict[str, Any], source: int) -> None:
    rows = [
        {"actor_id": actor_id, "scheme": scheme, "value": payload[scheme], "source_id": source}
        for scheme in _SCHEMES
        if payload.get(scheme)
    ]
    insert_ignoring_duplicates(conn, actor_identifiers, rows)


def _replace_identifiers(
    conn: Connection, actor_id: int, payload: dict[str, Any], source: int
) -> None:
    """An edit's SIREN or SIRET takes the place of the one its form showed (emptied:
    that one goes; none shown: it is added). The actor's other identifiers stay: a
    company has a SIRET per establishment, and the form shows one."""
    for scheme, replaced in _REPLACED.items():
        old = payload.get(replaced)
        if old and old != payload.get(scheme):
            conn.execute(
                delete(actor_identifiers).where(
                    actor_identifiers.c.actor_id == actor_id,
                    actor_identifiers.c.scheme == scheme,
                    actor_identifiers.c.value == old,
                )
            )
    _add_identifiers(conn, actor_id, payload, source)


def _apply_edit(
    conn: Connection, row: Any, actor_id: int, payload: dict[str, Any], source_id: int, *,
    by: User, referential: Referential, now: datetime,
) -> None:  # fmt: skip
    """Apply an owner's edit, its identifiers included."""
    before = actor_snapshot(conn, actor_id)
    identifier_keys = {*_SCHEMES, *_REPLACED.values()}
    changes = {k: (v if v != "" else None) for k, v in payload.items() if k not in identifier_keys}
    record = _record_of(before, f"submission-{row.id}", **changes)
    upsert_actor(conn, record, source_id, referential)
    _replace_identifiers(conn, actor_id, payload, source_id)
    record_audit(conn, by, "actor.update", "actor", actor_id, before=before,
                 after=actor_snapshot(conn, actor_id), note=f"submission #{row.id}",
                 at=now)  # fmt: skip


def _new_actor_key(conn: Connection, name: str, submission_id: int) -> str:
    slug = slugify(name)[:150]
    if slug and actor_id_by_key(conn, slug) is None:
        return slug
    return f"{slug}-s{submission_id}" if slug else f"submission-{submission_id}"


def _make_owner(
    conn: Connection, row: Any, actor_id: int, by: User, now: datetime
) -> tuple[int | None, str | None]:
    if row.contact_email is None:  # erased at the person's request
        return None, None
    owner, _ = make_owner(
        conn, row.contact_email, actor_id, by=by, display_name=row.contact_name, now=now
    )
    token = None
    if not owner.has_password:
        token = issue_password_token(conn, owner.id, by=SystemActor.SYSTEM, now=now)
    return owner.id, token


def _close(
    conn: Connection, row: Any, state: SubmissionState, *, by: User, now: datetime,
    actor_id: int | None = None, source_id: int | None = None, reason: str | None = None,
) -> None:  # fmt: skip
    conn.execute(
        update(submissions)
        .where(submissions.c.id == row.id)
        .values(
            state=state.value, actor_id=actor_id if actor_id is not None else row.actor_id,
            decided_at=now, decided_by=by.id, decision_reason=reason, updated_at=now,
            source_id=source_id, token_hash=None,
        )
    )  # fmt: skip
    after = {"state": state.value, "actor_id": actor_id, "reason": reason}
    record_audit(conn, by, f"submission.{state.value if state.value != 'merged' else 'merge'}",
                 "submission", row.id, before={"state": row.state}, after=after,
                 at=now)  # fmt: skip


def accept_submission(
    conn: Connection,
    submission_id: int,
    *,
    by: User,
    referential: Referential,
    note: str | None = None,
    now: datetime | None = None,
) -> SubmissionDecision:
    """Accept a verified submission (see the module docstring for each kind)."""
    now = utc_now(now)
    row = _pending(conn, submission_id, by)
    payload = json.loads(row.payload)
    source_id = _source(conn, row)
    source_key = f"submission-{row.id}"
    note = clean_text(note, field="note", max_length=MAX_COMMENT, multiline=True)
    created = False
    if row.kind == SubmissionKind.NEW.value:
        record = ActorRecord(
            key=_new_actor_key(conn, payload["name"], row.id), name=payload["name"],
            type=ActorType(payload["type"]), source_key=source_key,
            sectors=tuple(payload["sectors"]), territory_id=payload["territory_id"],
            website=payload["website"], description_fr=payload["description_fr"],
            description_en=payload["description_en"],
        )  # fmt: skip
        actor_id, _ = upsert_actor(conn, record, source_id, referential)
        created = True
        _add_identifiers(conn, actor_id, payload, source_id)
        record_audit(conn, by, "actor.create", "actor", actor_id,
                     after=actor_snapshot(conn, actor_id), note=f"submission #{row.id}",
                     at=now)  # fmt: skip
    else:
        actor_id = row.actor_id
        if actor_id is None:
            raise ConflictError(f"submission {submission_id}: its actor no longer exists")
        if row.kind == SubmissionKind.EDIT.value:
            _apply_edit(conn, row, actor_id, payload, source_id, by=by, referential=referential,
                        now=now)  # fmt: skip
        else:
            _add_identifiers(conn, actor_id, payload, source_id)
    owner_id, token = (row.user_id, None)
    if row.kind != SubmissionKind.EDIT.value:
        owner_id, token = _make_owner(conn, row, actor_id, by, now)
    _close(conn, row, SubmissionState.ACCEPTED, by=by, now=now, actor_id=actor_id,
           source_id=source_id, reason=note)  # fmt: skip
    return SubmissionDecision(row.id, SubmissionState.ACCEPTED, actor_id, created, owner_id, token)


def reject_submission(
    conn: Connection,
    submission_id: int,
    *,
    by: User,
    reason: str,
    now: datetime | None = None,
) -> SubmissionDecision:
    """Reject a verified submission; ``reason`` is required and kept."""
    now = utc_now(now)
    text = clean_text(reason, field="reason", max_length=MAX_COMMENT, required=True, multiline=True)
    row = _pending(conn, submission_id, by)
    _close(conn, row, SubmissionState.REJECTED, by=by, now=now, reason=text)
    return SubmissionDecision(row.id, SubmissionState.REJECTED, row.actor_id)


def merge_submission(
    conn: Connection,
    submission_id: int,
    into_actor_id: int,
    *,
    by: User,
    referential: Referential,
    note: str | None = None,
    now: datetime | None = None,
) -> SubmissionDecision:
    """The presented organisation is ``into_actor_id``: keep its name as an alias, add
    its identifiers, make the contact an owner."""
    now = utc_now(now)
    row = _pending(conn, submission_id, by)
    if row.kind != SubmissionKind.NEW.value:
        raise InvalidState(f"submission {submission_id} is a {row.kind}: only new ones merge")
    before = actor_snapshot(conn, into_actor_id)
    payload = json.loads(row.payload)
    source_id = _source(conn, row)
    if slugify(payload["name"]) != slugify(before["name"]):
        aliases = sorted({*before["aliases"], payload["name"]})
        record = _record_of(before, f"submission-{row.id}", aliases=aliases)
        upsert_actor(conn, record, before["source_id"], referential)
    _add_identifiers(conn, into_actor_id, payload, source_id)
    record_audit(conn, by, "actor.update", "actor", into_actor_id, before=before,
                 after=actor_snapshot(conn, into_actor_id), note=f"merged submission #{row.id}",
                 at=now)  # fmt: skip
    owner_id, token = _make_owner(conn, row, into_actor_id, by, now)
    reason = clean_text(note, field="note", max_length=MAX_COMMENT, multiline=True)
    _close(conn, row, SubmissionState.MERGED, by=by, now=now, actor_id=into_actor_id,
           source_id=source_id, reason=reason)  # fmt: skip
    return SubmissionDecision(row.id, SubmissionState.MERGED, into_actor_id, False, owner_id, token)

"""Owners' invitations that did not lead to a password, and sending them again.

Accepting a presentation or a claim of a person without an account makes them
an owner without a password and gives them a "set your password" link by email
(:mod:`cartotech.store.moderation`). When that email failed or its link
expired (``PASSWORD_TOKEN_TTL``), a moderator sees the owner in
:func:`list_pending_invitations` and :func:`resend_invitation` issues a new
link; once it is emailed, :func:`withdraw_earlier_links` makes the earlier
links of that account stop working and audits the resend (so a failed email
takes nothing away from the person). An account gets at most ``RESEND_LIMIT``
attempts (each one emails a person who did not ask for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, exists, func, select, update

from cartotech.domain.participation import Role, User
from cartotech.domain.participation_errors import InvalidState
from cartotech.domain.permissions import can_moderate, require
from cartotech.store._participation import hash_token, utc_now
from cartotech.store.accounts import get_user
from cartotech.store.audit import record_audit
from cartotech.store.logins import issue_password_token
from cartotech.store.ratelimits import RateLimit, hit_rate_limit
from cartotech.store.schema import actors, user_roles, user_tokens, users

__all__ = [
    "RESEND_LIMIT",
    "PendingInvitation",
    "Reinvitation",
    "list_pending_invitations",
    "resend_invitation",
    "withdraw_earlier_links",
]

RESEND_LIMIT = RateLimit(3, timedelta(hours=1), "invitation emails to this account")


@dataclass(frozen=True)
class PendingInvitation:
    """An owner who has not set a password yet. ``link_expires_at``: the end of their
    newest unused link (None: they have none left)."""

    user_id: int
    email: str
    display_name: str | None
    actor_names: tuple[str, ...]
    link_expires_at: datetime | None

    def link_expired(self, now: datetime) -> bool:
        return self.link_expires_at is None or self.link_expires_at <= now


@dataclass(frozen=True)
class Reinvitation:
    """A new "set your password" link to email to ``email`` (only its hash is stored)."""

    user_id: int
    email: str
    actor_names: tuple[str, ...]
    token: str


def _password_links(user_id: int | None = None) -> list[ColumnElement[bool]]:
    """Conditions on ``user_tokens``: the unused password links (of ``user_id``)."""
    where: list[ColumnElement[bool]] = [
        user_tokens.c.purpose == "password",
        user_tokens.c.used_at.is_(None),
    ]
    if user_id is not None:
        where.append(user_tokens.c.user_id == user_id)
    return where


def list_pending_invitations(conn: Connection, *, limit: int = 100) -> list[PendingInvitation]:
    """Active owners without a password, invited earliest first, with the actors they
    own and the end of their newest link; one statement."""
    owner = (user_roles.c.user_id == users.c.id) & (user_roles.c.role == Role.ACTOR_OWNER.value)
    waiting = (
        select(users.c.id)
        .where(users.c.password_hash.is_(None), users.c.is_active, exists().where(owner))
        .order_by(users.c.created_at, users.c.id)
        .limit(limit)
        .subquery()
    )
    newest = (
        select(user_tokens.c.user_id, func.max(user_tokens.c.expires_at).label("expires_at"))
        .where(*_password_links())
        .group_by(user_tokens.c.user_id)
        .subquery()
    )
    rows = conn.execute(
        select(users.c.id, users.c.email, users.c.display_name, newest.c.expires_at,
               actors.c.name)
        .join(waiting, waiting.c.id == users.c.id)
        .join(user_roles, owner)
        .join(actors, actors.c.id == user_roles.c.actor_id)
        .outerjoin(newest, newest.c.user_id == users.c.id)
        .order_by(users.c.created_at, users.c.id, actors.c.name_norm)
    )  # fmt: skip
    found: dict[int, PendingInvitation] = {}
    for row in rows:
        known = found.get(row.id)
        names = (*known.actor_names, row.name) if known else (row.name,)
        found[row.id] = PendingInvitation(
            row.id, row.email, row.display_name, names, row.expires_at
        )
    return list(found.values())


def _invited_owner(conn: Connection, user_id: int) -> User:
    user = get_user(conn, user_id)
    if user.has_password:
        raise InvalidState(f"user {user_id} has already set a password: no invitation to resend")
    if not user.is_active:
        raise InvalidState(f"user {user_id} is deactivated: reactivate the account first")
    if not user.actor_ids:
        raise InvalidState(f"user {user_id} owns no actor: there is no invitation to resend")
    return user


def resend_invitation(
    conn: Connection,
    user_id: int,
    *,
    by: User,
    now: datetime | None = None,
    limit: RateLimit = RESEND_LIMIT,
) -> Reinvitation:
    """A new "set your password" link for an owner who has none set yet. The earlier
    links keep working until :func:`withdraw_earlier_links` is called, once the new
    one is emailed: a failed email leaves the person the link they may have.
    Moderators and administrators only (PermissionDenied); InvalidState when the person
    has a password already or no longer owns anything; RateLimited past ``limit``
    attempts per account (a failed email counts: the server may have delivered it)."""
    now = utc_now(now)
    require(can_moderate(by), "only moderators and administrators resend invitations")
    owner = _invited_owner(conn, user_id)
    hit_rate_limit(conn, "invitation-resend", str(user_id), limit, now=now)
    token = issue_password_token(conn, user_id, by=by, now=now)
    names = conn.execute(
        select(actors.c.name).where(actors.c.id.in_(owner.actor_ids)).order_by(actors.c.name_norm)
    ).scalars()
    return Reinvitation(user_id, owner.email, tuple(names), token)


def withdraw_earlier_links(
    conn: Connection, sent: Reinvitation, *, by: User, now: datetime | None = None
) -> int:
    """The new invitation ``sent`` was emailed: the account's other unused links stop
    working; the resend is audited. Returns how many were withdrawn."""
    now = utc_now(now)
    require(can_moderate(by), "only moderators and administrators resend invitations")
    others = user_tokens.c.token_hash != hash_token(sent.token)
    withdrawn = conn.execute(
        update(user_tokens).where(*_password_links(sent.user_id), others).values(used_at=now)
    ).rowcount
    record_audit(conn, by, "user.resend_invitation", "user", sent.user_id,
                 after={"earlier_links_withdrawn": withdrawn}, at=now)  # fmt: skip
    return int(withdrawn)

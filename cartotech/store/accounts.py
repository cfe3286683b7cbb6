"""Accounts: users and their roles.

A user holds any number of role grants (admin, moderator, territory manager of
a territory, owner of an actor; see :mod:`cartotech.domain.permissions` for
what each may do). Only administrators (or system actors: the CLI, the
moderation of a submission) create accounts and grant roles; every change is
in the audit log, without the password hash. Passwords: ``store/passwords.py``;
login, logout, lockout and password links: ``store/logins.py``.

``users.session_epoch`` ends sessions: a session cookie holds the epoch of its
login and the web layer refuses it once the account's epoch moved on. A new
password and a deactivation raise it here; a logout in ``store/logins.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Connection, Select, delete, func, select, update

from cartotech.domain.participation import Role, RoleGrant, SystemActor, User, Who
from cartotech.domain.permissions import can_moderate, is_admin, require
from cartotech.domain.validation import clean_text, normalize_email
from cartotech.errors import ConflictError, InputError, NotFound
from cartotech.geo import Referential, get_referential
from cartotech.store._participation import require_actor, user_id_of, utc_now
from cartotech.store.audit import record_audit
from cartotech.store.passwords import hash_password
from cartotech.store.schema import user_roles, users

__all__ = [
    "count_users",
    "create_admin",
    "create_user",
    "find_user_by_email",
    "get_user",
    "grant_role",
    "list_users",
    "make_owner",
    "revoke_role",
    "set_password",
    "set_user_active",
    "unlock_user",
]


# --- reading users ------------------------------------------------------------


def _grants(conn: Connection, user_ids: list[int]) -> dict[int, tuple[RoleGrant, ...]]:
    """The role grants of each of ``user_ids`` (an empty tuple for none), in one query."""
    found: dict[int, list[RoleGrant]] = {user_id: [] for user_id in user_ids}
    if user_ids:
        rows = conn.execute(
            select(
                user_roles.c.user_id,
                user_roles.c.role,
                user_roles.c.territory_id,
                user_roles.c.actor_id,
            )
            .where(user_roles.c.user_id.in_(user_ids))
            .order_by(user_roles.c.user_id, user_roles.c.role, user_roles.c.scope)
        )
        for r in rows:
            found[r.user_id].append(RoleGrant(Role(r.role), r.territory_id, r.actor_id))
    return {user_id: tuple(grants) for user_id, grants in found.items()}


def _users(conn: Connection, rows: Sequence[Any]) -> list[User]:
    grants = _grants(conn, [row.id for row in rows])
    return [
        User(
            id=row.id,
            email=row.email,
            display_name=row.display_name,
            is_active=bool(row.is_active),
            roles=grants[row.id],
            has_password=row.password_hash is not None,
            locked_until=row.locked_until,
            session_epoch=row.session_epoch,
        )
        for row in rows
    ]


def get_user(conn: Connection, user_id: int) -> User:
    """The user with every role; ``NotFound`` if there is none."""
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"no user with id {user_id}", field="user")
    return _users(conn, [row])[0]


def find_user_by_email(conn: Connection, email: str) -> User | None:
    try:
        address = normalize_email(email)
    except InputError:
        return None
    row = conn.execute(select(users).where(users.c.email == address)).first()
    return None if row is None else _users(conn, [row])[0]


def _holding(query: Select[Any], role: Role | None) -> Select[Any]:
    if role is None:
        return query
    return query.where(
        users.c.id.in_(select(user_roles.c.user_id).where(user_roles.c.role == role.value))
    )


def list_users(
    conn: Connection, *, role: Role | None = None, limit: int = 100, offset: int = 0
) -> list[User]:
    """Users by email (those holding ``role`` when given); see :func:`count_users`."""
    query = _holding(select(users), role).order_by(users.c.email).limit(limit).offset(offset)
    return _users(conn, conn.execute(query).all())


def count_users(conn: Connection, *, role: Role | None = None) -> int:
    """How many users :func:`list_users` pages through (with the same ``role``)."""
    query = _holding(select(func.count()).select_from(users), role)
    return int(conn.execute(query).scalar_one())


def _snapshot(user: User) -> dict[str, Any]:
    """A user as the audit log keeps it (never the password hash)."""
    return {
        "email": user.email,
        "display_name": user.display_name,
        "is_active": user.is_active,
        "roles": [{"role": g.role.value, "scope": g.scope} for g in user.roles],
    }


# --- creating users and granting roles ------------------------------------------


def _require_admin(by: Who, what: str) -> None:
    if isinstance(by, User):
        require(is_admin(by), f"only an administrator may {what}")


def create_user(
    conn: Connection,
    email: str,
    *,
    by: Who,
    password: str | None = None,
    display_name: str | None = None,
    roles: tuple[RoleGrant, ...] = (),
    now: datetime | None = None,
    hasher: PasswordHasher | None = None,
    referential: Referential | None = None,
) -> User:
    """Create an account (without a password it can only log in after a password link).
    Administrators and system actors (the CLI) create accounts."""
    _require_admin(by, "create accounts")
    return _create(
        conn, email, by=by, password=password, display_name=display_name, roles=roles,
        now=utc_now(now), hasher=hasher, referential=referential,
    )  # fmt: skip


def _create(
    conn: Connection,
    email: str,
    *,
    by: Who,
    now: datetime,
    password: str | None = None,
    display_name: str | None = None,
    roles: tuple[RoleGrant, ...] = (),
    hasher: PasswordHasher | None = None,
    referential: Referential | None = None,
) -> User:
    address = normalize_email(email)
    if conn.execute(select(users.c.id).where(users.c.email == address)).first() is not None:
        raise ConflictError(f"an account with email {address} already exists", field="email")
    password_hash = None
    if password is not None:
        password_hash = hash_password(password, email=address, hasher=hasher)
    values = {
        "email": address,
        "display_name": clean_text(display_name, field="display_name", max_length=200),
        "password_hash": password_hash,
        "is_active": True,
        "failed_logins": 0,
        "session_epoch": 0,
        "created_at": now,
        "updated_at": now,
    }
    user_id = int(conn.execute(users.insert().values(**values).returning(users.c.id)).scalar_one())
    for grant in roles:
        _insert_grant(conn, user_id, grant, by=by, now=now, referential=referential)
    user = get_user(conn, user_id)
    record_audit(conn, by, "user.create", "user", user_id, after=_snapshot(user), at=now)
    return user


def make_owner(
    conn: Connection,
    email: str,
    actor_id: int,
    *,
    by: Who,
    display_name: str | None = None,
    now: datetime | None = None,
) -> tuple[User, bool]:
    """Make the person of ``email`` an owner of ``actor_id``, creating their account
    (without a password) when missing; returns the user and whether it was created.
    This is what accepting a presentation or a claim does, so moderators may call it."""
    if isinstance(by, User):
        require(can_moderate(by), "only moderators and administrators make actor owners")
    now = utc_now(now)
    user = find_user_by_email(conn, email)
    created = user is None
    if user is None:
        user = _create(conn, email, by=by, display_name=display_name, now=now)
    if _insert_grant(conn, user.id, RoleGrant(Role.ACTOR_OWNER, actor_id=actor_id), by=by,
                     now=now, referential=None):  # fmt: skip
        after = {"role": Role.ACTOR_OWNER.value, "scope": f"actor:{actor_id}"}
        record_audit(conn, by, "user.grant_role", "user", user.id, after=after, at=now)
    return get_user(conn, user.id), created


def create_admin(
    conn: Connection,
    email: str,
    password: str,
    *,
    by: Who = SystemActor.CLI,
    now: datetime | None = None,
    hasher: PasswordHasher | None = None,
) -> tuple[User, bool]:
    """Create an administrator, or make the existing account of ``email`` one and set
    its password; returns the user and whether it was created (``cartotech users
    create-admin``)."""
    now = utc_now(now)
    existing = find_user_by_email(conn, email)
    if existing is None:
        user = create_user(
            conn, email, by=by, password=password, roles=(RoleGrant(Role.ADMIN),), now=now,
            hasher=hasher,
        )  # fmt: skip
        return user, True
    set_password(conn, existing.id, password, by=by, now=now, hasher=hasher)
    grant_role(conn, existing.id, RoleGrant(Role.ADMIN), by=by, now=now)
    set_user_active(conn, existing.id, True, by=by, now=now)
    return get_user(conn, existing.id), False


def _insert_grant(
    conn: Connection,
    user_id: int,
    grant: RoleGrant,
    *,
    by: Who,
    now: datetime,
    referential: Referential | None,
) -> bool:
    grant = RoleGrant(Role(grant.role), grant.territory_id, grant.actor_id)
    if grant.role is Role.TERRITORY_MANAGER:
        referential = referential or get_referential()
        if not grant.territory_id or not referential.exists(grant.territory_id):
            raise InputError(
                f"territory manager role needs a territory of the referential, got "
                f"{grant.territory_id!r} (e.g. fr:epci:200093201)",
                field="territory",
            )
    elif grant.role is Role.ACTOR_OWNER:
        if grant.actor_id is None:
            raise InputError("actor owner role needs an actor id", field="actor")
        require_actor(conn, grant.actor_id)
    elif grant.territory_id is not None or grant.actor_id is not None:
        raise InputError(f"role {grant.role.value} takes no territory or actor", field="role")
    exists = conn.execute(
        select(user_roles.c.id).where(
            user_roles.c.user_id == user_id,
            user_roles.c.role == grant.role.value,
            user_roles.c.scope == grant.scope,
        )
    ).first()
    if exists is not None:
        return False
    conn.execute(
        user_roles.insert().values(
            user_id=user_id,
            role=grant.role.value,
            scope=grant.scope,
            territory_id=grant.territory_id,
            actor_id=grant.actor_id,
            granted_by=user_id_of(by),
            granted_at=now,
        )
    )
    return True


def grant_role(
    conn: Connection,
    user_id: int,
    grant: RoleGrant,
    *,
    by: Who,
    now: datetime | None = None,
    referential: Referential | None = None,
) -> bool:
    """Give ``grant`` to the user (administrators and system actors only); False when
    the user already held it."""
    _require_admin(by, "grant roles")
    now = utc_now(now)
    get_user(conn, user_id)
    added = _insert_grant(conn, user_id, grant, by=by, now=now, referential=referential)
    if added:
        after = {"role": grant.role.value, "scope": grant.scope}
        record_audit(conn, by, "user.grant_role", "user", user_id, after=after, at=now)
    return added


def revoke_role(
    conn: Connection, user_id: int, grant: RoleGrant, *, by: Who, now: datetime | None = None
) -> bool:
    """Take ``grant`` away; False when the user did not hold it."""
    _require_admin(by, "revoke roles")
    result = conn.execute(
        delete(user_roles).where(
            user_roles.c.user_id == user_id,
            user_roles.c.role == grant.role.value,
            user_roles.c.scope == grant.scope,
        )
    )
    if not result.rowcount:
        return False
    before = {"role": grant.role.value, "scope": grant.scope}
    record_audit(conn, by, "user.revoke_role", "user", user_id, before=before, at=utc_now(now))
    return True


def set_user_active(
    conn: Connection, user_id: int, active: bool, *, by: Who, now: datetime | None = None
) -> None:
    """Deactivate (no login, no permission, its sessions end) or reactivate an account
    (sessions from before the deactivation stay ended)."""
    _require_admin(by, "activate or deactivate accounts")
    now = utc_now(now)
    before = get_user(conn, user_id)
    if before.is_active == active:
        return
    values: dict[str, Any] = {"is_active": active, "updated_at": now}
    if not active:
        values["session_epoch"] = users.c.session_epoch + 1
    conn.execute(update(users).where(users.c.id == user_id).values(**values))
    action = "user.activate" if active else "user.deactivate"
    record_audit(conn, by, action, "user", user_id, before={"is_active": before.is_active},
                 after={"is_active": active}, at=now)  # fmt: skip


def unlock_user(conn: Connection, user_id: int, *, by: Who, now: datetime | None = None) -> None:
    """Lift a lockout before it ends."""
    _require_admin(by, "unlock accounts")
    now = utc_now(now)
    get_user(conn, user_id)
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(failed_logins=0, locked_until=None, updated_at=now)
    )
    record_audit(conn, by, "user.unlock", "user", user_id, at=now)


# --- passwords ------------------------------------------------------------------


def set_password(
    conn: Connection,
    user_id: int,
    password: str,
    *,
    by: Who,
    now: datetime | None = None,
    hasher: PasswordHasher | None = None,
) -> User:
    """Set a user's password (the user themself, an administrator or a system actor).
    Every session of the user ends; the user as it is now is returned, so the page
    where they changed it can log them in again with the new ``session_epoch``."""
    if isinstance(by, User) and by.id != user_id:
        _require_admin(by, "set another user's password")
    now = utc_now(now)
    user = get_user(conn, user_id)
    password_hash = hash_password(password, email=user.email, hasher=hasher)
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(
            password_hash=password_hash,
            failed_logins=0,
            locked_until=None,
            session_epoch=users.c.session_epoch + 1,
            updated_at=now,
        )
    )
    record_audit(conn, by, "user.set_password", "user", user_id, at=now)
    return get_user(conn, user_id)

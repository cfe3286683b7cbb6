"""Who is asking: the logged-in user of a request, and role checks as dependencies.

- ``OptionalUserDep``: the active user of the session, or None;
- ``UserDep``: a logged-in user, else
  :class:`~cartotech.domain.participation_errors.LoginRequired` — pages redirect
  to ``/login?next=…``, the API answers 401;
- ``require_role(Role.MODERATOR, …)``: a user holding one of the roles
  (administrators hold every role), else 403 :class:`PermissionDenied`;
  ``AdminDep`` and ``ModeratorDep`` are the usual ones;
- scoped checks (a territory, an actor) need the route's own ids:
  :func:`require_territory` and :func:`require_actor_editor`, which ask
  :mod:`cartotech.domain.permissions`.

The account is read on every request, so a deactivated user or a revoked
role takes effect at once, and a session from before the account's last
logout, password change or deactivation (another ``session_epoch``) is
refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from cartotech.domain.participation import Role, User
from cartotech.domain.participation_errors import LoginRequired
from cartotech.domain.permissions import (
    can_edit_actor,
    can_manage_territory,
    has_role,
    is_admin,
    require,
)
from cartotech.errors import NotFound
from cartotech.geo import Referential
from cartotech.store.accounts import get_user
from cartotech.web.sessions import get_session

__all__ = [
    "AdminDep",
    "ModeratorDep",
    "OptionalUserDep",
    "UserDep",
    "current_user",
    "require_actor_editor",
    "require_role",
    "require_territory",
    "require_user",
    "safe_next",
]

_UNSET = object()


def current_user(request: Request) -> User | None:
    """The session's user when the account exists, is active and the session is of its
    current ``session_epoch`` (read once per request); otherwise the session is
    reset to an anonymous one."""
    cached = getattr(request.state, "user", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    session = get_session(request)
    user: User | None = None
    if session.user_id is not None:
        engine: Engine = request.app.state.engine
        with engine.connect() as conn:
            try:
                user = get_user(conn, session.user_id)
            except NotFound:
                user = None
        if user is None or not user.is_active or user.session_epoch != session.epoch:
            user = None
            session.log_out()
    request.state.user = user
    return user


OptionalUserDep = Annotated[User | None, Depends(current_user)]


def require_user(user: OptionalUserDep) -> User:
    if user is None:
        raise LoginRequired()
    return user


UserDep = Annotated[User, Depends(require_user)]


def require_role(*roles: Role) -> Callable[[User], User]:
    """A dependency giving the user when they hold one of ``roles`` (or are an admin)."""
    names = ", ".join(role.value for role in roles)

    def dependency(user: UserDep) -> User:
        require(
            is_admin(user) or any(has_role(user, role) for role in roles),
            f"this page is for the roles: {names}",
        )
        return user

    dependency.__name__ = f"require_role_{'_'.join(role.value for role in roles)}"
    return dependency


AdminDep = Annotated[User, Depends(require_role(Role.ADMIN))]
ModeratorDep = Annotated[User, Depends(require_role(Role.MODERATOR))]


def require_territory(
    user: User, territory_id: str, referential: Referential | None = None
) -> None:
    """403 unless ``user`` manages ``territory_id`` (or a territory holding it), or is admin."""
    require(
        can_manage_territory(user, territory_id, referential),
        f"you do not manage the territory {territory_id}",
    )


def require_actor_editor(
    user: User,
    actor_id: int,
    *,
    actor_territory_id: str | None = None,
    referential: Referential | None = None,
) -> None:
    """403 unless ``user`` may propose edits to actor ``actor_id`` (owner, moderator,
    admin, or manager of the territory it is placed in)."""
    require(
        can_edit_actor(
            user, actor_id, actor_territory_id=actor_territory_id, referential=referential
        ),
        f"you may not edit actor {actor_id}",
    )


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path of this site, else ``default`` (no open redirect)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(c in target for c in "\r\n\t\\")
        or len(target) > 2000
    ):
        return default
    return target

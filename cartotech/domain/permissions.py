"""Who may do what: plain functions of a :class:`~cartotech.domain.participation.User`.

What each role can do:

=====================  ===================================================================
role                   may
=====================  ===================================================================
admin                  everything: create users, grant and revoke roles, read the audit
                       log, plus what every other role may do, anywhere
moderator              decide (accept, reject, merge) submissions, events and declared
                       evidence anywhere; create funding calls and standalone petitions
territory_manager      for the territories in scope and every territory inside them:
                       create and run candidacies (managers, evidence, petitions), decide
                       events placed there, add funding calls scoped there, propose edits
                       to actors placed there (moderated)
actor_owner            propose edits to the actors owned (moderated); submit events they
                       organise (moderated like anyone's)
anyone                 present an organisation, claim one, submit an event, sign a
                       petition (each checked by email and/or moderation)
=====================  ===================================================================

Functions answer ``True``/``False``; :func:`require` turns a ``False`` into a
:class:`~cartotech.domain.participation_errors.PermissionDenied` with a message.
An inactive user may do nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from cartotech.domain.participation import Role, User
from cartotech.domain.participation_errors import PermissionDenied
from cartotech.domain.scopes import territory_within
from cartotech.geo import Referential, get_referential

__all__ = [
    "can_decide_event",
    "can_edit_actor",
    "can_manage_all",
    "can_manage_candidacy",
    "can_manage_territory",
    "can_moderate",
    "has_role",
    "is_admin",
    "require",
]


def has_role(user: User, role: Role) -> bool:
    return user.is_active and any(grant.role is role for grant in user.roles)


def is_admin(user: User) -> bool:
    return has_role(user, Role.ADMIN)


def can_moderate(user: User) -> bool:
    """Admins and moderators decide submissions, events and evidence anywhere."""
    return is_admin(user) or has_role(user, Role.MODERATOR)


def can_manage_territory(
    user: User, territory_id: str, referential: Referential | None = None
) -> bool:
    """An admin, or a territory manager whose scope holds ``territory_id`` (itself or a
    territory inside it: a département's manager manages its EPCI and communes)."""
    if is_admin(user):
        return True
    if not user.is_active:
        return False
    referential = referential or get_referential()
    return any(territory_within(territory_id, scope, referential) for scope in user.territory_ids)


def can_manage_all(
    user: User, territory_ids: Iterable[str], referential: Referential | None = None
) -> bool:
    ids = list(territory_ids)
    return bool(ids) and all(can_manage_territory(user, t, referential) for t in ids)


def can_edit_actor(
    user: User,
    actor_id: int,
    *,
    actor_territory_id: str | None = None,
    referential: Referential | None = None,
) -> bool:
    """May ``user`` propose an edit of actor ``actor_id``? Its owners, admins and
    moderators; a territory manager too when the actor is placed in their scope (pass
    the actor's ``territory_id``). Edits are moderated whoever proposes them."""
    if can_moderate(user):
        return True
    if not user.is_active:
        return False
    if actor_id in user.actor_ids:
        return True
    return actor_territory_id is not None and can_manage_territory(
        user, actor_territory_id, referential
    )


def can_decide_event(
    user: User, event_territory_id: str | None, referential: Referential | None = None
) -> bool:
    """Moderators anywhere; territory managers for events placed in their scope."""
    if can_moderate(user):
        return True
    return event_territory_id is not None and can_manage_territory(
        user, event_territory_id, referential
    )


def can_manage_candidacy(
    user: User,
    *,
    manager_ids: Iterable[int],
    territory_ids: Iterable[str],
    referential: Referential | None = None,
) -> bool:
    """Admins; the candidacy's managers; territory managers whose scope holds every
    territory of the candidacy."""
    if is_admin(user):
        return True
    if not user.is_active:
        return False
    return user.id in set(manager_ids) or can_manage_all(user, territory_ids, referential)


def require(allowed: bool, message: str) -> None:
    """Raise :class:`PermissionDenied` with ``message`` unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)

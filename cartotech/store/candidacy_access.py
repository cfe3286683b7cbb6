"""Who may run a label candidacy: its row, its team and its territories, and the check
every write of a candidacy, of its declared evidence and of its petition starts with.

Its own module so that :mod:`cartotech.store.candidacies`,
:mod:`cartotech.store.candidacy_evidence` and :mod:`cartotech.store.petitions`
share one check without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from cartotech.domain.participation import User, Who
from cartotech.domain.permissions import can_manage_candidacy, require
from cartotech.errors import NotFound
from cartotech.geo import Referential
from cartotech.store.schema import candidacies, candidacy_managers, candidacy_territories

__all__ = ["candidacy_scope", "require_candidacy_manager", "territories_by_candidacy"]


def territories_by_candidacy(
    conn: Connection, candidacy_ids: Sequence[int]
) -> dict[int, list[str]]:
    """The territory ids of each candidacy (sorted), in one query."""
    found: dict[int, list[str]] = {candidacy_id: [] for candidacy_id in candidacy_ids}
    if candidacy_ids:
        rows = conn.execute(
            select(candidacy_territories.c.candidacy_id, candidacy_territories.c.territory_id)
            .where(candidacy_territories.c.candidacy_id.in_(candidacy_ids))
            .order_by(candidacy_territories.c.territory_id)
        )
        for candidacy_id, territory_id in rows:
            found[candidacy_id].append(territory_id)
    return found


def candidacy_scope(conn: Connection, candidacy_id: int) -> tuple[Any, list[int], list[str]]:
    """The candidacy row, its managers' user ids and its territory ids; ``NotFound``."""
    row = conn.execute(select(candidacies).where(candidacies.c.id == candidacy_id)).first()
    if row is None:
        raise NotFound(f"no candidacy {candidacy_id}", field="candidacy")
    managers = conn.execute(
        select(candidacy_managers.c.user_id).where(
            candidacy_managers.c.candidacy_id == candidacy_id
        )
    ).scalars()
    return row, sorted(managers), territories_by_candidacy(conn, [candidacy_id])[candidacy_id]


def require_candidacy_manager(
    conn: Connection, candidacy_id: int, by: Who, referential: Referential
) -> Any:
    """The candidacy row, when ``by`` may run it (system actors may); else PermissionDenied."""
    row, managers, territories = candidacy_scope(conn, candidacy_id)
    if isinstance(by, User):
        require(
            can_manage_candidacy(
                by, manager_ids=managers, territory_ids=territories, referential=referential
            ),
            f"you may not manage candidacy {candidacy_id}: its managers, administrators and "
            "the managers of all its territories may",
        )
    return row

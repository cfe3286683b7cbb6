"""Label candidacies: a programme, one or more territories, a team of managers, and
the award when it comes.

A candidacy covers one territory (an EPCI, a commune...) or several: a
coalition is either a group of the referential (``group:cote-d-azur``) or the
list of its members. Who may run it: administrators, its managers, and the
territory managers whose scope holds every one of its territories (see
:func:`cartotech.domain.permissions.can_manage_candidacy`; every write checks it
with :func:`cartotech.store.candidacy_access.require_candidacy_manager`).
Declared evidence, checked by moderators: :mod:`cartotech.store.candidacy_evidence`.
Scores: :mod:`cartotech.store.candidacy_scores`.

Awards are rows of the existing ``awards`` table (one per territory of the
candidacy), citing the source given by the administrator who records them;
territory pages already list them with their validity.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from cartotech.domain import AwardRecord, SourceRecord
from cartotech.domain.participation import CandidacyState, User, Who
from cartotech.domain.participation_errors import InvalidState
from cartotech.domain.permissions import can_manage_all, is_admin, require
from cartotech.domain.validation import MAX_NAME, clean_text
from cartotech.errors import InputError, NotFound
from cartotech.geo import Referential
from cartotech.labels import get_programme
from cartotech.store._participation import user_id_of, utc_now
from cartotech.store.actors import actor_id_by_key
from cartotech.store.audit import record_audit
from cartotech.store.candidacy_access import (
    candidacy_scope,
    require_candidacy_manager,
    territories_by_candidacy,
)
from cartotech.store.candidacy_evidence import list_evidence
from cartotech.store.facts import add_award
from cartotech.store.schema import (
    candidacies,
    candidacy_managers,
    candidacy_territories,
    users,
)
from cartotech.store.sources import ensure_source

__all__ = [
    "add_candidacy_manager",
    "award_candidacy",
    "create_candidacy",
    "get_candidacy",
    "list_candidacies",
    "remove_candidacy_manager",
    "set_candidacy_state",
]

# States a manager may move a candidacy to (awards are recorded by award_candidacy).
_MANAGER_STATES = {CandidacyState.DRAFT, CandidacyState.SUBMITTED, CandidacyState.WITHDRAWN}


def _check_territories(territory_ids: list[str], referential: Referential) -> list[str]:
    ids = sorted(dict.fromkeys(t.strip() for t in territory_ids if t and t.strip()))
    if not ids:
        raise InputError("a candidacy needs at least one territory", field="territories")
    unknown = [t for t in ids if not referential.exists(t)]
    if unknown:
        raise InputError(
            f"unknown territories {', '.join(unknown)}: use ids of the referential, "
            "e.g. fr:epci:200093201 or group:cote-d-azur",
            field="territories",
        )
    return ids


def create_candidacy(
    conn: Connection,
    *,
    programme_key: str,
    name: str,
    territory_ids: list[str],
    by: Who,
    referential: Referential,
    manager_ids: tuple[int, ...] = (),
    now: datetime | None = None,
) -> int:
    """Open a candidacy (state ``draft``); the user creating it becomes a manager. A
    territory manager may only open one for territories inside their scope."""
    now = utc_now(now)
    get_programme(programme_key)
    title = clean_text(name, field="name", max_length=MAX_NAME, required=True)
    ids = _check_territories(territory_ids, referential)
    if isinstance(by, User):
        require(
            is_admin(by) or can_manage_all(by, ids, referential),
            f"you may not open a candidacy for {', '.join(ids)}: only managers of those "
            "territories and administrators may",
        )
    values = {"programme_key": programme_key, "name": title, "state": CandidacyState.DRAFT.value,
              "created_by": user_id_of(by), "created_at": now, "updated_at": now}  # fmt: skip
    candidacy_id = int(
        conn.execute(candidacies.insert().values(**values).returning(candidacies.c.id)).scalar_one()
    )
    conn.execute(
        candidacy_territories.insert(),
        [{"candidacy_id": candidacy_id, "territory_id": t} for t in ids],
    )
    team = sorted({*manager_ids, *([by.id] if isinstance(by, User) else [])})
    for user_id in team:
        _require_user(conn, user_id)
    if team:
        conn.execute(
            candidacy_managers.insert(),
            [{"candidacy_id": candidacy_id, "user_id": u} for u in team],
        )
    after = {"programme_key": programme_key, "name": title, "territories": ids, "managers": team}
    record_audit(conn, by, "candidacy.create", "candidacy", candidacy_id, after=after, at=now)
    return candidacy_id


def _require_user(conn: Connection, user_id: int) -> None:
    if conn.execute(select(users.c.id).where(users.c.id == user_id)).first() is None:
        raise NotFound(f"no user with id {user_id}", field="manager")


def get_candidacy(conn: Connection, candidacy_id: int) -> dict[str, Any]:
    """The candidacy with its territories, managers (id and display name) and evidence."""
    row, manager_ids, territories = candidacy_scope(conn, candidacy_id)
    managers = conn.execute(
        select(users.c.id, users.c.display_name).where(users.c.id.in_(manager_ids))
        .order_by(users.c.id)
    )  # fmt: skip
    data = dict(row._mapping)
    data["territory_ids"] = territories
    data["managers"] = [dict(m._mapping) for m in managers]
    data["evidence"] = list_evidence(conn, candidacy_id)
    return data


def list_candidacies(
    conn: Connection, *, programme_key: str | None = None, territory_id: str | None = None
) -> list[dict[str, Any]]:
    """Candidacies (of a programme, or covering a territory), newest first, each with
    its ``territory_ids`` (read for all of them at once)."""
    query = select(candidacies).order_by(candidacies.c.created_at.desc(), candidacies.c.id.desc())
    if programme_key:
        query = query.where(candidacies.c.programme_key == programme_key)
    if territory_id:
        query = query.where(
            candidacies.c.id.in_(
                select(candidacy_territories.c.candidacy_id).where(
                    candidacy_territories.c.territory_id == territory_id
                )
            )
        )
    rows = [dict(r._mapping) for r in conn.execute(query)]
    territories = territories_by_candidacy(conn, [row["id"] for row in rows])
    return [{**row, "territory_ids": territories[row["id"]]} for row in rows]


def add_candidacy_manager(
    conn: Connection, candidacy_id: int, user_id: int, *, by: Who, referential: Referential,
    now: datetime | None = None,
) -> bool:  # fmt: skip
    """Add a user to the team; False when already in it."""
    require_candidacy_manager(conn, candidacy_id, by, referential)
    _require_user(conn, user_id)
    exists = conn.execute(
        select(candidacy_managers.c.user_id).where(
            candidacy_managers.c.candidacy_id == candidacy_id,
            candidacy_managers.c.user_id == user_id,
        )
    ).first()
    if exists:
        return False
    conn.execute(candidacy_managers.insert().values(candidacy_id=candidacy_id, user_id=user_id))
    record_audit(conn, by, "candidacy.add_manager", "candidacy", candidacy_id,
                 after={"user_id": user_id}, at=now)  # fmt: skip
    return True


def remove_candidacy_manager(
    conn: Connection, candidacy_id: int, user_id: int, *, by: Who, referential: Referential,
    now: datetime | None = None,
) -> bool:  # fmt: skip
    require_candidacy_manager(conn, candidacy_id, by, referential)
    result = conn.execute(
        delete(candidacy_managers).where(
            candidacy_managers.c.candidacy_id == candidacy_id,
            candidacy_managers.c.user_id == user_id,
        )
    )
    if result.rowcount:
        record_audit(conn, by, "candidacy.remove_manager", "candidacy", candidacy_id,
                     before={"user_id": user_id}, at=now)  # fmt: skip
    return bool(result.rowcount)


def set_candidacy_state(
    conn: Connection, candidacy_id: int, state: CandidacyState, *, by: Who,
    referential: Referential, now: datetime | None = None,
) -> None:  # fmt: skip
    """Submit, withdraw or reopen (draft) a candidacy."""
    now = utc_now(now)
    state = CandidacyState(state)
    if state not in _MANAGER_STATES:
        raise InputError(
            f"a manager moves a candidacy to draft, submitted or withdrawn, not {state.value}; "
            "awards are recorded with award_candidacy",
            field="state",
        )
    row = require_candidacy_manager(conn, candidacy_id, by, referential)
    if row.state in (CandidacyState.AWARDED.value, CandidacyState.NOT_AWARDED.value):
        raise InvalidState(f"candidacy {candidacy_id} is {row.state}: it is decided")
    conn.execute(
        update(candidacies).where(candidacies.c.id == candidacy_id)
        .values(state=state.value, updated_at=now)
    )  # fmt: skip
    record_audit(conn, by, "candidacy.set_state", "candidacy", candidacy_id,
                 before={"state": row.state}, after={"state": state.value}, at=now)  # fmt: skip


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def award_candidacy(
    conn: Connection,
    candidacy_id: int,
    *,
    awarded_on: date,
    source: SourceRecord,
    by: Who,
    valid_until: date | None = None,
    now: datetime | None = None,
) -> int:
    """Record the label granted (administrators): one award per territory, citing
    ``source`` (e.g. the official announcement); validity defaults to the programme's
    ``validity_years``. Returns how many awards were added."""
    now = utc_now(now)
    if isinstance(by, User):
        require(is_admin(by), "only administrators record awards")
    row, _, territories = candidacy_scope(conn, candidacy_id)
    programme = get_programme(row.programme_key)
    programme_id = actor_id_by_key(conn, programme.key)
    if programme_id is None:
        raise NotFound(
            f"the directory has no actor {programme.key!r} for the programme: import it first "
            "(the curated directory has it)",
            field="programme",
        )
    if valid_until is None and programme.validity_years:
        valid_until = _years_later(awarded_on, programme.validity_years)
    source_id, _ = ensure_source(conn, source)
    added = 0
    for territory_id in territories:
        record = AwardRecord(
            programme_key=programme.key, name=row.name, source_key=source.key,
            awarded_on=awarded_on.isoformat(), territory_id=territory_id,
            valid_until=valid_until.isoformat() if valid_until else None,
        )  # fmt: skip
        added += add_award(conn, record, source_id=source_id, programme_id=programme_id,
                           actor_id=None)  # fmt: skip
    conn.execute(
        update(candidacies).where(candidacies.c.id == candidacy_id)
        .values(state=CandidacyState.AWARDED.value, updated_at=now)
    )  # fmt: skip
    after = {"awarded_on": awarded_on, "valid_until": valid_until, "territories": territories,
             "source": source.key}  # fmt: skip
    record_audit(conn, by, "candidacy.award", "candidacy", candidacy_id,
                 before={"state": row.state}, after=after, at=now)  # fmt: skip
    return added

"""Funding calls and programmes: calls for projects, accelerator programmes, funds.

A call has a funder (an actor), an amount and currency, an optional opening
date and deadline (``YYYY-MM-DD``, the last day to apply; none: rolling), a
territory scope (none: anywhere), sectors (none: all) and a cohort size per
year, and cites a source like every fact.

Open or closed is always computed for an explicit date (``as_of``): open
when it opened on or before that day and its deadline is that day or later.
:func:`matching_calls` gives the calls open for an actor: scoped to a
territory holding the actor's place (its commune, EPCI, département, région,
or a group listing its commune), or unscoped; and sharing a sector with the
actor, or for every sector.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, get_args

from sqlalchemy import ColumnElement, Connection, and_, exists, or_, select

from cartotech.domain.participation import FundingCallInput, User, Who
from cartotech.domain.permissions import can_manage_territory, can_moderate, require
from cartotech.domain.scopes import territories_containing
from cartotech.domain.validation import clean_funding_call
from cartotech.errors import InputError, NotFound
from cartotech.geo import Referential
from cartotech.store._participation import require_actor, user_id_of, utc_now
from cartotech.store._sql import source_columns, with_source
from cartotech.store.audit import record_audit
from cartotech.store.schema import (
    actor_sectors,
    actors,
    funding_call_sectors,
    funding_calls,
    sources,
)

__all__ = [
    "FundingState",
    "add_funding_call",
    "get_funding_call",
    "list_funding_calls",
    "matching_calls",
    "open_condition",
]

#: Which calls a listing gives: those open on its day, those closed then, or all.
FundingState = Literal["open", "closed", "all"]


def add_funding_call(
    conn: Connection,
    call: FundingCallInput,
    *,
    source_id: int,
    by: Who,
    referential: Referential,
    now: datetime | None = None,
) -> int:
    """Record a call; ``source_id`` is where it is published (see ``ensure_source``).
    Moderators add any call, territory managers calls scoped inside their territory."""
    now = utc_now(now)
    clean = clean_funding_call(call)
    if clean.territory_id is not None and not referential.exists(clean.territory_id):
        raise InputError(
            f"unknown territory {clean.territory_id!r}: use an id of the referential",
            field="territory",
        )
    if isinstance(by, User):
        require(
            can_moderate(by)
            or (
                clean.territory_id is not None
                and can_manage_territory(by, clean.territory_id, referential)
            ),
            "only moderators, and managers of the call's territory, add funding calls",
        )
    require_actor(conn, clean.funder_actor_id, field="funder_actor_id")
    if conn.execute(select(sources.c.id).where(sources.c.id == source_id)).first() is None:
        raise NotFound(
            f"no source {source_id}: record where the call is published first", field="source"
        )
    values = {
        "funder_actor_id": clean.funder_actor_id, "kind": clean.kind.value, "title": clean.title,
        "description": clean.description, "amount": clean.amount, "currency": clean.currency,
        "opens_on": clean.opens_on, "deadline": clean.deadline, "territory_id": clean.territory_id,
        "cohort_size_per_year": clean.cohort_size_per_year, "url": clean.url,
        "source_id": source_id, "created_by": user_id_of(by), "created_at": now, "updated_at": now,
    }  # fmt: skip
    call_id = int(
        conn.execute(
            funding_calls.insert().values(**values).returning(funding_calls.c.id)
        ).scalar_one()
    )
    if clean.sectors:
        conn.execute(
            funding_call_sectors.insert(),
            [{"call_id": call_id, "sector": s} for s in clean.sectors],
        )
    audited = ("funder_actor_id", "kind", "title", "amount", "currency", "opens_on", "deadline")
    after: dict[str, Any] = {k: values[k] for k in (*audited, "territory_id")}
    after["sectors"] = list(clean.sectors)
    record_audit(conn, by, "funding_call.create", "funding_call", call_id, after=after, at=now)
    return call_id


def open_condition(as_of: date) -> ColumnElement[bool]:
    """The calls open on ``as_of``."""
    day = as_of.isoformat()
    return and_(
        or_(funding_calls.c.opens_on.is_(None), funding_calls.c.opens_on <= day),
        or_(funding_calls.c.deadline.is_(None), funding_calls.c.deadline >= day),
    )


def _select() -> Any:
    funder = actors.alias("funder")
    return (
        select(funding_calls, funder.c.name.label("funder_name"), *source_columns())
        .join(funder, funder.c.id == funding_calls.c.funder_actor_id)
        .join(sources, sources.c.id == funding_calls.c.source_id)
    )


def _views(conn: Connection, rows: Any, as_of: date | None) -> list[dict[str, Any]]:
    out = [with_source(r._mapping) for r in rows]
    ids = [c["id"] for c in out]
    sectors: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for call_id, sector in conn.execute(
            select(funding_call_sectors.c.call_id, funding_call_sectors.c.sector)
            .where(funding_call_sectors.c.call_id.in_(ids))
            .order_by(funding_call_sectors.c.sector)
        ):
            sectors[call_id].append(sector)
    day = as_of.isoformat() if as_of else None
    for call in out:
        call["sectors"] = sectors[call["id"]]
        if day is not None:
            call["open"] = (call["opens_on"] is None or call["opens_on"] <= day) and (
                call["deadline"] is None or call["deadline"] >= day
            )
    return out


def get_funding_call(
    conn: Connection, call_id: int, *, as_of: date | None = None
) -> dict[str, Any]:
    rows = conn.execute(_select().where(funding_calls.c.id == call_id)).all()
    if not rows:
        raise NotFound(f"no funding call {call_id}", field="funding_call")
    return _views(conn, rows, as_of)[0]


def list_funding_calls(
    conn: Connection,
    *,
    as_of: date,
    state: FundingState = "all",
    territory_id: str | None = None,
    sector: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Calls with their ``open`` state on ``as_of`` (open ones first, by deadline, rolling
    ones last): all, or only the open or the closed ones (chosen in SQL, so ``limit``
    counts only those); optionally scoped exactly to ``territory_id``, or tagged
    ``sector``."""
    if state not in get_args(FundingState):
        raise InputError(f"state {state!r}: expected open, closed or all", field="state")
    query = _select()
    if state == "open":
        query = query.where(open_condition(as_of))
    elif state == "closed":
        # open_condition is never NULL (each side tests for NULL first), so NOT is exact.
        query = query.where(~open_condition(as_of))
    if territory_id:
        query = query.where(funding_calls.c.territory_id == territory_id)
    if sector:
        query = query.where(
            exists().where(funding_call_sectors.c.call_id == funding_calls.c.id,
                           funding_call_sectors.c.sector == sector)
        )  # fmt: skip
    query = query.order_by(
        open_condition(as_of).desc(), funding_calls.c.deadline.is_(None), funding_calls.c.deadline,
        funding_calls.c.id,
    ).limit(limit).offset(offset)  # fmt: skip
    return _views(conn, conn.execute(query).all(), as_of)


def matching_calls(
    conn: Connection, actor_id: int, *, as_of: date, referential: Referential
) -> list[dict[str, Any]]:
    """The calls open on ``as_of`` that fit the actor's place and sectors (see the
    module docstring), the nearest deadline first."""
    actor = require_actor(conn, actor_id)
    places = territories_containing(actor.territory_id, referential)
    scope = or_(funding_calls.c.territory_id.is_(None), funding_calls.c.territory_id.in_(places))
    no_sector = ~exists().where(funding_call_sectors.c.call_id == funding_calls.c.id)
    shared = exists().where(
        funding_call_sectors.c.call_id == funding_calls.c.id,
        funding_call_sectors.c.sector.in_(
            select(actor_sectors.c.sector).where(actor_sectors.c.actor_id == actor_id)
        ),
    )
    query = (
        _select()
        .where(open_condition(as_of), scope, or_(no_sector, shared))
        .order_by(funding_calls.c.deadline.is_(None), funding_calls.c.deadline, funding_calls.c.id)
    )
    return _views(conn, conn.execute(query).all(), as_of)

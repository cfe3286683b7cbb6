"""Request dependencies: a read connection, the referential, list parameters."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy import Connection, Engine

from cartotech.geo import Referential, get_referential
from cartotech.settings import Settings
from cartotech.store import SORTS, ActorQuery

__all__ = [
    "ConnectionDep",
    "Pagination",
    "PaginationDep",
    "actor_query",
    "get_connection",
    "get_engine",
    "pagination",
    "referential",
]


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_connection(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Connection]:
    with engine.connect() as conn:
        yield conn


def referential() -> Referential:
    return get_referential()


ConnectionDep = Annotated[Connection, Depends(get_connection)]
ReferentialDep = Annotated[Referential, Depends(referential)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def _given(values: list[str]) -> tuple[str, ...]:
    """The non-empty values: a form's "any" option sends ``type=``, which filters nothing."""
    return tuple(v for v in values if v.strip())


def actor_query(
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200, description="Words to search (typos tolerated)")] = "",
    type: Annotated[list[str], Query(description="Actor types (repeatable)")] = [],  # noqa: B006
    sector: Annotated[list[str], Query(description="Sectors (repeatable)")] = [],  # noqa: B006
    region: Annotated[list[str], Query(description="Région codes, e.g. 93")] = [],  # noqa: B006
    departement: Annotated[list[str], Query(description="Département codes")] = [],  # noqa: B006
    epci: Annotated[list[str], Query(description="EPCI SIREN codes")] = [],  # noqa: B006
    territory: Annotated[str | None, Query(description="Any territory id")] = None,
    label: Annotated[
        list[str], Query(description="Label programme keys, e.g. capitale-french-tech")
    ] = [],  # noqa: B006
    sort: Annotated[str, Query(pattern="^(" + "|".join(SORTS) + ")$")] = "relevance",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int | None, Query(ge=1)] = None,
) -> ActorQuery:
    size = min(per_page or settings.page_size, settings.max_page_size)
    return ActorQuery(
        text=q,
        types=_given(type),
        sectors=_given(sector),
        regions=_given(region),
        departements=_given(departement),
        epcis=_given(epci),
        territory_id=territory or None,
        labels=_given(label),
        sort=sort,
        limit=size,
        offset=(page - 1) * size,
    )


ActorQueryDep = Annotated[ActorQuery, Depends(actor_query)]


@dataclass(frozen=True)
class Pagination:
    """A page of a listing other than the actor search (e.g. a press review)."""

    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def pager(self, total: int, link: Callable[[int], str]) -> dict[str, Any]:
        """What the pages' ``pager`` macro shows for ``total`` items: ``page``, ``pages``
        (at least one), and ``previous_url``/``next_url`` (``link(number)``), None at
        either end."""
        pages = max(1, math.ceil(total / self.per_page))
        return {
            "page": self.page,
            "pages": pages,
            "previous_url": link(self.page - 1) if self.page > 1 else None,
            "next_url": link(self.page + 1) if self.page < pages else None,
        }


def pagination(
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1")] = 1,
    per_page: Annotated[int | None, Query(ge=1, description="Items per page")] = None,
) -> Pagination:
    return Pagination(page, min(per_page or settings.page_size, settings.max_page_size))


PaginationDep = Annotated[Pagination, Depends(pagination)]

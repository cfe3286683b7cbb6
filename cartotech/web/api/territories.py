"""``/api/v1/territories``: find places, one territory with its chain and counts,
its actors, its press review."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Query

from cartotech.store import (
    actor_counts_by_type,
    label_programmes,
    search_actors,
    territory_awards,
    territory_facts,
)
from cartotech.store.press_review import territory_press_review
from cartotech.web.deps import ActorQueryDep, ConnectionDep, PaginationDep, ReferentialDep
from cartotech.web.schemas import ActorPage, PressPage, TerritoryCandidates, TerritoryDetail
from cartotech.web.serialize import press_page, search_page, territory_public

router = APIRouter(prefix="/api/v1", tags=["territories"])


@router.get(
    "/territories",
    summary="Find territories by name, postal code or code",
    response_model=TerritoryCandidates,
)
def find_territories(
    referential: ReferentialDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    candidates = referential.find_places(q, limit=limit)
    return {
        "items": [
            {**territory_public(c.territory), "label": c.label, "score": c.score}
            for c in candidates
        ]
    }


@router.get(
    "/territories/{territory_id}",
    summary="A territory: chain, children, actor counts, facts, labels",
    response_model=TerritoryDetail,
)
def read_territory(
    conn: ConnectionDep, referential: ReferentialDep, territory_id: str
) -> dict[str, Any]:
    territory = referential.get(territory_id)
    return {
        **territory_public(territory),
        "chain": [territory_public(t) for t in referential.chain(territory_id)[1:]],
        "children": [territory_public(t) for t in referential.children(territory_id)],
        "actor_counts": actor_counts_by_type(conn, territory, referential),
        "facts": territory_facts(conn, territory_id),
        "awards": territory_awards(conn, territory_id),
    }


@router.get(
    "/territories/{territory_id}/actors",
    summary="The actors of a territory",
    response_model=ActorPage,
)
def territory_actors(
    conn: ConnectionDep, referential: ReferentialDep, territory_id: str, query: ActorQueryDep
) -> dict[str, Any]:
    referential.get(territory_id)
    scoped = replace(query, territory_id=territory_id)
    result = search_actors(conn, scoped, referential)
    return search_page(result, scoped, referential, dict(label_programmes(conn)))


@router.get(
    "/territories/{territory_id}/press",
    summary="The press review of a territory: articles naming a place in it or an actor of it",
    response_model=PressPage,
)
def territory_press(
    conn: ConnectionDep, referential: ReferentialDep, territory_id: str, paging: PaginationDep
) -> dict[str, Any]:
    review = territory_press_review(
        conn,
        territory_id,
        limit=paging.per_page,
        offset=paging.offset,
        referential=referential,
    )
    return press_page(review, paging.page, paging.per_page)

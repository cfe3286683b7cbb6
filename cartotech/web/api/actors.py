"""``/api/v1/actors``: search with facets, one actor with its sourced facts, its
press review, exports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine

from cartotech.exports import MEDIA_TYPES, iter_export_rows, render_export
from cartotech.store import get_actor, label_programmes, search_actors
from cartotech.store.press_review import actor_press_review
from cartotech.web.deps import (
    ActorQueryDep,
    ConnectionDep,
    PaginationDep,
    ReferentialDep,
    get_engine,
)
from cartotech.web.schemas import ActorPage, ActorPublic, PressPage
from cartotech.web.serialize import press_page, search_page

router = APIRouter(prefix="/api/v1", tags=["actors"])


@router.get("/actors", summary="Search actors, with facet counts", response_model=ActorPage)
def list_actors(
    conn: ConnectionDep, query: ActorQueryDep, referential: ReferentialDep
) -> dict[str, Any]:
    result = search_actors(conn, query, referential)
    return search_page(result, query, referential, dict(label_programmes(conn)))


@router.get(
    "/actors/{actor_id}",
    summary="One actor, with its facts and their sources",
    response_model=ActorPublic,
)
def read_actor(conn: ConnectionDep, actor_id: Annotated[int, Path(ge=1)]) -> dict[str, Any]:
    return get_actor(conn, actor_id)


@router.get(
    "/actors/{actor_id}/press",
    summary="The press review of an actor: the articles that mention it, with the sentences",
    response_model=PressPage,
)
def read_actor_press(
    conn: ConnectionDep, actor_id: Annotated[int, Path(ge=1)], paging: PaginationDep
) -> dict[str, Any]:
    review = actor_press_review(conn, actor_id, limit=paging.per_page, offset=paging.offset)
    return press_page(review, paging.page, paging.per_page)


@router.get(
    "/export/actors.{fmt}",
    summary="Export the actors matching the search filters (csv, json, geojson)",
    response_class=StreamingResponse,
)
def export_actors(
    fmt: Annotated[str, Path(pattern="^(csv|json|geojson)$")],
    query: ActorQueryDep,
    referential: ReferentialDep,
    engine: Annotated[Engine, Depends(get_engine)],
) -> StreamingResponse:
    rows = iter_export_rows(engine, query, referential)
    return StreamingResponse(
        render_export(fmt, rows),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="cartotech-actors.{fmt}"'},
    )

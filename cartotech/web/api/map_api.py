"""``/api/v1/map``: what the map draws — outlines, counts per area, actor points."""

from __future__ import annotations

import gzip
import json
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from cartotech.errors import NotFound
from cartotech.geo import build_territory_id, get_referential
from cartotech.store import actor_points, count_by_territory
from cartotech.web.deps import ActorQueryDep, ConnectionDep, ReferentialDep

router = APIRouter(prefix="/api/v1", tags=["map"])

Level = Annotated[str, Query(pattern="^(region|departement|epci)$")]
GEOJSON = "application/geo+json"


@cache
def _outlines_gzip(level: str) -> bytes:
    """The outlines of a level as gzipped GeoJSON, built once per process."""
    collection = get_referential().outlines(level)
    return gzip.compress(json.dumps(collection, separators=(",", ":")).encode(), mtime=0)


@router.get(
    "/map/outlines/{level}.geojson",
    summary="Simplified outlines of every région, département or EPCI (GeoJSON)",
    response_class=Response,
)
def outlines(level: str, request: Request) -> Response:
    if level not in ("region", "departement", "epci"):
        raise NotFound(f"no outlines for {level!r}: expected region, departement or epci")
    body = _outlines_gzip(level)
    headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(body, media_type=GEOJSON, headers={**headers, "Content-Encoding": "gzip"})
    return Response(gzip.decompress(body), media_type=GEOJSON, headers=headers)


@router.get("/territories/{territory_id}/outline", summary="A territory's outline (GeoJSON)")
def territory_outline(referential: ReferentialDep, territory_id: str) -> Response:
    territory = referential.get(territory_id)
    feature = {
        "type": "Feature",
        "id": territory.id,
        "properties": {"name": territory.name, "level": territory.level},
        "geometry": referential.outline(territory_id),
    }
    return Response(json.dumps(feature), media_type=GEOJSON)


@router.get("/map/counts", summary="Actors matching the filters, counted per area")
def counts(
    conn: ConnectionDep, referential: ReferentialDep, query: ActorQueryDep, level: Level
) -> dict[str, Any]:
    per_area, total = count_by_territory(conn, query, level, referential)
    names = {}
    for code, _ in per_area:
        territory_id = build_territory_id(level, code)
        if referential.exists(territory_id):
            names[code] = referential.get(territory_id).name
    return {"level": level, "total": total, "counts": dict(per_area), "names": names}


@router.get("/map/points", summary="Placed actors matching the filters (GeoJSON), capped")
def points(
    conn: ConnectionDep,
    referential: ReferentialDep,
    query: ActorQueryDep,
    limit: Annotated[int, Query(ge=1, le=20_000)] = 5_000,
) -> Response:
    rows, total = actor_points(conn, query, referential, limit)
    collection = {
        "type": "FeatureCollection",
        "total": total,
        "truncated": total > len(rows),
        "features": [
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {"id": row["id"], "name": row["name"], "type": row["type"]},
            }
            for row in rows
        ],
    }
    return Response(json.dumps(collection, ensure_ascii=False), media_type=GEOJSON)

"""The directory (search with facets) and the actor page (with its press review)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from cartotech.errors import NotFound
from cartotech.geo import Referential
from cartotech.store import get_actor, label_programmes, search_actors
from cartotech.store.press_review import actor_press_review
from cartotech.web.auth import OptionalUserDep
from cartotech.web.deps import ActorQueryDep, ConnectionDep, Pagination, ReferentialDep
from cartotech.web.i18n import request_language
from cartotech.web.pages.links import current_params, replace_url, toggle_url
from cartotech.web.pages.participation import actor_participation
from cartotech.web.pages.press import press_section, press_window
from cartotech.web.pages.rendering import group_by_kind, page_url, render
from cartotech.web.serialize import actor_jsonld, facets_public

router = APIRouter(include_in_schema=False)

FACET_PARAMS = {
    "type": "type",
    "sector": "sector",
    "label": "label",
    "region": "region",
    "departement": "departement",
    "epci": "epci",
}


@router.get("/actors", response_class=HTMLResponse)
def directory(
    request: Request, conn: ConnectionDep, query: ActorQueryDep, referential: ReferentialDep
) -> HTMLResponse:
    result = search_actors(conn, query, referential)
    lang = request_language(request)
    facets = facets_public(result, referential, lang, dict(label_programmes(conn)))
    params = current_params(request)
    facet_groups = [
        {
            "name": name,
            "values": [
                {
                    **value,
                    "active": value["value"] in params.get(param, []),
                    "url": toggle_url(request, param, value["value"]),
                }
                for value in facets.get(name, [])[:12]
            ],
        }
        for name, param in FACET_PARAMS.items()
        if facets.get(name)
    ]
    active = [
        {"param": param, "value": value, "url": toggle_url(request, param, value)}
        for param in (*FACET_PARAMS.values(), "territory")
        for value in params.get(param, [])
    ]
    pager = Pagination(query.offset // query.limit + 1, query.limit).pager(
        result.total, lambda number: replace_url(request, page=number)
    )
    export_params = {k: v for k, v in params.items() if k not in ("per_page",)}
    return render(
        request,
        "directory.html",
        {
            "nav": "directory",
            "q": query.text,
            "query": query,
            "result": result,
            "facet_groups": facet_groups,
            "active_filters": active,
            "active_labels": _active_labels(facets, active, referential),
            **pager,
            "sort_urls": {
                s: replace_url(request, sort=s) for s in ("relevance", "name", "updated")
            },
            "exports": {
                fmt: page_url(f"/api/v1/export/actors.{fmt}", export_params)
                for fmt in ("csv", "json", "geojson")
            },
            "place_names": _place_names([i["territory_id"] for i in result.items], referential),
        },
    )


def _active_labels(
    facets: dict[str, list[dict[str, Any]]], active: list[dict[str, str]], referential: Referential
) -> dict[tuple[str, str], str]:
    """Display names of the active filters (a code is not a name)."""
    names = {(f, v["value"]): v["label"] for f, values in facets.items() for v in values}
    labels = {}
    for item in active:
        key = (item["param"], item["value"])
        if item["param"] == "territory" and referential.exists(item["value"]):
            labels[key] = referential.get(item["value"]).name
        else:
            labels[key] = names.get(key, item["value"])
    return labels


def _place_names(territory_ids: list[str | None], referential: Referential) -> dict[str, str]:
    return {
        tid: referential.get(tid).name
        for tid in territory_ids
        if tid is not None and referential.exists(tid)
    }


@router.get("/actors/{actor_id}", response_class=HTMLResponse)
def actor_page(
    request: Request,
    conn: ConnectionDep,
    referential: ReferentialDep,
    actor_id: Annotated[int, Path(ge=1)],
    user: OptionalUserDep,
    press_page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    edit: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    actor = get_actor(conn, actor_id)
    press = actor_press_review(conn, actor_id, **press_window(press_page))
    chain = []
    if actor["territory_id"]:
        try:
            chain = referential.chain(actor["territory_id"])
        except NotFound:
            chain = []
    return render(
        request,
        "actor.html",
        {
            "nav": "directory",
            "actor": actor,
            "chain": chain,
            "facts_by_kind": group_by_kind(actor["facts"]),
            "jsonld": actor_jsonld(
                actor, str(request.url_for("actor_page", actor_id=actor_id)), chain
            ),
            "territory_names": _place_names(
                [award["territory_id"] for award in actor["awards"]], referential
            ),
            "press": press_section(press, press_page, request.url.path, request_language(request)),
            # events it organises, matching funding calls, claim/edit links (#5)
            "participation": actor_participation(
                conn, actor, referential, user, edit_sent=edit == "sent"
            ),
        },
    )

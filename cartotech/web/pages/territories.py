"""The territory page: chain up and down, actors by type and sector, labels,
figures with their sources, a map of its outline and actors, its press review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cartotech.store import (
    ActorQuery,
    label_programmes,
    search_actors,
    territory_awards,
    territory_facts,
)
from cartotech.store.press_review import territory_press_review
from cartotech.web.deps import ConnectionDep, ReferentialDep
from cartotech.web.i18n import request_language
from cartotech.web.pages.participation import territory_participation
from cartotech.web.pages.press import press_section, press_window
from cartotech.web.pages.rendering import group_by_kind, page_url, render
from cartotech.web.serialize import facets_public

router = APIRouter(include_in_schema=False)

# A long list of children (the communes of an EPCI) is cut here, largest first.
MAX_CHILDREN = 60


@router.get("/territories/{territory_id}", response_class=HTMLResponse)
def territory_page(
    request: Request,
    conn: ConnectionDep,
    referential: ReferentialDep,
    territory_id: str,
    press_page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    territory = referential.get(territory_id)
    press = territory_press_review(
        conn, territory_id, referential=referential, **press_window(press_page)
    )
    result = search_actors(conn, ActorQuery(territory_id=territory_id, limit=20), referential)
    facets = facets_public(
        result, referential, request_language(request), dict(label_programmes(conn))
    )
    children = sorted(
        referential.children(territory_id), key=lambda t: (-(t.population or 0), t.code)
    )
    return render(
        request,
        "territory.html",
        {
            "nav": "directory",
            "territory": territory,
            "chain": referential.chain(territory_id)[1:],
            "children": children[:MAX_CHILDREN],
            "more_children": max(0, len(children) - MAX_CHILDREN),
            "result": result,
            "by_type": facets["type"],
            "by_sector": facets["sector"][:12],
            "awards": territory_awards(conn, territory_id),
            "figures": group_by_kind(territory_facts(conn, territory_id)),
            "all_actors_url": page_url("/actors", {"territory": territory_id}),
            "has_outline": territory.level in ("region", "departement", "epci"),
            "press": press_section(press, press_page, request.url.path, request_language(request)),
            # its calendar and the candidacies covering it (#5)
            "participation": territory_participation(conn, territory_id, referential),
        },
    )

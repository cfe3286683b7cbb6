"""The home page: search, headline counts, top territories, latest additions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from cartotech.store import ActorQuery, latest_actors, search_actors
from cartotech.web.deps import ConnectionDep, ReferentialDep
from cartotech.web.i18n import request_language
from cartotech.web.pages.rendering import render
from cartotech.web.serialize import facets_public

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, conn: ConnectionDep, referential: ReferentialDep) -> HTMLResponse:
    overview = search_actors(conn, ActorQuery(limit=1), referential)
    facets = facets_public(overview, referential, request_language(request))
    return render(
        request,
        "home.html",
        {
            "nav": "home",
            "total": overview.total,
            "by_type": facets["type"],
            "top_regions": facets["region"][:6],
            "top_departements": facets["departement"][:6],
            "latest": latest_actors(conn, 8),
        },
    )

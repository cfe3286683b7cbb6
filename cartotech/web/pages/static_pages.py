"""The map page (drawn by static/js/map.js) and the open-data page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from cartotech.store import label_programmes
from cartotech.web.deps import ActorQueryDep, ConnectionDep
from cartotech.web.pages.links import current_params
from cartotech.web.pages.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, conn: ConnectionDep, query: ActorQueryDep) -> HTMLResponse:
    return render(
        request,
        "map.html",
        {
            "nav": "map",
            "q": query.text,
            "query": query,
            "filters": current_params(request),
            "programmes": label_programmes(conn),
        },
    )


@router.get("/open-data", response_class=HTMLResponse)
def open_data(request: Request) -> HTMLResponse:
    return render(request, "open_data.html", {"nav": "open_data"})

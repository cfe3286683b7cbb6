"""Public JSON shapes of territories, facets and search pages."""

from __future__ import annotations

from typing import Any

from cartotech.domain import ACTOR_TYPE_LABELS, ActorType
from cartotech.errors import NotFound
from cartotech.geo import Referential, Territory, build_territory_id
from cartotech.store import ActorQuery, SearchResult

__all__ = ["territory_public", "facets_public", "search_page"]

_FACET_LEVELS = {"region": "region", "departement": "departement", "epci": "epci"}


def territory_public(territory: Territory) -> dict[str, Any]:
    return {
        "id": territory.id,
        "level": territory.level,
        "code": territory.code,
        "name": territory.name,
        "kind": territory.kind,
        "population": territory.population,
        "lat": territory.lat,
        "lon": territory.lon,
        "postal_codes": list(territory.postal_codes),
    }


def facet_label(
    facet: str,
    value: str,
    referential: Referential,
    lang: str = "fr",
    labels: dict[str, str] | None = None,
) -> str:
    if facet == "type":
        try:
            return ACTOR_TYPE_LABELS[ActorType(value)][lang]
        except ValueError:
            return value
    if facet == "label":
        return labels.get(value, value) if labels else value
    if facet in _FACET_LEVELS:
        try:
            return referential.get(build_territory_id(_FACET_LEVELS[facet], value)).name
        except NotFound:
            return value
    return value.replace("_", " ")


def facets_public(
    result: SearchResult,
    referential: Referential,
    lang: str = "fr",
    labels: dict[str, str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Facet values with a display label (type name, territory name, programme name)."""
    return {
        facet: [
            {
                "value": value,
                "label": facet_label(facet, value, referential, lang, labels),
                "count": n,
            }
            for value, n in counts
        ]
        for facet, counts in result.facets.items()
    }


def search_page(
    result: SearchResult,
    query: ActorQuery,
    referential: Referential,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "items": result.items,
        "total": result.total,
        "page": query.offset // query.limit + 1,
        "per_page": query.limit,
        "corrected_query": result.corrected,
        "facets": facets_public(result, referential, labels=labels),
    }

"""Public JSON shapes of territories, facets and search pages."""

from __future__ import annotations

from typing import Any

from cartotech.domain import ACTOR_TYPE_LABELS, ActorType
from cartotech.errors import NotFound
from cartotech.geo import Referential, Territory, build_territory_id
from cartotech.store import ActorQuery, SearchResult
from cartotech.store.press_review import PressReview
from cartotech.web.i18n import translator

__all__ = ["territory_public", "facets_public", "search_page", "actor_jsonld", "press_page"]

# schema.org types for actor types (Organization when nothing more precise fits).
_SCHEMA_TYPES = {
    "event": "Event",
    "school_or_lab": "EducationalOrganization",
    "public_body": "GovernmentOrganization",
    "company": "Corporation",
    "startup": "Corporation",
    "label_program": "Program",
}

_FACET_LEVELS = {"region": "region", "departement": "departement", "epci": "epci"}


def sector_label(sector: str, lang: str) -> str:
    """The display name of a sector slug; the slug, spaced, when it has none."""
    label = translator(lang)(f"sector_{sector}")
    return sector.replace("_", " ") if label == f"sector_{sector}" else label


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
    if facet == "sector":
        return sector_label(value, lang)
    return value


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


def press_page(review: PressReview, page: int, per_page: int) -> dict[str, Any]:
    """A page of a press review in the API's shape (``PressPage``)."""
    return {
        "items": [
            {
                **article,
                "sentences": [
                    {
                        **sentence,
                        "highlights": [
                            {"start": start, "end": end} for start, end in sentence["highlights"]
                        ],
                    }
                    for sentence in article["sentences"]
                ],
            }
            for article in review.items
        ],
        "total": review.total,
        "page": page,
        "per_page": per_page,
    }


def actor_jsonld(actor: dict[str, Any], url: str, chain: list[Territory]) -> dict[str, Any]:
    """A schema.org description of the actor, for search engines and open-data tools."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": _SCHEMA_TYPES.get(actor["type"], "Organization"),
        "@id": url,
        "name": actor["name"],
        "url": actor["website"] or url,
    }
    if actor["aliases"]:
        data["alternateName"] = actor["aliases"]
    description = actor["description_en"] or actor["description_fr"]
    if description:
        data["description"] = description
    if chain:
        place_key = "location" if data["@type"] == "Event" else "address"
        data[place_key] = {
            "@type": "PostalAddress",
            "addressLocality": chain[0].name,
            "addressRegion": chain[-1].name,
            "addressCountry": "FR",
        }
    if actor["lat"] is not None and data["@type"] != "Event":
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": actor["lat"],
            "longitude": actor["lon"],
        }
    founded = [f for f in actor["facts"] if f["kind"] == "founded"]
    if founded and data["@type"] != "Event":
        data["foundingDate"] = str(int(founded[0]["value"]))
    return data

"""The territory referential: French communes, municipal arrondissements, EPCI, départements,
régions and named groups of communes, with ids, hierarchy, search and outlines.

Pure and offline: everything comes from the derived files in ``cartotech/geo/data/`` (built by
``scripts/build_territories.py``; sources and licences in ``data/SOURCES.md``).

>>> from cartotech.geo import find_places, get_referential
>>> find_places("st etienne")[0].territory.id
'fr:commune:42218'
>>> [t.id for t in get_referential().chain("fr:commune:75115")][1]
'fr:commune:75056'
"""

from __future__ import annotations

from collections.abc import Iterable

from cartotech.geo.ids import LEVELS, TerritoryRef, build_territory_id, parse_territory_id
from cartotech.geo.model import PlaceCandidate, Territory
from cartotech.geo.referential import Referential, get_referential, load_referential
from cartotech.geo.search import search_key

__all__ = [
    "LEVELS",
    "PlaceCandidate",
    "Referential",
    "Territory",
    "TerritoryRef",
    "build_territory_id",
    "find_places",
    "get_referential",
    "load_referential",
    "parse_territory_id",
    "search_key",
]


def find_places(
    query: str, limit: int = 10, levels: Iterable[str] | None = None
) -> list[PlaceCandidate]:
    """Ranked candidates for ``query`` in the package referential.

    Delegates to :meth:`Referential.find_places` of :func:`get_referential`.
    """
    return get_referential().find_places(query, limit=limit, levels=levels)

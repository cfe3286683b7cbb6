"""The place gazetteer: exact names of the territory referential (communes,
EPCI, départements, régions, groups) and of ``patterns/places.yaml``
(countries, foreign cities, historical regions, nicknames).

Only exact (folded) names count: a press mention either names a place or it
does not, and fuzzy place matching turns startups into villages. Small
communes whose name is also a common word ("Ville", "Tech") are kept out
unless the model already said the span is a location.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cartotech.extract.rules import entity_rules
from cartotech.geo import get_referential
from cartotech.normalize import normalize_name

__all__ = ["PlaceHit", "PlaceGazetteer", "place_gazetteer"]

#: Communes below this population are places only when the model says so.
MIN_POPULATION_ANY_LABEL = 20_000
MIN_POPULATION_LOCATION = 1_000
_LEVEL_RANK = {"region": 0, "group": 1, "departement": 2, "commune": 3, "epci": 4}


@dataclass(frozen=True)
class PlaceHit:
    name: str
    territory_id: str | None
    population: int  # 0 when unknown (foreign places, groups without a figure)
    level: str


class PlaceGazetteer:
    def __init__(self, entries: dict[str, PlaceHit]) -> None:
        self._entries = entries

    def lookup(self, text: str, *, model_says_location: bool) -> PlaceHit | None:
        """The place ``text`` names exactly, or ``None``."""
        hit = self._entries.get(normalize_name(text))
        if hit is None:
            return None
        if hit.level == "commune":
            floor = MIN_POPULATION_LOCATION if model_says_location else MIN_POPULATION_ANY_LABEL
            if hit.population < floor:
                return None
        return hit

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and normalize_name(text) in self._entries


def _better(new: PlaceHit, old: PlaceHit) -> bool:
    """Of two places with one name, the larger level, then the more populous."""
    return (_LEVEL_RANK.get(new.level, 9), -new.population) < (
        _LEVEL_RANK.get(old.level, 9),
        -old.population,
    )


@cache
def place_gazetteer() -> PlaceGazetteer:
    """Built once per process (about 0.2 s)."""
    referential = get_referential()
    entries: dict[str, PlaceHit] = {}
    for level in ("commune", "departement", "region", "group"):
        for territory in referential.all(level):
            if territory.kind == "coalition":  # French Tech coalitions are organisations
                continue
            names = (territory.name, *territory.aliases)
            hit = PlaceHit(territory.name, territory.id, territory.population or 0, level)
            for name in names:
                key = normalize_name(name)
                if key and (key not in entries or _better(hit, entries[key])):
                    entries[key] = hit
    for key_text, entry in entity_rules().places.items():
        key = normalize_name(key_text)
        level = "region" if entry.territory_id else "foreign"
        entries[key] = PlaceHit(entry.name, entry.territory_id, 0, level)
    return PlaceGazetteer(entries)

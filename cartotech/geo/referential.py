"""The territory referential: every commune, arrondissement, EPCI, département, région and
group, with the links between them (pure, in memory, no network).

:func:`get_referential` loads the package data once (cached). Measured on the development
machine (2 vCPU, Python 3.11): 0.20 s to load the 34,920 communes and arrondissements, 1,255
EPCI, 101 départements, 18 régions and the groups. The search index is built on the first
:meth:`Referential.find_places` (0.36 s more; a query then takes about 0.1 ms for an exact
name, 2-5 ms when the fuzzy fallback runs) and the outlines on the first
:meth:`Referential.outlines` of a level (0.4 s for all three levels).

Hierarchy, upwards (:meth:`Referential.chain`): arrondissement -> commune -> EPCI ->
département -> région. Downwards (:meth:`Referential.children`): région -> départements;
département -> the EPCI with at least one member commune in it (an EPCI may straddle
départements, so it can be the child of two) plus the communes of the département that belong
to no EPCI (four islands); EPCI -> communes; Paris, Lyon, Marseille -> arrondissements;
group -> its members as listed (communes and groups).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cartotech.errors import InputError, NotFound
from cartotech.geo.groups import GroupSpec, build_groups, parse_groups
from cartotech.geo.ids import LEVELS, parse_territory_id
from cartotech.geo.loading import (
    OUTLINE_FILES,
    data_file,
    read_communes,
    read_departements,
    read_epci,
    read_outlines,
    read_regions,
)
from cartotech.geo.model import PlaceCandidate, Territory
from cartotech.geo.search import PlaceIndex

__all__ = ["Referential", "get_referential", "load_referential"]

OUTLINE_LEVELS = tuple(OUTLINE_FILES)


class Referential:
    """Territories by id and level, the links between them, search and outlines."""

    def __init__(
        self,
        territories: Iterable[Territory],
        group_members: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._by_id: dict[str, Territory] = {}
        self._by_level: dict[str, list[Territory]] = {level: [] for level in LEVELS}
        for territory in territories:
            if territory.id in self._by_id:
                raise ValueError(f"duplicate territory {territory.id}")
            self._by_id[territory.id] = territory
            self._by_level[territory.level].append(territory)
        for level_list in self._by_level.values():
            level_list.sort(key=lambda t: (t.kind == "arrondissement", t.code))
        self._group_members = dict(group_members or {})

        communes_in: dict[str, list[Territory]] = defaultdict(list)
        arrondissements: dict[str, list[Territory]] = defaultdict(list)
        epci_by_departement: dict[str, dict[str, None]] = defaultdict(dict)
        loose_by_departement: dict[str, list[Territory]] = defaultdict(list)
        for commune in self._by_level["commune"]:
            if commune.parent_id is not None:  # a municipal arrondissement
                arrondissements[commune.parent_id].append(commune)
                continue
            communes_in["fr:departement:" + str(commune.departement_code)].append(commune)
            communes_in["fr:region:" + str(commune.region_code)].append(commune)
            if commune.epci_code:
                communes_in["fr:epci:" + commune.epci_code].append(commune)
                epci_by_departement[str(commune.departement_code)][commune.epci_code] = None
            else:
                loose_by_departement[str(commune.departement_code)].append(commune)
        for group in self._by_level["group"]:
            communes_in[group.id] = sorted(
                (self._by_id[i] for i in group.member_ids), key=lambda t: t.code
            )
        self._communes_in = dict(communes_in)
        self._arrondissements = dict(arrondissements)
        self._children: dict[str, list[Territory]] = {}
        for departement in self._by_level["departement"]:
            epcis = [
                self._by_id["fr:epci:" + code] for code in epci_by_departement[departement.code]
            ]
            self._children[departement.id] = sorted(epcis, key=lambda t: t.code) + list(
                loose_by_departement.get(departement.code, ())
            )
        for region in self._by_level["region"]:
            self._children[region.id] = [
                d for d in self._by_level["departement"] if d.region_code == region.code
            ]
        self._outlines: dict[str, dict[str, Any]] = {}
        self._outline_by_id: dict[str, dict[str, Any] | None] = {}

    # ----------------------------------------------------------------- lookups

    def get(self, territory_id: str) -> Territory:
        """The territory with this id; ``NotFound`` if there is none, ``InvalidTerritoryId``
        if the id is malformed."""
        territory = self._by_id.get(territory_id)
        if territory is None:
            parse_territory_id(territory_id)  # raises on a malformed id
            raise NotFound(f"no territory {territory_id!r} in the referential", field="territory")
        return territory

    def exists(self, territory_id: str) -> bool:
        """Whether the id names a territory (False for malformed ids too)."""
        return isinstance(territory_id, str) and territory_id in self._by_id

    def all(self, level: str, *, kind: str | None = None) -> list[Territory]:
        """Every territory of ``level``, by code (for ``commune``: the current communes, then
        the 45 arrondissements; pass ``kind="commune"`` or ``kind="arrondissement"`` for one
        of them)."""
        if level not in self._by_level:
            raise InputError(
                f"unknown territory level {level!r}: expected one of {', '.join(LEVELS)}",
                field="level",
            )
        territories = self._by_level[level]
        if kind is None:
            return list(territories)
        return [t for t in territories if t.kind == kind]

    def stats(self) -> dict[str, int]:
        communes = self._by_level["commune"]
        arrondissements = sum(1 for t in communes if t.kind == "arrondissement")
        return {
            "communes": len(communes) - arrondissements,
            "arrondissements": arrondissements,
            "epci": len(self._by_level["epci"]),
            "departements": len(self._by_level["departement"]),
            "regions": len(self._by_level["region"]),
            "groups": len(self._by_level["group"]),
        }

    # ----------------------------------------------------------------- hierarchy

    def chain(self, territory_id: str) -> list[Territory]:
        """The territory, then upwards: (arrondissement ->) commune -> EPCI -> département ->
        région, skipping the levels it does not have. A group has nothing above it; an EPCI's
        département is the one holding most of its population."""
        territory = self.get(territory_id)
        out = [territory]
        if territory.level == "group":
            return out
        if territory.parent_id:
            out.append(self._by_id[territory.parent_id])
        if territory.level == "commune" and territory.epci_code:
            out.append(self._by_id["fr:epci:" + territory.epci_code])
        if territory.level in ("commune", "epci") and territory.departement_code:
            out.append(self._by_id["fr:departement:" + territory.departement_code])
        if territory.level != "region" and territory.region_code:
            out.append(self._by_id["fr:region:" + territory.region_code])
        return out

    def communes_of(self, territory_id: str, *, arrondissements: bool = True) -> list[Territory]:
        """The communes in a région, département, EPCI or group, by code; a commune gives
        itself, an arrondissement itself.

        With ``arrondissements=True`` (the default) the municipal arrondissements of Paris,
        Lyon and Marseille follow their commune, so that whatever is placed on
        ``fr:commune:75115`` is found in Paris, its EPCI, département and région.
        """
        territory = self.get(territory_id)
        if territory.level == "commune":
            communes = [territory]
        else:
            communes = self._communes_in.get(territory.id, [])
        if not arrondissements:
            return list(communes)
        out: list[Territory] = []
        for commune in communes:
            out.append(commune)
            out.extend(self._arrondissements.get(commune.id, ()))
        return out

    def children(self, territory_id: str) -> list[Territory]:
        """The next level down (see the module docstring)."""
        territory = self.get(territory_id)
        match territory.level:
            case "region" | "departement":
                return list(self._children.get(territory.id, ()))
            case "epci":
                return list(self._communes_in.get(territory.id, ()))
            case "commune":
                return list(self._arrondissements.get(territory.id, ()))
            case _:
                return [self._by_id[i] for i in self._group_members.get(territory.id, ())]

    def iter_display_names(self, territory_id: str) -> list[str]:
        """The names of the territory and of its chain, without repeats (text to index a
        place by): ``["Lille", "Métropole Européenne de Lille", "Nord", "Hauts-de-France"]``."""
        return list(dict.fromkeys(t.name for t in self.chain(territory_id)))

    # ----------------------------------------------------------------- search

    @functools.cached_property
    def _index(self) -> PlaceIndex:
        names = {d.code: d.name for d in self._by_level["departement"]}
        return PlaceIndex(list(self._by_id.values()), names)

    def find_places(
        self, query: str, limit: int = 10, levels: Iterable[str] | None = None
    ) -> list[PlaceCandidate]:
        """Ranked candidates for a place name, code or postal code (see ``search.py``);
        an empty query gives an empty list."""
        return self._index.find(query, limit=limit, levels=levels)

    # ----------------------------------------------------------------- outlines

    def outlines(self, level: str) -> dict[str, Any]:
        """The GeoJSON FeatureCollection of ``region``, ``departement`` or ``epci`` outlines
        (feature ``id`` = territory id). Loaded on first use and shared: do not mutate it."""
        if level not in OUTLINE_FILES:
            raise InputError(
                f"no outlines for level {level!r}: expected one of {', '.join(OUTLINE_LEVELS)}",
                field="level",
            )
        if level not in self._outlines:
            collection = read_outlines(level)
            self._outlines[level] = collection
            for feature in collection["features"]:
                self._outline_by_id[feature["id"]] = feature["geometry"]
        return self._outlines[level]

    def outline(self, territory_id: str) -> dict[str, Any] | None:
        """The GeoJSON geometry of a région, département or EPCI; None for other levels
        (communes and groups have no outline in the referential)."""
        territory = self.get(territory_id)
        if territory.level not in OUTLINE_FILES:
            return None
        self.outlines(territory.level)
        return self._outline_by_id.get(territory.id)


def _group_specs(extra_groups: Sequence[Path]) -> list[GroupSpec]:
    specs = parse_groups(
        data_file("groups.yaml").read_text("utf-8"), "cartotech/geo/data/groups.yaml"
    )
    for path in extra_groups:
        specs.extend(parse_groups(Path(path).read_text("utf-8"), str(path)))
    return specs


def load_referential(extra_groups: Sequence[Path] = ()) -> Referential:
    """Build a referential from the package data, plus groups from ``extra_groups`` files
    (same shape as ``data/groups.yaml``). Prefer :func:`get_referential`, which caches."""
    communes = read_communes()
    by_code = {c.code: c for c in communes}
    groups, group_members = build_groups(_group_specs(extra_groups), by_code)
    territories = [*communes, *read_epci(), *read_departements(), *read_regions(), *groups]
    return Referential(territories, group_members)


@functools.cache
def get_referential() -> Referential:
    """The referential of the package data (loaded once per process)."""
    return load_referential()

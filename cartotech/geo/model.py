"""The value objects of the territory referential (immutable, no behaviour beyond labels)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Territory", "PlaceCandidate"]


@dataclass(frozen=True, slots=True)
class Territory:
    """A commune, municipal arrondissement, EPCI, département, région or group of communes.

    * ``level``: ``commune`` (also for arrondissements), ``epci``, ``departement``, ``region``
      or ``group``; ``kind`` refines it: ``commune`` or ``arrondissement``; the EPCI type
      ``metropole``, ``cu``, ``ca`` or ``cc``; ``departement``; ``region``; the group kind
      (``technopole``, ``coalition``...).
    * ``departement_code`` / ``region_code``: where the territory lies. A département carries
      its own code and its région's; a région its own code; an EPCI those of the département
      holding most of its population (an EPCI may straddle départements); a group those its
      members all share, else None.
    * ``epci_code``: the EPCI of a commune or arrondissement (None for the four island
      communes outside any EPCI and for other levels).
    * ``parent_id``: an arrondissement's commune (``fr:commune:75056``); None otherwise.
    * ``population``: municipal population; for EPCI, départements, régions and groups the sum
      over their communes.
    * ``lat`` / ``lon``: a point inside the territory (WGS 84); for a group the
      population-weighted mean of its members' positions.
    * ``member_ids``: for a group, its member communes' ids, nested groups expanded, in the
      order the group lists them; empty otherwise.
    * ``aliases``: other names the search knows it by (long EPCI names, group aliases).
    """

    id: str
    level: str
    code: str
    name: str
    kind: str
    population: int | None = None
    lat: float | None = None
    lon: float | None = None
    departement_code: str | None = None
    region_code: str | None = None
    epci_code: str | None = None
    parent_id: str | None = None
    postal_codes: tuple[str, ...] = ()
    member_ids: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class PlaceCandidate:
    """One answer of :func:`find_places`, best first.

    ``score`` is on a 0-100 scale: 100 an exact name or code, 95-99 an exact alias or postal
    code, 80-90 a name starting with the query, 70-80 a name holding all the query's words,
    below 70 a fuzzy match. ``matched`` is the name, alias or code that matched.
    """

    territory: Territory
    score: float
    departement_code: str | None
    departement_name: str | None
    label: str
    matched: str

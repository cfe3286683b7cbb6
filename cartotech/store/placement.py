"""Where an actor sits: its territory id turned into the denormalised codes,
position and place names the store keeps on the actor row."""

from __future__ import annotations

from dataclasses import dataclass

from cartotech.errors import InputError, NotFound
from cartotech.geo import Referential, Territory

__all__ = ["Placement", "place_on_territory"]


@dataclass(frozen=True)
class Placement:
    commune_code: str | None = None
    epci_code: str | None = None
    departement_code: str | None = None
    region_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    place_names: tuple[str, ...] = ()


def _common(values: list[str | None]) -> str | None:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _group_placement(group: Territory, referential: Referential) -> Placement:
    members = referential.communes_of(group.id)
    return Placement(
        epci_code=_common([m.epci_code for m in members]),
        departement_code=_common([m.departement_code for m in members]),
        region_code=_common([m.region_code for m in members]),
        lat=group.lat,
        lon=group.lon,
        place_names=(group.name,),
    )


def place_on_territory(territory_id: str | None, referential: Referential) -> Placement:
    """The placement of an actor on ``territory_id`` (empty when there is none)."""
    if territory_id is None:
        return Placement()
    try:
        territory = referential.get(territory_id)
    except NotFound:
        raise InputError(
            f"unknown territory {territory_id!r}: use an id of the referential, "
            "e.g. fr:commune:59350 (see `cartotech territories find NAME`)",
            field="territory",
        ) from None
    if territory.level == "group":
        return _group_placement(territory, referential)
    codes: dict[str, str | None] = {
        "commune": None,
        "epci": territory.epci_code,
        "departement": territory.departement_code,
        "region": territory.region_code,
    }
    for link in referential.chain(territory_id):
        codes[link.level] = codes.get(link.level) or link.code
    return Placement(
        commune_code=codes["commune"],
        epci_code=codes["epci"],
        departement_code=codes["departement"],
        region_code=codes["region"],
        lat=territory.lat,
        lon=territory.lon,
        place_names=tuple(t.name for t in referential.chain(territory_id)),
    )

"""Territory scopes (pure): is a territory inside another, which territories hold it.

Used by the permissions (a manager of a département manages its communes and
EPCI), by calendars (events of a territory and of the territories inside it)
and by funding calls (a call scoped to a région matches an actor in one of its
communes). Groups (coalitions, technopoles) are compared by their communes.
"""

from __future__ import annotations

from cartotech.geo import Referential

__all__ = ["territories_containing", "territory_within"]


def _commune_ids(territory_id: str, referential: Referential) -> set[str]:
    return {t.id for t in referential.communes_of(territory_id, arrondissements=False)}


def _groups_holding(commune_id: str, referential: Referential) -> list[str]:
    return [
        group.id
        for group in referential.all("group")
        if commune_id in _commune_ids(group.id, referential)
    ]


def territory_within(inner_id: str, outer_id: str, referential: Referential) -> bool:
    """True when ``inner_id`` is ``outer_id`` or lies wholly inside it.

    A commune (or arrondissement) is inside its EPCI, département, région and
    every group listing it. Any other territory is inside ``outer_id`` when all
    its communes are (so an EPCI straddling two départements is inside
    neither). Unknown or malformed ids are inside nothing.
    """
    if inner_id == outer_id:
        return referential.exists(inner_id)
    if not (referential.exists(inner_id) and referential.exists(outer_id)):
        return False
    inner = referential.get(inner_id)
    outer = referential.get(outer_id)
    if inner.level == "commune":
        chain = [t.id for t in referential.chain(inner_id)]
        if outer_id in chain:
            return True
        if outer.level == "group":
            commune_id = inner.parent_id or inner.id
            return commune_id in _commune_ids(outer_id, referential)
        return False
    communes = _commune_ids(inner_id, referential)
    return bool(communes) and communes <= _commune_ids(outer_id, referential)


def territories_containing(territory_id: str | None, referential: Referential) -> list[str]:
    """The territory and every territory holding it: its chain upwards, and the groups
    that list it (for a commune) or all its communes (for a group or EPCI). Empty for
    None or an unknown id."""
    if not territory_id or not referential.exists(territory_id):
        return []
    territory = referential.get(territory_id)
    out = [t.id for t in referential.chain(territory_id)]
    if territory.level == "commune":
        out += _groups_holding(territory.parent_id or territory.id, referential)
    else:
        communes = _commune_ids(territory_id, referential)
        if communes:
            out += [
                group.id
                for group in referential.all("group")
                if group.id != territory_id and communes <= _commune_ids(group.id, referential)
            ]
            if territory.level == "epci":
                # chain() gives an EPCI one département (the most populous); keep only
                # the levels that hold it whole.
                out = [territory_id] + [
                    i for i in out[1:] if territory_within(territory_id, i, referential)
                ]
    return list(dict.fromkeys(out))

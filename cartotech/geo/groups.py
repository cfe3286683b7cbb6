"""Named groups of communes (technopoles, French Tech coalitions) read from YAML.

The package ships ``data/groups.yaml``; more files with the same shape can be passed to
:func:`cartotech.geo.load_referential`. Each group has a ``slug``, ``name``, ``kind``,
optional ``description`` and ``aliases``, and ``members``: quoted INSEE codes or
``group:<slug>`` (expanded, so a group may include another; cycles are refused).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from cartotech.errors import InvalidTerritoryId, MalformedFile
from cartotech.geo.ids import build_territory_id
from cartotech.geo.model import Territory

__all__ = ["GroupSpec", "parse_groups", "build_groups"]

_REQUIRED = ("slug", "name", "kind", "members")
_OPTIONAL = ("description", "aliases")


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """A group as written in a groups file, members not yet resolved."""

    slug: str
    name: str
    kind: str
    members: tuple[str, ...]
    description: str | None
    aliases: tuple[str, ...]
    source: str

    @property
    def id(self) -> str:
        return "group:" + self.slug


def _fail(source: str, message: str) -> MalformedFile:
    return MalformedFile(f"{source}: {message}", field="groups")


def parse_groups(text: str, source: str) -> list[GroupSpec]:
    """Parse and check the shape of a groups file; ``source`` names it in error messages."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise _fail(source, f"not valid YAML: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("groups"), list):
        raise _fail(source, "expected a mapping with a 'groups' list at the top")
    return [_parse_group(entry, source, n) for n, entry in enumerate(document["groups"], 1)]


def _parse_group(entry: Any, source: str, n: int) -> GroupSpec:
    if not isinstance(entry, dict):
        raise _fail(source, f"group #{n} is not a mapping with {', '.join(_REQUIRED)}")
    where = f"group #{n} ({entry.get('slug', '?')})"
    missing = [key for key in _REQUIRED if key not in entry]
    if missing:
        raise _fail(source, f"{where} lacks {', '.join(missing)}")
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        allowed = ", ".join(_REQUIRED + _OPTIONAL)
        raise _fail(source, f"{where} has unknown keys {', '.join(unknown)}: allowed {allowed}")
    slug = entry["slug"]
    try:
        build_territory_id("group", slug)
    except InvalidTerritoryId:
        raise _fail(
            source, f"{where}: slug {slug!r} must be lower-case words joined by hyphens"
        ) from None
    for key in ("name", "kind"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise _fail(source, f"{where}: {key} must be a non-empty string")
    members = entry["members"]
    if not isinstance(members, list) or not members:
        raise _fail(source, f"{where}: members must be a non-empty list")
    for member in members:
        if not isinstance(member, str):
            raise _fail(
                source,
                f"{where}: member {member!r} is not a string; quote INSEE codes "
                '("06004"), YAML reads 06004 as a number',
            )
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise _fail(source, f"{where}: aliases must be a list of strings")
    description = entry.get("description")
    if description is not None and not isinstance(description, str):
        raise _fail(source, f"{where}: description must be a string")
    return GroupSpec(
        slug=slug,
        name=entry["name"].strip(),
        kind=entry["kind"].strip(),
        members=tuple(members),
        description=description.strip() if description else None,
        aliases=tuple(aliases),
        source=source,
    )


def build_groups(
    specs: Sequence[GroupSpec], communes: Mapping[str, Territory]
) -> tuple[list[Territory], dict[str, tuple[str, ...]]]:
    """Resolve members (``communes`` maps INSEE codes to commune-level territories).

    Returns the group territories and, per group id, its direct member ids (communes and
    groups, as listed) for :meth:`Referential.children`.
    """
    by_slug: dict[str, GroupSpec] = {}
    for spec in specs:
        if spec.slug in by_slug:
            other = by_slug[spec.slug].source
            raise _fail(spec.source, f"group {spec.slug} is already defined in {other}")
        by_slug[spec.slug] = spec

    direct: dict[str, tuple[str, ...]] = {}
    for spec in specs:
        ids = []
        for member in spec.members:
            if member.startswith("group:"):
                if member[len("group:") :] not in by_slug:
                    raise _fail(spec.source, f"group {spec.slug}: unknown group {member}")
                ids.append(member)
            elif member in communes:
                ids.append(communes[member].id)
            else:
                raise _fail(
                    spec.source,
                    f"group {spec.slug}: {member!r} is not the INSEE code of a commune "
                    '(expected e.g. "06004" or group:<slug>)',
                )
        direct[spec.id] = tuple(dict.fromkeys(ids))

    expanded: dict[str, tuple[str, ...]] = {}

    def expand(group_id: str, path: tuple[str, ...]) -> tuple[str, ...]:
        if group_id in path:
            cycle = " -> ".join((*path[path.index(group_id) :], group_id))
            raise _fail(by_slug[group_id[len("group:") :]].source, f"groups form a cycle: {cycle}")
        if group_id not in expanded:
            out: list[str] = []
            for member in direct[group_id]:
                if member.startswith("group:"):
                    out.extend(expand(member, (*path, group_id)))
                else:
                    out.append(member)
            expanded[group_id] = tuple(dict.fromkeys(out))
        return expanded[group_id]

    by_id = {t.id: t for t in communes.values()}
    territories = [
        _group_territory(spec, [by_id[i] for i in expand(spec.id, ())]) for spec in specs
    ]
    return territories, direct


def _common(values: list[str | None]) -> str | None:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _group_territory(spec: GroupSpec, members: list[Territory]) -> Territory:
    population = sum(m.population or 0 for m in members)
    placed = [m for m in members if m.lat is not None and m.lon is not None]
    weights = [max(m.population or 0, 1) for m in placed]
    total = sum(weights)
    lat = lon = None
    if total:
        lat = round(
            sum((m.lat or 0.0) * w for m, w in zip(placed, weights, strict=True)) / total, 5
        )
        lon = round(
            sum((m.lon or 0.0) * w for m, w in zip(placed, weights, strict=True)) / total, 5
        )
    return Territory(
        id=spec.id,
        level="group",
        code=spec.slug,
        name=spec.name,
        kind=spec.kind,
        population=population,
        lat=lat,
        lon=lon,
        departement_code=_common([m.departement_code for m in members]),
        region_code=_common([m.region_code for m in members]),
        member_ids=tuple(m.id for m in members),
        aliases=spec.aliases,
        description=spec.description,
    )

"""Read the derived files of ``cartotech/geo/data/`` into :class:`Territory` objects.

The files are written by ``scripts/build_territories.py`` (see ``data/SOURCES.md``); they are
package data read with :mod:`importlib.resources`, never downloaded.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from cartotech.geo.ids import build_territory_id
from cartotech.geo.model import Territory

__all__ = [
    "data_file",
    "read_communes",
    "read_epci",
    "read_departements",
    "read_regions",
    "read_outlines",
    "OUTLINE_FILES",
]

OUTLINE_FILES = {
    "region": "outlines-regions.geojson.gz",
    "departement": "outlines-departements.geojson.gz",
    "epci": "outlines-epci.geojson.gz",
}


def data_file(name: str) -> Traversable:
    """A file of the package's ``data/`` folder."""
    return resources.files("cartotech.geo").joinpath("data", name)


def _rows(name: str) -> Iterator[list[str]]:
    raw = data_file(name).read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    reader = csv.reader(io.StringIO(raw.decode("utf-8")))
    next(reader)  # header
    return reader


def _float(text: str) -> float | None:
    return float(text) if text else None


def read_communes() -> list[Territory]:
    """Current communes, then the municipal arrondissements."""
    territories = []
    for code, name, kind, parent, dep, reg, epci, pop, postal, lat, lon in _rows("communes.csv.gz"):
        territories.append(
            Territory(
                id="fr:commune:" + code,
                level="commune",
                code=code,
                name=name,
                kind=kind,
                population=int(pop),
                lat=_float(lat),
                lon=_float(lon),
                departement_code=dep,
                region_code=reg,
                epci_code=epci or None,
                parent_id=("fr:commune:" + parent) if parent else None,
                postal_codes=tuple(postal.split()),
            )
        )
    return territories


def read_epci() -> list[Territory]:
    return [
        Territory(
            id=build_territory_id("epci", code),
            level="epci",
            code=code,
            name=name,
            kind=kind,
            population=int(pop),
            lat=_float(lat),
            lon=_float(lon),
            departement_code=dep,
            region_code=reg,
            aliases=tuple(aliases.split("|")) if aliases else (),
        )
        for code, name, kind, dep, reg, pop, lat, lon, aliases in _rows("epci.csv.gz")
    ]


def read_departements() -> list[Territory]:
    return [
        Territory(
            id=build_territory_id("departement", code),
            level="departement",
            code=code,
            name=name,
            kind="departement",
            population=int(pop),
            lat=_float(lat),
            lon=_float(lon),
            departement_code=code,
            region_code=reg,
        )
        for code, name, reg, pop, lat, lon in _rows("departements.csv")
    ]


def read_regions() -> list[Territory]:
    return [
        Territory(
            id=build_territory_id("region", code),
            level="region",
            code=code,
            name=name,
            kind="region",
            population=int(pop),
            lat=_float(lat),
            lon=_float(lon),
            region_code=code,
        )
        for code, name, pop, lat, lon in _rows("regions.csv")
    ]


def read_outlines(level: str) -> dict[str, Any]:
    """The GeoJSON FeatureCollection of the outlines of ``level`` (region, departement, epci)."""
    collection: dict[str, Any] = json.loads(
        gzip.decompress(data_file(OUTLINE_FILES[level]).read_bytes())
    )
    return collection

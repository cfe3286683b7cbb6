"""Vendor the map's and the browser tests' JavaScript from the npm registry.

Run by hand (``make vendor``) when a version below changes; the outputs are
committed, so installing or serving cartotech never needs npm or the network.

    python scripts/vendor_assets.py

For each package: ``npm pack`` fetches the exact version's tarball, its sha512
is checked against the integrity npm reports, and only the listed files are
copied out (never extracted wholesale), with the package's licence beside them.
``cartotech/web/static/vendor/VERSIONS.md`` records what was vendored.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
STATIC_VENDOR = ROOT / "cartotech" / "web" / "static" / "vendor"
TEST_VENDOR = ROOT / "tests" / "browser" / "vendor"


@dataclass(frozen=True)
class Package:
    """One npm package: which files to take from its tarball and where to put them."""

    name: str
    version: str
    destination: Path
    files: tuple[str, ...]  # paths inside the package; a trailing "/*" takes a folder's files
    licences: tuple[str, ...]
    purpose: str


PACKAGES = (
    Package(
        name="leaflet",
        version="1.9.4",
        destination=STATIC_VENDOR / "leaflet",
        files=("dist/leaflet.js", "dist/leaflet.css", "dist/images/*"),
        licences=("LICENSE",),
        purpose="the map (served)",
    ),
    Package(
        name="leaflet.markercluster",
        version="1.5.3",
        destination=STATIC_VENDOR / "leaflet.markercluster",
        files=(
            "dist/leaflet.markercluster.js",
            "dist/MarkerCluster.css",
            "dist/MarkerCluster.Default.css",
        ),
        licences=("MIT-LICENCE.txt",),
        purpose="clustered actor points on the map (served)",
    ),
    Package(
        name="axe-core",
        version="4.14.1",
        destination=TEST_VENDOR,
        files=("axe.min.js",),
        licences=("LICENSE", "LICENSE-3RD-PARTY.txt"),
        purpose="accessibility checks in tests/browser (test only, not served)",
    ),
)


def npm_pack(package: Package, into: Path) -> dict[str, str]:
    """Download the package's tarball into ``into``; npm's JSON description of it."""
    spec = f"{package.name}@{package.version}"
    result = subprocess.run(
        ["npm", "pack", "--json", "--pack-destination", str(into), spec],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"npm pack {spec} failed (exit {result.returncode}):\n{result.stderr}")
    (info,) = json.loads(result.stdout)
    if info["version"] != package.version:
        sys.exit(f"npm pack {spec} returned version {info['version']}")
    return {"integrity": info["integrity"], "filename": info["filename"]}


def check_integrity(tarball: Path, integrity: str) -> None:
    """Fail unless the tarball's sha512 is the one npm reported (the registry's)."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        sys.exit(f"{tarball.name}: unexpected integrity algorithm {algorithm!r}")
    actual = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if actual != expected:
        sys.exit(f"{tarball.name}: sha512 {actual} does not match npm's integrity {expected}")


def matches(member: str, pattern: str) -> bool:
    """Whether ``member`` (a path inside the package) is ``pattern`` or, for "dir/*", in dir."""
    if pattern.endswith("/*"):
        return str(PurePosixPath(member).parent) == pattern[:-2]
    return member == pattern


def destination_path(inner: str) -> PurePosixPath:
    """Where a package file goes, relative to the package's destination.

    ``dist/`` is dropped but sub-folders are kept: leaflet.css refers to
    ``images/marker-icon.png`` relative to itself.
    """
    path = PurePosixPath(inner)
    return path.relative_to("dist") if path.parts[0] == "dist" else path


def copy_files(tarball: Path, package: Package) -> list[str]:
    """Copy the package's listed files and licences into its destination."""
    patterns = package.files + package.licences
    matched: set[str] = set()
    copied: list[str] = []
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            inner = member.name.removeprefix("package/")  # npm puts everything there
            hits = [p for p in patterns if matches(inner, p)]
            if not member.isfile() or not hits:
                continue
            source = archive.extractfile(member)
            if source is None:
                sys.exit(f"{tarball.name}: cannot read {member.name}")
            relative = destination_path(inner)
            target = package.destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read())
            matched.update(hits)
            copied.append(str(relative))
    missing = [p for p in patterns if p not in matched]
    if missing:
        sys.exit(f"{package.name}@{package.version}: not in the tarball: {', '.join(missing)}")
    return sorted(copied)


def licence_of(tarball: Path) -> str:
    """The SPDX licence declared in the tarball's package.json."""
    with tarfile.open(tarball, "r:gz") as archive:
        source = archive.extractfile("package/package.json")
        if source is None:
            sys.exit(f"{tarball.name}: no package.json")
        return str(json.load(source).get("license", "unknown"))


def versions_table(rows: list[tuple[Package, str, str, list[str]]]) -> str:
    """VERSIONS.md: what was vendored, from where, under which licence."""
    lines = [
        "# Vendored assets",
        "",
        "Generated by `scripts/vendor_assets.py` (`make vendor`) from the npm registry;",
        "do not edit. Each tarball's sha512 was checked against the integrity below",
        "before its files were copied.",
        "",
        "| package | version | licence | used for | npm integrity |",
        "| --- | --- | --- | --- | --- |",
    ]
    for package, licence, integrity, _ in rows:
        cells = [package.name, package.version, licence, package.purpose, f"`{integrity}`"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Files", ""]
    for package, _, _, copied in rows:
        where = package.destination.relative_to(ROOT)
        lines.append(f"- `{where}/`: " + ", ".join(f"`{name}`" for name in copied))
    return "\n".join(lines) + "\n"


def main() -> None:
    if shutil.which("npm") is None:
        sys.exit("npm is not installed: it is only needed to re-vendor (apt-get install npm)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="cartotech-vendor-") as tmp:
        for package in PACKAGES:
            info = npm_pack(package, Path(tmp))
            tarball = Path(tmp) / info["filename"]
            check_integrity(tarball, info["integrity"])
            # Start from an empty folder so that files dropped upstream do not linger.
            shutil.rmtree(package.destination, ignore_errors=True)
            copied = copy_files(tarball, package)
            rows.append((package, licence_of(tarball), info["integrity"], copied))
            print(f"{package.name}@{package.version}: {len(copied)} files -> {package.destination}")
    (STATIC_VENDOR / "VERSIONS.md").write_text(versions_table(rows), encoding="utf-8")


if __name__ == "__main__":
    main()

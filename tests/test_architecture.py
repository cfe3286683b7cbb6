"""Upstream stages never import downstream ones."""

from __future__ import annotations

import ast
from pathlib import Path

import cartotech

PACKAGE = Path(cartotech.__file__).parent
# Each stage, and the stages (or modules) it must not import.
ORDER = ["normalize", "errors", "geo", "domain", "ingest", "extract", "resolve", "store"]
SERVE = {"web", "cli", "operations", "press", "exports", "settings"}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "cartotech" else None


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _violations() -> list[str]:
    problems = []
    for path in PACKAGE.rglob("*.py"):
        own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if own not in ORDER:
            continue
        for module in _imports(path):
            other = _stage(module)
            if other is None or other == own:
                continue
            downstream = other in SERVE or (
                other in ORDER and ORDER.index(other) > ORDER.index(own)
            )
            if downstream:
                problems.append(f"{path.relative_to(PACKAGE)} imports {module}")
    return problems


def test_stages_only_import_upstream() -> None:
    assert _violations() == []


def test_the_check_sees_a_violation(tmp_path, monkeypatch) -> None:
    fake = tmp_path / "cartotech"
    (fake / "geo").mkdir(parents=True)
    (fake / "geo" / "bad.py").write_text("from cartotech.store import migrate\n")
    monkeypatch.setattr("tests.test_architecture.PACKAGE", fake)
    assert _violations() == ["geo/bad.py imports cartotech.store"]

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cartotech.cli import app
from cartotech.operations import curated_directory_path

runner = CliRunner()


def test_territories_stats_json() -> None:
    result = runner.invoke(app, ["territories", "stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["departements"] == 101
    assert stats["regions"] == 18
    assert 34_800 < stats["communes"] < 35_000


def test_territories_find_json() -> None:
    result = runner.invoke(app, ["territories", "find", "st etienne", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["id"] == "fr:commune:42218"


def test_init_import_export(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    first = runner.invoke(app, ["import", str(curated_directory_path()), "--db", db, "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["actors"]["created"] >= 50
    again = runner.invoke(app, ["import", str(curated_directory_path()), "--db", db, "--json"])
    report = json.loads(again.stdout)
    assert all(c["created"] == 0 and c["updated"] == 0 for c in report.values())
    out = tmp_path / "actors.geojson"
    exported = runner.invoke(
        app, ["export", "geojson", "--db", db, "--type", "incubator", "-o", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text())["features"]


def test_import_error_exits_1_with_the_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nactors:\n  - {key: a, name: A, type: robot, source: s}\n")
    result = runner.invoke(app, ["import", str(bad), "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 1
    assert "bad.yaml, line 3, field actors[0].type" in result.stderr


def test_unknown_export_format_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "xlsx", "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 1
    assert "unknown export format 'xlsx'" in result.stderr

"""Export rendering, independent of the store."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cartotech.errors import InputError
from cartotech.exports import EXPORT_COLUMNS, render_export


def _row(**values: object) -> dict[str, object]:
    return {column: values.get(column) for column in EXPORT_COLUMNS}


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)"])
def test_csv_cells_that_spreadsheets_would_run_are_neutralised(formula: str) -> None:
    text = "".join(render_export("csv", iter([_row(id=1, name=formula, lat=1.0, lon=2.0)])))
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["name"] == "'" + formula


def test_plain_cells_are_unchanged() -> None:
    text = "".join(render_export("csv", iter([_row(id=1, name="Acme")])))
    assert next(csv.DictReader(io.StringIO(text)))["name"] == "Acme"


def test_geojson_skips_unplaced_rows() -> None:
    rows = [_row(id=1, name="Placed", lat=50.6, lon=3.0), _row(id=2, name="Nowhere")]
    collection = json.loads("".join(render_export("geojson", iter(rows))))
    assert [f["properties"]["name"] for f in collection["features"]] == ["Placed"]
    assert collection["features"][0]["geometry"]["coordinates"] == [3.0, 50.6]


def test_unknown_format() -> None:
    with pytest.raises(InputError, match="unknown export format 'xlsx'"):
        render_export("xlsx", iter([]))

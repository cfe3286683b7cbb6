"""Open-data exports of actors: CSV, JSON and GeoJSON, streamed in pages.

Every exported actor names the source that vouches for it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine

from cartotech.errors import InputError
from cartotech.geo import Referential
from cartotech.store import ActorQuery, search_actors

__all__ = [
    "EXPORT_FORMATS",
    "EXPORT_COLUMNS",
    "MEDIA_TYPES",
    "csv_cell",
    "csv_chunks",
    "iter_export_rows",
    "render_export",
]

EXPORT_FORMATS = ("csv", "json", "geojson")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
}
EXPORT_COLUMNS = (
    "id", "key", "name", "type", "territory_id", "place_label", "commune_code", "epci_code",
    "departement_code", "region_code", "lat", "lon", "website", "description_fr",
    "description_en",
)  # fmt: skip
PAGE = 1000


def iter_export_rows(
    engine: Engine, query: ActorQuery, referential: Referential
) -> Iterator[dict[str, Any]]:
    """The actors matching ``query`` (all pages), in the query's order."""
    offset = 0
    while True:
        page = replace(query, limit=PAGE, offset=offset, with_facets=False)
        with engine.connect() as conn:
            result = search_actors(conn, page, referential)
        for item in result.items:
            yield {column: item[column] for column in EXPORT_COLUMNS}
        if len(result.items) < PAGE:
            return
        offset += PAGE


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV cell: text a spreadsheet would run as a formula is quoted."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def csv_chunks(
    rows: Iterable[dict[str, Any]], columns: Sequence[str] = EXPORT_COLUMNS
) -> Iterator[str]:
    """Chunks of the CSV of ``rows`` (a header, then ``columns`` of each row, every cell
    through :func:`csv_cell`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(row[k]) for k in columns})
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + json.dumps(row, ensure_ascii=False)
    yield "]\n"


def _geojson(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for row in rows:
        if row["lat"] is None or row["lon"] is None:
            continue
        feature = {
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")},
        }
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}\n"


def render_export(fmt: str, rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """Chunks of the export of ``rows`` in ``fmt`` (csv, json, geojson)."""
    renderers = {"csv": csv_chunks, "json": _json, "geojson": _geojson}
    if fmt not in renderers:
        raise InputError(
            f"unknown export format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)}",
            field="format",
        )
    return renderers[fmt](rows)

"""The ``cartotech`` command: a thin shell over the packages.

Each command parses its options, calls one function and renders the result.
Every ``CartotechError`` is printed as a message and exits with status 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from cartotech.errors import CartotechError
from cartotech.settings import get_settings

app = typer.Typer(
    help="cartotech: a sourced observatory of regional tech ecosystems.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
territories_app = typer.Typer(help="Look up the territory referential.", no_args_is_help=True)
app.add_typer(territories_app, name="territories")

console = Console()
F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite file or database URL (default: CARTOTECH_DATABASE_URL, else cartotech.db).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _database_url(db: str | None) -> str:
    if db is None:
        return get_settings().database_url
    return db if "://" in db else f"sqlite:///{db}"


def reports_errors(command: F) -> F:
    """Print a CartotechError as one clear message and exit 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CartotechError as exc:
            typer.echo(f"Error: {exc.message}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
@reports_errors
def init(db: DbOption = None) -> None:
    """Create or migrate the database and load the territory referential."""
    from cartotech.operations import init_database
    from cartotech.store import create_store_engine

    engine = create_store_engine(_database_url(db))
    with console.status("Creating the schema and loading the territories…"):
        report = init_database(engine)
    console.print(f"Database ready: {report.territories_added:,} territories added.")


@app.command("import")
@reports_errors
def import_(
    file: Annotated[Path, typer.Argument(help="A directory file: .yaml/.yml or .csv")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Validate a directory file and load it in one transaction (re-running changes nothing)."""
    from cartotech.operations import import_file
    from cartotech.store import create_store_engine

    engine = create_store_engine(_database_url(db))
    report = import_file(engine, file, max_bytes=get_settings().max_import_bytes)
    if as_json:
        _print_json(report.as_dict())
        return
    table = Table("rows", "created", "updated", "unchanged", title=f"Imported {file}")
    for kind, counts in report.as_dict().items():
        table.add_row(kind, *(str(counts[o]) for o in ("created", "updated", "unchanged")))
    console.print(table)


def _serve(database_url: str, host: str, port: int) -> None:
    import uvicorn

    from cartotech.web import create_app

    settings = get_settings(database_url=database_url, host=host, port=port)
    application = create_app(settings)
    console.print(f"Serving {database_url} on http://{host}:{port} (API docs: /api/docs)")
    uvicorn.run(application, host=host, port=port, log_level="info")


@app.command()
@reports_errors
def serve(
    db: DbOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the web app and the API."""
    settings = get_settings()
    _serve(_database_url(db), host or settings.host, port or settings.port)


@app.command()
@reports_errors
def demo(
    db: Annotated[Path, typer.Option("--db", help="The demo SQLite file.")] = Path("demo.db"),
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve it once built.")
    ] = True,
    port: Annotated[int | None, typer.Option(help="Port to serve on.")] = None,
) -> None:
    """Build the demo database (referential + curated directory) and serve it."""
    from cartotech.operations import build_demo

    with console.status(f"Building {db}…"):
        report = build_demo(db)
    created = {kind: c["created"] for kind, c in report.as_dict().items() if c["created"]}
    added = ", ".join(f"{n} {kind}" for kind, n in created.items()) or "nothing new"
    console.print(f"{db} is ready ({added}).")
    if serve_after:
        settings = get_settings()
        _serve(f"sqlite:///{db}", settings.host, port or settings.port)


@app.command()
@reports_errors
def export(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="csv, json or geojson")],
    db: DbOption = None,
    q: Annotated[str, typer.Option(help="Search words.")] = "",
    type_: Annotated[list[str] | None, typer.Option("--type", help="Actor type.")] = None,
    territory: Annotated[str | None, typer.Option(help="A territory id.")] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default: stdout).")
    ] = None,
) -> None:
    """Export actors (all, or those matching the filters) as CSV, JSON or GeoJSON."""
    from cartotech.exports import iter_export_rows, render_export
    from cartotech.geo import get_referential
    from cartotech.store import ActorQuery, create_store_engine

    engine = create_store_engine(_database_url(db))
    query = ActorQuery(text=q, types=tuple(type_ or ()), territory_id=territory)
    chunks = render_export(fmt, iter_export_rows(engine, query, get_referential()))
    with output.open("w", encoding="utf-8") if output else _stdout() as stream:
        for chunk in chunks:
            stream.write(chunk)


class _stdout:
    def __enter__(self) -> Any:
        return sys.stdout

    def __exit__(self, *_: object) -> None:
        sys.stdout.flush()


@territories_app.command("find")
@reports_errors
def territories_find(
    query: Annotated[str, typer.Argument(help="A name, postal code or INSEE code.")],
    limit: Annotated[int, typer.Option(help="How many candidates.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Find territories by name, tolerant of accents, hyphens and "St"."""
    from cartotech.geo import find_places

    candidates = find_places(query, limit=limit)
    if as_json:
        _print_json(
            [
                {
                    "id": c.territory.id,
                    "name": c.territory.name,
                    "level": c.territory.level,
                    "label": c.label,
                    "departement": c.departement_code,
                    "population": c.territory.population,
                    "score": round(c.score, 2),
                }
                for c in candidates
            ]
        )
        return
    table = Table("id", "name", "département", "population", "score")
    for c in candidates:
        pop = f"{c.territory.population:,}" if c.territory.population else ""
        table.add_row(c.territory.id, c.label, c.departement_name or "", pop, f"{c.score:.1f}")
    console.print(table)


@territories_app.command("stats")
@reports_errors
def territories_stats(as_json: JsonOption = False) -> None:
    """Count the territories of the referential by level."""
    from cartotech.geo import get_referential

    stats = get_referential().stats()
    if as_json:
        _print_json(stats)
        return
    table = Table("level", "count")
    for level, count in stats.items():
        table.add_row(level, f"{count:,}")
    console.print(table)


if __name__ == "__main__":  # pragma: no cover
    app()

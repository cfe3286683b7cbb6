"""The ``cartotech`` command: a thin shell over the packages.

Each command parses its options, calls one function and renders the result.
Every ``CartotechError`` is printed as a message and exits with status 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from cartotech.errors import CartotechError
from cartotech.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

app = typer.Typer(
    help="cartotech: a sourced observatory of regional tech ecosystems.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
territories_app = typer.Typer(help="Look up the territory referential.", no_args_is_help=True)
app.add_typer(territories_app, name="territories")
review_app = typer.Typer(
    help="Decide the organisation mentions the press pipeline could not link alone.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")
users_app = typer.Typer(help="Manage accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")
petitions_app = typer.Typer(help="Support petitions.", no_args_is_help=True)
app.add_typer(petitions_app, name="petitions")

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


@contextmanager
def _store(db: str | None) -> Iterator[Engine]:
    """An engine on the database, its connections closed when the command ends."""
    from cartotech.store import create_store_engine

    engine = create_store_engine(_database_url(db))
    try:
        yield engine
    finally:
        engine.dispose()


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

    with _store(db) as engine, console.status("Creating the schema and loading the territories…"):
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

    with _store(db) as engine:
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
    from cartotech.store import ActorQuery

    query = ActorQuery(text=q, types=tuple(type_ or ()), territory_id=territory)
    with _store(db) as engine:
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


@app.command()
@reports_errors
def extract(
    paths: Annotated[
        list[Path], typer.Argument(help="Article files or folders (read recursively).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for one JSON per article.")],
    no_directory: Annotated[
        bool,
        typer.Option("--no-directory", help="Leave the directory's names out of the gazetteer."),
    ] = False,
    processes: Annotated[
        int,
        typer.Option(help="spaCy worker processes per language (French and English each get N)."),
    ] = 1,
) -> None:
    """Extract organisations, people, places, amounts, counts, dates and relations
    into the gold format (one JSON per article), without touching a database."""
    from cartotech.extract.files import extract_files
    from cartotech.extract.gazetteer import gazetteer_from_bundle
    from cartotech.extract.pipeline import Extractor
    from cartotech.ingest import load_directory_file
    from cartotech.operations import curated_directory_path

    with console.status("Loading the extraction models…"):
        directory = (
            []
            if no_directory
            else gazetteer_from_bundle(load_directory_file(curated_directory_path()))
        )
        extractor = Extractor.load(directory=directory)
    report = extract_files(paths, out, extractor, n_process=processes)
    for bad in report.bad_inputs:
        console.print(f"skipped {bad.message}")
    for source, why in report.not_extracted:
        console.print(f"not extracted {source}: {why}")
    console.print(f"{len(report.written)} article(s) written to {out}")


@app.command()
@reports_errors
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Article files or folders (read recursively).")
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ingest press articles: stories, extraction, linking to the directory, facts."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from cartotech.press import ingest_paths

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with (
        _store(db) as engine,
        Progress(*columns, console=console, transient=True, disable=as_json) as bar,
    ):
        task = bar.add_task("Ingesting", total=None)

        def progress(done: int, total: int, path: Path) -> None:
            bar.update(task, completed=done, total=total, description=path.name[:40])

        def loading() -> None:
            # When the first article needs them: the bar would stand still for seconds.
            bar.update(task, description="Loading the extraction models…", refresh=True)

        report = ingest_paths(
            engine, paths, progress=progress, on_model_load=loading,
            max_bytes=get_settings().max_import_bytes,
        )  # fmt: skip
    if as_json:
        _print_json(report.as_dict())
        return
    table = Table("", "count", title="Ingested")
    rows = {
        "files seen": report.files_seen,
        "files done": report.files_done,
        "files skipped (done before)": report.files_skipped,
        **{f"documents {kind}": n for kind, n in sorted(report.documents.items())},
        "mentions written": report.mentions,
        "facts written": report.facts,
        "relations written": report.relations,
        "roles written": report.roles,
        "review items created": report.review_items,
    }
    for name, count in rows.items():
        table.add_row(name, f"{count:,}")
    table.add_row("documents extracted", f"{report.extracted:,}")
    console.print(table)
    if report.bad:
        bad = Table(title=f"{len(report.bad)} bad inputs")
        # Paths are folded, never cut: the user has to find the file.
        bad.add_column("input", overflow="fold")
        bad.add_column("why it was skipped", overflow="fold")
        for item in report.bad:
            where = str(item.path) + (f":{item.line}" if item.line else "")
            bad.add_row(where, item.reason)
        console.print(bad)


@review_app.command("list")
@reports_errors
def review_list(
    status: Annotated[str, typer.Option(help="pending, accepted, rejected or all.")] = "pending",
    limit: Annotated[int | None, typer.Option(help="At most this many items.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List review items, each with the sentence that names the organisation."""
    from cartotech.press import review_queue

    with _store(db) as engine:
        items = review_queue(engine, status, limit=limit)
    if as_json:
        _print_json(items)
        return
    table = Table("id", "kind", "name", "type", "candidate", "score", "status", "sentence")
    for item in items:
        candidate = (
            f"{item['candidate_name']} (#{item['candidate_actor_id']})"
            if item["candidate_actor_id"]
            else ""
        )
        table.add_row(
            str(item["id"]),
            item["kind"],
            item["name"],
            item["proposed_type"] or "",
            candidate,
            f"{item['score']:.2f}",
            item["status"],
            item["sentence"],
        )
    console.print(table)


@review_app.command("accept")
@reports_errors
def review_accept(
    item_id: Annotated[int, typer.Argument(metavar="ID", help="A review item id.")],
    type_: Annotated[
        str | None,
        typer.Option("--type", help="Actor type of a new actor (else the proposed one)."),
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why (kept with the decision).")] = None,
    db: DbOption = None,
) -> None:
    """Accept an item: create the actor (or merge into the candidate) and link the mention."""
    from cartotech.press import accept_review

    with _store(db) as engine:
        decision = accept_review(engine, item_id, actor_type=type_, note=note)
    what = "created" if decision.actor_created else "linked to"
    console.print(
        f"Item {item_id} accepted: {what} actor #{decision.actor_id}; "
        f"{decision.facts} facts, {decision.relations} relations, {decision.roles} roles added."
    )


@review_app.command("reject")
@reports_errors
def review_reject(
    item_id: Annotated[int, typer.Argument(metavar="ID", help="A review item id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is rejected.")],
    db: DbOption = None,
) -> None:
    """Reject an item, saying why; the mention stays unlinked."""
    from cartotech.press import reject_review

    with _store(db) as engine:
        reject_review(engine, item_id, reason)
    console.print(f"Item {item_id} rejected.")


@users_app.command("create-admin")
@reports_errors
def users_create_admin(
    email: Annotated[str, typer.Option("--email", help="The administrator's email address.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Create an administrator (or make an existing account one and set its password)."""
    from cartotech.store import unit_of_work
    from cartotech.store.accounts import create_admin

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _store(db) as engine, unit_of_work(engine) as conn:
        user, created = create_admin(conn, email, password)
    console.print(
        f"{'Created' if created else 'Promoted'} administrator {user.email} (#{user.id})."
    )


@petitions_app.command("forget")
@reports_errors
def petitions_forget(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The person's email address.")],
    db: DbOption = None,
) -> None:
    """Erase a person's data (signatures, contact details, account), keeping the counts."""
    from cartotech.domain.participation import SystemActor
    from cartotech.store import unit_of_work
    from cartotech.store.privacy import forget_email

    with _store(db) as engine, unit_of_work(engine) as conn:
        report = forget_email(conn, email, by=SystemActor.CLI)
    console.print(
        f"Erased: {report.signatures_anonymised} confirmed signature(s) anonymised (still "
        f"counted), {report.signatures_deleted} unconfirmed deleted, {report.submissions} "
        f"submission(s), {report.events} event(s), {report.accounts} account(s), "
        f"{report.audit_entries} audit entr{'y' if report.audit_entries == 1 else 'ies'} scrubbed."
    )


if __name__ == "__main__":  # pragma: no cover
    app()

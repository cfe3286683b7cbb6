"""What the CLI and the web app do to a database, as plain functions:
initialise it, import a directory file, build the demo. Each write is one
unit of work: it all lands, or nothing does (press ingestion: one per article)."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, select

from cartotech.errors import CartotechError
from cartotech.geo import get_referential
from cartotech.ingest import load_directory_file
from cartotech.press import ArticleExtractor, IngestReport, ingest_paths
from cartotech.settings import get_settings
from cartotech.store import (
    ImportReport,
    create_store_engine,
    import_directory,
    is_migrated,
    unit_of_work,
)
from cartotech.store.evidence_files import EvidenceFiles
from cartotech.store.initialise import InitReport, init_database
from cartotech.store.participation_demo import ParticipationDemo, load_participation_demo
from cartotech.store.schema import sources

__all__ = [
    "DemoReport",
    "InitReport",
    "build_demo",
    "curated_directory_path",
    "demo_press_paths",
    "import_file",
    "init_database",
]


def import_file(engine: Engine, path: Path, *, max_bytes: int = 20_000_000) -> ImportReport:
    """Validate ``path`` whole, then write it in one transaction."""
    if not is_migrated(engine):
        init_database(engine)
    referential = get_referential()
    with engine.connect() as conn:
        known_sources = set(conn.execute(select(sources.c.key)).scalars())
    bundle = load_directory_file(
        path, referential=referential, max_bytes=max_bytes, known_sources=known_sources
    )
    with unit_of_work(engine) as conn:
        return import_directory(conn, bundle, referential)


def curated_directory_path() -> Path:
    """The curated directory shipped with cartotech (actors of the seed articles)."""
    return Path(str(resources.files("cartotech") / "data" / "directory.yaml"))


def demo_press_paths() -> list[Path]:
    """The demo articles shipped with cartotech, in name order (the French
    Nautiloop article before its English version, so the French one starts
    the story). The folder's README.md describes them and is not an article."""
    folder = Path(str(resources.files("cartotech") / "data" / "press"))
    return sorted(p for p in folder.glob("*.md") if p.name.lower() != "readme.md")


@dataclass
class DemoReport:
    """What building the demo did: the curated directory import, the
    ingestion of the demo articles, then the participation data (a candidacy,
    its petition with confirmed signatures, events, funding calls)."""

    directory: ImportReport
    press: IngestReport = field(default_factory=IngestReport)
    participation: ParticipationDemo = field(
        default_factory=lambda: ParticipationDemo(created=False)
    )

    def as_dict(self) -> dict[str, dict[str, int]]:
        """Rows by kind (``created`` / ``updated`` / ``unchanged``), the
        directory's kinds plus ``articles``: documents stored by this run, and
        files left alone because an earlier run had finished them; plus, on the
        run that adds them, the participation demo's candidacies, petitions,
        events and funding calls."""
        stored = sum(self.press.documents.values())
        made = self.participation
        # Written once, in one transaction; a later run (which leaves them as they
        # are) reports nothing for them.
        participation = (
            {
                "candidacies": 1 if made.candidacy_id is not None else 0,
                "petitions": 1 if made.petition_id is not None else 0,
                "events": len(made.event_ids),
                "funding calls": len(made.funding_call_ids),
            }
            if made.created
            else {}
        )
        return {
            **self.directory.as_dict(),
            "articles": {
                "created": stored,
                "updated": 0,
                "unchanged": self.press.files_skipped,
            },
            **{
                kind: {"created": n, "updated": 0, "unchanged": 0}
                for kind, n in participation.items()
            },
        }


def build_demo(database: Path, *, extractor: ArticleExtractor | None = None) -> DemoReport:
    """Build (or bring up to date) the demo database at ``database``: the
    full referential, the curated directory, the demo press articles
    (stories, extracted facts, mentions linked to the directory), then the
    participation data (``store.participation_demo``: a candidacy for Lille
    with evidence, its petition with confirmed signatures, events, funding
    calls), added once.

    ``extractor`` defaults to the real one fed with the directory, as
    ``cartotech ingest`` uses, loaded only when an article needs it (an
    up-to-date demo loads nothing); tests pass the one they already loaded.
    Deterministic and idempotent: a second run changes no row.
    """
    engine = create_store_engine(f"sqlite:///{database}")
    try:
        init_database(engine)
        directory = import_file(engine, curated_directory_path())
        press = ingest_paths(engine, demo_press_paths(), extractor=extractor)
        # The files beside the database, where `cartotech serve --db` looks for them.
        settings = get_settings(database_url=f"sqlite:///{database}")
        files = EvidenceFiles(
            settings.files_dir() / "evidence", max_bytes=settings.max_upload_bytes
        )
        participation = load_participation_demo(engine, get_referential(), files)
    finally:
        engine.dispose()
    if press.bad:
        problems = "; ".join(bad.message for bad in press.bad)
        raise CartotechError(f"a demo article shipped with cartotech could not be read: {problems}")
    return DemoReport(directory=directory, press=press, participation=participation)

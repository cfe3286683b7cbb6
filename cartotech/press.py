"""Press ingestion end to end: read articles, place them in stories, extract
the ones that start a story, link their organisations to the directory, and
store everything, one transaction per document.

The order follows :mod:`cartotech.ingest.stories`: the story index is loaded
from the store once; for each document ``index.match``, then one unit of
work writes the document (with its mentions, review items and facts) and,
with the file's last document, the file's done mark; only after that commit
does the entry go into the in-memory index. An error stops the run with the
documents before it committed and nothing of the failing one; the next run
skips finished files and redoes the rest (documents already stored are exact
duplicates, which write nothing).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine

from cartotech.domain import BadInput, Document
from cartotech.extract.records import ArticleExtraction
from cartotech.ingest import iter_input_files, read_document_bytes, read_file_bytes
from cartotech.ingest.readers import DEFAULT_MAX_BYTES
from cartotech.ingest.stories import StoryIndex, StoryKind
from cartotech.resolve.linking import ActorIndex, resolve_mentions
from cartotech.resolve.records import ActorCandidate, MentionLink
from cartotech.store import (
    DocumentReport,
    FileStamp,
    ReviewDecision,
    accept_review_item,
    actor_candidates,
    file_done,
    is_migrated,
    list_review_items,
    load_story_index,
    mark_file_done,
    migrate,
    record_document,
    reject_review_item,
    story_parameters,
    unit_of_work,
)
from cartotech.store.initialise import init_database
from cartotech.store.press import EXTRACTED_LANGUAGES

if TYPE_CHECKING:
    from cartotech.extract.pipeline import Extractor

__all__ = [
    "ArticleExtractor",
    "IngestReport",
    "Progress",
    "accept_review",
    "ingest_paths",
    "load_extractor",
    "reject_review",
    "review_queue",
]


class ArticleExtractor(Protocol):
    """What ingestion needs of an extractor (``cartotech.extract.pipeline.Extractor``)."""

    def extract(self, text: str, lang: str, published: str | None) -> ArticleExtraction: ...


#: Called after each file: files handled so far, files in all, the file.
Progress = Callable[[int, int, Path], None]


@dataclass
class IngestReport:
    """What one run did. ``documents`` counts by story kind (new, exact, near,
    cross_language); ``bad`` lists the inputs that gave no document."""

    files_seen: int = 0
    files_done: int = 0
    files_skipped: int = 0
    documents: Counter[str] = field(default_factory=Counter)
    extracted: int = 0
    mentions: int = 0
    facts: int = 0
    relations: int = 0
    roles: int = 0
    review_items: int = 0
    bad: list[BadInput] = field(default_factory=list)

    def add(self, document: DocumentReport) -> None:
        self.documents[document.kind.value] += 1
        self.extracted += int(document.extracted)
        self.mentions += document.mentions
        self.facts += document.facts
        self.relations += document.relations
        self.roles += document.roles
        self.review_items += document.review_items

    def as_dict(self) -> dict[str, object]:
        return {
            "files": {
                "seen": self.files_seen,
                "done": self.files_done,
                "skipped": self.files_skipped,
            },
            "documents": {kind.value: self.documents[kind.value] for kind in StoryKind},
            "extracted": self.extracted,
            "written": {
                "mentions": self.mentions,
                "facts": self.facts,
                "relations": self.relations,
                "roles": self.roles,
                "review_items": self.review_items,
            },
            "bad": [{"path": str(bad.path), "reason": bad.message} for bad in self.bad],
        }


def _stamp(path: Path, data: bytes) -> FileStamp | None:
    """The identity for resuming of the file ``data`` was read from; None when
    the file is gone already (its documents are stored without a done mark:
    the next run finds them exact duplicates)."""
    try:
        mtime_ns = path.stat().st_mtime_ns
        resolved = str(path.resolve())
    except OSError:
        return None
    return FileStamp(resolved, len(data), mtime_ns, hashlib.sha256(data).hexdigest())


def _bad_reason(bad: list[BadInput]) -> str:
    return "; ".join(item.reason for item in bad[:3]) or "no document"


class _LoadedOnFirstUse:
    """The real extractor, its organisation gazetteer fed with ``actors``,
    loaded (a few seconds) only when an article needs it: a run whose files
    were all finished before loads nothing."""

    def __init__(
        self, actors: Sequence[ActorCandidate], on_load: Callable[[], None] | None = None
    ) -> None:
        self.actors = actors
        self.on_load = on_load
        self.loaded: ArticleExtractor | None = None

    def extract(self, text: str, lang: str, published: str | None) -> ArticleExtraction:
        if self.loaded is None:
            if self.on_load is not None:
                self.on_load()
            self.loaded = load_extractor(self.actors)
        return self.loaded.extract(text, lang, published)


class _Run:
    """One ingestion: the indexes it keeps in memory and its report."""

    def __init__(
        self, engine: Engine, extractor: ArticleExtractor | None, max_bytes: int,
        on_model_load: Callable[[], None] | None = None,
    ) -> None:  # fmt: skip
        self.engine = engine
        self.max_bytes = max_bytes
        self.report = IngestReport()
        with engine.connect() as conn:
            self.stories: StoryIndex = load_story_index(conn)
            # Read once: the resolver's index and the default extractor's gazetteer.
            candidates = actor_candidates(conn)
        self.actors = ActorIndex(candidates)
        self.extractor = (
            extractor if extractor is not None else _LoadedOnFirstUse(candidates, on_model_load)
        )
        self.parameters = story_parameters(self.stories)

    def file(self, path: Path) -> None:
        # Read once: the bytes hashed for the done mark are the bytes parsed.
        data = read_file_bytes(path, max_bytes=self.max_bytes)
        if isinstance(data, BadInput):
            self.report.bad.append(data)
            return
        stamp = _stamp(path, data)
        if stamp is not None:
            with self.engine.connect() as conn:
                if file_done(conn, stamp):
                    self.report.files_skipped += 1
                    return
        items = read_document_bytes(path, data)
        found = [item for item in items if isinstance(item, Document)]
        bad = [item for item in items if isinstance(item, BadInput)]
        self.report.bad.extend(bad)
        if not found:
            if stamp is not None:
                with unit_of_work(self.engine) as conn:
                    mark_file_done(conn, stamp, documents=0, bad_reason=_bad_reason(bad))
            return
        for position, document in enumerate(found, 1):
            last = position == len(found)
            self.document(document, stamp if last else None, len(found))
        self.report.files_done += 1

    def document(self, document: Document, stamp: FileStamp | None, count: int) -> None:
        match = self.stories.match(document)
        extraction: ArticleExtraction | None = None
        links: list[MentionLink] = []
        if match.kind is StoryKind.NEW and document.lang in EXTRACTED_LANGUAGES:
            extraction = self.extractor.extract(document.text, document.lang, document.published)
            links = resolve_mentions(extraction.organizations, self.actors)
        with unit_of_work(self.engine) as conn:
            written = record_document(
                conn, document, match, extraction, links, parameters=self.parameters
            )
            if stamp is not None:
                mark_file_done(conn, stamp, documents=count)
        # Only now: a rolled-back document must leave no trace in the index.
        if match.entry is not None:
            self.stories.insert(match.entry)
        self.report.add(written)


def ingest_paths(
    engine: Engine,
    paths: Path | str | Iterable[Path | str],
    *,
    extractor: ArticleExtractor | None = None,
    progress: Progress | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_model_load: Callable[[], None] | None = None,
) -> IngestReport:
    """Ingest the articles under ``paths`` (files and folders) into the store.

    Bad inputs are reported and skipped; files finished by an earlier run
    (same path, size, modification time and bytes) are skipped. Re-running
    on the same files changes no row. ``extractor`` defaults to the real one,
    its gazetteer fed with the store's actors, loaded when the first article
    needs it (``on_model_load`` is called just before, for the caller to say
    so: it takes a few seconds); tests pass the one they already loaded.
    """
    if not is_migrated(engine):
        init_database(engine)
    else:
        migrate(engine)  # a store made before the press tables gets them
    run = _Run(engine, extractor, max_bytes, on_model_load)
    inputs = list(iter_input_files(paths))
    for position, item in enumerate(inputs, 1):
        if isinstance(item, BadInput):
            run.report.bad.append(item)
        else:
            run.report.files_seen += 1
            run.file(item)
        if progress is not None:
            progress(position, len(inputs), item.path if isinstance(item, BadInput) else item)
    return run.report


def load_extractor(actors: Iterable[ActorCandidate]) -> Extractor:
    """The real extractor, its organisation gazetteer fed with ``actors`` (the
    store's, as :func:`actor_candidates` reads them)."""
    # Imported here: spaCy takes about a second to import, and most of what
    # imports this module (the CLI, cartotech.operations) never extracts.
    from cartotech.extract.gazetteer import GazetteerEntry
    from cartotech.extract.pipeline import Extractor

    return Extractor.load(
        directory=[GazetteerEntry(actor.name, actor.aliases, actor.type) for actor in actors]
    )


# --- the review queue, one transaction per decision ----------------------------


def review_queue(
    engine: Engine, status: str = "pending", *, limit: int | None = None
) -> list[dict[str, Any]]:
    """The review items with ``status`` (``all`` for every one), oldest first."""
    with engine.connect() as conn:
        return list_review_items(conn, status, limit=limit)


def accept_review(
    engine: Engine, item_id: int, *, actor_type: str | None = None, note: str | None = None
) -> ReviewDecision:
    """Accept one item (creates or merges the actor, links, derives facts)."""
    with unit_of_work(engine) as conn:
        return accept_review_item(conn, item_id, actor_type=actor_type, note=note)


def reject_review(engine: Engine, item_id: int, reason: str) -> ReviewDecision:
    """Reject one item, saying why."""
    with unit_of_work(engine) as conn:
        return reject_review_item(conn, item_id, reason)

"""The press tables: documents, the persisted story index, mentions with
their spans, facts attached to a subject, the review queue and press review.

Extractions are built by :class:`HandExtractor`, a real object implementing
the ingestion's extractor protocol: it looks for the names it is given in
the text (spans from ``str.find``) and runs the rule-based amount and count
finders, so these tests need no language model. Seed articles are read from
``shared/seeds`` at test time, never copied into the repository.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, func, inspect, select, update

from cartotech.domain import Document
from cartotech.errors import ConfigurationError, ConflictError, NotFound
from cartotech.extract import find_amounts, find_counts
from cartotech.extract.numbers import sentence_bounds
from cartotech.extract.records import (
    ArticleExtraction,
    OrgMention,
    PersonMention,
    PlaceMention,
    RelationMention,
)
from cartotech.ingest import read_document_file
from cartotech.ingest.stories import StoryIndex, StoryKind
from cartotech.resolve.records import LinkStatus, MentionLink
from cartotech.store import (
    DocumentReport,
    FileStamp,
    accept_review_item,
    actor_candidates,
    actor_id_by_key,
    actor_press_review,
    create_store_engine,
    file_done,
    get_actor,
    list_review_items,
    load_story_index,
    mark_file_done,
    record_document,
    reject_review_item,
    territory_press_review,
    unit_of_work,
)
from cartotech.store.engine import _alembic_config
from cartotech.store.schema import (
    actor_people,
    documents,
    facts,
    mentions,
    metadata,
    relations,
    review_items,
    sources,
    story_entries,
    story_index_state,
)

PRESS_TABLES = {
    "documents",
    "story_entries",
    "story_index_state",
    "mentions",
    "review_items",
    "ingest_files",
}
MARSEILLE = "fr:commune:13055"
# The fullest form in seed 001; the directory knows it without "Capital".
ASSOCIATION = "Aix-Marseille French Tech Région Sud Capital"
PACA = "fr:region:93"


def _spans(text: str, forms: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Every occurrence of the forms, a form inside a longer one's occurrence left out."""
    found: set[tuple[int, int]] = set()
    for form in forms:
        start = text.find(form)
        while start >= 0:
            found.add((start, start + len(form)))
            start = text.find(form, start + len(form))
    return tuple(
        sorted(
            (a, b)
            for a, b in found
            if not any(c <= a and b <= d and (c, d) != (a, b) for c, d in found)
        )
    )


@dataclass
class HandExtractor:
    """Finds the organisations, people, places and relations it is told about.

    ``orgs``: name -> (type, other surface forms). ``people``: (name, role,
    organisation). ``places``: surface form -> territory id. ``relations``:
    (subject, predicate, object, a phrase of the sentence stating it).
    ``fail_on``: raise on that call (1-based), as a crashing model would.
    """

    orgs: Mapping[str, tuple[str | None, tuple[str, ...]]] = field(default_factory=dict)
    people: tuple[tuple[str, str | None, str | None], ...] = ()
    places: Mapping[str, str | None] = field(default_factory=dict)
    relations: tuple[tuple[str, str, str, str], ...] = ()
    fail_on: int | None = None
    calls: int = 0

    def extract(self, text: str, lang: str, published: str | None = None) -> ArticleExtraction:
        self.calls += 1
        if self.calls == self.fail_on:
            raise RuntimeError(f"extractor crashed on call {self.calls}")
        orgs = tuple(
            OrgMention(name, forms, kind, None, spans, "directory")
            for name, (kind, forms) in self.orgs.items()
            if (spans := _spans(text, (name, *forms)))
        )
        people = tuple(
            PersonMention(name, role, org, spans)
            for name, role, org in self.people
            if (spans := _spans(text, (name,)))
        )
        places = tuple(
            PlaceMention(surface, territory, spans)
            for surface, territory in self.places.items()
            if (spans := _spans(text, (surface,)))
        )
        stated = []
        for subject, predicate, obj, phrase in self.relations:
            where = text.find(phrase)
            if where >= 0:
                start, end = sentence_bounds(text, where)
                stated.append(RelationMention(subject, predicate, obj, start, end))
        return ArticleExtraction(
            lang=lang,
            organizations=orgs,
            people=people,
            places=places,
            amounts=tuple(find_amounts(text, lang)),  # type: ignore[arg-type]
            counts=tuple(find_counts(text, lang)),  # type: ignore[arg-type]
            relations=tuple(stated),
        )


def seed_extractor(**kwargs: object) -> HandExtractor:
    """What a careful reader finds in seeds 001 (en) and 004 (fr)."""
    return HandExtractor(
        orgs={
            "Provence Promotion": ("public_body", ()),
            ASSOCIATION: ("association", ("Aix-Marseille French Tech Région Sud",)),
            "Capitale French Tech": ("label_program", ("French Tech Capital Label",)),
            "Tech for Good": ("label_program", ("Tech For Good",)),
        },
        # No organisation given: the led_by relation is what ties him to it.
        people=(("Pascal Lorne", "President", None),),
        places={"Marseille": MARSEILLE, "Provence": None},
        relations=(
            # A person is no actor: a role, not a relation.
            (ASSOCIATION, "led_by", "Pascal Lorne", "Pascal Lorne, President"),
            (
                "Aix-Marseille French Tech Région Sud",
                "awarded",
                "Capitale French Tech",
                "French Tech Capital Label",
            ),
        ),
        **kwargs,  # type: ignore[arg-type]
    )


def read_seed(seeds_dir: Path, prefix: str) -> Document:
    (path,) = seeds_dir.glob(f"{prefix}_*.txt")
    (document,) = read_document_file(path)
    assert isinstance(document, Document)
    return document


def links_for(
    extraction: ArticleExtraction, engine: Engine, review: Mapping[str, LinkStatus]
) -> list[MentionLink]:
    """Links decided by hand: the directory actor bearing the mention's name
    or an alias; LINKED unless ``review`` says otherwise (REVIEW_MERGE then
    proposes that actor, REVIEW_NEW none)."""
    with engine.connect() as conn:
        by_name = {c.name: c.actor_id for c in actor_candidates(conn)}
    result = []
    for org in extraction.organizations:
        known = next((by_name[n] for n in (org.name, *org.aliases) if n in by_name), None)
        status = review.get(org.name, LinkStatus.LINKED if known else LinkStatus.REVIEW_NEW)
        actor_id = None if status is LinkStatus.REVIEW_NEW else known
        result.append(MentionLink(org, status, actor_id, 0.8, "test"))
    return result


def count_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }


@pytest.fixture
def press_engine(loaded_store_url: str) -> Iterator[Engine]:
    engine = create_store_engine(loaded_store_url)
    yield engine
    engine.dispose()


def record_seed(
    engine: Engine,
    document: Document,
    index: StoryIndex,
    review: Mapping[str, LinkStatus] | None = None,
) -> DocumentReport:
    """Match, extract, link and record one seed the way ingestion does."""
    match = index.match(document)
    extraction = None
    links: list[MentionLink] = []
    if match.kind is StoryKind.NEW:
        extraction = seed_extractor().extract(document.text, document.lang, document.published)
        links = links_for(extraction, engine, review or {})
    with unit_of_work(engine) as conn:
        report = record_document(conn, document, match, extraction, links)
    if match.entry is not None:
        index.insert(match.entry)
    return report


def test_migration_creates_the_press_tables_and_downgrades(engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) >= PRESS_TABLES
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0001")
    assert not set(inspect(engine).get_table_names()) & PRESS_TABLES
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    assert set(inspect(engine).get_table_names()) >= PRESS_TABLES


def test_record_document_writes_mentions_and_facts_with_source_and_span(
    press_engine: Engine, seeds_dir: Path
) -> None:
    document = read_seed(seeds_dir, "001")
    report = record_seed(press_engine, document, StoryIndex())
    assert report.kind is StoryKind.NEW
    assert report.extracted
    assert report.mentions > 10
    assert report.facts >= 2
    assert report.relations == 1
    with press_engine.connect() as conn:
        doc = conn.execute(select(documents)).one()
        source = conn.execute(select(sources).where(sources.c.id == doc.source_id)).one()
        assert source.kind == "document"
        assert source.key == f"doc:{document.content_hash[:16]}"
        assert doc.text == document.text
        assert doc.story_kind == "new"
        assert doc.extracted
        for row in conn.execute(select(mentions)):
            assert document.text[row.span_start : row.span_end] == row.text
            assert row.sentence_start <= row.span_start <= row.span_end <= row.sentence_end
        rows = conn.execute(select(facts).where(facts.c.source_id == doc.source_id)).all()
        assert rows
        for fact in rows:
            assert fact.span_start is not None
            assert fact.span_end is not None
            assert fact.actor_id is not None or fact.territory_id is not None
        by_text = {document.text[f.span_start : f.span_end]: f for f in rows}
        # "800 start-ups" shares its sentence with the linked association.
        startups = by_text["800 start-ups"]
        association = next(
            c.actor_id
            for c in actor_candidates(conn)
            if c.name == "Aix-Marseille French Tech Région Sud"
        )
        assert (startups.kind, startups.value, startups.actor_id) == ("startups", 800, association)
        # "18 cables" shares its sentence only with Marseille, a place.
        cables = by_text["18 cables"]
        assert (cables.territory_id, cables.actor_id, cables.kind) == (MARSEILLE, None, "cables")
        # "68 start-up projects": no organisation or place in its sentence.
        assert "68 start-up projects" not in by_text
        assert (
            conn.execute(
                select(func.count()).where(
                    mentions.c.kind == "count", mentions.c.text == "68 start-up projects"
                )
            ).scalar_one()
            == 1
        )
        relation = conn.execute(
            select(relations).where(relations.c.source_id == doc.source_id)
        ).one()
        assert "French Tech Capital Label" in document.text[relation.span_start : relation.span_end]
        assert relation.predicate == "awarded"
        role = conn.execute(
            select(actor_people).where(actor_people.c.source_id == doc.source_id)
        ).one()
        assert role.role == "President"
        assert role.actor_id == association
        # The story index is persisted with its parameters.
        assert (
            conn.execute(select(story_entries.c.content_hash)).scalar_one() == document.content_hash
        )
        assert conn.execute(select(func.count()).select_from(story_index_state)).scalar_one() == 1


def test_recording_the_same_document_again_changes_nothing(
    press_engine: Engine, seeds_dir: Path
) -> None:
    document = read_seed(seeds_dir, "001")
    record_seed(press_engine, document, StoryIndex())
    before = count_rows(press_engine)
    # As after a restart: the index reloaded from the store says "exact".
    with press_engine.connect() as conn:
        index = load_story_index(conn)
    report = record_seed(press_engine, document, index)
    assert report.kind is StoryKind.EXACT
    assert report.document_id is not None
    # And forced through as new (an index out of step): fingerprints hold.
    extraction = seed_extractor().extract(document.text, "en", None)
    with unit_of_work(press_engine) as conn:
        again = record_document(conn, document, StoryIndex().match(document), extraction, [])
    assert (again.mentions, again.facts, again.relations) == (0, 0, 0)
    assert count_rows(press_engine) == before


def test_cross_language_story_is_stored_and_the_index_reloads(
    press_engine: Engine, seeds_dir: Path
) -> None:
    english, french = read_seed(seeds_dir, "001"), read_seed(seeds_dir, "004")
    index = StoryIndex()
    record_seed(press_engine, english, index)
    report = record_seed(press_engine, french, index)
    assert report.kind is StoryKind.CROSS_LANGUAGE
    assert not report.extracted
    with press_engine.connect() as conn:
        rows = {r.content_hash: r for r in conn.execute(select(documents))}
        reloaded = load_story_index(conn)
    joined = rows[french.content_hash]
    assert joined.story_id == rows[english.content_hash].story_id
    assert joined.matched_hash == english.content_hash
    assert joined.story_score >= 0.3
    assert "joins" in joined.skipped_reason
    assert len(reloaded) == 2
    assert reloaded.story_of(french.content_hash) == joined.story_id
    assert reloaded.match(french).kind is StoryKind.EXACT


def test_a_story_index_of_other_parameters_is_refused(
    press_engine: Engine, seeds_dir: Path
) -> None:
    record_seed(press_engine, read_seed(seeds_dir, "001"), StoryIndex())
    with unit_of_work(press_engine) as conn:
        stored = json.loads(conn.execute(select(story_index_state.c.parameters)).scalar_one())
        conn.execute(
            update(story_index_state).values(
                parameters=json.dumps({**stored, "signature_version": 999})
            )
        )
    with (
        press_engine.connect() as conn,
        pytest.raises(ConfigurationError, match="signature_version"),
    ):
        load_story_index(conn)


def test_file_done_marks(engine: Engine) -> None:
    stamp = FileStamp("/articles/a.txt", 10, 123, "ab" * 32)
    with unit_of_work(engine) as conn:
        assert not file_done(conn, stamp)
        mark_file_done(conn, stamp, documents=1)
        assert file_done(conn, stamp)
        assert not file_done(conn, FileStamp("/articles/a.txt", 11, 123, "ab" * 32))
        bad = FileStamp("/articles/b.txt", 0, 1, "cd" * 32)
        mark_file_done(conn, bad, documents=0, bad_reason="empty")
        assert not file_done(conn, bad)  # bad files are read (and reported) again


def _review_setup(engine: Engine, seeds_dir: Path) -> Document:
    document = read_seed(seeds_dir, "001")
    review = {"Tech for Good": LinkStatus.REVIEW_NEW, ASSOCIATION: LinkStatus.REVIEW_MERGE}
    record_seed(engine, document, StoryIndex(), review)
    return document


def test_review_accept_new_actor_creates_it_from_the_document(
    press_engine: Engine, seeds_dir: Path
) -> None:
    document = _review_setup(press_engine, seeds_dir)
    with unit_of_work(press_engine) as conn:
        pending = {item["name"]: item for item in list_review_items(conn)}
        assert set(pending) == {"Tech for Good", ASSOCIATION}
        item = pending["Tech for Good"]
        assert item["kind"] == "new_actor"
        assert "Tech for Good" in item["sentence"]
        decision = accept_review_item(conn, item["id"])
        assert decision.actor_created
        assert decision.actor_id is not None
        actor = get_actor(conn, decision.actor_id)
        assert actor["type"] == "label_program"
        assert actor["source"]["key"] == f"doc:{document.content_hash[:16]}"
        linked = (
            conn.execute(select(mentions.c.actor_id).where(mentions.c.name == "Tech for Good"))
            .scalars()
            .all()
        )
        assert linked
        assert set(linked) == {decision.actor_id}
        assert list_review_items(conn, "accepted")[0]["id"] == item["id"]
        with pytest.raises(ConflictError, match="already accepted"):
            accept_review_item(conn, item["id"])


def test_review_accept_merge_links_adds_alias_and_attaches_facts(
    press_engine: Engine, seeds_dir: Path
) -> None:
    _review_setup(press_engine, seeds_dir)
    with unit_of_work(press_engine) as conn:
        item = next(i for i in list_review_items(conn) if i["kind"] == "merge")
        association = item["candidate_actor_id"]
        assert item["candidate_name"] == "Aix-Marseille French Tech Région Sud"
        before = conn.execute(select(func.count()).select_from(facts)).scalar_one()
        decision = accept_review_item(conn, item["id"], note="same body")
        assert decision.actor_id == association
        assert not decision.actor_created
        assert ASSOCIATION in get_actor(conn, association)["aliases"]
        # Its mentions are linked now, so "800 start-ups" found its subject.
        assert decision.facts >= 1
        assert conn.execute(select(func.count()).select_from(facts)).scalar_one() > before


def test_review_reject_keeps_the_mention_unlinked(press_engine: Engine, seeds_dir: Path) -> None:
    _review_setup(press_engine, seeds_dir)
    with unit_of_work(press_engine) as conn:
        item = next(i for i in list_review_items(conn) if i["kind"] == "new_actor")
        reject_review_item(conn, item["id"], "a programme, not an actor")
        row = conn.execute(select(review_items).where(review_items.c.id == item["id"])).one()
        assert (row.status, row.decision_note) == ("rejected", "a programme, not an actor")
        assert row.decided_at is not None
        assert (
            conn.execute(
                select(mentions.c.actor_id).where(mentions.c.id == row.mention_id)
            ).scalar_one()
            is None
        )
        with pytest.raises(NotFound, match="no review item 9999"):
            reject_review_item(conn, 9999, "x")


def test_press_review_for_actor_and_territory_return_the_sentence(
    press_engine: Engine, seeds_dir: Path
) -> None:
    document = read_seed(seeds_dir, "001")
    record_seed(press_engine, document, StoryIndex())
    with press_engine.connect() as conn:
        promotion = actor_id_by_key(conn, "provence-promotion")
        assert promotion is not None
        (entry,) = actor_press_review(conn, promotion).items
        assert entry["story_kind"] == "new"
        assert entry["story_documents"] == 1
        assert len(entry["sentences"]) == 2  # the article names it twice
        for sentence in entry["sentences"]:
            assert sentence["text"] == document.text[sentence["start"] : sentence["end"]]
            ((start, end),) = sentence["highlights"]
            assert sentence["text"][start:end] == "Provence Promotion"
        (by_place,) = territory_press_review(conn, PACA).items
        highlighted = {s["text"][a:b] for s in by_place["sentences"] for a, b in s["highlights"]}
        assert {"Marseille", "Provence Promotion"} <= highlighted
        assert territory_press_review(conn, "fr:region:32").items == []

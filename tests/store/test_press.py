"""The press tables: documents, the persisted story index, mentions with
their spans, facts attached to a subject, the review queue and press review.

Extractions come from the real extractor (the session's ``extractor``
fixture) on articles written for these tests (``tests/press_support.py``);
links from the real resolver against the curated directory.
"""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import Engine, func, inspect, select, update

from cartotech.errors import ConfigurationError, ConflictError, NotFound
from cartotech.extract.records import ArticleExtraction
from cartotech.ingest.stories import StoryIndex, StoryKind
from cartotech.press import ArticleExtractor
from cartotech.store import (
    FileStamp,
    accept_review_item,
    actor_id_by_key,
    actor_press_review,
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
    relations,
    review_items,
    sources,
    story_entries,
    story_index_state,
)
from tests.press_support import article, count_rows, links_for, record_article

PRESS_TABLES = {
    "documents",
    "story_entries",
    "story_index_state",
    "mentions",
    "review_items",
    "ingest_files",
}
MARSEILLE = "fr:commune:13055"
PACA = "fr:region:93"
PORT_FR = "01_port_fr.txt"
PORT_EN = "02_port_en.txt"


def found_spans(extraction: ArticleExtraction) -> set[tuple[str, int, int]]:
    """Every (kind, start, end) the extraction found, as the mentions table keeps them."""
    spans = {("organization", *span) for org in extraction.organizations for span in org.spans}
    spans |= {("person", *span) for person in extraction.people for span in person.spans}
    spans |= {("place", *span) for place in extraction.places for span in place.spans}
    spans |= {("amount", amount.start, amount.end) for amount in extraction.amounts}
    spans |= {("count", count.start, count.end) for count in extraction.counts}
    spans |= {("relation", rel.start, rel.end) for rel in extraction.relations}
    return spans


def test_migration_creates_the_press_tables_and_downgrades(engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) >= PRESS_TABLES
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0001")
    assert not set(inspect(engine).get_table_names()) & PRESS_TABLES
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    assert set(inspect(engine).get_table_names()) >= PRESS_TABLES


def test_record_document_writes_mentions_and_facts_with_source_and_span(
    directory_engine: Engine, extractor: ArticleExtractor
) -> None:
    document = article(PORT_FR)
    extraction = extractor.extract(document.text, document.lang, document.published)
    links = links_for(directory_engine, extraction)
    with unit_of_work(directory_engine) as conn:
        report = record_document(conn, document, StoryIndex().match(document), extraction, links)
    assert report.kind is StoryKind.NEW
    assert report.extracted
    assert report.mentions == len(found_spans(extraction))
    assert report.facts >= 2
    assert report.relations >= 1
    assert report.roles >= 1
    with directory_engine.connect() as conn:
        doc = conn.execute(select(documents)).one()
        source = conn.execute(select(sources).where(sources.c.id == doc.source_id)).one()
        assert source.kind == "document"
        assert source.key == f"doc:{document.content_hash[:16]}"
        assert doc.text == document.text
        assert doc.story_kind == "new"
        assert doc.extracted
        stored = conn.execute(select(mentions)).all()
        # Everything found is stored, each with the text it names and its sentence.
        assert {(row.kind, row.span_start, row.span_end) for row in stored} == found_spans(
            extraction
        )
        for row in stored:
            assert row.document_id == doc.id
            assert document.text[row.span_start : row.span_end] == row.text
            assert row.sentence_start <= row.span_start <= row.span_end <= row.sentence_end
        rows = conn.execute(select(facts).where(facts.c.source_id == doc.source_id)).all()
        assert len(rows) == report.facts
        for fact in rows:
            assert fact.span_start is not None
            assert fact.span_end is not None
            assert fact.actor_id is not None or fact.territory_id is not None
        by_text = {document.text[f.span_start : f.span_end]: f for f in rows}
        zebox = actor_id_by_key(conn, "zebox")
        # "15 start-up" shares its sentence with ZeBox, linked to the directory.
        startups = by_text["15 start-up"]
        assert (startups.kind, startups.value, startups.actor_id) == ("startups", 15, zebox)
        # "40 entreprises" shares its sentence only with Marseille, a place.
        companies = by_text["40 entreprises"]
        assert (companies.territory_id, companies.actor_id) == (MARSEILLE, None)
        # "300 visiteurs": no organisation or place in its sentence, a mention only.
        assert "300 visiteurs" not in by_text
        assert ("count", "300 visiteurs") in {(row.kind, row.text) for row in stored}
        relation = conn.execute(
            select(relations).where(relations.c.source_id == doc.source_id)
        ).one()
        assert (relation.subject_id, relation.predicate) == (zebox, "funded_by")
        assert relation.object_id == actor_id_by_key(conn, "bpifrance")
        assert "soutenu par Bpifrance" in document.text[relation.span_start : relation.span_end]
        role = conn.execute(
            select(actor_people).where(actor_people.c.source_id == doc.source_id)
        ).one()
        assert role.actor_id == zebox
        assert "directrice" in role.role
        # The story index is persisted with its parameters.
        assert (
            conn.execute(select(story_entries.c.content_hash)).scalar_one() == document.content_hash
        )
        assert conn.execute(select(func.count()).select_from(story_index_state)).scalar_one() == 1


def test_recording_the_same_document_again_changes_nothing(
    directory_engine: Engine, extractor: ArticleExtractor
) -> None:
    document = article(PORT_FR)
    record_article(directory_engine, document, StoryIndex(), extractor)
    before = count_rows(directory_engine)
    # As after a restart: the index reloaded from the store says "exact".
    with directory_engine.connect() as conn:
        index = load_story_index(conn)
    report = record_article(directory_engine, document, index, extractor)
    assert report.kind is StoryKind.EXACT
    assert report.document_id is not None
    # And forced through as new (an index out of step): fingerprints hold.
    extraction = extractor.extract(document.text, document.lang, document.published)
    assert extraction.organizations
    assert extraction.counts
    links = links_for(directory_engine, extraction)
    with unit_of_work(directory_engine) as conn:
        match = StoryIndex().match(document)
        again = record_document(conn, document, match, extraction, links)
    assert (again.mentions, again.facts, again.relations, again.roles) == (0, 0, 0, 0)
    assert again.review_items == 0
    assert count_rows(directory_engine) == before


def test_cross_language_story_is_stored_and_the_index_reloads(
    directory_engine: Engine, extractor: ArticleExtractor
) -> None:
    french, english = article(PORT_FR), article(PORT_EN)
    index = StoryIndex()
    record_article(directory_engine, french, index, extractor)
    report = record_article(directory_engine, english, index, extractor)
    assert report.kind is StoryKind.CROSS_LANGUAGE
    assert not report.extracted
    with directory_engine.connect() as conn:
        rows = {r.content_hash: r for r in conn.execute(select(documents))}
        reloaded = load_story_index(conn)
        english_id = rows[english.content_hash].id
        assert (
            conn.execute(select(mentions).where(mentions.c.document_id == english_id)).all() == []
        )
    joined = rows[english.content_hash]
    assert joined.story_id == rows[french.content_hash].story_id
    assert joined.matched_hash == french.content_hash
    assert joined.story_score >= 0.3
    assert "joins" in joined.skipped_reason
    assert len(reloaded) == 2
    assert reloaded.story_of(english.content_hash) == joined.story_id
    assert reloaded.match(english).kind is StoryKind.EXACT


def test_a_story_index_of_other_parameters_is_refused(
    directory_engine: Engine, extractor: ArticleExtractor
) -> None:
    record_article(directory_engine, article(PORT_FR), StoryIndex(), extractor)
    with unit_of_work(directory_engine) as conn:
        stored = json.loads(conn.execute(select(story_index_state.c.parameters)).scalar_one())
        conn.execute(
            update(story_index_state).values(
                parameters=json.dumps({**stored, "signature_version": 999})
            )
        )
    with (
        directory_engine.connect() as conn,
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


@pytest.fixture
def reviewed(directory_engine: Engine, extractor: ArticleExtractor) -> Engine:
    """The store after PORT_FR: its unknown names wait as new actors, and
    "Euratechnologie" as a merge with Euratechnologies."""
    record_article(directory_engine, article(PORT_FR), StoryIndex(), extractor)
    return directory_engine


def test_review_accept_new_actor_creates_it_from_the_document(reviewed: Engine) -> None:
    document = article(PORT_FR)
    with unit_of_work(reviewed) as conn:
        pending = {item["name"]: item for item in list_review_items(conn)}
        assert {"Calanque Data", "Ormeau Labs", "Euratechnologie"} <= set(pending)
        item = pending["Calanque Data"]
        assert item["kind"] == "new_actor"
        assert item["proposed_type"] is not None
        assert "Calanque Data" in item["sentence"]
        decision = accept_review_item(conn, item["id"])
        assert decision.actor_created
        assert decision.actor_id is not None
        actor = get_actor(conn, decision.actor_id)
        assert actor["name"] == "Calanque Data"
        assert actor["type"] == item["proposed_type"]
        assert actor["source"]["key"] == f"doc:{document.content_hash[:16]}"
        linked = (
            conn.execute(select(mentions.c.actor_id).where(mentions.c.name == "Calanque Data"))
            .scalars()
            .all()
        )
        assert len(linked) == document.text.count("Calanque Data")
        assert set(linked) == {decision.actor_id}
        assert list_review_items(conn, "accepted")[0]["id"] == item["id"]
        with pytest.raises(ConflictError, match="already accepted"):
            accept_review_item(conn, item["id"])


def test_review_accept_merge_links_adds_alias_and_attaches_facts(reviewed: Engine) -> None:
    with unit_of_work(reviewed) as conn:
        item = next(i for i in list_review_items(conn) if i["kind"] == "merge")
        euratechnologies = actor_id_by_key(conn, "euratechnologies")
        assert item["name"] == "Euratechnologie"
        assert item["candidate_actor_id"] == euratechnologies
        assert item["candidate_name"] == "Euratechnologies"
        before = conn.execute(select(func.count()).select_from(facts)).scalar_one()
        decision = accept_review_item(conn, item["id"], note="same body")
        assert decision.actor_id == euratechnologies
        assert not decision.actor_created
        assert "Euratechnologie" in get_actor(conn, euratechnologies)["aliases"]
        # Its mention is linked now, so "deux mentors" found its subject.
        assert decision.facts >= 1
        assert conn.execute(select(func.count()).select_from(facts)).scalar_one() > before
        mentors = conn.execute(select(facts).where(facts.c.actor_id == euratechnologies)).all()
        assert any(fact.value == 2 for fact in mentors)


def test_review_reject_keeps_the_mention_unlinked(reviewed: Engine) -> None:
    with unit_of_work(reviewed) as conn:
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


def test_press_review_for_actor_and_territory_return_the_sentence(reviewed: Engine) -> None:
    document = article(PORT_FR)
    with reviewed.connect() as conn:
        zebox = actor_id_by_key(conn, "zebox")
        assert zebox is not None
        (entry,) = actor_press_review(conn, zebox).items
        assert entry["story_kind"] == "new"
        assert entry["story_documents"] == 1
        assert len(entry["sentences"]) == 4  # the article names it in four sentences
        for sentence in entry["sentences"]:
            assert sentence["text"] == document.text[sentence["start"] : sentence["end"]]
            ((start, end),) = sentence["highlights"]
            assert sentence["text"][start:end] == "ZeBox"
        (by_place,) = territory_press_review(conn, PACA).items
        highlighted = {s["text"][a:b] for s in by_place["sentences"] for a, b in s["highlights"]}
        assert {"Marseille", "ZeBox"} <= highlighted
        assert territory_press_review(conn, "fr:region:32").items == []

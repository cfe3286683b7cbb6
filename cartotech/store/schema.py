"""The tables of the store (SQLAlchemy Core). Migrations in ``migrations/``
create them; this module is what queries are written against.

Design notes:
- Every fact, relation, role and award has a NOT NULL ``source_id``: the
  database itself refuses a fact without provenance.
- Rows that an import may bring again carry a ``fingerprint`` (a hash of
  their content) with a unique index, so re-importing changes nothing.
- ``actors`` denormalises the territory chain (commune, EPCI, département,
  région codes) and a folded ``search_text`` so that filters, facets and
  search are single-table queries, identical on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

__all__ = [
    "metadata",
    "sources",
    "territories",
    "actors",
    "actor_aliases",
    "actor_sectors",
    "facts",
    "relations",
    "people",
    "actor_people",
    "awards",
    "search_terms",
    "documents",
    "story_entries",
    "story_index_state",
    "mentions",
    "review_items",
    "ingest_files",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Folded keys are compared and sorted byte-wise on both databases, so that
# PostgreSQL's locale never changes an order SQLite would give.
FoldedString = String(400).with_variant(String(400, collation="C"), "postgresql")


def _timestamps() -> list[Column]:
    return [
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    ]


sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("title", Text, nullable=False),
    Column("file_name", Text),
    Column("url", Text),
    Column("published_on", String(10)),
    Column("lang", String(8)),
    Column("submitter", Text),
    *_timestamps(),
    CheckConstraint("kind IN ('document', 'public_record', 'curated', 'submitter')", name="kind"),
)

territories = Table(
    "territories",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("level", String(16), nullable=False, index=True),
    Column("code", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("name_norm", FoldedString, nullable=False, index=True),
    Column("kind", String(32)),
    Column("population", Integer),
    Column("lat", Float),
    Column("lon", Float),
    Column("parent_id", String(80)),
    Column("epci_code", String(16)),
    Column("departement_code", String(8), index=True),
    Column("region_code", String(8), index=True),
)

actors = Table(
    "actors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("name_norm", FoldedString, nullable=False, index=True),
    Column("type", String(32), nullable=False, index=True),
    Column("website", Text),
    Column("description_fr", Text),
    Column("description_en", Text),
    Column("territory_id", String(80), index=True),
    Column("place_label", Text),
    Column("commune_code", String(8), index=True),
    Column("epci_code", String(16), index=True),
    Column("departement_code", String(8), index=True),
    Column("region_code", String(8), index=True),
    Column("lat", Float),
    Column("lon", Float),
    Column("search_text", Text, nullable=False),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    *_timestamps(),
)

actor_aliases = Table(
    "actor_aliases",
    metadata,
    Column("actor_id", ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True),
    Column("alias", String(400), primary_key=True),
    Column("alias_norm", FoldedString, nullable=False, index=True),
)

actor_sectors = Table(
    "actor_sectors",
    metadata,
    Column("actor_id", ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True),
    Column("sector", String(64), primary_key=True, index=True),
)

facts = Table(
    "facts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("actor_id", ForeignKey("actors.id", ondelete="CASCADE"), index=True),
    Column("territory_id", String(80), index=True),
    Column("kind", String(40), nullable=False, index=True),
    Column("value", Float(53), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("as_of", String(10)),
    Column("note", Text),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    Column("span_start", Integer),
    Column("span_end", Integer),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("actor_id IS NOT NULL OR territory_id IS NOT NULL", name="has_subject"),
    CheckConstraint(
        "(span_start IS NULL AND span_end IS NULL) OR (span_start >= 0 AND span_end >= span_start)",
        name="span",
    ),
)

relations = Table(
    "relations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("subject_id", ForeignKey("actors.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("predicate", String(32), nullable=False),
    Column("object_id", ForeignKey("actors.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("start_on", String(10)),
    Column("end_on", String(10)),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    Column("span_start", Integer),
    Column("span_end", Integer),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("name_norm", FoldedString, nullable=False, unique=True),
)

actor_people = Table(
    "actor_people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("actor_id", ForeignKey("actors.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("role", Text),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    Column("fingerprint", String(64), nullable=False, unique=True),
)

awards = Table(
    "awards",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("programme_id", ForeignKey("actors.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("territory_id", String(80), index=True),
    Column("actor_id", ForeignKey("actors.id", ondelete="CASCADE"), index=True),
    Column("awarded_on", String(10), nullable=False),
    Column("valid_until", String(10)),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    Column("fingerprint", String(64), nullable=False, unique=True),
    CheckConstraint("actor_id IS NOT NULL OR territory_id IS NOT NULL", name="has_holder"),
)

# The vocabulary of actor names and aliases: what typo-tolerant search
# corrects a query word against.
search_terms = Table(
    "search_terms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("term", FoldedString, nullable=False),
    UniqueConstraint("term"),
)

Index("ix_actors_type_region", actors.c.type, actors.c.region_code)


# --- The press pipeline (migration 0002) -------------------------------------
#
# One row per distinct article text; its ``sources`` row (kind 'document') is
# what facts read from it cite, with the character span in ``text``.
documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    # The normalised text the extractor read: every span points into it.
    Column("text", Text, nullable=False),
    Column("title", Text),
    Column("url", Text),
    Column("published_on", String(10)),
    Column("lang", String(8), nullable=False),
    Column("fmt", String(16), nullable=False),
    Column("locator", Text, nullable=False),
    Column("story_id", String(40), nullable=False, index=True),
    Column("story_kind", String(16), nullable=False),
    Column("matched_hash", String(64)),
    Column("story_score", Float, nullable=False),
    Column("extracted", Boolean, nullable=False),
    Column("skipped_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("story_kind IN ('new', 'exact', 'near', 'cross_language')", name="story_kind"),
)

# The StoryIndex, persisted: one entry per distinct text in insertion order
# (story assignment depends on that order), and the parameters it was built with.
story_entries = Table(
    "story_entries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("payload", Text, nullable=False),
)

story_index_state = Table(
    "story_index_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("parameters", Text, nullable=False),
    CheckConstraint("id = 1", name="single_row"),
)

# What the extractor found in a document, one row per occurrence (span).
# Amounts and counts are kept here too, attached to a subject or not: a
# figure with no subject never becomes a fact, but stays visible.
mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    # The entity the occurrence belongs to (organisation or person name as the
    # extractor declared it; "subject|predicate|object" for a relation).
    Column("name", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("sentence_start", Integer, nullable=False),
    Column("sentence_end", Integer, nullable=False),
    Column("actor_id", ForeignKey("actors.id", ondelete="SET NULL"), index=True),
    Column("territory_id", String(80), index=True),
    Column("payload", Text, nullable=False),
    Column("link_status", String(16)),
    Column("link_score", Float),
    Column("link_method", String(32)),
    UniqueConstraint("document_id", "kind", "span_start", "span_end", "name"),
    CheckConstraint(
        "kind IN ('organization', 'person', 'place', 'amount', 'count', 'relation')", name="kind"
    ),
    CheckConstraint("span_start >= 0 AND span_end >= span_start", name="span"),
)

# Organisation mentions the resolver was not sure about: a person decides.
review_items = Table(
    "review_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("mention_id", ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("proposed_type", String(32)),
    Column("proposed_city", Text),
    Column("candidate_actor_id", ForeignKey("actors.id", ondelete="SET NULL")),
    Column("score", Float, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision_note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("mention_id"),
    CheckConstraint("kind IN ('new_actor', 'merge')", name="kind"),
    CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="status"),
)

# Files an ingestion finished, to skip them on the next run (resume).
ingest_files = Table(
    "ingest_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("path", Text, nullable=False, unique=True),
    Column("size", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("status", String(8), nullable=False),
    Column("documents", Integer, nullable=False),
    Column("bad_reason", Text),
    Column("finished_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("status IN ('done', 'bad')", name="status"),
)

Index("ix_mentions_document_id_kind", mentions.c.document_id, mentions.c.kind)

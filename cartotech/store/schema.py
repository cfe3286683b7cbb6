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

"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 01:45:22.675910
"""

from alembic import op
import sqlalchemy as sa


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "name_norm",
            sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("name_norm", name=op.f("uq_people_name_norm")),
    )
    op.create_table(
        "search_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "term",
            sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_terms")),
        sa.UniqueConstraint("term", name=op.f("uq_search_terms_term")),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published_on", sa.String(length=10), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=True),
        sa.Column("submitter", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "kind IN ('document', 'public_record', 'curated', 'submitter')",
            name=op.f("ck_sources_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("key", name=op.f("uq_sources_key")),
    )
    op.create_table(
        "territories",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "name_norm",
            sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("parent_id", sa.String(length=80), nullable=True),
        sa.Column("epci_code", sa.String(length=16), nullable=True),
        sa.Column("departement_code", sa.String(length=8), nullable=True),
        sa.Column("region_code", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_territories")),
    )
    with op.batch_alter_table("territories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_territories_departement_code"), ["departement_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_territories_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_territories_name_norm"), ["name_norm"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_territories_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "name_norm",
            sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("description_fr", sa.Text(), nullable=True),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("territory_id", sa.String(length=80), nullable=True),
        sa.Column("place_label", sa.Text(), nullable=True),
        sa.Column("commune_code", sa.String(length=8), nullable=True),
        sa.Column("epci_code", sa.String(length=16), nullable=True),
        sa.Column("departement_code", sa.String(length=8), nullable=True),
        sa.Column("region_code", sa.String(length=8), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_actors_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
        sa.UniqueConstraint("key", name=op.f("uq_actors_key")),
    )
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actors_commune_code"), ["commune_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_actors_departement_code"), ["departement_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_actors_epci_code"), ["epci_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_actors_name_norm"), ["name_norm"], unique=False)
        batch_op.create_index(batch_op.f("ix_actors_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_actors_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actors_territory_id"), ["territory_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actors_type"), ["type"], unique=False)
        batch_op.create_index("ix_actors_type_region", ["type", "region_code"], unique=False)

    op.create_table(
        "actor_aliases",
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=400), nullable=False),
        sa.Column(
            "alias_norm",
            sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_actor_aliases_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("actor_id", "alias", name=op.f("pk_actor_aliases")),
    )
    with op.batch_alter_table("actor_aliases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_actor_aliases_alias_norm"), ["alias_norm"], unique=False
        )

    op.create_table(
        "actor_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_actor_people_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_actor_people_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_actor_people_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_people")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_actor_people_fingerprint")),
    )
    with op.batch_alter_table("actor_people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actor_people_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actor_people_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actor_people_source_id"), ["source_id"], unique=False)

    op.create_table(
        "actor_sectors",
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_actor_sectors_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("actor_id", "sector", name=op.f("pk_actor_sectors")),
    )
    with op.batch_alter_table("actor_sectors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actor_sectors_sector"), ["sector"], unique=False)

    op.create_table(
        "awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("territory_id", sa.String(length=80), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("awarded_on", sa.String(length=10), nullable=False),
        sa.Column("valid_until", sa.String(length=10), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "actor_id IS NOT NULL OR territory_id IS NOT NULL", name=op.f("ck_awards_has_holder")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_awards_actor_id_actors"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["actors.id"],
            name=op.f("fk_awards_programme_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_awards_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_awards_fingerprint")),
    )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_awards_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_awards_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_awards_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_awards_territory_id"), ["territory_id"], unique=False)

    op.create_table(
        "facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("territory_id", sa.String(length=80), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Float(precision=53), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("as_of", sa.String(length=10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=True),
        sa.Column("span_end", sa.Integer(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "(span_start IS NULL AND span_end IS NULL) OR (span_start >= 0 AND span_end >= span_start)",
            name=op.f("ck_facts_span"),
        ),
        sa.CheckConstraint(
            "actor_id IS NOT NULL OR territory_id IS NOT NULL", name=op.f("ck_facts_has_subject")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_facts_actor_id_actors"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_facts_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facts")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_facts_fingerprint")),
    )
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facts_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_facts_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_facts_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_facts_territory_id"), ["territory_id"], unique=False)

    op.create_table(
        "relations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("predicate", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("start_on", sa.String(length=10), nullable=True),
        sa.Column("end_on", sa.String(length=10), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=True),
        sa.Column("span_end", sa.Integer(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["actors.id"],
            name=op.f("fk_relations_object_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_relations_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["actors.id"],
            name=op.f("fk_relations_subject_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relations")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_relations_fingerprint")),
    )
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relations_object_id"), ["object_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_relations_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_relations_subject_id"), ["subject_id"], unique=False)

    _create_search_index()


# Full-text candidates: FTS5 with the trigram tokenizer on SQLite, pg_trgm on
# PostgreSQL. Both index the same folded ``actors.search_text`` and answer the
# same substring queries, so search returns the same actors on both.
SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE actor_fts USING fts5("
    "search_text, content='actors', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER actors_fts_insert AFTER INSERT ON actors BEGIN "
    "INSERT INTO actor_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER actors_fts_delete AFTER DELETE ON actors BEGIN "
    "INSERT INTO actor_fts(actor_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER actors_fts_update AFTER UPDATE OF search_text ON actors BEGIN "
    "INSERT INTO actor_fts(actor_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO actor_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
POSTGRESQL_SEARCH = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_actors_search_text_trgm ON actors USING gin (search_text gin_trgm_ops)",
]


def _create_search_index() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_SEARCH if dialect == "sqlite" else POSTGRESQL_SEARCH:
        op.execute(statement)


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("actors_fts_insert", "actors_fts_delete", "actors_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS actor_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_actors_search_text_trgm")


def downgrade() -> None:
    _drop_search_index()

    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relations_subject_id"))
        batch_op.drop_index(batch_op.f("ix_relations_source_id"))
        batch_op.drop_index(batch_op.f("ix_relations_object_id"))

    op.drop_table("relations")
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facts_territory_id"))
        batch_op.drop_index(batch_op.f("ix_facts_source_id"))
        batch_op.drop_index(batch_op.f("ix_facts_kind"))
        batch_op.drop_index(batch_op.f("ix_facts_actor_id"))

    op.drop_table("facts")
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_awards_territory_id"))
        batch_op.drop_index(batch_op.f("ix_awards_source_id"))
        batch_op.drop_index(batch_op.f("ix_awards_programme_id"))
        batch_op.drop_index(batch_op.f("ix_awards_actor_id"))

    op.drop_table("awards")
    with op.batch_alter_table("actor_sectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_sectors_sector"))

    op.drop_table("actor_sectors")
    with op.batch_alter_table("actor_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_people_source_id"))
        batch_op.drop_index(batch_op.f("ix_actor_people_person_id"))
        batch_op.drop_index(batch_op.f("ix_actor_people_actor_id"))

    op.drop_table("actor_people")
    with op.batch_alter_table("actor_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_aliases_alias_norm"))

    op.drop_table("actor_aliases")
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.drop_index("ix_actors_type_region")
        batch_op.drop_index(batch_op.f("ix_actors_type"))
        batch_op.drop_index(batch_op.f("ix_actors_territory_id"))
        batch_op.drop_index(batch_op.f("ix_actors_source_id"))
        batch_op.drop_index(batch_op.f("ix_actors_region_code"))
        batch_op.drop_index(batch_op.f("ix_actors_name_norm"))
        batch_op.drop_index(batch_op.f("ix_actors_epci_code"))
        batch_op.drop_index(batch_op.f("ix_actors_departement_code"))
        batch_op.drop_index(batch_op.f("ix_actors_commune_code"))

    op.drop_table("actors")
    with op.batch_alter_table("territories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_territories_region_code"))
        batch_op.drop_index(batch_op.f("ix_territories_name_norm"))
        batch_op.drop_index(batch_op.f("ix_territories_level"))
        batch_op.drop_index(batch_op.f("ix_territories_departement_code"))

    op.drop_table("territories")
    op.drop_table("sources")
    op.drop_table("search_terms")
    op.drop_table("people")

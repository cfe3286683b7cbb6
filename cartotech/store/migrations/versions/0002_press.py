"""press pipeline: documents, story index, mentions, review queue, ingested files

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 04:08:14.622589

Tables of the press pipeline (see cartotech/store/schema.py for what each
holds). Facts read from articles go in the existing facts, relations and
actor_people tables, citing the document's sources row.
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("bad_reason", sa.Text(), nullable=True),
        sa.Column(
            "finished_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("status IN ('done', 'bad')", name=op.f("ck_ingest_files_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_files")),
        sa.UniqueConstraint("path", name=op.f("uq_ingest_files_path")),
    )
    op.create_table(
        "story_entries",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_story_entries")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_story_entries_content_hash")),
    )
    op.create_table(
        "story_index_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_story_index_state_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_index_state")),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published_on", sa.String(length=10), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("fmt", sa.String(length=16), nullable=False),
        sa.Column("locator", sa.Text(), nullable=False),
        sa.Column("story_id", sa.String(length=40), nullable=False),
        sa.Column("story_kind", sa.String(length=16), nullable=False),
        sa.Column("matched_hash", sa.String(length=64), nullable=True),
        sa.Column("story_score", sa.Float(), nullable=False),
        sa.Column("extracted", sa.Boolean(), nullable=False),
        sa.Column("skipped_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "story_kind IN ('new', 'exact', 'near', 'cross_language')",
            name=op.f("ck_documents_story_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_documents_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_documents_content_hash")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_story_id"), ["story_id"], unique=False)

    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("sentence_start", sa.Integer(), nullable=False),
        sa.Column("sentence_end", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("territory_id", sa.String(length=80), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("link_status", sa.String(length=16), nullable=True),
        sa.Column("link_score", sa.Float(), nullable=True),
        sa.Column("link_method", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "kind IN ('organization', 'person', 'place', 'amount', 'count', 'relation')",
            name=op.f("ck_mentions_kind"),
        ),
        sa.CheckConstraint(
            "span_start >= 0 AND span_end >= span_start", name=op.f("ck_mentions_span")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_mentions_actor_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_mentions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
        sa.UniqueConstraint(
            "document_id",
            "kind",
            "span_start",
            "span_end",
            "name",
            name=op.f("uq_mentions_document_id_kind_span_start_span_end_name"),
        ),
    )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentions_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index("ix_mentions_document_id_kind", ["document_id", "kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mentions_territory_id"), ["territory_id"], unique=False
        )

    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("proposed_type", sa.String(length=32), nullable=True),
        sa.Column("proposed_city", sa.Text(), nullable=True),
        sa.Column("candidate_actor_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("kind IN ('new_actor', 'merge')", name=op.f("ck_review_items_kind")),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected')", name=op.f("ck_review_items_status")
        ),
        sa.ForeignKeyConstraint(
            ["candidate_actor_id"],
            ["actors.id"],
            name=op.f("fk_review_items_candidate_actor_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_review_items_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mention_id"],
            ["mentions.id"],
            name=op.f("fk_review_items_mention_id_mentions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
        sa.UniqueConstraint("mention_id", name=op.f("uq_review_items_mention_id")),
    )
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_items_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_items_status"))

    op.drop_table("review_items")
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentions_territory_id"))
        batch_op.drop_index("ix_mentions_document_id_kind")
        batch_op.drop_index(batch_op.f("ix_mentions_actor_id"))

    op.drop_table("mentions")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_story_id"))
        batch_op.drop_index(batch_op.f("ix_documents_source_id"))

    op.drop_table("documents")
    op.drop_table("story_index_state")
    op.drop_table("story_entries")
    op.drop_table("ingest_files")

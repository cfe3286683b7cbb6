"""participation: accounts and roles, audit log, submissions, events, candidacies, petitions, funding calls

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 04:36:49.829471

Tables of participation (issue #5); see the "Participation" section of
cartotech/store/schema.py for what each holds. Times are timezone-aware
(stored as UTC). Label awards reuse the existing ``awards`` table.
"""

from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_hits")),
    )
    with op.batch_alter_table("rate_limit_hits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rate_limit_hits_bucket_key_hash_at", ["bucket", "key_hash", "at"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_kind", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=120), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_log_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_log_entity", ["entity_kind", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_who"), ["who"], unique=False)

    op.create_table(
        "candidacies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('draft', 'submitted', 'awarded', 'not_awarded', 'withdrawn')",
            name=op.f("ck_candidacies_state"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_candidacies_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidacies")),
    )
    with op.batch_alter_table("candidacies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_candidacies_programme_key"), ["programme_key"], unique=False
        )

    op.create_table(
        "user_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("purpose IN ('password')", name=op.f("ck_user_tokens_purpose")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_tokens_token_hash")),
    )
    with op.batch_alter_table("user_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "actor_identifiers",
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=14), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "scheme IN ('siren', 'siret')", name=op.f("ck_actor_identifiers_scheme")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_actor_identifiers_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_actor_identifiers_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("actor_id", "scheme", "value", name=op.f("pk_actor_identifiers")),
    )
    with op.batch_alter_table("actor_identifiers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_actor_identifiers_scheme_value", ["scheme", "value"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_actor_identifiers_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "candidacy_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidacy_id", sa.Integer(), nullable=False),
        sa.Column("criterion_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('link', 'upload')", name=op.f("ck_candidacy_evidence_kind")),
        sa.CheckConstraint(
            "state IN ('submitted', 'accepted', 'rejected')",
            name=op.f("ck_candidacy_evidence_state"),
        ),
        sa.ForeignKeyConstraint(
            ["candidacy_id"],
            ["candidacies.id"],
            name=op.f("fk_candidacy_evidence_candidacy_id_candidacies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
            name=op.f("fk_candidacy_evidence_decided_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["users.id"],
            name=op.f("fk_candidacy_evidence_submitted_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidacy_evidence")),
    )
    with op.batch_alter_table("candidacy_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_candidacy_evidence_candidacy_id"), ["candidacy_id"], unique=False
        )

    op.create_table(
        "candidacy_managers",
        sa.Column("candidacy_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidacy_id"],
            ["candidacies.id"],
            name=op.f("fk_candidacy_managers_candidacy_id_candidacies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_candidacy_managers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidacy_id", "user_id", name=op.f("pk_candidacy_managers")),
    )
    with op.batch_alter_table("candidacy_managers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_candidacy_managers_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "candidacy_territories",
        sa.Column("candidacy_id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidacy_id"],
            ["candidacies.id"],
            name=op.f("fk_candidacy_territories_candidacy_id_candidacies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "candidacy_id", "territory_id", name=op.f("pk_candidacy_territories")
        ),
    )
    with op.batch_alter_table("candidacy_territories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_candidacy_territories_territory_id"), ["territory_id"], unique=False
        )

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("territory_id", sa.String(length=80), nullable=False),
        sa.Column("place_label", sa.Text(), nullable=True),
        sa.Column("commune_code", sa.String(length=8), nullable=True),
        sa.Column("epci_code", sa.String(length=16), nullable=True),
        sa.Column("departement_code", sa.String(length=8), nullable=True),
        sa.Column("region_code", sa.String(length=8), nullable=True),
        sa.Column("organiser_actor_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('submitted', 'accepted', 'rejected')", name=op.f("ck_events_state")
        ),
        sa.CheckConstraint(
            "ends_at IS NULL OR ends_at >= starts_at", name=op.f("ck_events_period")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
            name=op.f("fk_events_decided_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organiser_actor_id"],
            ["actors.id"],
            name=op.f("fk_events_organiser_actor_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_events_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_events_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_commune_code"), ["commune_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_events_departement_code"), ["departement_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_events_epci_code"), ["epci_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_events_organiser_actor_id"), ["organiser_actor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_events_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_territory_id"), ["territory_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_user_id"), ["user_id"], unique=False)

    op.create_table(
        "funding_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("funder_actor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("amount", sa.Float(precision=53), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("opens_on", sa.String(length=10), nullable=True),
        sa.Column("deadline", sa.String(length=10), nullable=True),
        sa.Column("territory_id", sa.String(length=80), nullable=True),
        sa.Column("cohort_size_per_year", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('call_for_projects', 'programme', 'fund')", name=op.f("ck_funding_calls_kind")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_funding_calls_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["funder_actor_id"],
            ["actors.id"],
            name=op.f("fk_funding_calls_funder_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_funding_calls_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_calls")),
    )
    with op.batch_alter_table("funding_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_funding_calls_deadline"), ["deadline"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_funding_calls_funder_actor_id"), ["funder_actor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_funding_calls_source_id"), ["source_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_funding_calls_territory_id"), ["territory_id"], unique=False
        )

    op.create_table(
        "petitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("candidacy_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('open', 'closed')", name=op.f("ck_petitions_state")),
        sa.ForeignKeyConstraint(
            ["candidacy_id"],
            ["candidacies.id"],
            name=op.f("fk_petitions_candidacy_id_candidacies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_petitions_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petitions")),
        sa.UniqueConstraint("slug", name=op.f("uq_petitions_slug")),
    )
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_petitions_candidacy_id"), ["candidacy_id"], unique=False
        )

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("territory_id", sa.String(length=80), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('new', 'claim', 'edit')", name=op.f("ck_submissions_kind")),
        sa.CheckConstraint(
            "state IN ('submitted', 'verified', 'accepted', 'rejected', 'merged')",
            name=op.f("ck_submissions_state"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_submissions_actor_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
            name=op.f("fk_submissions_decided_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_submissions_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_submissions_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_submissions_token_hash")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_submissions_territory_id"), ["territory_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_submissions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "user_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("territory_id", sa.String(length=80), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(role IN ('admin', 'moderator') AND territory_id IS NULL AND actor_id IS NULL) OR (role = 'territory_manager' AND territory_id IS NOT NULL AND actor_id IS NULL) OR (role = 'actor_owner' AND actor_id IS NOT NULL AND territory_id IS NULL)",
            name=op.f("ck_user_roles_scope"),
        ),
        sa.CheckConstraint(
            "role IN ('admin', 'moderator', 'territory_manager', 'actor_owner')",
            name=op.f("ck_user_roles_role"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_user_roles_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["granted_by"],
            ["users.id"],
            name=op.f("fk_user_roles_granted_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_roles")),
        sa.UniqueConstraint(
            "user_id", "role", "scope", name=op.f("uq_user_roles_user_id_role_scope")
        ),
    )
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_roles_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_user_roles_territory_id"), ["territory_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_user_roles_user_id"), ["user_id"], unique=False)

    op.create_table(
        "funding_call_sectors",
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["funding_calls.id"],
            name=op.f("fk_funding_call_sectors_call_id_funding_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("call_id", "sector", name=op.f("pk_funding_call_sectors")),
    )
    with op.batch_alter_table("funding_call_sectors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_funding_call_sectors_sector"), ["sector"], unique=False
        )

    op.create_table(
        "petition_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("email_canonical", sa.String(length=320), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("organisation_actor_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'confirmed')", name=op.f("ck_petition_signatures_state")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_actor_id"],
            ["actors.id"],
            name=op.f("fk_petition_signatures_organisation_actor_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_petition_signatures_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_signatures")),
        sa.UniqueConstraint(
            "petition_id",
            "email_canonical",
            name=op.f("uq_petition_signatures_petition_id_email_canonical"),
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_petition_signatures_token_hash")),
    )
    with op.batch_alter_table("petition_signatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_petition_signatures_organisation_actor_id"),
            ["organisation_actor_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_petition_signatures_petition_id_state", ["petition_id", "state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("petition_signatures", schema=None) as batch_op:
        batch_op.drop_index("ix_petition_signatures_petition_id_state")
        batch_op.drop_index(batch_op.f("ix_petition_signatures_organisation_actor_id"))

    op.drop_table("petition_signatures")
    with op.batch_alter_table("funding_call_sectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funding_call_sectors_sector"))

    op.drop_table("funding_call_sectors")
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_roles_user_id"))
        batch_op.drop_index(batch_op.f("ix_user_roles_territory_id"))
        batch_op.drop_index(batch_op.f("ix_user_roles_actor_id"))

    op.drop_table("user_roles")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_user_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_territory_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_state"))
        batch_op.drop_index(batch_op.f("ix_submissions_actor_id"))

    op.drop_table("submissions")
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petitions_candidacy_id"))

    op.drop_table("petitions")
    with op.batch_alter_table("funding_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funding_calls_territory_id"))
        batch_op.drop_index(batch_op.f("ix_funding_calls_source_id"))
        batch_op.drop_index(batch_op.f("ix_funding_calls_funder_actor_id"))
        batch_op.drop_index(batch_op.f("ix_funding_calls_deadline"))

    op.drop_table("funding_calls")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_user_id"))
        batch_op.drop_index(batch_op.f("ix_events_territory_id"))
        batch_op.drop_index(batch_op.f("ix_events_state"))
        batch_op.drop_index(batch_op.f("ix_events_starts_at"))
        batch_op.drop_index(batch_op.f("ix_events_source_id"))
        batch_op.drop_index(batch_op.f("ix_events_region_code"))
        batch_op.drop_index(batch_op.f("ix_events_organiser_actor_id"))
        batch_op.drop_index(batch_op.f("ix_events_epci_code"))
        batch_op.drop_index(batch_op.f("ix_events_departement_code"))
        batch_op.drop_index(batch_op.f("ix_events_commune_code"))

    op.drop_table("events")
    with op.batch_alter_table("candidacy_territories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidacy_territories_territory_id"))

    op.drop_table("candidacy_territories")
    with op.batch_alter_table("candidacy_managers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidacy_managers_user_id"))

    op.drop_table("candidacy_managers")
    with op.batch_alter_table("candidacy_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidacy_evidence_candidacy_id"))

    op.drop_table("candidacy_evidence")
    with op.batch_alter_table("actor_identifiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_identifiers_source_id"))
        batch_op.drop_index("ix_actor_identifiers_scheme_value")

    op.drop_table("actor_identifiers")
    with op.batch_alter_table("user_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_tokens_user_id"))

    op.drop_table("user_tokens")
    with op.batch_alter_table("candidacies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidacies_programme_key"))

    op.drop_table("candidacies")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_who"))
        batch_op.drop_index(batch_op.f("ix_audit_log_user_id"))
        batch_op.drop_index("ix_audit_log_entity")
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    op.drop_table("users")
    with op.batch_alter_table("rate_limit_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_limit_hits_bucket_key_hash_at")

    op.drop_table("rate_limit_hits")

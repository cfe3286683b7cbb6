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

from datetime import UTC, datetime

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
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.engine import Dialect

from cartotech.domain.participation import Role
from cartotech.domain.utc import as_utc

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


# =============================================================================
# --- Participation (migration 0003, issue #5) --------------------------------
# =============================================================================
#
# Accounts and roles, the audit log, self-presentation submissions, events,
# label candidacies, support petitions, funding calls and rate-limit hits.
# Times are timezone-aware UTC on both databases (``UTCDateTime``) and are set
# by the store from an explicit ``now``, so tests and scores can fix the clock.
# Personal data (emails, names, comments) lives only in ``users``,
# ``submissions.contact_*``, ``events.contact_email`` and ``petition_signatures``:
# ``store.privacy.forget_email`` knows those columns.


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC: SQLite keeps it as naive UTC text,
    PostgreSQL as ``timestamptz``; both give back an aware UTC datetime. Naive
    datetimes are refused (they would be read in the server's zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


# The CHECK constraint lists the Role enum's values, in its order (as migration 0003 does).
ROLES = tuple(role.value for role in Role)
EMAIL = String(320)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    # normalize_email(): trimmed, lower-cased.
    Column("email", EMAIL, nullable=False, unique=True),
    Column("display_name", Text),
    # argon2id (argon2-cffi's PHC string); NULL: no password yet (an owner invited).
    Column("password_hash", Text),
    Column("is_active", Boolean, nullable=False),
    Column("failed_logins", Integer, nullable=False),
    Column("locked_until", UTCDateTime),
    # Raised on logout, password change and deactivation: a session cookie holds the
    # epoch of its login and is refused once it differs (web.sessions, web.auth).
    Column("session_epoch", Integer, nullable=False),
    Column("last_login_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# One row per role a user holds; ``scope`` makes a grant unique: "" for admin and
# moderator, the territory id for a manager, "actor:<id>" for an owner.
user_roles = Table(
    "user_roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("role", String(24), nullable=False),
    Column("scope", String(120), nullable=False),
    Column("territory_id", String(80), index=True),
    Column("actor_id", ForeignKey("actors.id", ondelete="CASCADE"), index=True),
    Column("granted_by", ForeignKey("users.id", ondelete="SET NULL")),
    Column("granted_at", UTCDateTime, nullable=False),
    UniqueConstraint("user_id", "role", "scope"),
    CheckConstraint(f"role IN {ROLES!r}", name="role"),
    CheckConstraint(
        "(role IN ('admin', 'moderator') AND territory_id IS NULL AND actor_id IS NULL)"
        " OR (role = 'territory_manager' AND territory_id IS NOT NULL AND actor_id IS NULL)"
        " OR (role = 'actor_owner' AND actor_id IS NOT NULL AND territory_id IS NULL)",
        name="scope",
    ),
)

# Single-use links that let a user set a password (invitation or reset); only a
# hash of the token is kept.
user_tokens = Table(
    "user_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("purpose", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("purpose IN ('password')", name="purpose"),
)

# Every change: who ("user:<id>" or a system actor such as "press-pipeline"),
# when, what, on which entity, and the entity before and after (JSON text).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("who", String(40), nullable=False, index=True),
    Column("user_id", ForeignKey("users.id", ondelete="SET NULL"), index=True),
    Column("action", String(64), nullable=False, index=True),
    Column("entity_kind", String(32), nullable=False),
    Column("entity_id", String(120)),
    Column("before", Text),
    Column("after", Text),
    Column("note", Text),
)
Index("ix_audit_log_entity", audit_log.c.entity_kind, audit_log.c.entity_id)

# "Present your organisation", "this profile is mine" and owners' edits. The
# cleaned form is kept as JSON (``payload``); ``name`` and ``territory_id`` are
# copied out for the moderation queue. Only a hash of the email token is kept.
submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("territory_id", String(80), index=True),
    Column("payload", Text, nullable=False),
    # The existing actor claimed or edited; the actor created or merged into.
    Column("actor_id", ForeignKey("actors.id", ondelete="SET NULL"), index=True),
    Column("contact_email", EMAIL),
    Column("contact_name", Text),
    Column("user_id", ForeignKey("users.id", ondelete="SET NULL"), index=True),
    Column("token_hash", String(64), unique=True),
    Column("token_expires_at", UTCDateTime),
    Column("verified_at", UTCDateTime),
    Column("decided_at", UTCDateTime),
    Column("decided_by", ForeignKey("users.id", ondelete="SET NULL")),
    Column("decision_reason", Text),
    # The 'submitter' source the accepted facts cite.
    Column("source_id", ForeignKey("sources.id")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("kind IN ('new', 'claim', 'edit')", name="kind"),
    CheckConstraint(
        "state IN ('submitted', 'verified', 'accepted', 'rejected', 'merged')", name="state"
    ),
)

# Official identifiers of actors (SIREN, SIRET), each with its source.
actor_identifiers = Table(
    "actor_identifiers",
    metadata,
    Column("actor_id", ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True),
    Column("scheme", String(8), primary_key=True),
    Column("value", String(14), primary_key=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    CheckConstraint("scheme IN ('siren', 'siret')", name="scheme"),
)
Index("ix_actor_identifiers_scheme_value", actor_identifiers.c.scheme, actor_identifiers.c.value)

# Events, placed like actors (denormalised codes) so that a territory's calendar
# is a single-table query.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("starts_at", UTCDateTime, nullable=False, index=True),
    Column("ends_at", UTCDateTime),
    Column("all_day", Boolean, nullable=False),
    Column("territory_id", String(80), nullable=False, index=True),
    Column("place_label", Text),
    Column("commune_code", String(8), index=True),
    Column("epci_code", String(16), index=True),
    Column("departement_code", String(8), index=True),
    Column("region_code", String(8), index=True),
    Column("organiser_actor_id", ForeignKey("actors.id", ondelete="SET NULL"), index=True),
    Column("url", Text),
    Column("description", Text),
    Column("state", String(16), nullable=False, index=True),
    Column("contact_email", EMAIL),
    Column("user_id", ForeignKey("users.id", ondelete="SET NULL"), index=True),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    Column("decided_at", UTCDateTime),
    Column("decided_by", ForeignKey("users.id", ondelete="SET NULL")),
    Column("decision_reason", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("state IN ('submitted', 'accepted', 'rejected')", name="state"),
    CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="period"),
)

# Label candidacies: a programme (key of cartotech/data/programmes/*.yaml, also
# the programme actor's key), one or more territories (a group is a coalition).
candidacies = Table(
    "candidacies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("programme_key", String(200), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_by", ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint(
        "state IN ('draft', 'submitted', 'awarded', 'not_awarded', 'withdrawn')", name="state"
    ),
)

candidacy_territories = Table(
    "candidacy_territories",
    metadata,
    Column("candidacy_id", ForeignKey("candidacies.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", String(80), primary_key=True, index=True),
)

candidacy_managers = Table(
    "candidacy_managers",
    metadata,
    Column("candidacy_id", ForeignKey("candidacies.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)

# Evidence for a declared criterion (a link, or a reference to an uploaded file),
# checked by a moderator.
candidacy_evidence = Table(
    "candidacy_evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "candidacy_id",
        ForeignKey("candidacies.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("criterion_key", String(64), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("reference", Text, nullable=False),
    Column("note", Text),
    # Uploads: the name the file had (display text only) and its type found from its bytes.
    Column("file_name", Text),
    Column("content_type", String(100)),
    Column("state", String(16), nullable=False),
    Column("submitted_by", ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("decided_by", ForeignKey("users.id", ondelete="SET NULL")),
    Column("decided_at", UTCDateTime),
    Column("decision_reason", Text),
    CheckConstraint("kind IN ('link', 'upload')", name="kind"),
    CheckConstraint("state IN ('submitted', 'accepted', 'rejected')", name="state"),
)

petitions = Table(
    "petitions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(120), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("description", Text),
    Column("candidacy_id", ForeignKey("candidacies.id", ondelete="SET NULL"), index=True),
    Column("state", String(8), nullable=False),
    Column("closes_at", UTCDateTime),
    Column("created_by", ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("state IN ('open', 'closed')", name="state"),
)

# One signature per canonical email per petition (unique index); counted only
# once confirmed. forget_email() blanks the personal columns of a confirmed
# signature and keeps the row, so counts stay right.
petition_signatures = Table(
    "petition_signatures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("petition_id", ForeignKey("petitions.id", ondelete="CASCADE"), nullable=False),
    Column("email", EMAIL),
    Column("email_canonical", EMAIL),
    Column("name", Text),
    Column("organisation_actor_id", ForeignKey("actors.id", ondelete="SET NULL"), index=True),
    Column("comment", Text),
    Column("show_name", Boolean, nullable=False),
    Column("state", String(16), nullable=False),
    Column("token_hash", String(64), unique=True),
    Column("token_expires_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("confirmed_at", UTCDateTime),
    Column("forgotten_at", UTCDateTime),
    UniqueConstraint("petition_id", "email_canonical"),
    CheckConstraint("state IN ('pending', 'confirmed')", name="state"),
)
Index(
    "ix_petition_signatures_petition_id_state",
    petition_signatures.c.petition_id,
    petition_signatures.c.state,
)

# Attempts counted by the rate limits (per IP, per email...), shared by every web
# worker. ``key_hash`` is a SHA-256 of the bucket and key: no address in clear.
rate_limit_hits = Table(
    "rate_limit_hits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bucket", String(32), nullable=False),
    Column("key_hash", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
Index(
    "ix_rate_limit_hits_bucket_key_hash_at",
    rate_limit_hits.c.bucket,
    rate_limit_hits.c.key_hash,
    rate_limit_hits.c.at,
)

funding_calls = Table(
    "funding_calls",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "funder_actor_id", ForeignKey("actors.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("kind", String(24), nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text),
    Column("amount", Float(53)),
    Column("currency", String(3), nullable=False),
    Column("opens_on", String(10)),
    Column("deadline", String(10), index=True),
    Column("territory_id", String(80), index=True),
    Column("cohort_size_per_year", Integer),
    Column("url", Text),
    Column("source_id", ForeignKey("sources.id"), nullable=False, index=True),
    Column("created_by", ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("kind IN ('call_for_projects', 'programme', 'fund')", name="kind"),
)

funding_call_sectors = Table(
    "funding_call_sectors",
    metadata,
    Column("call_id", ForeignKey("funding_calls.id", ondelete="CASCADE"), primary_key=True),
    Column("sector", String(64), primary_key=True, index=True),
)

__all__ += ["users", "user_roles", "user_tokens", "audit_log", "submissions"]
__all__ += ["actor_identifiers", "events", "candidacies", "candidacy_territories"]
__all__ += ["candidacy_managers", "candidacy_evidence", "petitions", "petition_signatures"]
__all__ += ["rate_limit_hits", "funding_calls", "funding_call_sectors", "UTCDateTime"]

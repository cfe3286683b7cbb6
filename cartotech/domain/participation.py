"""Plain types of participation (issue #5): users and their roles, who did a
change, the states of submissions, events, candidacies and petitions, and the
records the forms hand to the store.

Records are validated by :mod:`cartotech.domain.validation` (the store calls
it, so every caller gets the same checks); the web layer adds its own
pydantic models at the edge and maps them onto these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cartotech.domain.vocabulary import ActorType

__all__ = [
    "ActorEdit",
    "ActorSubmission",
    "CandidacyState",
    "EventInput",
    "EventState",
    "EvidenceState",
    "FundingCallInput",
    "FundingKind",
    "PetitionState",
    "Role",
    "RoleGrant",
    "SignatureInput",
    "SignatureState",
    "SubmissionKind",
    "SubmissionState",
    "SystemActor",
    "User",
    "Who",
]


class Role(StrEnum):
    """What a user may do (see :mod:`cartotech.domain.permissions`)."""

    ADMIN = "admin"
    MODERATOR = "moderator"
    #: Scoped to territory ids; a scope covers the territories inside it.
    TERRITORY_MANAGER = "territory_manager"
    #: Scoped to actor ids: the person who presented or claimed the actor.
    ACTOR_OWNER = "actor_owner"


class SystemActor(StrEnum):
    """Who changed something when no logged-in user did (the audit log's ``who``)."""

    PRESS_PIPELINE = "press-pipeline"
    IMPORT = "import"
    CLI = "cli"
    #: An anonymous visitor through a public form (presentation, signature, event).
    PUBLIC = "public"
    SYSTEM = "system"


@dataclass(frozen=True)
class RoleGrant:
    role: Role
    territory_id: str | None = None
    actor_id: int | None = None

    @property
    def scope(self) -> str:
        """The grant's scope as stored: ``""``, a territory id or ``actor:<id>``."""
        if self.role is Role.TERRITORY_MANAGER:
            return str(self.territory_id)
        if self.role is Role.ACTOR_OWNER:
            return f"actor:{self.actor_id}"
        return ""


@dataclass(frozen=True)
class User:
    """A logged-in person, with every role they hold (read by ``store.accounts.get_user``)."""

    id: int
    email: str
    display_name: str | None
    is_active: bool
    roles: tuple[RoleGrant, ...] = ()
    has_password: bool = True
    #: Until when repeated failed logins lock the account (None: not locked, or never was).
    locked_until: datetime | None = None
    #: Raised on logout, password change and deactivation; a session holds the epoch
    #: of its login and ends when the two differ.
    session_epoch: int = 0

    def is_locked(self, now: datetime) -> bool:
        """Whether logins are refused at ``now`` because of repeated failures."""
        return self.locked_until is not None and self.locked_until > now

    @property
    def territory_ids(self) -> tuple[str, ...]:
        """The territories this user manages."""
        return tuple(
            g.territory_id
            for g in self.roles
            if g.role is Role.TERRITORY_MANAGER and g.territory_id is not None
        )

    @property
    def actor_ids(self) -> tuple[int, ...]:
        """The actors this user owns."""
        return tuple(
            g.actor_id for g in self.roles if g.role is Role.ACTOR_OWNER and g.actor_id is not None
        )


#: Who did a change: a user, or a system actor (pipeline, import, CLI, public form).
Who = User | SystemActor


class SubmissionKind(StrEnum):
    NEW = "new"  # "present your organisation"
    CLAIM = "claim"  # "this existing profile is mine"
    EDIT = "edit"  # an owner's change to their actor


class SubmissionState(StrEnum):
    SUBMITTED = "submitted"  # waiting for the email link
    VERIFIED = "verified"  # in the moderation queue
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    MERGED = "merged"  # it was an existing actor: linked to it instead


class EventState(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class CandidacyState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"
    WITHDRAWN = "withdrawn"


class EvidenceState(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class PetitionState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class SignatureState(StrEnum):
    PENDING = "pending"  # waiting for the email link: never counted
    CONFIRMED = "confirmed"


class FundingKind(StrEnum):
    CALL_FOR_PROJECTS = "call_for_projects"
    PROGRAMME = "programme"  # an accelerator or incubation programme
    FUND = "fund"


@dataclass(frozen=True)
class ActorSubmission:
    """The "present your organisation" form (also a claim's evidence)."""

    name: str
    type: ActorType
    contact_email: str
    territory_id: str | None = None  # the commune, from the referential
    sectors: tuple[str, ...] = ()
    website: str | None = None
    description_fr: str | None = None
    description_en: str | None = None
    siren: str | None = None  # 9 digits, or taken from the SIRET
    siret: str | None = None  # 14 digits
    contact_name: str | None = None


@dataclass(frozen=True)
class ActorEdit:
    """An owner's proposed change to their actor: ``None`` leaves a field as it is."""

    name: str | None = None
    type: ActorType | None = None
    territory_id: str | None = None
    sectors: tuple[str, ...] | None = None
    website: str | None = None
    description_fr: str | None = None
    description_en: str | None = None
    siren: str | None = None
    siret: str | None = None
    # The SIREN and SIRET the edit form showed, which ``siren`` and ``siret`` replace
    # (the actor's other SIRETs, its other establishments, stay).
    replaces_siren: str | None = None
    replaces_siret: str | None = None


@dataclass(frozen=True)
class EventInput:
    """An event to submit. Times are timezone-aware; an all-day event uses dates at
    midnight UTC and ``ends_at`` is its last day (inclusive)."""

    title: str
    starts_at: datetime
    territory_id: str
    ends_at: datetime | None = None
    all_day: bool = False
    place_label: str | None = None
    organiser_actor_id: int | None = None
    url: str | None = None
    description: str | None = None
    contact_email: str | None = None


@dataclass(frozen=True)
class SignatureInput:
    name: str
    email: str
    organisation_actor_id: int | None = None
    comment: str | None = None
    show_name: bool = False  # consent to show the name in the public list


@dataclass(frozen=True)
class FundingCallInput:
    funder_actor_id: int
    title: str
    kind: FundingKind = FundingKind.CALL_FOR_PROJECTS
    amount: float | None = None
    currency: str = "EUR"
    opens_on: str | None = None  # YYYY-MM-DD
    deadline: str | None = None  # YYYY-MM-DD, last day to apply; None: rolling
    territory_id: str | None = None  # scope; None: no territorial restriction
    sectors: tuple[str, ...] = ()  # empty: every sector
    cohort_size_per_year: int | None = None
    url: str | None = None
    description: str | None = None

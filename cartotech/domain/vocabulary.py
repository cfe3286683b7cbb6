"""Controlled vocabularies: actor types, fact kinds, units, relation predicates.

They are data, shared by import files, the store, the API and the extractor,
so that "incubator" or "amount_raised" mean one thing everywhere.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ActorType",
    "FactKind",
    "Predicate",
    "SourceKind",
    "Unit",
    "ACTOR_TYPE_LABELS",
    "DEFAULT_UNITS",
]


class ActorType(StrEnum):
    STARTUP = "startup"
    COMPANY = "company"
    INCUBATOR = "incubator"
    ACCELERATOR = "accelerator"
    INVESTOR = "investor"
    PUBLIC_BODY = "public_body"
    CLUSTER = "cluster"
    SCHOOL_OR_LAB = "school_or_lab"
    ASSOCIATION = "association"
    EVENT = "event"
    MEDIA = "media"
    LABEL_PROGRAM = "label_program"


ACTOR_TYPE_LABELS: dict[ActorType, dict[str, str]] = {
    ActorType.STARTUP: {"fr": "Start-up", "en": "Startup"},
    ActorType.COMPANY: {"fr": "Entreprise", "en": "Company"},
    ActorType.INCUBATOR: {"fr": "Incubateur", "en": "Incubator"},
    ActorType.ACCELERATOR: {"fr": "Accélérateur", "en": "Accelerator"},
    ActorType.INVESTOR: {"fr": "Investisseur", "en": "Investor"},
    ActorType.PUBLIC_BODY: {"fr": "Acteur public", "en": "Public body"},
    ActorType.CLUSTER: {"fr": "Cluster, pôle", "en": "Cluster"},
    ActorType.SCHOOL_OR_LAB: {"fr": "École ou laboratoire", "en": "School or lab"},
    ActorType.ASSOCIATION: {"fr": "Association", "en": "Association"},
    ActorType.EVENT: {"fr": "Événement", "en": "Event"},
    ActorType.MEDIA: {"fr": "Média", "en": "Media"},
    ActorType.LABEL_PROGRAM: {"fr": "Label, programme", "en": "Label programme"},
}


class Unit(StrEnum):
    YEAR = "year"
    EUR = "EUR"
    USD = "USD"
    M2 = "m2"
    COUNT = "count"
    PERCENT = "percent"


class FactKind(StrEnum):
    FOUNDED = "founded"
    EMPLOYEES = "employees"
    JOBS = "jobs"
    REVENUE = "revenue"
    AMOUNT_RAISED = "amount_raised"
    FUNDING_GRANTED = "funding_granted"
    BUDGET = "budget"
    SURFACE = "surface"
    STARTUPS = "startups"
    COMPANIES = "companies"
    PROJECTS = "projects"
    STARTUP_PROJECTS = "startup_projects"
    ESTABLISHMENTS = "establishments"
    SIGNATORIES = "signatories"
    MEMBERS = "members"
    EVENTS = "events"
    SITES = "sites"
    CABLES = "cables"
    INCUBATED_PER_YEAR = "incubated_per_year"
    SHARE_OF_PROJECTS = "share_of_projects"
    SHARE_OF_JOBS = "share_of_jobs"
    POPULATION = "population"
    OTHER = "other"


# The unit a kind is expressed in when the source does not say otherwise.
DEFAULT_UNITS: dict[FactKind, Unit] = {
    FactKind.FOUNDED: Unit.YEAR,
    FactKind.REVENUE: Unit.EUR,
    FactKind.AMOUNT_RAISED: Unit.EUR,
    FactKind.FUNDING_GRANTED: Unit.EUR,
    FactKind.BUDGET: Unit.EUR,
    FactKind.SURFACE: Unit.M2,
    FactKind.SHARE_OF_PROJECTS: Unit.PERCENT,
    FactKind.SHARE_OF_JOBS: Unit.PERCENT,
}


class Predicate(StrEnum):
    """Relations between actors, as in the gold annotation contract."""

    LOCATED_IN = "located_in"
    INCUBATED_BY = "incubated_by"
    ACCELERATED_BY = "accelerated_by"
    FUNDED_BY = "funded_by"
    FOUNDED_BY = "founded_by"
    LED_BY = "led_by"
    ACQUIRED_BY = "acquired_by"
    MEMBER_OF = "member_of"
    AWARDED = "awarded"
    PART_OF = "part_of"
    ORGANIZES = "organizes"
    HOSTED_AT = "hosted_at"


class SourceKind(StrEnum):
    DOCUMENT = "document"
    PUBLIC_RECORD = "public_record"
    CURATED = "curated"
    SUBMITTER = "submitter"

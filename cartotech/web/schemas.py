"""Public shapes of the API (pydantic): what clients get, provenance included.

Store rows carry internal columns (folded names, fingerprints); these models
name what is public, and give the OpenAPI document its schemas.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict

from cartotech.domain.utc import as_utc

# SQLite gives naive UTC timestamps, PostgreSQL aware ones: answer alike.
UtcDatetime = Annotated[dt.datetime, AfterValidator(as_utc)]


class Public(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="ignore")


class SourcePublic(Public):
    """Where a fact comes from."""

    key: str
    kind: str
    title: str
    file_name: str | None = None
    url: str | None = None
    published_on: str | None = None
    submitter: str | None = None


class FactPublic(Public):
    kind: str
    value: float
    unit: str
    as_of: str | None
    note: str | None
    span_start: int | None
    span_end: int | None
    source: SourcePublic


class RelationPublic(Public):
    direction: str
    predicate: str
    actor_id: int
    actor_name: str
    actor_type: str
    start_on: str | None
    end_on: str | None
    source: SourcePublic


class PersonRolePublic(Public):
    name: str
    role: str | None
    source: SourcePublic


class AwardPublic(Public):
    name: str
    programme_id: int
    programme_name: str
    territory_id: str | None = None
    awarded_on: str
    valid_until: str | None
    source: SourcePublic


class ActorSummary(Public):
    id: int
    key: str
    name: str
    type: str
    territory_id: str | None
    place_label: str | None
    commune_code: str | None
    epci_code: str | None
    departement_code: str | None
    region_code: str | None
    lat: float | None
    lon: float | None
    website: str | None
    description_fr: str | None
    description_en: str | None
    updated_at: UtcDatetime


class ActorPublic(ActorSummary):
    aliases: list[str]
    sectors: list[str]
    created_at: UtcDatetime
    source: SourcePublic
    facts: list[FactPublic]
    relations: list[RelationPublic]
    people: list[PersonRolePublic]
    awards: list[AwardPublic]


class FacetValue(Public):
    value: str
    label: str
    count: int


class ActorPage(Public):
    items: list[ActorSummary]
    total: int
    page: int
    per_page: int
    corrected_query: str | None
    facets: dict[str, list[FacetValue]]


class TerritoryPublic(Public):
    id: str
    level: str
    code: str
    name: str
    kind: str | None
    population: int | None
    lat: float | None
    lon: float | None
    postal_codes: list[str]


class TerritoryCandidate(TerritoryPublic):
    label: str
    score: float


class TerritoryCandidates(Public):
    items: list[TerritoryCandidate]


class TerritoryFactPublic(Public):
    kind: str
    value: float
    unit: str
    as_of: str | None
    note: str | None
    source: SourcePublic


class TerritoryAwardPublic(Public):
    name: str
    programme_id: int
    programme_name: str
    awarded_on: str
    valid_until: str | None
    source: SourcePublic


class TerritoryDetail(TerritoryPublic):
    chain: list[TerritoryPublic]
    children: list[TerritoryPublic]
    actor_counts: dict[str, int]
    facts: list[TerritoryFactPublic]
    awards: list[TerritoryAwardPublic]


# --- press review -------------------------------------------------------------


class TextSpan(Public):
    """Characters ``start`` (included) to ``end`` (excluded) of a text."""

    start: int
    end: int


class PressSentence(Public):
    """A sentence of the article that mentions the subject. ``start`` and
    ``end`` place it in the article's text; ``highlights`` place the
    mentions in ``text``."""

    text: str
    start: int
    end: int
    highlights: list[TextSpan]


class PressVersion(Public):
    """Another document of the same story: the article in another language,
    or a reprint."""

    document_id: int
    title: str
    url: str | None
    published_on: str | None
    lang: str
    story_kind: str


class PressArticle(Public):
    """An article that mentions the subject, with the sentences that do.

    ``title`` is the article's, or its file name when it has none;
    ``story_kind`` says how it joined its story (``new`` when it started it).
    """

    document_id: int
    title: str
    file_name: str | None
    url: str | None
    published_on: str | None
    lang: str
    story_id: str
    story_kind: str
    story_documents: int
    sentences: list[PressSentence]
    other_versions: list[PressVersion]


class PressPage(Public):
    """A page of a press review, the latest articles first."""

    items: list[PressArticle]
    total: int
    page: int
    per_page: int


class AuditEntryPublic(Public):
    """One change: who (``user:<id>`` or a system actor), when, what, before and after."""

    id: int
    at: UtcDatetime
    who: str
    user_id: int | None = None
    user_email: str | None = None
    action: str
    entity_kind: str
    entity_id: str | None = None
    before: Any = None
    after: Any = None
    note: str | None = None


class AuditPagePublic(Public):
    """A page of the audit log, newest first."""

    items: list[AuditEntryPublic]
    total: int
    page: int
    per_page: int

"""Validated records that flow from a source (a directory file, a form, the
press pipeline) into the store. Actors and sources are referred to by their
stable ``key`` (a slug), never by a database id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cartotech.domain.vocabulary import ActorType, FactKind, Predicate, SourceKind, Unit

__all__ = [
    "ActorRecord",
    "AwardRecord",
    "DirectoryBundle",
    "FactRecord",
    "PersonRoleRecord",
    "RelationRecord",
    "SourceRecord",
]


@dataclass(frozen=True)
class SourceRecord:
    """Where a fact comes from: a document, a public record, a curated file, a submitter."""

    key: str
    kind: SourceKind
    title: str
    file_name: str | None = None
    url: str | None = None
    published_on: str | None = None
    lang: str | None = None
    submitter: str | None = None


@dataclass(frozen=True)
class FactRecord:
    """A typed value about an actor *or* a territory, with its source.

    ``span`` is the character range in the source document when the fact was
    read from one.
    """

    kind: FactKind
    value: float
    unit: Unit
    source_key: str
    actor_key: str | None = None
    territory_id: str | None = None
    as_of: str | None = None
    note: str | None = None
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class RelationRecord:
    subject_key: str
    predicate: Predicate
    object_key: str
    source_key: str
    start: str | None = None
    end: str | None = None
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class PersonRoleRecord:
    """A named person holding a role (as worded by the source) in an actor."""

    name: str
    actor_key: str
    source_key: str
    role: str | None = None


@dataclass(frozen=True)
class AwardRecord:
    """A label programme awarded to a territory and/or an actor."""

    programme_key: str
    name: str
    source_key: str
    awarded_on: str
    territory_id: str | None = None
    actor_key: str | None = None
    valid_until: str | None = None


@dataclass(frozen=True)
class ActorRecord:
    key: str
    name: str
    type: ActorType
    source_key: str
    aliases: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    territory_id: str | None = None
    place_label: str | None = None
    website: str | None = None
    description_fr: str | None = None
    description_en: str | None = None
    # Explicit position; when absent the store places the actor on its territory.
    lat: float | None = None
    lon: float | None = None


@dataclass
class DirectoryBundle:
    """Everything one import brings, ready for one unit of work."""

    sources: list[SourceRecord] = field(default_factory=list)
    actors: list[ActorRecord] = field(default_factory=list)
    facts: list[FactRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    people: list[PersonRoleRecord] = field(default_factory=list)
    awards: list[AwardRecord] = field(default_factory=list)

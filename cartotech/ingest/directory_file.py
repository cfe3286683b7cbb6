"""Directory files (YAML, or CSV for actors only): validated with pydantic,
turned into a :class:`DirectoryBundle`. Every error names the file, the line
and the field, and nothing is returned unless the whole file is valid.

The YAML format is documented in ``docs/directory-format.md``; the curated
directory shipped with cartotech (``cartotech/data/directory.yaml``) is an
example of it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cartotech.domain import (
    ActorRecord,
    ActorType,
    AwardRecord,
    DirectoryBundle,
    FactKind,
    FactRecord,
    PersonRoleRecord,
    Predicate,
    RelationRecord,
    SourceKind,
    SourceRecord,
    Unit,
    parse_partial_date,
)
from cartotech.errors import CartotechError, InputError, MalformedFile
from cartotech.geo import Referential
from cartotech.ingest.reading import read_text_file
from cartotech.ingest.yaml_lines import Path_, load_yaml_with_lines

__all__ = ["load_directory_file", "parse_directory_text", "DirectoryFile"]

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,199}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]


def _partial_date(value: str | int | None) -> str | None:
    return None if value is None else parse_partial_date(str(value))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Dated(_Model):
    @field_validator("as_of", "start", "end", "published_on", "awarded_on", "valid_until",
                     mode="before", check_fields=False)  # fmt: skip
    @classmethod
    def _check_date(cls, value: Any) -> str | None:
        return _partial_date(value)


def _check_territory(value: str | None, info: ValidationInfo) -> str | None:
    if value is None:
        return None
    referential: Referential | None = (info.context or {}).get("referential")
    if referential is not None and not referential.exists(value):
        raise ValueError(
            f"unknown territory {value!r}; find ids with `cartotech territories find NAME`"
        )
    return value


class SourceIn(_Dated):
    key: Key
    kind: SourceKind
    title: Text
    file_name: str | None = None
    url: str | None = None
    published_on: str | None = None
    lang: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    submitter: str | None = None

    @model_validator(mode="after")
    def _submitter_named(self) -> SourceIn:
        if self.kind is SourceKind.SUBMITTER and not self.submitter:
            raise ValueError("a source of kind 'submitter' needs the submitter")
        return self


class FactIn(_Dated):
    kind: FactKind
    value: float
    unit: Unit
    source: Key
    as_of: str | None = None
    note: str | None = Field(default=None, max_length=1000)


class TerritoryFactIn(FactIn):
    territory: str

    _territory = field_validator("territory")(_check_territory)


class RelationIn(_Dated):
    predicate: Predicate
    object: Key
    source: Key
    start: str | None = None
    end: str | None = None

    @field_validator("predicate")
    @classmethod
    def _not_a_place_or_label(cls, value: Predicate) -> Predicate:
        if value in (Predicate.LOCATED_IN, Predicate.AWARDED):
            raise ValueError(
                f"'{value.value}' is not written as a relation: use the actor's `territory` "
                "for located_in and `awards` for awarded"
            )
        return value


class PersonIn(_Model):
    name: Name
    role: str | None = None
    source: Key


class DescriptionIn(_Model):
    fr: str | None = Field(default=None, max_length=5000)
    en: str | None = Field(default=None, max_length=5000)


class ActorIn(_Model):
    key: Key
    name: Name
    type: ActorType
    source: Key
    aliases: list[Name] = []
    sectors: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]] = []
    territory: str | None = None
    place_label: str | None = None
    website: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    description: DescriptionIn = DescriptionIn()
    facts: list[FactIn] = []
    relations: list[RelationIn] = []
    people: list[PersonIn] = []

    _territory = field_validator("territory")(_check_territory)


class AwardIn(_Dated):
    programme: Key
    name: Name
    source: Key
    awarded_on: str
    territory: str | None = None
    actor: Key | None = None
    valid_until: str | None = None

    _territory = field_validator("territory")(_check_territory)

    @model_validator(mode="after")
    def _has_holder(self) -> AwardIn:
        if self.territory is None and self.actor is None:
            raise ValueError("an award needs a `territory`, an `actor`, or both")
        return self


class DirectoryFile(_Model):
    version: Literal[1]
    sources: list[SourceIn] = []
    actors: list[ActorIn] = []
    territory_facts: list[TerritoryFactIn] = []
    awards: list[AwardIn] = []


def _where(name: str, lines: dict[Path_, int], loc: Iterable[str | int]) -> str:
    """``file, line N, field a[0].b`` for a validation location."""
    path = tuple(loc)
    # Pydantic adds tags for unions and models ("function-after[...]"): drop them.
    while path and path not in lines:
        path = path[:-1]
    line = lines.get(path)
    dotted = ""
    for part in loc:
        if isinstance(part, int):
            dotted += f"[{part}]"
        elif not str(part).startswith(("function-", "union")):
            dotted += f".{part}" if dotted else str(part)
    return f"{name}, line {line}, field {dotted}" if line else f"{name}, field {dotted}"


def _format_validation_error(name: str, exc: ValidationError, lines: dict[Path_, int]) -> str:
    problems = []
    for error in exc.errors()[:20]:
        message = error["msg"].removeprefix("Value error, ")
        problems.append(f"{_where(name, lines, error['loc'])}: {message}")
    more = exc.error_count() - len(problems)
    if more > 0:
        problems.append(f"... and {more} more")
    return "\n".join(problems)


def _check_references(
    name: str, document: DirectoryFile, lines: dict[Path_, int], known_sources: set[str]
) -> None:
    """Duplicate keys and references to keys the file does not declare."""
    problems: list[str] = []
    for section, keys in (
        ("sources", [s.key for s in document.sources]),
        ("actors", [a.key for a in document.actors]),
    ):
        for key, count in Counter(keys).items():
            if count > 1:
                index = [i for i, k in enumerate(keys) if k == key][1]
                problems.append(
                    f"{_where(name, lines, (section, index, 'key'))}: duplicate key {key!r}"
                )
    sources = {s.key for s in document.sources} | known_sources

    def need_source(key: str, loc: tuple[str | int, ...]) -> None:
        if key not in sources:
            problems.append(
                f"{_where(name, lines, loc)}: unknown source {key!r}; declare it under `sources`"
            )

    for i, actor in enumerate(document.actors):
        need_source(actor.source, ("actors", i, "source"))
        for j, fact in enumerate(actor.facts):
            need_source(fact.source, ("actors", i, "facts", j, "source"))
        for j, relation in enumerate(actor.relations):
            need_source(relation.source, ("actors", i, "relations", j, "source"))
        for j, person in enumerate(actor.people):
            need_source(person.source, ("actors", i, "people", j, "source"))
    for i, fact in enumerate(document.territory_facts):
        need_source(fact.source, ("territory_facts", i, "source"))
    for i, award in enumerate(document.awards):
        need_source(award.source, ("awards", i, "source"))
    if problems:
        raise MalformedFile("\n".join(problems[:20]))


def _fact_record(fact: FactIn, actor_key: str | None, territory_id: str | None) -> FactRecord:
    return FactRecord(
        kind=fact.kind,
        value=fact.value,
        unit=fact.unit,
        source_key=fact.source,
        actor_key=actor_key,
        territory_id=territory_id,
        as_of=fact.as_of,
        note=fact.note,
    )


def _bundle(document: DirectoryFile) -> DirectoryBundle:
    bundle = DirectoryBundle()
    bundle.sources = [
        SourceRecord(**source.model_dump(exclude={"key", "kind"}), key=source.key, kind=source.kind)
        for source in document.sources
    ]
    for a in document.actors:
        bundle.actors.append(
            ActorRecord(
                key=a.key,
                name=a.name,
                type=a.type,
                source_key=a.source,
                aliases=tuple(dict.fromkeys(x for x in a.aliases if x != a.name)),
                sectors=tuple(dict.fromkeys(a.sectors)),
                territory_id=a.territory,
                place_label=a.place_label,
                website=a.website,
                description_fr=a.description.fr,
                description_en=a.description.en,
            )
        )
        bundle.facts.extend(_fact_record(f, a.key, None) for f in a.facts)
        bundle.relations.extend(
            RelationRecord(
                subject_key=a.key,
                predicate=r.predicate,
                object_key=r.object,
                source_key=r.source,
                start=r.start,
                end=r.end,
            )
            for r in a.relations
        )
        bundle.people.extend(
            PersonRoleRecord(name=p.name, role=p.role, actor_key=a.key, source_key=p.source)
            for p in a.people
        )
    bundle.facts.extend(_fact_record(f, None, f.territory) for f in document.territory_facts)
    bundle.awards = [
        AwardRecord(
            programme_key=w.programme,
            name=w.name,
            source_key=w.source,
            awarded_on=w.awarded_on,
            territory_id=w.territory,
            actor_key=w.actor,
            valid_until=w.valid_until,
        )
        for w in document.awards
    ]
    return bundle


def _validate(
    name: str,
    data: Any,
    lines: dict[Path_, int],
    referential: Referential | None,
    known_sources: set[str],
) -> DirectoryBundle:
    if not isinstance(data, dict):
        raise MalformedFile(
            f"{name}: expected a mapping with `version: 1`, `sources`, `actors`…, "
            f"found {type(data).__name__}"
        )
    try:
        document = DirectoryFile.model_validate(data, context={"referential": referential})
    except ValidationError as exc:
        raise MalformedFile(_format_validation_error(name, exc, lines)) from None
    _check_references(name, document, lines, known_sources)
    return _bundle(document)


def parse_directory_text(
    text: str,
    name: str = "<directory>",
    *,
    fmt: Literal["yaml", "csv"] = "yaml",
    referential: Referential | None = None,
    known_sources: set[str] | None = None,
) -> DirectoryBundle:
    """Validate a directory document given as text."""
    known = known_sources or set()
    if fmt == "csv":
        data, lines = _csv_to_document(text, name)
        return _validate(name, data, lines, referential, known)
    try:
        data, lines = load_yaml_with_lines(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}, line {mark.line + 1}" if mark else name
        context = ""
        if exc.context and exc.context_mark:
            context = f" ({exc.context} started at line {exc.context_mark.line + 1})"
        raise MalformedFile(f"{where}: invalid YAML: {exc.problem or exc}{context}") from None
    except yaml.YAMLError as exc:
        raise MalformedFile(f"{name}: invalid YAML: {exc}") from None
    return _validate(name, data, lines, referential, known)


CSV_COLUMNS = (
    "key", "name", "type", "source", "aliases", "sectors", "territory", "place_label",
    "website", "description_fr", "description_en",
)  # fmt: skip
CSV_REQUIRED = ("key", "name", "type", "source")


def _csv_to_document(text: str, name: str) -> tuple[dict[str, Any], dict[Path_, int]]:
    """A CSV of actors (one a row, lists separated by ``|``) as a directory document.

    Its sources must already be in the store (or be declared by a YAML import).
    """
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise MalformedFile(f"{name}: invalid CSV: {exc}") from None
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        raise MalformedFile(
            f"{name}, line 1: header must have {', '.join(CSV_REQUIRED)} "
            f"(optional: {', '.join(c for c in CSV_COLUMNS if c not in CSV_REQUIRED)}); "
            + (f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}")
        )
    actors: list[dict[str, Any]] = []
    lines: dict[Path_, int] = {}
    for index, row in enumerate(rows):
        if None in row:
            raise MalformedFile(f"{name}, line {index + 2}: more cells than header columns")
        cells = {k: (v or "").strip() for k, v in row.items()}
        actor: dict[str, Any] = {k: cells[k] for k in CSV_REQUIRED}
        for column in ("territory", "place_label", "website"):
            if cells.get(column):
                actor[column] = cells[column]
        for column in ("aliases", "sectors"):
            if cells.get(column):
                actor[column] = [x.strip() for x in cells[column].split("|") if x.strip()]
        description = {
            lang: cells[f"description_{lang}"]
            for lang in ("fr", "en")
            if cells.get(f"description_{lang}")
        }
        if description:
            actor["description"] = description
        actors.append(actor)
        lines[("actors", index)] = index + 2
        for column in actor:
            lines[("actors", index, column)] = index + 2
    return {"version": 1, "actors": actors}, lines


def load_directory_file(
    path: Path,
    *,
    referential: Referential | None = None,
    max_bytes: int = 20_000_000,
    known_sources: set[str] | None = None,
) -> DirectoryBundle:
    """Read and validate a directory file (``.yaml``/``.yml`` or ``.csv``)."""
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv"):
        raise InputError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; expected .yaml, .yml or .csv"
        )
    text = read_text_file(path, max_bytes)
    try:
        return parse_directory_text(
            text,
            str(path),
            fmt="csv" if suffix == ".csv" else "yaml",
            referential=referential,
            known_sources=known_sources,
        )
    except CartotechError:
        raise
    except RecursionError:
        raise MalformedFile(f"{path}: nested too deeply") from None

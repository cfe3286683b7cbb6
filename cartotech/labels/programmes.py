"""Label programmes as data: ``cartotech/data/programmes/*.yaml``, validated here.

A programme (Capitale French Tech, Communauté French Tech...) has criteria.
Each criterion is either **computed** from the store or **declared** (a link
or an uploaded file checked by a moderator), and scores ``weight`` points:

=====================  ==================================================  ==============
kind                   value measured (in the candidacy's territories)      parameters
=====================  ==================================================  ==============
``actor_count``        actors of the given types (and sectors)              ``actor_types``,
                                                                            ``sectors``
``award_holders``      actors holding a valid award of a programme          ``programme``
``jobs``               jobs reported in facts, the latest per actor         ``fact_kinds``
``petition_signatures``  confirmed signatures of the candidacy's petitions
``events``             accepted events in the last ``window_days``          ``window_days``
``declared``           1 when a moderator accepted a piece of evidence
=====================  ==================================================  ==============

``scoring`` is ``proportional`` (``weight × min(1, value / threshold)``) or
``threshold`` (all the points at ``value ≥ threshold``, else none);
``required`` criteria must be met for the candidacy to be eligible.

The files are read with PyYAML and checked with pydantic; a mistake names the
file and the field.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cartotech.domain import ActorType, FactKind
from cartotech.errors import MalformedFile, NotFound

__all__ = [
    "Criterion",
    "CriterionKind",
    "Programme",
    "get_programme",
    "load_programmes",
    "programme_from_yaml",
    "programmes_dir",
]


class CriterionKind(StrEnum):
    ACTOR_COUNT = "actor_count"
    AWARD_HOLDERS = "award_holders"
    JOBS = "jobs"
    PETITION_SIGNATURES = "petition_signatures"
    EVENTS = "events"
    DECLARED = "declared"


@dataclass(frozen=True)
class Criterion:
    key: str
    kind: CriterionKind
    label: dict[str, str]  # {"fr": ..., "en": ...}
    weight: float
    threshold: float
    scoring: str  # "proportional" or "threshold"
    required: bool = False
    description: dict[str, str] | None = None
    actor_types: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    programme: str | None = None
    fact_kinds: tuple[str, ...] = ()
    window_days: int = 365

    @property
    def computed(self) -> bool:
        return self.kind is not CriterionKind.DECLARED


@dataclass(frozen=True)
class Programme:
    key: str  # also the key of the programme's actor in the directory
    name: dict[str, str]
    about: dict[str, str]
    illustrative: bool
    validity_years: int | None
    criteria: tuple[Criterion, ...]
    file: str

    def criterion(self, key: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        keys = ", ".join(c.key for c in self.criteria)
        raise NotFound(
            f"programme {self.key} has no criterion {key!r}: expected one of {keys}",
            field="criterion",
        )

    @property
    def max_points(self) -> float:
        return sum(c.weight for c in self.criteria)


# --- the file format, checked with pydantic -----------------------------------------

_KEY = r"^[a-z0-9][a-z0-9_-]*$"


class _Text(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)


class _CriterionModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=_KEY, max_length=64)
    kind: CriterionKind
    label: _Text
    description: _Text | None = None
    weight: float = Field(gt=0)
    threshold: float = Field(default=1, gt=0)
    scoring: Literal["proportional", "threshold"] = "proportional"
    required: bool = False
    actor_types: list[ActorType] = []
    sectors: list[str] = []
    programme: str | None = Field(default=None, pattern=_KEY)
    fact_kinds: list[FactKind] = []
    window_days: int = Field(default=365, gt=0)

    @model_validator(mode="after")
    def _parameters(self) -> _CriterionModel:
        needs = {
            CriterionKind.ACTOR_COUNT: ("actor_types", bool(self.actor_types)),
            CriterionKind.AWARD_HOLDERS: ("programme", self.programme is not None),
            CriterionKind.JOBS: ("fact_kinds", bool(self.fact_kinds)),
        }
        if self.kind in needs and not needs[self.kind][1]:
            raise ValueError(f"a {self.kind.value} criterion needs {needs[self.kind][0]}")
        if self.kind is CriterionKind.DECLARED and self.threshold != 1:
            raise ValueError("a declared criterion has threshold 1 (one accepted evidence)")
        return self


class _ProgrammeModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    key: str = Field(pattern=_KEY, max_length=200)
    name: _Text
    about: _Text
    illustrative: bool
    validity_years: int | None = Field(default=None, gt=0)
    sources: list[str] = []
    criteria: list[_CriterionModel] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys(self) -> _ProgrammeModel:
        keys = [c.key for c in self.criteria]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(f"criterion keys repeat: {', '.join(repeated)}")
        return self


def _criterion(model: _CriterionModel) -> Criterion:
    return Criterion(
        key=model.key,
        kind=model.kind,
        label=model.label.model_dump(),
        description=model.description.model_dump() if model.description else None,
        weight=model.weight,
        threshold=model.threshold,
        scoring=model.scoring,
        required=model.required,
        actor_types=tuple(t.value for t in model.actor_types),
        sectors=tuple(model.sectors),
        programme=model.programme,
        fact_kinds=tuple(k.value for k in model.fact_kinds),
        window_days=model.window_days,
    )


def programme_from_yaml(text: str, file: str) -> Programme:
    """Parse and check one programme file; ``MalformedFile`` names the file and field."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MalformedFile(f"{file}: not valid YAML: {exc}") from None
    try:
        model = _ProgrammeModel.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "(top level)"
        raise MalformedFile(f"{file}: {where}: {error['msg']}", field=where) from None
    return Programme(
        key=model.key,
        name=model.name.model_dump(),
        about=model.about.model_dump(),
        illustrative=model.illustrative,
        validity_years=model.validity_years,
        criteria=tuple(_criterion(c) for c in model.criteria),
        file=file,
    )


def programmes_dir() -> Path:
    """Where the programmes shipped with cartotech are."""
    return Path(str(resources.files("cartotech") / "data" / "programmes"))


def load_programmes(directory: Path | None = None) -> dict[str, Programme]:
    """Every programme of ``directory`` (default: the shipped ones), by key."""
    folder = directory or programmes_dir()
    out: dict[str, Programme] = {}
    for path in sorted(folder.glob("*.yaml")):
        programme = programme_from_yaml(path.read_text("utf-8"), path.name)
        if programme.key in out:
            raise MalformedFile(f"{path.name}: programme key {programme.key!r} already used")
        out[programme.key] = programme
    return out


@functools.cache
def _shipped() -> dict[str, Programme]:
    return load_programmes()


def get_programme(key: str) -> Programme:
    """A shipped programme by key; ``NotFound`` lists the known keys."""
    programmes = _shipped()
    if key not in programmes:
        raise NotFound(
            f"no label programme {key!r}: expected one of {', '.join(sorted(programmes))}",
            field="programme",
        )
    return programmes[key]

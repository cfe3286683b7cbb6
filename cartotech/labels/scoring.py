"""The transparent scoring of a candidacy (pure: the store measures, this scores).

For each criterion the store hands a :class:`Measurement`: the value and the
evidence behind it (the actors, facts, events, petitions or documents counted,
each with its source). :func:`score_programme` turns them into points with the
criterion's formula, written out as text, and says what is missing. Points
are computed with exact fractions and rounded half-even to two decimals, so
the same measurements always give the same score, on any machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from cartotech.labels.programmes import Criterion, CriterionKind, Programme

__all__ = [
    "CandidacyScore",
    "CriterionScore",
    "EvidenceItem",
    "Measurement",
    "score_programme",
]

# What the value of each kind counts, for "what is missing" messages.
_UNITS = {
    CriterionKind.ACTOR_COUNT: "actors",
    CriterionKind.AWARD_HOLDERS: "label holders",
    CriterionKind.JOBS: "jobs",
    CriterionKind.PETITION_SIGNATURES: "confirmed signatures",
    CriterionKind.EVENTS: "events",
    CriterionKind.DECLARED: "accepted evidence",
}


@dataclass(frozen=True)
class EvidenceItem:
    """One thing counted: ``kind`` is ``actor``, ``fact``, ``event``, ``petition`` or
    ``evidence``; ``value`` what it adds (1 for a counted thing, the figure of a fact);
    ``source`` where it comes from (``key``, ``kind``, ``title``, ``url``...)."""

    kind: str
    id: int
    label: str
    value: float
    source: Mapping[str, Any]
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    value: float
    items: tuple[EvidenceItem, ...] = ()
    #: Evidence waiting for a moderator (declared criteria): not counted yet.
    pending: tuple[EvidenceItem, ...] = ()


@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    value: float
    points: float
    max_points: float
    met: bool  # value >= threshold
    formula: str
    missing: str | None  # None when met
    shortfall: float  # how much value is missing (0 when met)
    evidence: tuple[EvidenceItem, ...]
    pending: tuple[EvidenceItem, ...]


@dataclass(frozen=True)
class CandidacyScore:
    programme_key: str
    as_of: date
    total: float
    max_total: float
    eligible: bool  # every required criterion met
    criteria: tuple[CriterionScore, ...]
    formula: str
    missing_required: tuple[str, ...]  # keys of required criteria not met


def _number(value: float | Fraction) -> str:
    """A short, exact rendering: 12, 0.5, 1990."""
    as_float = float(value)
    return f"{as_float:.2f}".rstrip("0").rstrip(".") if as_float % 1 else f"{as_float:.0f}"


def _round(value: Fraction) -> Fraction:
    return Fraction(round(value, 2))


def _score(criterion: Criterion, measurement: Measurement) -> CriterionScore:
    value = Fraction(measurement.value)
    threshold = Fraction(criterion.threshold)
    weight = Fraction(criterion.weight)
    met = value >= threshold
    v, t, w = _number(value), _number(threshold), _number(weight)
    if criterion.scoring == "threshold":
        points = weight if met else Fraction(0)
        formula = f"points = {w} if {v} ≥ {t} else 0 = {_number(points)}"
    else:
        ratio = min(Fraction(1), value / threshold)
        points = _round(weight * ratio)
        formula = f"points = {w} × min(1, {v} / {t}) = {_number(points)}"
    shortfall = max(Fraction(0), threshold - value)
    missing = None
    if not met:
        unit = _UNITS[criterion.kind]
        if criterion.kind is CriterionKind.DECLARED:
            missing = (
                "evidence submitted, waiting for a moderator's check"
                if measurement.pending
                else "no evidence yet: add a link or a document for a moderator to check"
            )
        else:
            missing = f"{_number(shortfall)} more {unit} needed to reach {t}"
    return CriterionScore(
        criterion=criterion,
        value=float(value),
        points=float(points),
        max_points=float(weight),
        met=met,
        formula=formula,
        missing=missing,
        shortfall=float(shortfall),
        evidence=measurement.items,
        pending=measurement.pending,
    )


def score_programme(
    programme: Programme, measurements: Mapping[str, Measurement], *, as_of: date
) -> CandidacyScore:
    """Score every criterion of ``programme`` from ``measurements`` (by criterion key;
    a criterion without a measurement counts as 0)."""
    scores = tuple(
        _score(c, measurements.get(c.key, Measurement(value=0))) for c in programme.criteria
    )
    total = sum((Fraction(s.points) for s in scores), Fraction(0))
    parts = " + ".join(_number(s.points) for s in scores)
    missing_required = tuple(s.criterion.key for s in scores if s.criterion.required and not s.met)
    return CandidacyScore(
        programme_key=programme.key,
        as_of=as_of,
        total=float(total),
        max_total=float(sum((Fraction(c.weight) for c in programme.criteria), Fraction(0))),
        eligible=not missing_required,
        criteria=scores,
        formula=f"total = {parts} = {_number(total)}",
        missing_required=missing_required,
    )

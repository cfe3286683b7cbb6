"""Public shapes (pydantic) of the participation API: events, funding calls,
petitions, candidacies and their scores. Each carries its provenance; none
carries a personal email address or a token.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cartotech.web.schemas import Public, SourcePublic, UtcDatetime

__all__ = [
    "CandidacyPublic",
    "CandidacyScorePublic",
    "CandidacySummary",
    "CriterionScorePublic",
    "EvidencePublic",
    "EventList",
    "EventPublic",
    "FundingCallList",
    "FundingCallPublic",
    "PetitionPublic",
    "PetitionSummary",
    "SignatoryOrganisation",
]


class EventPublic(Public):
    """An accepted event. Timed events are in UTC; an all-day event starts at midnight
    UTC of its first day and ``ends_at`` is its last day."""

    id: int
    title: str
    starts_at: UtcDatetime
    ends_at: UtcDatetime | None
    all_day: bool
    territory_id: str
    place_label: str | None
    organiser_actor_id: int | None
    organiser_name: str | None
    url: str | None
    description: str | None
    source: SourcePublic


class EventList(Public):
    items: list[EventPublic]


class FundingCallPublic(Public):
    """A call for projects, a programme or a fund; ``open`` on the day asked."""

    id: int
    kind: str
    title: str
    description: str | None
    funder_actor_id: int
    funder_name: str
    amount: float | None
    currency: str
    opens_on: str | None
    deadline: str | None
    open: bool
    territory_id: str | None
    sectors: list[str]
    cohort_size_per_year: int | None
    url: str | None
    source: SourcePublic


class FundingCallList(Public):
    as_of: dt.date
    items: list[FundingCallPublic]


class SignatoryOrganisation(Public):
    actor_id: int
    name: str
    signatures: int


class PetitionSummary(Public):
    """A petition with its public count of email-confirmed signatures."""

    slug: str
    title: str
    description: str | None
    candidacy_id: int | None
    state: str
    closes_at: UtcDatetime | None
    count: int


class PetitionPublic(PetitionSummary):
    """Plus the organisations that signed and the names of those who agreed to show it."""

    organisations: list[SignatoryOrganisation]
    names: list[str]


class EvidencePublic(Public):
    """One thing counted by a criterion: ``kind`` actor, fact, event, petition or evidence
    (a declared document); ``value`` what it adds; ``href`` its page on this site."""

    kind: str
    id: int
    label: str
    value: float
    href: str | None
    source: dict[str, Any]
    detail: dict[str, Any]


class CriterionScorePublic(Public):
    key: str
    label: str
    kind: str
    required: bool
    threshold: float
    weight: float
    scoring: str
    value: float
    points: float
    met: bool
    formula: str
    missing: str | None
    evidence: list[EvidencePublic]
    pending: list[EvidencePublic]


class CandidacyScorePublic(Public):
    as_of: dt.date
    total: float
    max_total: float
    eligible: bool
    formula: str
    missing_required: list[str]
    criteria: list[CriterionScorePublic]


class CandidacySummary(Public):
    id: int
    name: str
    programme_key: str
    state: str
    territory_ids: list[str]


class CandidacyPublic(CandidacySummary):
    """A candidacy with its score on ``as_of`` (the same data and day, the same score)."""

    programme_name: str
    petitions: list[PetitionSummary]
    score: CandidacyScorePublic

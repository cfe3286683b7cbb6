"""Measuring a candidacy against its programme's criteria, with the evidence.

:func:`score_candidacy` reads, for each criterion, the value and the things
counted (each with its source) in the candidacy's territories and the
territories inside them, and hands them to the pure scoring of
:mod:`cartotech.labels.scoring`. Nothing depends on the current time: every
time window is computed from the explicit ``as_of`` date, so the same data
and the same ``as_of`` always give the same score.

What ``as_of`` selects: facts dated on or before it (undated facts too),
awards valid on that day, signatures confirmed by the end of that day,
accepted events starting in the ``window_days`` before the end of that day,
declared evidence accepted by the end of that day. Actors are counted as the
directory holds them (the directory has no history of its own).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, func, or_, select

from cartotech.domain.participation import EventState, EvidenceState, SignatureState
from cartotech.geo import Referential
from cartotech.labels import (
    CandidacyScore,
    Criterion,
    CriterionKind,
    EvidenceItem,
    Measurement,
    Programme,
    get_programme,
    score_programme,
)
from cartotech.store._sql import source_columns, with_source
from cartotech.store.candidacies import get_candidacy
from cartotech.store.events import event_scope_condition
from cartotech.store.schema import (
    actor_sectors,
    actors,
    awards,
    candidacy_evidence,
    events,
    facts,
    petition_signatures,
    petitions,
    sources,
)
from cartotech.store.territories import territory_condition

__all__ = ["UPLOADED_LABEL", "measure_criterion", "score_candidacy"]

# The label of an uploaded file in a score: its name is shown only to those who may
# download it (the candidacy's managers, moderators).
UPLOADED_LABEL = "uploaded document"


def _end_of(day: date) -> datetime:
    """The first instant after ``day`` (UTC)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def _actors_in(territory_ids: Iterable[str], referential: Referential) -> ColumnElement[bool]:
    return or_(*(territory_condition(referential.get(t), referential) for t in territory_ids))


def _item(kind: str, row: Any, label: str, value: float, **detail: Any) -> EvidenceItem:
    data = with_source(row._mapping)
    return EvidenceItem(kind, int(row.id), label, float(value), data["source"], detail)


def _actor_count(conn: Connection, criterion: Criterion, scope: ColumnElement[bool]) -> Measurement:
    query = (
        select(actors.c.id, actors.c.name, actors.c.type, *source_columns())
        .join(sources, sources.c.id == actors.c.source_id)
        .where(scope, actors.c.type.in_(criterion.actor_types))
        .order_by(actors.c.name_norm, actors.c.id)
    )
    if criterion.sectors:
        query = query.where(
            exists().where(
                actor_sectors.c.actor_id == actors.c.id,
                actor_sectors.c.sector.in_(criterion.sectors),
            )
        )
    items = tuple(_item("actor", r, r.name, 1, type=r.type) for r in conn.execute(query))
    return Measurement(len(items), items)


def _award_holders(
    conn: Connection, criterion: Criterion, scope: ColumnElement[bool], as_of: date
) -> Measurement:
    programme = actors.alias("programme")
    day = as_of.isoformat()
    rows = conn.execute(
        select(actors.c.id, actors.c.name, awards.c.awarded_on, awards.c.valid_until,
               *source_columns())
        .join(awards, awards.c.actor_id == actors.c.id)
        .join(programme, programme.c.id == awards.c.programme_id)
        .join(sources, sources.c.id == awards.c.source_id)
        .where(scope, programme.c.key == criterion.programme, awards.c.awarded_on <= day,
               or_(awards.c.valid_until.is_(None), awards.c.valid_until > day))
        .order_by(actors.c.name_norm, actors.c.id, awards.c.awarded_on.desc())
    )  # fmt: skip
    seen: dict[int, EvidenceItem] = {}
    for r in rows:
        seen.setdefault(r.id, _item("actor", r, r.name, 1, awarded_on=r.awarded_on,
                                    valid_until=r.valid_until))  # fmt: skip
    return Measurement(len(seen), tuple(seen.values()))


def _jobs(
    conn: Connection, criterion: Criterion, scope: ColumnElement[bool], as_of: date
) -> Measurement:
    """The latest dated figure per actor (undated ones last), summed."""
    day = as_of.isoformat()
    rows = conn.execute(
        select(facts.c.id, facts.c.actor_id, facts.c.kind, facts.c.value, facts.c.as_of,
               actors.c.name.label("actor_name"), *source_columns())
        .join(actors, actors.c.id == facts.c.actor_id)
        .join(sources, sources.c.id == facts.c.source_id)
        .where(scope, facts.c.kind.in_(criterion.fact_kinds),
               or_(facts.c.as_of.is_(None), facts.c.as_of <= day))
        .order_by(actors.c.name_norm, facts.c.actor_id, facts.c.as_of.desc().nulls_last(),
                  facts.c.id)
    )  # fmt: skip
    latest: dict[int, EvidenceItem] = {}
    for r in rows:
        if r.actor_id not in latest:
            latest[r.actor_id] = _item("fact", r, r.actor_name, r.value, actor_id=r.actor_id,
                                       fact_kind=r.kind, as_of=r.as_of)  # fmt: skip
    items = tuple(latest.values())
    return Measurement(sum(i.value for i in items), items)


def _signatures(conn: Connection, candidacy_id: int, as_of: date) -> Measurement:
    count = (
        select(func.count()).select_from(petition_signatures)
        .where(petition_signatures.c.petition_id == petitions.c.id,
               petition_signatures.c.state == SignatureState.CONFIRMED.value,
               petition_signatures.c.confirmed_at < _end_of(as_of))
        .scalar_subquery()
    )  # fmt: skip
    rows = conn.execute(
        select(petitions.c.id, petitions.c.slug, petitions.c.title, count.label("signatures"))
        .where(petitions.c.candidacy_id == candidacy_id)
        .order_by(petitions.c.id)
    )
    items = tuple(
        EvidenceItem(
            "petition",
            int(r.id),
            r.title,
            float(r.signatures),
            {
                "key": f"petition:{r.slug}",
                "kind": "petition",
                "title": "signatures confirmed by email (one per person)",
            },
        )  # fmt: skip
        for r in rows
    )
    return Measurement(sum(i.value for i in items), items)


def _events(
    conn: Connection,
    criterion: Criterion,
    territory_ids: list[str],
    as_of: date,
    referential: Referential,
) -> Measurement:
    end = _end_of(as_of)
    start = end - timedelta(days=criterion.window_days)
    scope = or_(*(event_scope_condition(t, referential) for t in territory_ids))
    rows = conn.execute(
        select(events.c.id, events.c.title, events.c.starts_at, events.c.territory_id,
               *source_columns())
        .join(sources, sources.c.id == events.c.source_id)
        .where(scope, events.c.state == EventState.ACCEPTED.value, events.c.starts_at >= start,
               events.c.starts_at < end)
        .order_by(events.c.starts_at, events.c.id)
    )  # fmt: skip
    items = tuple(
        _item("event", r, r.title, 1, starts_at=r.starts_at, territory_id=r.territory_id)
        for r in rows
    )
    return Measurement(len(items), items)


def _declared(
    conn: Connection, candidacy_id: int, criterion: Criterion, as_of: date
) -> Measurement:
    rows = conn.execute(
        select(candidacy_evidence)
        .where(candidacy_evidence.c.candidacy_id == candidacy_id,
               candidacy_evidence.c.criterion_key == criterion.key)
        .order_by(candidacy_evidence.c.id)
    ).all()  # fmt: skip
    accepted, pending = [], []
    for r in rows:
        # An uploaded file is named by its hash; who may read it sees its name on the page.
        label = r.reference if r.kind == "link" else UPLOADED_LABEL
        source = {"key": f"evidence:{r.id}", "kind": r.kind, "title": r.note or label,
                  "url": r.reference if r.kind == "link" else None}  # fmt: skip
        item = EvidenceItem("evidence", int(r.id), label, 1, source,
                            {"state": r.state, "checked_at": r.decided_at})  # fmt: skip
        if r.state == EvidenceState.ACCEPTED.value and r.decided_at < _end_of(as_of):
            accepted.append(item)
        elif r.state == EvidenceState.SUBMITTED.value:
            pending.append(item)
    return Measurement(1 if accepted else 0, tuple(accepted), tuple(pending))


def measure_criterion(
    conn: Connection,
    criterion: Criterion,
    *,
    candidacy_id: int,
    territory_ids: list[str],
    as_of: date,
    referential: Referential,
) -> Measurement:
    """The value of one criterion for a candidacy, with the evidence counted."""
    scope = _actors_in(territory_ids, referential)
    match criterion.kind:
        case CriterionKind.ACTOR_COUNT:
            return _actor_count(conn, criterion, scope)
        case CriterionKind.AWARD_HOLDERS:
            return _award_holders(conn, criterion, scope, as_of)
        case CriterionKind.JOBS:
            return _jobs(conn, criterion, scope, as_of)
        case CriterionKind.PETITION_SIGNATURES:
            return _signatures(conn, candidacy_id, as_of)
        case CriterionKind.EVENTS:
            return _events(conn, criterion, territory_ids, as_of, referential)
        case _:
            return _declared(conn, candidacy_id, criterion, as_of)


def score_candidacy(
    conn: Connection,
    candidacy_id: int,
    *,
    as_of: date,
    referential: Referential,
    programme: Programme | None = None,
) -> CandidacyScore:
    """The candidacy's score on ``as_of``: per criterion the value, the evidence behind
    it (each with its source), the points and formula, what is missing; the total."""
    candidacy = get_candidacy(conn, candidacy_id)
    programme = programme or get_programme(candidacy["programme_key"])
    measurements = {
        c.key: measure_criterion(
            conn,
            c,
            candidacy_id=candidacy_id,
            territory_ids=candidacy["territory_ids"],
            as_of=as_of,
            referential=referential,
        )  # fmt: skip
        for c in programme.criteria
    }
    return score_programme(programme, measurements, as_of=as_of)

"""Facts, relations and roles read from one document's stored mentions.

The extractor's findings are stored as ``mentions`` first; this module turns
them into rows of the directory tables (``facts``, ``relations``,
``actor_people``), each citing the document's source and span. It works from
the stored mentions, not from the extraction, so that it can run again when a
person links a mention during review: fingerprints make a second run a no-op.

**Attachment rule** (which subject an amount or count is about):

1. the nearest *linked* organisation occurrence in the same sentence (an
   occurrence before the figure wins a tie: "X a levé 3 M€");
2. else the nearest place occurrence with a territory id in the same sentence;
3. else no fact: the figure stays a mention only. A fact never lacks a subject.

Relations between two linked actors become ``relations`` rows (span: the
sentence). A person's role goes to ``actor_people`` when the organisation the
extractor gives for them is linked, or when a linked actor is ``led_by`` them
(the role then is the one the text gives the person, if any).

Kinds: a count's unit maps to a :class:`FactKind` (``jobs`` -> ``jobs``...;
units with no kind become ``other`` with the unit in the note; lengths and
areas other than m² are kept as mentions only). An amount's kind comes from
words of its sentence (``lever``/``raised`` -> ``amount_raised``, ``chiffre
d'affaires``/``revenue`` -> ``revenue``, ``budget`` -> ``budget``), else
``other``; only EUR and USD amounts become facts (the units the store knows).
``as_of`` is the document's publication date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from cartotech.domain import FactKind, FactRecord, PersonRoleRecord, Predicate, RelationRecord, Unit
from cartotech.normalize import fold
from cartotech.store.facts import add_fact, add_person_role, add_relation
from cartotech.store.schema import mentions

__all__ = ["DerivedCounts", "derive_document_facts"]

# Count units (extract/patterns/counts.yaml) with a kind of their own.
_COUNT_KINDS: dict[str, FactKind] = {
    "jobs": FactKind.JOBS,
    "employees": FactKind.EMPLOYEES,
    "startups": FactKind.STARTUPS,
    "companies": FactKind.COMPANIES,
    "projects": FactKind.PROJECTS,
    "establishments": FactKind.ESTABLISHMENTS,
    "signatories": FactKind.SIGNATORIES,
    "members": FactKind.MEMBERS,
    "events": FactKind.EVENTS,
    "sites": FactKind.SITES,
    "cables": FactKind.CABLES,
    "inhabitants": FactKind.POPULATION,
    "m2": FactKind.SURFACE,
}
# Measures that are not counts of things and have no unit in the store.
_NOT_FACTS = {"km", "hectares", "sq ft"}
# Words of a (folded) sentence that say what an amount is; first match wins.
# Whole words only: "leve" must not match "releve" or "eleve".
_AMOUNT_WORDS: tuple[tuple[FactKind, re.Pattern[str]], ...] = (
    (
        FactKind.AMOUNT_RAISED,
        re.compile(
            r"\b(?:lev(?:e|ee|ees|es|er|ent|era)|rais(?:e|ed|es|ing)|tour de table"
            r"|funding round)\b"
        ),
    ),
    (FactKind.REVENUE, re.compile(r"\b(?:chiffre d'affaires|revenues?|turnover)\b")),
    (FactKind.BUDGET, re.compile(r"\bbudgets?\b")),
)
_CURRENCIES = {"EUR": Unit.EUR, "USD": Unit.USD}


@dataclass(frozen=True)
class DerivedCounts:
    """Rows that went in (a second run over the same mentions adds none)."""

    facts: int = 0
    relations: int = 0
    roles: int = 0


@dataclass(frozen=True)
class _Occurrence:
    start: int
    end: int
    sentence: int  # sentence_start: occurrences of one sentence share it
    actor_id: int | None
    territory_id: str | None


def _nearest(figure: Any, candidates: list[_Occurrence]) -> _Occurrence | None:
    same = [c for c in candidates if c.sentence == figure.sentence_start]

    def distance(c: _Occurrence) -> tuple[int, int, int]:
        before = c.end <= figure.span_start
        gap = figure.span_start - c.end if before else max(0, c.start - figure.span_end)
        return gap, 0 if before else 1, c.start

    return min(same, key=distance, default=None)


def _amount_kind(sentence: str) -> FactKind:
    folded = fold(sentence)
    for kind, words in _AMOUNT_WORDS:
        if words.search(folded):
            return kind
    return FactKind.OTHER


def _figure_fact(row: Any, payload: dict[str, Any], text: str) -> tuple[FactKind, Unit, str] | None:
    """The kind, unit and note of an amount or count row, or None when it is no fact."""
    if row.kind == "amount":
        unit = _CURRENCIES.get(str(payload.get("currency")))
        if unit is None:
            return None
        kind = _amount_kind(text[row.sentence_start : row.sentence_end])
        note = row.text + (f" — {payload['purpose']}" if payload.get("purpose") else "")
        return kind, unit, note
    count_unit = str(payload.get("unit") or "")
    if count_unit in _NOT_FACTS:
        return None
    kind = _COUNT_KINDS.get(count_unit, FactKind.OTHER)
    note = row.text + (f" — {payload['subject']}" if payload.get("subject") else "")
    return kind, Unit.M2 if kind is FactKind.SURFACE else Unit.COUNT, note


def derive_document_facts(
    conn: Connection,
    document_id: int,
    *,
    text: str,
    source_id: int,
    source_key: str,
    as_of: str | None,
) -> DerivedCounts:
    """Write the facts, relations and roles the document's mentions support."""
    rows = conn.execute(
        select(mentions).where(mentions.c.document_id == document_id).order_by(mentions.c.id)
    ).all()
    orgs: list[_Occurrence] = []
    places: list[_Occurrence] = []
    actor_by_name: dict[str, int] = {}
    role_of: dict[str, str | None] = {}
    for row in rows:
        if row.kind == "organization" and row.actor_id is not None:
            orgs.append(
                _Occurrence(row.span_start, row.span_end, row.sentence_start, row.actor_id, None)
            )
            payload = json.loads(row.payload)
            for name in (row.name, row.text, *payload.get("aliases", ())):
                actor_by_name.setdefault(name, row.actor_id)
        elif row.kind == "person":
            role_of.setdefault(row.name, json.loads(row.payload).get("role"))
        elif row.kind == "place" and row.territory_id is not None:
            places.append(
                _Occurrence(
                    row.span_start, row.span_end, row.sentence_start, None, row.territory_id
                )
            )
    facts = relations = roles = 0
    seen_roles: set[tuple[str, int, str | None]] = set()
    for row in rows:
        payload = json.loads(row.payload)
        if row.kind in ("amount", "count"):
            facts += _add_figure(
                conn, row, payload, text, orgs, places, source_id, source_key, as_of
            )
        elif row.kind == "relation":
            subject = actor_by_name.get(payload["subject"])
            obj = actor_by_name.get(payload["object"])
            leader = payload["object"]
            if payload["predicate"] == "led_by" and subject is not None and leader in role_of:
                # "X led_by <person>": a person is no actor, but holds a role in X.
                key = (leader, subject, role_of[leader])
                if key not in seen_roles:
                    seen_roles.add(key)
                    held = PersonRoleRecord(leader, payload["subject"], source_key, key[2])
                    roles += add_person_role(conn, held, source_id=source_id, actor_id=subject)
                continue
            if subject is None or obj is None or subject == obj:
                continue
            if payload["predicate"] not in Predicate.__members__.values():
                continue
            record = RelationRecord(
                subject_key=payload["subject"],
                predicate=Predicate(payload["predicate"]),
                object_key=payload["object"],
                source_key=source_key,
                span=(row.span_start, row.span_end),
            )
            relations += add_relation(
                conn, record, source_id=source_id, subject_id=subject, object_id=obj
            )
        elif row.kind == "person" and payload.get("organization"):
            actor_id = actor_by_name.get(payload["organization"])
            key = (row.name, actor_id or 0, payload.get("role"))
            if actor_id is None or key in seen_roles:
                continue
            seen_roles.add(key)
            role = PersonRoleRecord(
                name=row.name,
                actor_key=payload["organization"],
                source_key=source_key,
                role=payload.get("role"),
            )
            roles += add_person_role(conn, role, source_id=source_id, actor_id=actor_id)
    return DerivedCounts(facts=facts, relations=relations, roles=roles)


def _add_figure(
    conn: Connection,
    row: Any,
    payload: dict[str, Any],
    text: str,
    orgs: list[_Occurrence],
    places: list[_Occurrence],
    source_id: int,
    source_key: str,
    as_of: str | None,
) -> int:
    described = _figure_fact(row, payload, text)
    subject = _nearest(row, orgs) or _nearest(row, places)
    if described is None or subject is None:
        return 0
    kind, unit, note = described
    record = FactRecord(
        kind=kind,
        value=float(payload["value"]),
        unit=unit,
        source_key=source_key,
        territory_id=subject.territory_id,
        as_of=as_of,
        note=note,
        span=(row.span_start, row.span_end),
    )
    return int(add_fact(conn, record, source_id=source_id, actor_id=subject.actor_id))

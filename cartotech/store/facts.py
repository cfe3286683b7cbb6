"""Facts, relations, people's roles and label awards: every row with its source.

Each row has a content fingerprint with a unique index, so adding the same
fact twice is a no-op; every add function returns whether a row went in.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from cartotech.domain import AwardRecord, FactRecord, PersonRoleRecord, RelationRecord
from cartotech.errors import InputError, ProvenanceMissing
from cartotech.normalize import normalize_name
from cartotech.store._sql import fingerprint, insert_ignoring_duplicates
from cartotech.store.schema import actor_people, awards, facts, people, relations

__all__ = ["add_fact", "add_relation", "add_person_role", "add_award"]


def _require_source(source_id: int | None, what: str) -> int:
    if source_id is None:
        raise ProvenanceMissing(
            f"{what} has no source: every fact needs the document and span, "
            "or the submitter, it comes from",
            field="source",
        )
    return source_id


def _span(span: tuple[int, int] | None) -> tuple[int | None, int | None]:
    if span is None:
        return None, None
    start, end = span
    if start < 0 or end < start:
        raise InputError(f"invalid span {span!r}: expected 0 <= start <= end", field="span")
    return start, end


def add_fact(
    conn: Connection, record: FactRecord, *, source_id: int | None, actor_id: int | None
) -> bool:
    source_id = _require_source(source_id, f"fact {record.kind.value}={record.value}")
    if actor_id is None and record.territory_id is None:
        raise InputError("a fact must be about an actor or a territory", field="subject")
    start, end = _span(record.span)
    row = {
        "actor_id": actor_id,
        "territory_id": record.territory_id,
        "kind": record.kind.value,
        "value": float(record.value),
        "unit": record.unit.value,
        "as_of": record.as_of,
        "note": record.note,
        "source_id": source_id,
        "span_start": start,
        "span_end": end,
    }
    row["fingerprint"] = fingerprint(
        "fact", actor_id, record.territory_id, row["kind"], row["value"], row["unit"],
        record.as_of, source_id, start, end,
    )  # fmt: skip
    return insert_ignoring_duplicates(conn, facts, [row]) == 1


def add_relation(
    conn: Connection,
    record: RelationRecord,
    *,
    source_id: int | None,
    subject_id: int,
    object_id: int,
) -> bool:
    source_id = _require_source(
        source_id, f"relation {record.subject_key} {record.predicate.value} {record.object_key}"
    )
    start, end = _span(record.span)
    row = {
        "subject_id": subject_id,
        "predicate": record.predicate.value,
        "object_id": object_id,
        "start_on": record.start,
        "end_on": record.end,
        "source_id": source_id,
        "span_start": start,
        "span_end": end,
    }
    row["fingerprint"] = fingerprint(
        "relation", subject_id, row["predicate"], object_id, record.start, record.end,
        source_id, start, end,
    )  # fmt: skip
    return insert_ignoring_duplicates(conn, relations, [row]) == 1


def _person_id(conn: Connection, name: str) -> int:
    key = normalize_name(name)
    insert_ignoring_duplicates(conn, people, [{"name": name, "name_norm": key}])
    return int(conn.execute(select(people.c.id).where(people.c.name_norm == key)).scalar_one())


def add_person_role(
    conn: Connection, record: PersonRoleRecord, *, source_id: int | None, actor_id: int
) -> bool:
    source_id = _require_source(source_id, f"role of {record.name}")
    person_id = _person_id(conn, record.name)
    row = {
        "actor_id": actor_id,
        "person_id": person_id,
        "role": record.role,
        "source_id": source_id,
        "fingerprint": fingerprint("role", actor_id, person_id, record.role, source_id),
    }
    return insert_ignoring_duplicates(conn, actor_people, [row]) == 1


def add_award(
    conn: Connection,
    record: AwardRecord,
    *,
    source_id: int | None,
    programme_id: int,
    actor_id: int | None,
) -> bool:
    source_id = _require_source(source_id, f"award {record.name}")
    if actor_id is None and record.territory_id is None:
        raise InputError(f"award {record.name!r} needs a territory or an actor", field="award")
    row = {
        "programme_id": programme_id,
        "name": record.name,
        "territory_id": record.territory_id,
        "actor_id": actor_id,
        "awarded_on": record.awarded_on,
        "valid_until": record.valid_until,
        "source_id": source_id,
    }
    row["fingerprint"] = fingerprint(
        "award", programme_id, record.name, record.territory_id, actor_id,
        record.awarded_on, record.valid_until, source_id,
    )  # fmt: skip
    return insert_ignoring_duplicates(conn, awards, [row]) == 1

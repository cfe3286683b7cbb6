"""Write a whole :class:`DirectoryBundle` (sources, actors, facts, relations,
roles, awards) — the caller wraps it in one unit of work."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Connection

from cartotech.domain import DirectoryBundle
from cartotech.domain.participation import SystemActor, Who
from cartotech.errors import InputError, ProvenanceMissing
from cartotech.geo import Referential
from cartotech.store.actors import actor_ids_by_key, upsert_actor
from cartotech.store.audit import record_audit
from cartotech.store.facts import add_award, add_fact, add_person_role, add_relation
from cartotech.store.sources import ensure_source, source_id_by_key

__all__ = ["ImportReport", "import_directory"]


@dataclass
class ImportReport:
    """What an import did, per kind of row: created / updated / unchanged."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def record(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            kind: {o: counts[o] for o in ("created", "updated", "unchanged")}
            for kind, counts in sorted(self.counts.items())
        }


class _Keys:
    """Resolves source and actor keys to ids: this bundle first, then the store."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sources: dict[str, int] = {}
        self.actors: dict[str, int] = {}

    def source(self, key: str, what: str) -> int:
        if key not in self.sources:
            found = source_id_by_key(self.conn, key)
            if found is None:
                raise ProvenanceMissing(
                    f"{what} cites source {key!r}, which is neither in the file nor in the store",
                    field="source",
                )
            self.sources[key] = found
        return self.sources[key]

    def actor(self, key: str, what: str) -> int:
        if key not in self.actors:
            self.actors.update(actor_ids_by_key(self.conn, {key}))
        if key not in self.actors:
            raise InputError(f"{what} refers to unknown actor {key!r}", field="actor")
        return self.actors[key]


def import_directory(
    conn: Connection,
    bundle: DirectoryBundle,
    referential: Referential,
    *,
    by: Who = SystemActor.IMPORT,
) -> ImportReport:
    """Upsert everything in ``bundle``; running it twice reports no change.

    The audit log gets an entry per actor created or updated and one for the
    import as a whole, in the same transaction; an import that changes
    nothing writes none."""
    report = ImportReport()
    keys = _Keys(conn)
    for source in bundle.sources:
        keys.sources[source.key], outcome = ensure_source(conn, source)
        report.record("sources", outcome)
    for actor in bundle.actors:
        source_id = keys.source(actor.source_key, f"actor {actor.key!r}")
        keys.actors[actor.key], outcome = upsert_actor(conn, actor, source_id, referential)
        report.record("actors", outcome)
        if outcome != "unchanged":
            after = {"key": actor.key, "name": actor.name, "type": str(actor.type)}
            verb = "create" if outcome == "created" else "update"
            record_audit(conn, by, f"actor.{verb}", "actor", keys.actors[actor.key], after=after)
    for fact in bundle.facts:
        what = f"fact {fact.kind.value} of {fact.actor_key or fact.territory_id}"
        if fact.territory_id is not None:
            referential.get(fact.territory_id)
        added = add_fact(
            conn,
            fact,
            source_id=keys.source(fact.source_key, what),
            actor_id=keys.actor(fact.actor_key, what) if fact.actor_key else None,
        )
        report.record("facts", "created" if added else "unchanged")
    for relation in bundle.relations:
        what = f"relation {relation.subject_key} {relation.predicate.value} {relation.object_key}"
        added = add_relation(
            conn,
            relation,
            source_id=keys.source(relation.source_key, what),
            subject_id=keys.actor(relation.subject_key, what),
            object_id=keys.actor(relation.object_key, what),
        )
        report.record("relations", "created" if added else "unchanged")
    for role in bundle.people:
        what = f"role of {role.name}"
        added = add_person_role(
            conn,
            role,
            source_id=keys.source(role.source_key, what),
            actor_id=keys.actor(role.actor_key, what),
        )
        report.record("people", "created" if added else "unchanged")
    for award in bundle.awards:
        what = f"award {award.name!r}"
        if award.territory_id is not None:
            referential.get(award.territory_id)
        added = add_award(
            conn,
            award,
            source_id=keys.source(award.source_key, what),
            programme_id=keys.actor(award.programme_key, what),
            actor_id=keys.actor(award.actor_key, what) if award.actor_key else None,
        )
        report.record("awards", "created" if added else "unchanged")
    if report.changed:
        record_audit(conn, by, "directory.import", "directory", after=report.as_dict())
    return report

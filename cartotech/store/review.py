"""The review queue: organisation mentions the resolver left to a person.

Accepting a ``new_actor`` item creates the actor from the mention, citing the
document, and links the mention; accepting a ``merge`` item links the mention
to the candidate actor and keeps the mention's name as an alias. Either way
the document's facts are derived again (:mod:`cartotech.store.press_facts`),
so amounts and counts about the newly linked actor get their rows.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, func, select, update

from cartotech.domain import ActorRecord, ActorType
from cartotech.domain.participation import SystemActor, Who
from cartotech.errors import ConflictError, InputError, NotFound
from cartotech.geo import Referential, get_referential
from cartotech.normalize import normalize_name, slugify
from cartotech.store._sql import insert_ignoring_duplicates
from cartotech.store.actors import actor_id_by_key, add_search_terms, search_terms_of, upsert_actor
from cartotech.store.audit import record_audit
from cartotech.store.press_facts import derive_document_facts
from cartotech.store.schema import actor_aliases, actors, documents, mentions, review_items, sources

__all__ = [
    "REVIEW_STATUSES",
    "ReviewDecision",
    "accept_review_item",
    "list_review_items",
    "reject_review_item",
]

REVIEW_STATUSES = ("pending", "accepted", "rejected")


@dataclass(frozen=True)
class ReviewDecision:
    """What deciding an item did."""

    item_id: int
    status: str
    actor_id: int | None = None
    actor_created: bool = False
    facts: int = 0
    relations: int = 0
    roles: int = 0


def list_review_items(
    conn: Connection, status: str = "pending", *, limit: int | None = None
) -> list[dict[str, Any]]:
    """Items with ``status`` (or ``all``), oldest first, each with its sentence."""
    if status != "all" and status not in REVIEW_STATUSES:
        raise InputError(
            f"unknown review status {status!r}: expected all or {', '.join(REVIEW_STATUSES)}",
            field="status",
        )
    length = mentions.c.sentence_end - mentions.c.sentence_start
    query = (
        select(
            review_items,
            actors.c.name.label("candidate_name"),
            documents.c.title.label("document_title"),
            documents.c.locator.label("document_locator"),
            func.substr(documents.c.text, mentions.c.sentence_start + 1, length).label("sentence"),
        )
        .join(mentions, mentions.c.id == review_items.c.mention_id)
        .join(documents, documents.c.id == review_items.c.document_id)
        .outerjoin(actors, actors.c.id == review_items.c.candidate_actor_id)
        .order_by(review_items.c.id)
        .limit(limit)
    )
    if status != "all":
        query = query.where(review_items.c.status == status)
    return [dict(row) for row in conn.execute(query).mappings()]


def _pending_item(conn: Connection, item_id: int) -> Any:
    item = conn.execute(select(review_items).where(review_items.c.id == item_id)).first()
    if item is None:
        raise NotFound(f"no review item {item_id}: see `cartotech review list`")
    if item.status != "pending":
        raise ConflictError(f"review item {item_id} is already {item.status}")
    return item


def _mention_aliases(conn: Connection, item: Any) -> tuple[str, ...]:
    payload = conn.execute(
        select(mentions.c.payload).where(mentions.c.id == item.mention_id)
    ).scalar_one()
    return tuple(a for a in json.loads(payload).get("aliases", ()) if a != item.name)


def _new_actor(
    conn: Connection, item: Any, document: Any, actor_type: str | None, referential: Referential
) -> tuple[int, bool]:
    chosen = actor_type or item.proposed_type
    if chosen not in ActorType.__members__.values():
        types = ", ".join(t.value for t in ActorType)
        raise InputError(
            f"review item {item.id} ({item.name!r}) needs an actor type, got {chosen!r}: "
            f"choose one of {types}",
            field="type",
        )
    key = f"press-{slugify(item.name)}"
    # An actor accepted from another article under the same name: link to it
    # instead of creating a second one.
    existing = actor_id_by_key(conn, key)
    if existing is not None:
        return existing, False
    record = ActorRecord(
        key=key,
        name=item.name,
        type=ActorType(chosen),
        source_key=document.source_key,
        aliases=_mention_aliases(conn, item),
        place_label=item.proposed_city,
    )
    actor_id, _ = upsert_actor(conn, record, document.source_id, referential)
    return actor_id, True


def _add_alias(conn: Connection, actor_id: int, alias: str) -> None:
    """Keep ``alias`` for the actor, searchable, unless it is its name already."""
    actor = conn.execute(
        select(actors.c.name_norm, actors.c.search_text).where(actors.c.id == actor_id)
    ).one()
    folded = normalize_name(alias)
    if folded == actor.name_norm:
        return
    added = insert_ignoring_duplicates(
        conn, actor_aliases, [{"actor_id": actor_id, "alias": alias, "alias_norm": folded}]
    )
    if added and folded not in actor.search_text:
        conn.execute(
            update(actors)
            .where(actors.c.id == actor_id)
            .values(search_text=f"{actor.search_text} {folded}", updated_at=func.now())
        )
    add_search_terms(conn, search_terms_of([alias]))


def accept_review_item(
    conn: Connection,
    item_id: int,
    *,
    actor_type: str | None = None,
    note: str | None = None,
    referential: Referential | None = None,
    by: Who = SystemActor.CLI,
) -> ReviewDecision:
    """Accept a pending item: create or merge the actor, link the mention, derive facts.

    ``actor_type`` overrides the type the extractor proposed for a new actor
    (required when it proposed none). ``by`` (who decided) goes to the audit log.
    """
    item = _pending_item(conn, item_id)
    document = conn.execute(
        select(
            documents.c.id,
            documents.c.text,
            documents.c.published_on,
            documents.c.source_id,
            sources.c.key.label("source_key"),
        )
        .join(sources, sources.c.id == documents.c.source_id)
        .where(documents.c.id == item.document_id)
    ).one()
    created = False
    if item.kind == "new_actor":
        actor_id, created = _new_actor(
            conn, item, document, actor_type, referential or get_referential()
        )
    else:
        if item.candidate_actor_id is None:
            raise ConflictError(
                f"review item {item_id}: its candidate actor no longer exists; reject it"
            )
        actor_id = item.candidate_actor_id
        _add_alias(conn, actor_id, item.name)
    conn.execute(
        update(mentions)
        .where(
            mentions.c.document_id == item.document_id,
            mentions.c.kind == "organization",
            mentions.c.name == item.name,
        )
        .values(actor_id=actor_id, link_status="linked", link_method="review", link_score=1.0)
    )
    conn.execute(
        update(review_items)
        .where(review_items.c.id == item_id)
        .values(
            status="accepted",
            candidate_actor_id=actor_id,
            decided_at=func.now(),
            decision_note=note,
        )
    )
    derived = derive_document_facts(
        conn,
        document.id,
        text=document.text,
        source_id=document.source_id,
        source_key=document.source_key,
        as_of=document.published_on,
    )
    decision = ReviewDecision(
        item_id, "accepted", actor_id, created, derived.facts, derived.relations, derived.roles
    )
    record_audit(conn, by, "review_item.accept", "review_item", item_id,
                 before={"status": "pending"}, after=asdict(decision), note=note)  # fmt: skip
    return decision


def reject_review_item(
    conn: Connection, item_id: int, note: str, *, by: Who = SystemActor.CLI
) -> ReviewDecision:
    """Reject a pending item, saying why; the mention stays unlinked."""
    _pending_item(conn, item_id)
    conn.execute(
        update(review_items)
        .where(review_items.c.id == item_id)
        .values(status="rejected", decided_at=func.now(), decision_note=note)
    )
    record_audit(conn, by, "review_item.reject", "review_item", item_id,
                 before={"status": "pending"}, after={"status": "rejected"}, note=note)  # fmt: skip
    return ReviewDecision(item_id, "rejected")

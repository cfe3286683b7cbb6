"""Press review: the stored articles that mention an actor or a territory,
each with the sentences that do, and where in them the mention is."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, or_, select

from cartotech.geo import Referential, Territory, get_referential
from cartotech.store.schema import actors, documents, mentions, territories
from cartotech.store.territories import territory_condition

__all__ = ["press_review_for_actor", "press_review_for_territory"]


def press_review_for_actor(
    conn: Connection, actor_id: int, limit: int = 20
) -> list[dict[str, Any]]:
    """The latest documents linking a mention to ``actor_id``."""
    condition = (mentions.c.kind == "organization") & (mentions.c.actor_id == actor_id)
    return _press_review(conn, condition, limit)


def _territory_ids(territory: Territory, referential: Referential) -> Any:
    """The ids of ``territory`` and of every territory inside it (a subquery)."""
    column = {
        "region": territories.c.region_code,
        "departement": territories.c.departement_code,
        "epci": territories.c.epci_code,
    }.get(territory.level)
    inside: ColumnElement[bool]
    if column is not None:
        inside = or_(column == territory.code, territories.c.id == territory.id)
    else:  # a commune is itself; a group is itself and its member communes
        members = (
            [c.id for c in referential.communes_of(territory.id)]
            if territory.level == "group"
            else []
        )
        inside = territories.c.id.in_([territory.id, *members])
    return select(territories.c.id).where(inside)


def press_review_for_territory(
    conn: Connection,
    territory_id: str,
    limit: int = 20,
    *,
    referential: Referential | None = None,
) -> list[dict[str, Any]]:
    """The latest documents with a place in ``territory_id`` (or inside it), or
    a mention of an actor located there."""
    referential = referential or get_referential()
    territory = referential.get(territory_id)
    located = select(actors.c.id).where(territory_condition(territory, referential))
    condition = or_(
        (mentions.c.kind == "place")
        & mentions.c.territory_id.in_(_territory_ids(territory, referential)),
        (mentions.c.kind == "organization") & mentions.c.actor_id.in_(located),
    )
    return _press_review(conn, condition, limit)


def _press_review(
    conn: Connection, condition: ColumnElement[bool], limit: int
) -> list[dict[str, Any]]:
    mentioned = select(mentions.c.document_id).where(condition).distinct()
    same_story = documents.alias("same_story")
    story_size = (
        select(func.count()).where(same_story.c.story_id == documents.c.story_id).scalar_subquery()
    )
    docs = (
        conn.execute(
            select(
                documents.c.id,
                documents.c.title,
                documents.c.url,
                documents.c.published_on,
                documents.c.lang,
                documents.c.locator,
                documents.c.story_id,
                documents.c.story_kind,
                documents.c.text,
                story_size.label("story_documents"),
            )
            .where(documents.c.id.in_(mentioned))
            .order_by(documents.c.published_on.desc().nulls_last(), documents.c.id.desc())
            .limit(limit)
        )
        .mappings()
        .all()
    )
    if not docs:
        return []
    found = conn.execute(
        select(
            mentions.c.document_id,
            mentions.c.span_start,
            mentions.c.span_end,
            mentions.c.sentence_start,
            mentions.c.sentence_end,
        )
        .where(condition, mentions.c.document_id.in_([d["id"] for d in docs]))
        .order_by(mentions.c.document_id, mentions.c.span_start)
    ).all()
    sentences: dict[int, dict[tuple[int, int], list[tuple[int, int]]]] = defaultdict(dict)
    for row in found:
        key = (row.sentence_start, row.sentence_end)
        highlight = (row.span_start - row.sentence_start, row.span_end - row.sentence_start)
        spans = sentences[row.document_id].setdefault(key, [])
        if highlight not in spans:
            spans.append(highlight)
    result = []
    for doc in docs:
        text = doc["text"]
        entry = {k: v for k, v in doc.items() if k != "text"}
        entry["document_id"] = entry.pop("id")
        entry["sentences"] = [
            {"text": text[start:end], "start": start, "end": end, "highlights": spans}
            for (start, end), spans in sorted(sentences[doc["id"]].items())
        ]
        result.append(entry)
    return result

"""Press review: the stored articles that mention an actor or a territory,
each with the sentences that do, where in them the mention is, and the other
documents of its story (the same article in another language, a reprint).

Only the document that starts a story is extracted, so it is the one that
carries the mentions; the others are listed under it as its versions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, or_, select

from cartotech.errors import NotFound
from cartotech.geo import Referential, Territory, get_referential
from cartotech.store.schema import actors, documents, mentions, sources, territories
from cartotech.store.territories import territory_condition

__all__ = [
    "PressReview",
    "actor_press_review",
    "territory_press_review",
]


@dataclass(frozen=True)
class PressReview:
    """One page of a press review: ``total`` articles in all, ``items`` the
    ones from ``offset`` on (the latest first)."""

    items: list[dict[str, Any]]
    total: int


def _actor_condition(actor_id: int) -> ColumnElement[bool]:
    return (mentions.c.kind == "organization") & (mentions.c.actor_id == actor_id)


def actor_press_review(
    conn: Connection, actor_id: int, *, limit: int = 20, offset: int = 0
) -> PressReview:
    """A page of the documents linking a mention to ``actor_id``, and their
    count; :class:`NotFound` when there is no such actor."""
    if conn.execute(select(actors.c.id).where(actors.c.id == actor_id)).first() is None:
        raise NotFound(f"no actor with id {actor_id}")
    condition = _actor_condition(actor_id)
    return PressReview(_press_review(conn, condition, limit, offset), _count(conn, condition))


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


def territory_press_review(
    conn: Connection,
    territory_id: str,
    *,
    limit: int = 20,
    offset: int = 0,
    referential: Referential | None = None,
) -> PressReview:
    """A page of the latest documents with a place in ``territory_id`` (or inside it),
    or a mention of an actor located there, and the count of all; :class:`NotFound`
    for an unknown territory."""
    condition = _territory_condition(territory_id, referential or get_referential())
    return PressReview(_press_review(conn, condition, limit, offset), _count(conn, condition))


def _territory_condition(territory_id: str, referential: Referential) -> ColumnElement[bool]:
    territory = referential.get(territory_id)
    located = select(actors.c.id).where(territory_condition(territory, referential))
    return or_(
        (mentions.c.kind == "place")
        & mentions.c.territory_id.in_(_territory_ids(territory, referential)),
        (mentions.c.kind == "organization") & mentions.c.actor_id.in_(located),
    )


def _count(conn: Connection, condition: ColumnElement[bool]) -> int:
    counted = select(func.count(mentions.c.document_id.distinct())).where(condition)
    return int(conn.execute(counted).scalar_one())


def _press_review(
    conn: Connection, condition: ColumnElement[bool], limit: int, offset: int = 0
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
                # A document without a title is cited by its file name.
                func.coalesce(documents.c.title, sources.c.title).label("title"),
                sources.c.file_name,
                documents.c.url,
                documents.c.published_on,
                documents.c.lang,
                documents.c.locator,
                documents.c.story_id,
                documents.c.story_kind,
                documents.c.text,
                story_size.label("story_documents"),
            )
            .join(sources, sources.c.id == documents.c.source_id)
            .where(documents.c.id.in_(mentioned))
            .order_by(documents.c.published_on.desc().nulls_last(), documents.c.id.desc())
            .limit(limit)
            .offset(offset)
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
    versions = _story_versions(conn, {doc["story_id"] for doc in docs})
    result = []
    for doc in docs:
        text = doc["text"]
        entry = {k: v for k, v in doc.items() if k != "text"}
        entry["document_id"] = entry.pop("id")
        entry["sentences"] = [
            {"text": text[start:end], "start": start, "end": end, "highlights": spans}
            for (start, end), spans in sorted(sentences[doc["id"]].items())
        ]
        entry["other_versions"] = [
            version for version in versions[doc["story_id"]] if version["document_id"] != doc["id"]
        ]
        result.append(entry)
    return result


def _story_versions(conn: Connection, story_ids: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The documents of each story (language, then date, then id order)."""
    rows = conn.execute(
        select(
            documents.c.id.label("document_id"),
            documents.c.story_id,
            func.coalesce(documents.c.title, sources.c.title).label("title"),
            documents.c.url,
            documents.c.published_on,
            documents.c.lang,
            documents.c.story_kind,
        )
        .join(sources, sources.c.id == documents.c.source_id)
        .where(documents.c.story_id.in_(sorted(story_ids)))
        .order_by(documents.c.lang, documents.c.published_on, documents.c.id)
    ).mappings()
    versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        version = dict(row)
        versions[version.pop("story_id")].append(version)
    return versions

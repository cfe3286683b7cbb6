"""Press documents in the store: each document with its story, mentions,
review items and the facts they support; and the actors as the resolver sees
them.

Follows what :mod:`cartotech.ingest.stories` asks of a store: one
transaction per document (the caller's ``unit_of_work``) that also keeps its
story entry (``store/stories.py``), the entry inserted into the in-memory
index only after the commit; exact duplicates write nothing; facts extracted
only from documents that start a story. Finished files: ``store/ingest_files.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, select

from cartotech.domain import Document, SourceKind, SourceRecord
from cartotech.domain.participation import SystemActor
from cartotech.extract.numbers import sentence_bounds
from cartotech.extract.records import ArticleExtraction, OrgMention
from cartotech.ingest.stories import StoryIndex, StoryKind, StoryMatch
from cartotech.resolve.records import ActorCandidate, LinkStatus, MentionLink
from cartotech.store._jsontext import to_json
from cartotech.store._sql import insert_ignoring_duplicates
from cartotech.store.audit import record_audit
from cartotech.store.press_facts import derive_document_facts
from cartotech.store.schema import (
    actor_aliases,
    actors,
    documents,
    mentions,
    review_items,
    territories,
)
from cartotech.store.sources import ensure_source
from cartotech.store.stories import save_story_entry, story_parameters

__all__ = [
    "EXTRACTED_LANGUAGES",
    "DocumentReport",
    "actor_candidates",
    "document_source_key",
    "record_document",
]

#: Languages the extractor reads; other documents are stored, not extracted.
EXTRACTED_LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class DocumentReport:
    """What recording one document wrote (all zero for an exact duplicate)."""

    document_id: int | None
    content_hash: str
    story_id: str
    kind: StoryKind
    extracted: bool
    mentions: int = 0
    facts: int = 0
    relations: int = 0
    roles: int = 0
    review_items: int = 0


# --- actors as the resolver sees them ---------------------------------------


def actor_candidates(conn: Connection) -> list[ActorCandidate]:
    """Every actor with its aliases and city (commune name, else place label)."""
    aliases: dict[int, list[str]] = {}
    for actor_id, alias in conn.execute(
        select(actor_aliases.c.actor_id, actor_aliases.c.alias).order_by(
            actor_aliases.c.actor_id, actor_aliases.c.alias
        )
    ):
        aliases.setdefault(actor_id, []).append(alias)
    communes = territories.alias("communes")
    rows = conn.execute(
        select(
            actors.c.id,
            actors.c.key,
            actors.c.name,
            actors.c.type,
            actors.c.territory_id,
            actors.c.place_label,
            communes.c.name.label("commune"),
        )
        .outerjoin(
            communes,
            (communes.c.level == "commune") & (communes.c.code == actors.c.commune_code),
        )
        .order_by(actors.c.id)
    )
    return [
        ActorCandidate(
            actor_id=row.id,
            key=row.key,
            name=row.name,
            aliases=tuple(aliases.get(row.id, ())),
            type=row.type,
            city=row.commune or row.place_label,
            territory_id=row.territory_id,
        )
        for row in rows
    ]


# --- documents ----------------------------------------------------------------


def document_source_key(content_hash: str) -> str:
    return f"doc:{content_hash[:16]}"


def _document_source(conn: Connection, document: Document) -> tuple[int, str]:
    key = document_source_key(document.content_hash)
    record = SourceRecord(
        key=key,
        kind=SourceKind.DOCUMENT,
        title=document.title or document.path.name,
        file_name=document.path.name,
        url=document.url,
        published_on=document.published,
        lang=document.lang,
    )
    source_id, _ = ensure_source(conn, record)
    return source_id, key


def _skipped_reason(
    document: Document, match: StoryMatch, extraction: ArticleExtraction | None
) -> str | None:
    if match.kind is not StoryKind.NEW:
        return f"joins {match.story_id} ({match.kind.value}): extracted from its first document"
    if document.lang not in EXTRACTED_LANGUAGES:
        return f"language {document.lang!r} is not extracted"
    if extraction is None:
        return "not extracted"
    return extraction.skipped


def _document_row(
    document: Document,
    match: StoryMatch,
    extraction: ArticleExtraction | None,
    source_id: int,
) -> dict[str, Any]:
    reason = _skipped_reason(document, match, extraction)
    return {
        "source_id": source_id,
        "content_hash": document.content_hash,
        "text": document.text,
        "title": document.title,
        "url": document.url,
        "published_on": document.published,
        "lang": document.lang,
        "fmt": document.fmt,
        "locator": document.source,
        "story_id": match.story_id,
        "story_kind": match.kind.value,
        "matched_hash": match.matched_hash,
        "story_score": float(match.score),
        "extracted": extraction is not None and reason is None,
        "skipped_reason": reason,
    }


def _document_id(conn: Connection, content_hash: str) -> int | None:
    return conn.execute(
        select(documents.c.id).where(documents.c.content_hash == content_hash)
    ).scalar_one_or_none()


def record_document(
    conn: Connection,
    document: Document,
    match: StoryMatch,
    extraction: ArticleExtraction | None,
    links: Sequence[MentionLink],
    *,
    parameters: Mapping[str, Any] | None = None,
) -> DocumentReport:
    """Write ``document`` with its story, mentions, review items and facts.

    ``extraction`` is ``None`` for a document that was not extracted (it
    joins a story, or its language is not read); ``links`` are the
    resolver's decisions for its organisation mentions. ``parameters`` are
    the story index's (:func:`story_parameters`; the defaults when omitted).
    Running it again for the same document writes nothing.
    """
    if match.kind is StoryKind.EXACT:
        existing = _document_id(conn, document.content_hash)
        return DocumentReport(existing, document.content_hash, match.story_id, match.kind, False)
    save_story_entry(conn, match, parameters or story_parameters(StoryIndex()))
    source_id, source_key = _document_source(conn, document)
    if match.kind is not StoryKind.NEW:
        extraction = None  # facts come from the document that started the story
    row = _document_row(document, match, extraction, source_id)
    inserted = insert_ignoring_duplicates(conn, documents, [row])
    document_id = _document_id(conn, document.content_hash)
    assert document_id is not None  # inserted just above, or already there
    report = DocumentReport(
        document_id, document.content_hash, match.story_id, match.kind, row["extracted"]
    )
    if extraction is None or not row["extracted"]:
        return _audited(conn, report, inserted)
    written = insert_ignoring_duplicates(
        conn, mentions, _mention_rows(document_id, document.text, extraction, links)
    )
    reviews = _add_review_items(conn, document_id, links)
    derived = derive_document_facts(
        conn,
        document_id,
        text=document.text,
        source_id=source_id,
        source_key=source_key,
        as_of=document.published,
    )
    report = DocumentReport(
        document_id,
        document.content_hash,
        match.story_id,
        match.kind,
        True,
        mentions=written,
        facts=derived.facts,
        relations=derived.relations,
        roles=derived.roles,
        review_items=reviews,
    )
    return _audited(conn, report, inserted)


def _audited(conn: Connection, report: DocumentReport, inserted: int) -> DocumentReport:
    """Each new document lands in the audit log, by the press pipeline, with what it wrote."""
    if inserted:
        record_audit(conn, SystemActor.PRESS_PIPELINE, "document.record", "document",
                     report.document_id, after=asdict(report))  # fmt: skip
    return report


def _mention_row(
    document_id: int,
    text: str,
    kind: str,
    name: str,
    span: tuple[int, int],
    payload: Mapping[str, Any],
    *,
    sentence: tuple[int, int] | None = None,
    territory_id: str | None = None,
    link: MentionLink | None = None,
) -> dict[str, Any]:
    start, end = span
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"{kind} {name!r}: span {span} is outside the document's text")
    sentence_start, sentence_end = sentence or sentence_bounds(text, start)
    return {
        "document_id": document_id,
        "kind": kind,
        "name": name,
        "text": text[start:end],
        "span_start": start,
        "span_end": end,
        "sentence_start": sentence_start,
        "sentence_end": max(sentence_end, end) if sentence is None else sentence_end,
        # Only a sure link attaches the mention; a proposed one waits for review.
        "actor_id": link.actor_id if link and link.status is LinkStatus.LINKED else None,
        "territory_id": territory_id,
        "payload": to_json(dict(payload)),
        "link_status": link.status.value if link else None,
        "link_score": float(link.score) if link else None,
        "link_method": link.method if link else None,
    }


def _link_of(mention: OrgMention, links: Sequence[MentionLink]) -> MentionLink | None:
    return next((link for link in links if link.mention == mention), None)


def _mention_rows(
    document_id: int,
    text: str,
    extraction: ArticleExtraction,
    links: Sequence[MentionLink],
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for org in extraction.organizations:
        link = _link_of(org, links)
        payload: dict[str, Any] = {
            "name": org.name,
            "aliases": list(org.aliases),
            "type": org.type,
            "city": org.city,
            "evidence": org.evidence,
        }
        for span in org.spans:
            rows.append(
                _mention_row(document_id, text, "organization", org.name, span, payload, link=link)
            )
    for person in extraction.people:
        person_payload = {
            "name": person.name,
            "role": person.role,
            "organization": person.organization,
        }
        for span in person.spans:
            rows.append(
                _mention_row(document_id, text, "person", person.name, span, person_payload)
            )
    for place in extraction.places:
        place_payload = {"text": place.text, "territory_id": place.territory_id}
        for span in place.spans:
            rows.append(
                _mention_row(
                    document_id, text, "place", place.text, span, place_payload,
                    territory_id=place.territory_id,
                )
            )  # fmt: skip
    for amount in extraction.amounts:
        figure: dict[str, Any] = {
            "value": amount.value,
            "currency": amount.currency,
            "purpose": amount.purpose,
        }
        span = (amount.start, amount.end)
        rows.append(_mention_row(document_id, text, "amount", amount.text, span, figure))
    for count in extraction.counts:
        figure = {"value": count.value, "unit": count.unit, "subject": count.subject}
        span = (count.start, count.end)
        rows.append(_mention_row(document_id, text, "count", count.text, span, figure))
    for relation in extraction.relations:
        payload = {
            "subject": relation.subject,
            "predicate": relation.predicate,
            "object": relation.object,
        }
        name = f"{relation.subject}|{relation.predicate}|{relation.object}"
        span = (relation.start, relation.end)
        rows.append(_mention_row(document_id, text, "relation", name, span, payload, sentence=span))
    return rows


def _add_review_items(conn: Connection, document_id: int, links: Sequence[MentionLink]) -> int:
    """One pending item per organisation the resolver left to a person."""
    rows = []
    for link in links:
        if link.status is LinkStatus.LINKED or not link.mention.spans:
            continue
        start, end = link.mention.spans[0]
        mention_id = conn.execute(
            select(mentions.c.id).where(
                mentions.c.document_id == document_id,
                mentions.c.kind == "organization",
                mentions.c.name == link.mention.name,
                mentions.c.span_start == start,
                mentions.c.span_end == end,
            )
        ).scalar_one()
        merge = link.status is LinkStatus.REVIEW_MERGE
        rows.append(
            {
                "document_id": document_id,
                "mention_id": mention_id,
                "kind": "merge" if merge else "new_actor",
                "name": link.mention.name,
                "proposed_type": link.mention.type,
                "proposed_city": link.mention.city,
                "candidate_actor_id": link.actor_id if merge else None,
                "score": float(link.score),
                "status": "pending",
            }
        )
    return insert_ignoring_duplicates(conn, review_items, rows)

"""Writes of the press pipeline, the review queue and bulk loads land in the audit log,
in their own transaction, by the system actor or the user who decided."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from cartotech.domain import ActorRecord, ActorType, SourceKind, SourceRecord
from cartotech.domain.participation import User
from cartotech.geo import Referential
from cartotech.ingest.stories import StoryIndex
from cartotech.store import (
    accept_review_item,
    bulk_insert_actors,
    ensure_source,
    list_review_items,
    reject_review_item,
    unit_of_work,
)
from cartotech.store.audit import AuditQuery, list_audit
from tests.hand_extractor import _review_setup, read_seed, record_seed


def _entries(engine: Engine, **filters) -> list:
    with engine.connect() as conn:
        return list_audit(conn, AuditQuery(**filters)).items


def test_press_documents_and_review_decisions_are_audited(
    directory_engine: Engine, seeds_dir: Path, moderator: User
) -> None:
    _review_setup(directory_engine, seeds_dir)
    (recorded,) = _entries(directory_engine, action="document.record")
    assert recorded.who == "press-pipeline"
    assert recorded.after["review_items"] == 2
    # The same document again writes nothing, and logs nothing.
    record_seed(directory_engine, read_seed(seeds_dir, "001"), StoryIndex())
    assert len(_entries(directory_engine, action="document.record")) == 1
    with unit_of_work(directory_engine) as conn:
        items = {i["kind"]: i["id"] for i in list_review_items(conn)}
        accept_review_item(conn, items["merge"], note="same body", by=moderator)
        reject_review_item(conn, items["new_actor"], "a programme")  # from the CLI
    (accepted,) = _entries(directory_engine, action="review_item.accept")
    assert (accepted.who, accepted.user_id, accepted.note) == (
        f"user:{moderator.id}",
        moderator.id,
        "same body",
    )
    assert accepted.after["status"] == "accepted"
    assert accepted.after["actor_id"] is not None
    (rejected,) = _entries(directory_engine, action="review_item.reject")
    assert (rejected.who, rejected.note) == ("cli", "a programme")


def test_a_bulk_load_is_one_entry(directory_engine: Engine, referential: Referential) -> None:
    records = [
        ActorRecord(
            key=f"bulk-audit-{i}", name=f"Bulk {i}", type=ActorType.STARTUP, source_key="bulk-audit"
        )
        for i in range(30)
    ]
    with unit_of_work(directory_engine) as conn:
        source_id, _ = ensure_source(
            conn, SourceRecord(key="bulk-audit", kind=SourceKind.CURATED, title="Bulk")
        )
        bulk_insert_actors(conn, records, source_id, referential, batch_size=7)
    (entry,) = _entries(directory_engine, action="actor.bulk_insert")
    assert entry.who == "import"
    assert entry.after == {"inserted": 30, "source_id": source_id}

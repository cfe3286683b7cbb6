"""The bulk loader (large CSV imports, the benchmark): batches, indexes, refusal of
taken keys — on both stores, with small batches so every code path runs."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, inspect, select, text

from cartotech.domain import ActorRecord, ActorType, SourceKind, SourceRecord
from cartotech.errors import ConflictError
from cartotech.geo import get_referential
from cartotech.store import (
    ActorQuery,
    bulk_insert_actors,
    ensure_source,
    search_actors,
    unit_of_work,
)
from cartotech.store import search as search_module
from cartotech.store.schema import actor_sectors, actors

COMMUNES = ["fr:commune:59350", "fr:commune:13055", "fr:commune:33063", "fr:commune:31555"]


def _records(count: int, prefix: str = "bulk") -> list[ActorRecord]:
    return [
        ActorRecord(
            key=f"{prefix}-{i}",
            name=f"Société Numérique {i:03d}",
            type=ActorType.STARTUP if i % 2 else ActorType.INCUBATOR,
            source_key="bulk-source",
            aliases=(f"SN{i:03d}",),
            sectors=("digital", "ai") if i % 3 == 0 else ("digital",),
            territory_id=COMMUNES[i % len(COMMUNES)],
        )
        for i in range(count)
    ]


def _load(engine: Engine, records: list[ActorRecord], batch_size: int = 10) -> int:
    with unit_of_work(engine) as conn:
        source_id, _ = ensure_source(
            conn, SourceRecord(key="bulk-source", kind=SourceKind.CURATED, title="Bulk test")
        )
        return bulk_insert_actors(
            conn, records, source_id, get_referential(), batch_size=batch_size
        )


def _index_names(engine: Engine) -> set[str]:
    return {index["name"] for index in inspect(engine).get_indexes("actors")}


def test_bulk_load_in_batches_is_searchable(engine: Engine) -> None:
    indexes_before = _index_names(engine)
    assert _load(engine, _records(45)) == 45
    assert _index_names(engine) == indexes_before  # indexes set aside are rebuilt
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(actors)).scalar_one() == 45
        assert conn.execute(select(func.count()).select_from(actor_sectors)).scalar_one() == 60
        if engine.dialect.name == "sqlite":
            conn.execute(text("INSERT INTO actor_fts(actor_fts) VALUES ('integrity-check')"))
        result = search_actors(conn, ActorQuery(text="numerique 042"), get_referential())
        assert [item["key"] for item in result.items] == ["bulk-42"]
        lille = search_actors(conn, ActorQuery(territory_id="fr:commune:59350"), get_referential())
        assert lille.total == 12


def test_bulk_load_refuses_taken_keys_and_keeps_nothing(engine: Engine) -> None:
    _load(engine, _records(5))
    clash = _records(25, prefix="new") + _records(1)  # the taken key is in the third batch
    with pytest.raises(ConflictError, match="bulk-0"):
        _load(engine, clash)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(actors)).scalar_one() == 5
        result = search_actors(conn, ActorQuery(text="numerique"), get_referential())
        assert result.total == 5


def test_ids_continue_after_a_bulk_load(engine: Engine) -> None:
    from cartotech.store import upsert_actor

    _load(engine, _records(12))
    with unit_of_work(engine) as conn:
        extra = _records(1, prefix="single")[0]
        actor_id, outcome = upsert_actor(conn, extra, 1, get_referential())
    assert outcome == "created"
    assert actor_id == 13


def test_name_ordered_relevance_page_agrees_with_the_sort(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page path used for queries with thousands of matches gives the same page."""
    _load(engine, _records(40))
    queries = [ActorQuery(text="societe"), ActorQuery(text="numerique", limit=7, offset=14)]
    with engine.connect() as conn:
        expected = [search_actors(conn, q, get_referential()).items for q in queries]
        monkeypatch.setattr(search_module, "_NAME_SCAN_FROM", 0)
        forced = [search_actors(conn, q, get_referential()).items for q in queries]
    assert [[i["key"] for i in page] for page in forced] == [
        [i["key"] for i in page] for page in expected
    ]

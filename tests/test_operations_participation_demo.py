"""``build_demo`` also adds the participation demo (a candidacy, its petition with
confirmed signatures, events, funding calls), once: a second build changes no row.

The press articles are read by a hand extractor (no model to load): what is
checked here is the participation step of the build, on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from cartotech.operations import build_demo
from cartotech.store import create_store_engine
from cartotech.store.schema import (
    candidacies,
    events,
    funding_calls,
    metadata,
    petition_signatures,
    petitions,
)
from tests.hand_extractor import HandExtractor


def row_counts(database: Path) -> dict[str, int]:
    engine = create_store_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            return {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in metadata.tables.items()
            }
    finally:
        engine.dispose()


def test_build_demo_adds_the_participation_demo_once(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    report = build_demo(database, extractor=HandExtractor())
    assert report.participation.created
    summary = report.as_dict()
    assert summary["candidacies"]["created"] == 1
    assert summary["petitions"]["created"] == 1
    assert summary["events"]["created"] == 6
    assert summary["funding calls"]["created"] == 6
    counts = row_counts(database)
    assert counts[candidacies.name] == 1
    assert counts[petitions.name] == 1
    assert counts[events.name] == 6
    assert counts[funding_calls.name] == 6
    engine = create_store_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            confirmed = conn.execute(
                select(func.count())
                .select_from(petition_signatures)
                .where(petition_signatures.c.state == "confirmed")
            ).scalar_one()
    finally:
        engine.dispose()
    assert confirmed == 12

    again = build_demo(database, extractor=HandExtractor())
    assert not again.participation.created
    assert "events" not in again.as_dict()
    assert row_counts(database) == counts

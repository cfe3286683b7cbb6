"""``ingest_paths`` end to end on both stores: seeds in, stories, facts,
idempotence, resume after a crash, exact duplicates and bad files.

The seed articles are copied from ``shared/seeds`` into a temporary folder at
test time. The extractor is :class:`tests.store.test_press.HandExtractor`
(names found with ``str.find``, figures by the rule-based finders); linking
is the real resolver against the curated directory.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from cartotech.press import ingest_paths
from cartotech.store import create_store_engine
from cartotech.store.schema import documents, facts, ingest_files, mentions, metadata
from tests.store.test_press import count_rows, seed_extractor


@pytest.fixture
def press_engine(loaded_store_url: str) -> Iterator[Engine]:
    engine = create_store_engine(loaded_store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def seed_folder(seeds_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in sorted(seeds_dir.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    return folder


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the referential, in a stable order."""
    with engine.connect() as conn:
        return {
            name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr)
            for name, table in metadata.tables.items()
            if name != "territories"
        }


def test_ingesting_the_seeds_stores_stories_and_facts(
    press_engine: Engine, seed_folder: Path
) -> None:
    extractor = seed_extractor()
    calls: list[tuple[int, int]] = []
    report = ingest_paths(
        press_engine,
        seed_folder,
        extractor=extractor,
        progress=lambda done, total, _path: calls.append((done, total)),
    )
    assert (report.files_seen, report.files_done, report.files_skipped) == (5, 5, 0)
    assert dict(report.documents) == {"new": 4, "cross_language": 1}
    # 004 tells 001's story in French: joined, not extracted a second time.
    assert report.extracted == extractor.calls == 4
    assert report.facts > 0
    assert report.mentions > 0
    assert report.bad == []
    assert calls[-1] == (5, 5)
    with press_engine.connect() as conn:
        rows = {Path(r.locator).name[:3]: r for r in conn.execute(select(documents))}
        assert rows["004"].story_id == rows["001"].story_id
        assert rows["004"].story_kind == "cross_language"
        assert not rows["004"].extracted
        assert {r.status for r in conn.execute(select(ingest_files))} == {"done"}
        for fact in conn.execute(select(facts).where(facts.c.span_start.is_not(None))):
            assert fact.source_id is not None


def test_re_ingesting_the_same_folder_changes_no_row(
    press_engine: Engine, seed_folder: Path
) -> None:
    ingest_paths(press_engine, seed_folder, extractor=seed_extractor())
    counts, rows = count_rows(press_engine), snapshot(press_engine)
    again = ingest_paths(press_engine, seed_folder, extractor=seed_extractor())
    assert (again.files_skipped, again.files_done) == (5, 0)
    assert count_rows(press_engine) == counts
    assert snapshot(press_engine) == rows
    # Even with the done marks gone, every document is an exact duplicate.
    with press_engine.begin() as conn:
        conn.execute(ingest_files.delete())
    third = ingest_paths(press_engine, seed_folder, extractor=seed_extractor())
    assert dict(third.documents) == {"exact": 5}
    after = count_rows(press_engine)
    assert after == counts


def test_a_crash_keeps_the_documents_before_it_and_the_next_run_finishes(
    press_engine: Engine, seed_folder: Path
) -> None:
    crashing = seed_extractor(fail_on=3)
    with pytest.raises(RuntimeError, match="crashed on call 3"):
        ingest_paths(press_engine, seed_folder, extractor=crashing)
    with press_engine.connect() as conn:
        stored = {Path(r.locator).name[:3] for r in conn.execute(select(documents))}
        done = {Path(r.path).name[:3] for r in conn.execute(select(ingest_files))}
        assert stored == done == {"000", "001"}
        assert len(conn.execute(select(mentions.c.document_id).distinct()).all()) == 2
    report = ingest_paths(press_engine, seed_folder, extractor=seed_extractor())
    assert (report.files_skipped, report.files_done) == (2, 3)
    assert dict(report.documents) == {"new": 2, "cross_language": 1}
    with press_engine.connect() as conn:
        assert len(conn.execute(select(documents)).all()) == 5


def test_exact_duplicates_are_counted_not_stored_twice(
    press_engine: Engine, seeds_dir: Path, tmp_path: Path
) -> None:
    (seed,) = seeds_dir.glob("001_*.txt")
    shutil.copy(seed, tmp_path / "a.txt")
    shutil.copy(seed, tmp_path / "b.txt")
    report = ingest_paths(press_engine, tmp_path, extractor=seed_extractor())
    assert dict(report.documents) == {"new": 1, "exact": 1}
    assert report.files_done == 2
    with press_engine.connect() as conn:
        assert len(conn.execute(select(documents)).all()) == 1
        assert len(conn.execute(select(ingest_files)).all()) == 2


def test_bad_files_are_reported_and_the_run_goes_on(
    press_engine: Engine, seeds_dir: Path, tmp_path: Path
) -> None:
    (seed,) = seeds_dir.glob("001_*.txt")
    shutil.copy(seed, tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"text\x00\x01\x02 more")
    (tmp_path / "archive.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    (tmp_path / "latin1.txt").write_bytes("Café à Lyon, été 2019.".encode("latin-1"))
    (tmp_path / "huge.txt").write_text("mot " * 20_000, encoding="utf-8")
    report = ingest_paths(press_engine, tmp_path, extractor=seed_extractor(), max_bytes=50_000)
    reasons = {item.path.name: item.reason for item in report.bad}
    assert set(reasons) == {"empty.txt", "binary.txt", "archive.zip", "latin1.txt", "huge.txt"}
    assert reasons["empty.txt"] == "empty"
    assert "binary" in reasons["binary.txt"]
    assert "zip archive" in reasons["archive.zip"]
    assert "not UTF-8" in reasons["latin1.txt"]
    assert "limit" in reasons["huge.txt"]
    assert dict(report.documents) == {"new": 1}
    counts = count_rows(press_engine)
    again = ingest_paths(press_engine, tmp_path, extractor=seed_extractor(), max_bytes=50_000)
    assert {item.path.name for item in again.bad} == set(reasons)  # reported every run
    assert count_rows(press_engine) == counts


def test_a_missing_path_is_a_bad_input(press_engine: Engine, tmp_path: Path) -> None:
    report = ingest_paths(press_engine, [tmp_path / "nowhere"], extractor=seed_extractor())
    assert [item.reason for item in report.bad] == ["no such file or folder"]
    assert report.files_seen == 0

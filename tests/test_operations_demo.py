"""``build_demo``: the referential, the curated directory and the demo press
articles, on a real SQLite file with the real spaCy extractor.

The demo is built once for the module (the session ``extractor`` fixture
stands in for the directory-fed one ``build_demo`` loads by itself, so the
models are loaded once for the whole run); the re-run test works on a copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from cartotech.operations import DemoReport, build_demo, demo_press_paths
from cartotech.store import create_store_engine
from cartotech.store.press_review import actor_press_review
from cartotech.store.schema import (
    actors,
    documents,
    facts,
    ingest_files,
    mentions,
    metadata,
    sources,
)

NAUTILOOP_FR = "2025-03-18-nautiloop-leve-1-2-million.md"
NAUTILOOP_EN = "2025-03-19-nautiloop-raises-1-2-million.md"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, extractor: Any) -> tuple[Path, DemoReport]:
    """The demo database, built the way `cartotech demo` does (no extractor
    given), the real extractor being the already-loaded one."""
    database = tmp_path_factory.mktemp("demo") / "demo.db"
    loads: list[Any] = []

    def load_once(actors: Any) -> Any:
        loads.append(actors)
        return extractor

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("cartotech.press.load_extractor", load_once)
        report = build_demo(database)
    assert len(loads) == 1, "the extractor is loaded once, when the first article needs it"
    return database, report


@pytest.fixture
def demo_engine(demo: tuple[Path, DemoReport]) -> Iterator[Engine]:
    engine = create_store_engine(f"sqlite:///{demo[0]}")
    yield engine
    engine.dispose()


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }


def test_the_demo_articles_are_the_markdown_files_but_the_readme() -> None:
    names = [path.name for path in demo_press_paths()]
    assert len(names) == 6
    assert "README.md" not in names
    assert all(name.endswith(".md") for name in names)
    assert names.index(NAUTILOOP_FR) < names.index(NAUTILOOP_EN)


def test_build_demo_reports_the_directory_and_the_articles(
    demo: tuple[Path, DemoReport],
) -> None:
    _, report = demo
    assert report.press.bad == []
    assert (report.press.files_seen, report.press.files_done) == (6, 6)
    assert dict(report.press.documents) == {"new": 5, "cross_language": 1}
    assert report.press.extracted == 5
    summary = report.as_dict()
    assert summary["articles"] == {"created": 6, "updated": 0, "unchanged": 0}
    assert summary["actors"]["created"] > 0


def test_the_readme_of_the_press_folder_is_not_ingested(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        locators = [Path(loc).name for loc in conn.execute(select(documents.c.locator)).scalars()]
        files = [Path(path).name for path in conn.execute(select(ingest_files.c.path)).scalars()]
        titles = list(conn.execute(select(documents.c.title)).scalars())
    assert sorted(locators) == sorted(path.name for path in demo_press_paths())
    assert "README.md" not in files
    assert len(files) == 6
    assert "Demo press articles" not in titles


def test_the_french_and_english_nautiloop_articles_are_one_story(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        rows = {Path(row.locator).name: row for row in conn.execute(select(documents)).all()}
        french, english = rows[NAUTILOOP_FR], rows[NAUTILOOP_EN]
        assert (french.lang, english.lang) == ("fr", "en")
        assert english.story_id == french.story_id
        assert (french.story_kind, english.story_kind) == ("new", "cross_language")
        assert french.extracted
        assert not english.extracted
        others = [row for name, row in rows.items() if name not in (NAUTILOOP_FR, NAUTILOOP_EN)]
        assert french.story_id not in {row.story_id for row in others}


def test_the_demo_has_sourced_facts_and_a_press_review(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        from_articles = conn.execute(
            select(func.count())
            .select_from(facts.join(sources, sources.c.id == facts.c.source_id))
            .where(sources.c.kind == "document", facts.c.span_start.is_not(None))
        ).scalar_one()
        assert from_articles > 0
        linked = conn.execute(
            select(func.count()).where(mentions.c.actor_id.is_not(None))
        ).scalar_one()
        assert linked > 0
        zebox = conn.execute(select(actors.c.id).where(actors.c.name == "ZeBox")).scalar_one()
        review = actor_press_review(conn, zebox)
    assert review.total == 1
    (article,) = review.items
    assert article["title"].startswith("Marseille : Nautiloop lève 1,2 M€")
    assert [v["lang"] for v in article["other_versions"]] == ["en"]
    quoted = {s["text"][a:b] for s in article["sentences"] for a, b in s["highlights"]}
    assert quoted == {"ZeBox"}


def test_building_the_demo_again_changes_no_row_and_loads_no_model(
    demo: tuple[Path, DemoReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "demo.db"
    shutil.copyfile(demo[0], database)
    engine = create_store_engine(f"sqlite:///{database}")
    try:
        before = row_counts(engine)
        assert before["documents"] == 6

        def no_load(_actors: Any) -> Any:
            raise AssertionError("an up-to-date demo needs no extractor")

        monkeypatch.setattr("cartotech.press.load_extractor", no_load)
        report = build_demo(database)
        assert row_counts(engine) == before
    finally:
        engine.dispose()
    assert report.press.files_skipped == 6
    assert report.as_dict()["articles"] == {"created": 0, "updated": 0, "unchanged": 6}
    assert not report.directory.changed

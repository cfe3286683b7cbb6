"""``ingest_paths`` end to end on both stores: articles in, stories, facts,
idempotence, resume after a crash, exact duplicates and bad files.

The articles are ours (``tests/press_support.py``), written to a temporary
folder; the extractor is the real one (the session's ``extractor`` fixture),
linking is the real resolver against the curated directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, event, select

from cartotech.press import ArticleExtractor, ingest_paths
from cartotech.resolve.records import ActorCandidate
from cartotech.store.schema import documents, facts, ingest_files, mentions
from tests.press_support import (
    PORT_FR,
    CountingExtractor,
    ExtractorCrash,
    count_rows,
    snapshot,
    write_articles,
)


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "articles")


def test_ingesting_the_articles_stores_stories_and_facts(
    directory_engine: Engine, articles: Path, extractor: ArticleExtractor
) -> None:
    counting = CountingExtractor(extractor)
    calls: list[tuple[int, int]] = []
    report = ingest_paths(
        directory_engine,
        articles,
        extractor=counting,
        progress=lambda done, total, _path: calls.append((done, total)),
    )
    assert (report.files_seen, report.files_done, report.files_skipped) == (5, 5, 0)
    assert dict(report.documents) == {"new": 4, "cross_language": 1}
    # 02 tells 01's story in English: joined, not extracted a second time.
    assert report.extracted == counting.calls == 4
    assert report.facts > 0
    assert report.mentions > 0
    assert report.bad == []
    assert calls[-1] == (5, 5)
    with directory_engine.connect() as conn:
        rows = {Path(r.locator).name[:2]: r for r in conn.execute(select(documents))}
        assert rows["02"].story_id == rows["01"].story_id
        assert rows["02"].story_kind == "cross_language"
        assert not rows["02"].extracted
        assert {r.status for r in conn.execute(select(ingest_files))} == {"done"}
        # Each mention cites its document and the span of the text it names.
        texts = {r.id: r.text for r in rows.values()}
        for mention in conn.execute(select(mentions)):
            assert texts[mention.document_id][mention.span_start : mention.span_end] == mention.text
        # Each fact read from an article cites that article's source and a span.
        document_sources = {r.source_id for r in rows.values()}
        cited = conn.execute(select(facts).where(facts.c.source_id.in_(document_sources))).all()
        assert len(cited) == report.facts
        for fact in cited:
            assert fact.span_start is not None
            assert fact.span_end is not None


def test_re_ingesting_the_same_folder_changes_no_row(
    directory_engine: Engine, articles: Path, extractor: ArticleExtractor
) -> None:
    ingest_paths(directory_engine, articles, extractor=extractor)
    counts, rows = count_rows(directory_engine), snapshot(directory_engine)
    again = ingest_paths(directory_engine, articles, extractor=extractor)
    assert (again.files_skipped, again.files_done) == (5, 0)
    assert count_rows(directory_engine) == counts
    assert snapshot(directory_engine) == rows
    # Even with the done marks gone, every document is an exact duplicate.
    with directory_engine.begin() as conn:
        conn.execute(ingest_files.delete())
    third = ingest_paths(directory_engine, articles, extractor=extractor)
    assert dict(third.documents) == {"exact": 5}
    after = count_rows(directory_engine)
    assert after == counts


def test_a_crash_keeps_the_documents_before_it_and_the_next_run_finishes(
    directory_engine: Engine, articles: Path, extractor: ArticleExtractor
) -> None:
    crashing = CountingExtractor(extractor, crash_on=3)
    with pytest.raises(ExtractorCrash, match="crashed on call 3"):
        ingest_paths(directory_engine, articles, extractor=crashing)
    with directory_engine.connect() as conn:
        stored = {Path(r.locator).name[:2] for r in conn.execute(select(documents))}
        done = {Path(r.path).name[:2] for r in conn.execute(select(ingest_files))}
        # 01 and 03 extracted, 02 joined 01's story; 04 crashed and left nothing.
        assert stored == done == {"01", "02", "03"}
        assert len(conn.execute(select(mentions.c.document_id).distinct()).all()) == 2
    report = ingest_paths(directory_engine, articles, extractor=extractor)
    assert (report.files_skipped, report.files_done) == (3, 2)
    assert dict(report.documents) == {"new": 2}
    with directory_engine.connect() as conn:
        assert len(conn.execute(select(documents)).all()) == 5


def test_exact_duplicates_are_counted_not_stored_twice(
    directory_engine: Engine, tmp_path: Path, extractor: ArticleExtractor
) -> None:
    (tmp_path / "a.txt").write_text(PORT_FR, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PORT_FR, encoding="utf-8")
    report = ingest_paths(directory_engine, tmp_path, extractor=extractor)
    assert dict(report.documents) == {"new": 1, "exact": 1}
    assert report.files_done == 2
    with directory_engine.connect() as conn:
        assert len(conn.execute(select(documents)).all()) == 1
        assert len(conn.execute(select(ingest_files)).all()) == 2


def test_bad_files_are_reported_and_the_run_goes_on(
    directory_engine: Engine, tmp_path: Path, extractor: ArticleExtractor
) -> None:
    (tmp_path / "good.txt").write_text(PORT_FR, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"text\x00\x01\x02 more")
    (tmp_path / "archive.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    (tmp_path / "latin1.txt").write_bytes("Café à Lyon, été 2019.".encode("latin-1"))
    (tmp_path / "huge.txt").write_text("mot " * 20_000, encoding="utf-8")
    report = ingest_paths(directory_engine, tmp_path, extractor=extractor, max_bytes=50_000)
    reasons = {item.path.name: item.reason for item in report.bad}
    assert set(reasons) == {"empty.txt", "binary.txt", "archive.zip", "latin1.txt", "huge.txt"}
    assert reasons["empty.txt"] == "empty"
    assert "binary" in reasons["binary.txt"]
    assert "zip archive" in reasons["archive.zip"]
    assert "not UTF-8" in reasons["latin1.txt"]
    assert "limit" in reasons["huge.txt"]
    assert dict(report.documents) == {"new": 1}
    counts = count_rows(directory_engine)
    again = ingest_paths(directory_engine, tmp_path, extractor=extractor, max_bytes=50_000)
    assert {item.path.name for item in again.bad} == set(reasons)  # reported every run
    assert count_rows(directory_engine) == counts


def test_a_missing_path_is_a_bad_input(
    directory_engine: Engine, tmp_path: Path, extractor: ArticleExtractor
) -> None:
    report = ingest_paths(directory_engine, [tmp_path / "nowhere"], extractor=extractor)
    assert [item.reason for item in report.bad] == ["no such file or folder"]
    assert report.files_seen == 0


def test_the_default_extractor_is_fed_the_actors_the_run_read_once(
    directory_engine: Engine,
    articles: Path,
    extractor: ArticleExtractor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without an extractor, the run loads the real one when the first article
    needs it, its gazetteer fed with the directory it read for the resolver:
    one read of the actors, one load; a run with nothing to do loads nothing."""
    loads: list[list[ActorCandidate]] = []

    def load_once(actors: list[ActorCandidate]) -> ArticleExtractor:
        loads.append(list(actors))
        return extractor  # the session's, not a second load of the models

    alias_reads: list[str] = []

    def count_alias_reads(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "FROM actor_aliases" in statement:
            alias_reads.append(statement)

    monkeypatch.setattr("cartotech.press.load_extractor", load_once)
    event.listen(directory_engine, "before_cursor_execute", count_alias_reads)
    report = ingest_paths(directory_engine, articles)
    assert report.extracted == 4
    assert len(alias_reads) == 1
    (actors,) = loads
    assert {"ZeBox", "Euratechnologies", "Bpifrance"} <= {actor.name for actor in actors}
    again = ingest_paths(directory_engine, articles)
    assert again.files_skipped == 5
    assert len(loads) == 1

"""``cartotech ingest`` and ``cartotech review`` as a user runs them, on
articles of our own (``tests/press_support.py``).

``load_extractor``, which ingestion calls when the first article needs
extracting, is pointed at the session's real extractor (the models without the
directory gazetteer) so that the models load once for the whole suite, not
once per command.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cartotech.cli import app
from tests.press_support import write_articles

runner = CliRunner()


@pytest.fixture(autouse=True)
def loaded_once(monkeypatch: pytest.MonkeyPatch, extractor: Any) -> None:
    monkeypatch.setattr("cartotech.press.load_extractor", lambda _actors: extractor)


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = write_articles(tmp_path / "articles")
    (folder / "empty.txt").write_bytes(b"")
    return folder


def test_ingest_prints_a_summary_and_the_bad_inputs(loaded_store_url: str, articles: Path) -> None:
    result = runner.invoke(app, ["ingest", str(articles), "--db", loaded_store_url])
    assert result.exit_code == 0, result.output
    assert "documents new" in result.stdout
    assert "1 bad inputs" in result.stdout
    assert "empty.txt" in result.stdout


def test_ingest_says_when_it_loads_the_extraction_models(
    monkeypatch: pytest.MonkeyPatch, loaded_store_url: str, articles: Path
) -> None:
    # A terminal, where the progress bar shows (it leaves nothing in a pipe's output).
    terminal = io.StringIO()
    monkeypatch.setattr("cartotech.cli.console", Console(file=terminal, force_terminal=True))
    first = runner.invoke(app, ["ingest", str(articles), "--db", loaded_store_url])
    assert first.exit_code == 0, first.output
    assert "Loading the extraction models" in terminal.getvalue()
    terminal.seek(0)
    terminal.truncate()
    # Every file done before: no model to load, nothing said about it.
    again = runner.invoke(app, ["ingest", str(articles), "--db", loaded_store_url])
    assert again.exit_code == 0, again.output
    assert "files skipped" in terminal.getvalue()
    assert "Loading the extraction models" not in terminal.getvalue()


def test_ingest_json_then_again_skips_every_file(loaded_store_url: str, articles: Path) -> None:
    first = runner.invoke(app, ["ingest", str(articles), "--db", loaded_store_url, "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["documents"] == {"new": 4, "exact": 0, "near": 0, "cross_language": 1}
    assert [bad["reason"] for bad in report["bad"]] == [f"{articles / 'empty.txt'}: empty"]
    again = json.loads(
        runner.invoke(app, ["ingest", str(articles), "--db", loaded_store_url, "--json"]).stdout
    )
    assert again["files"] == {"seen": 6, "done": 0, "skipped": 5}


def test_review_list_accept_reject(loaded_store_url: str, articles: Path) -> None:
    db = ["--db", loaded_store_url]
    assert runner.invoke(app, ["ingest", str(articles), *db, "--json"]).exit_code == 0
    listed = runner.invoke(app, ["review", "list", *db, "--json"])
    assert listed.exit_code == 0, listed.output
    items = json.loads(listed.stdout)
    assert items
    assert all(item["status"] == "pending" and item["sentence"] for item in items)
    assert len(items) >= 2
    first, second = items[0]["id"], items[-1]["id"]

    accepted = runner.invoke(app, ["review", "accept", str(first), *db, "--type", "company"])
    assert accepted.exit_code == 0, accepted.output
    assert f"Item {first} accepted" in accepted.stdout
    twice = runner.invoke(app, ["review", "accept", str(first), *db])
    assert twice.exit_code == 1
    assert f"Error: review item {first} is already accepted" in twice.stderr

    rejected = runner.invoke(app, ["review", "reject", str(second), "--reason", "noise", *db])
    assert rejected.exit_code == 0, rejected.output
    assert f"Item {second} rejected" in rejected.stdout
    unknown = runner.invoke(app, ["review", "reject", "99999", "--reason", "x", *db])
    assert unknown.exit_code == 1
    assert "Error: no review item 99999" in unknown.stderr
    table = runner.invoke(app, ["review", "list", "--status", "all", *db])
    assert table.exit_code == 0
    assert "accepted" in table.stdout


def test_review_reject_needs_a_reason_and_list_a_known_status(loaded_store_url: str) -> None:
    assert runner.invoke(app, ["review", "reject", "1", "--db", loaded_store_url]).exit_code == 2
    bogus = runner.invoke(app, ["review", "list", "--status", "maybe", "--db", loaded_store_url])
    assert bogus.exit_code == 1
    assert "unknown review status 'maybe'" in bogus.stderr

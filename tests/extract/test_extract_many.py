"""Extractor.extract_many: one spaCy stream per language for the whole run, results in
input order whatever the mix of languages, bounded read-ahead, same results with workers."""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterator
from typing import Any

import pytest

from cartotech.extract import pipeline
from cartotech.extract.pipeline import ArticleInput

# Short sentences written for these tests; the amount (i + 1 millions) tells items apart.
FRENCH = "La start-up Vorlane{i}, installée à Lyon, lève {n} millions d'euros."
ENGLISH = "The Rennes startup Quibbly{i} raised {n} million euros from investors."
OTHER = "Das Startup Kelmo{i} sammelt {n} Millionen Euro in Berlin."


def mixed_items(count: int) -> list[ArticleInput]:
    """fr, en and an unextracted language interleaved irregularly (runs of one
    language, then alternation), so that each language's stream is fed out of step."""
    pattern = ["fr", "fr", "en", "de", "fr", "en", "en", "en", "de", "fr", "en", "fr", "de"]
    texts = {"fr": FRENCH, "en": ENGLISH, "de": OTHER}
    return [
        ArticleInput(texts[lang].format(i=i, n=i + 1), lang, "2024-03-01")
        for i, lang in zip(range(count), itertools.cycle(pattern), strict=False)
    ]


def amounts(extraction: Any) -> list[int]:
    return [amount.value for amount in extraction.amounts]


def assert_in_input_order(items: list[ArticleInput], results: list[Any]) -> None:
    assert len(results) == len(items)
    for i, (item, result) in enumerate(zip(items, results, strict=True)):
        assert result.lang == item.lang, i
        if item.lang == "de":
            assert result.skipped, i
        else:
            assert not result.skipped, i
            assert amounts(result) == [(i + 1) * 1_000_000], i


def test_mixed_languages_come_out_in_input_order(extractor: Any) -> None:
    items = mixed_items(39)
    assert_in_input_order(items, list(extractor.extract_many(items)))


def test_generator_input_is_read_as_needed(extractor: Any) -> None:
    items = mixed_items(26)
    read: list[int] = []

    def generate() -> Iterator[ArticleInput]:
        for i, item in enumerate(items):
            read.append(i)
            yield item

    results = list(extractor.extract_many(generate()))
    assert read == list(range(len(items)))
    assert_in_input_order(items, results)


def test_endless_input_yields_without_reading_it_all(extractor: Any) -> None:
    endless = (ArticleInput(FRENCH.format(i=i, n=i + 1), "fr") for i in itertools.count())
    first = list(itertools.islice(extractor.extract_many(endless), 3))
    assert [amounts(e) for e in first] == [[1_000_000], [2_000_000], [3_000_000]]


def test_window_full_of_other_languages_still_flows(
    extractor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WINDOW_OF_FOUR: with at most four items read ahead, a language whose next item
    lies beyond the window gets empty filler docs, which never reach the caller."""
    monkeypatch.setattr(pipeline, "_WINDOW", 4)
    items = mixed_items(26)
    assert_in_input_order(items, list(extractor.extract_many(items)))


def test_two_processes_match_one_on_mixed_languages(
    extractor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "_WINDOW", 8)  # fillers cross the workers too
    items = mixed_items(52)
    single = [e.to_gold() for e in extractor.extract_many(items)]
    double = [e.to_gold() for e in extractor.extract_many(items, n_process=2)]
    assert single == double
    assert_in_input_order(items, list(extractor.extract_many(items, n_process=2)))


def test_stopping_early_ends_the_workers(extractor: Any) -> None:
    before = set(multiprocessing.active_children())
    results = extractor.extract_many(mixed_items(52), n_process=2)
    assert amounts(next(results)) == [1_000_000]
    results.close()
    assert set(multiprocessing.active_children()) <= before


def test_empty_input_gives_nothing(extractor: Any) -> None:
    assert list(extractor.extract_many([], n_process=2)) == []
